"""``sigap suggest``, exactly as suggest-contract.md describes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from sigap.cli import CLIError


def _load_engine():
    from indexer.artifacts import IndexNotFound
    from suggest.engine import Engine

    try:
        return Engine.load()
    except IndexNotFound as exc:
        raise CLIError(f"{exc} (after 'sigap kb import')", 2) from exc
    except ValueError as exc:
        raise CLIError(str(exc), 2) from exc


def _human(result) -> str:
    d = result.to_dict()
    lines = [
        f"Kategori: {d['category']['code']} ({d['category']['confidence']:.2f})   "
        f"Jenis: {d['jenis']['code']} ({d['jenis']['confidence']:.2f})"
    ]
    for f in d["flags"]:
        lines.append(f"[!] {f['code']}: {f['reason']}")
    if d["corrections"]:
        lines.append(
            "Koreksi ejaan: " + ", ".join(f"{a}->{b}" for a, b in d["corrections"].items())
        )
    for i, s in enumerate(d["suggestions"], 1):
        lines.append(f"{i}. [{s['score']:.2f}] {s['title']}  ({s['article_id']}, {s['category']})")
        lines.append(f"   cocok: {s['matched']}")
    if not d["suggestions"]:
        lines.append("(tidak ada saran)")
    lines.append(f"KB {d['kb_version']}, {d['latency_ms']:.1f} ms")
    return "\n".join(lines)


def _batch(engine, source: TextIO, args: argparse.Namespace) -> int:
    from suggest.engine import QueryError

    bad = 0
    for lineno, line in enumerate(source, 1):
        query = line.rstrip("\n")
        try:
            record = engine.suggest(query, k=args.k, desk=args.desk).to_dict()
        except QueryError as exc:
            bad += 1
            record = {"query": query, "line": lineno, "error": str(exc)}
        print(json.dumps(record, ensure_ascii=False), flush=False)
    sys.stdout.flush()
    return 0 if bad == 0 else 1


def _suggest(args: argparse.Namespace) -> int:
    from suggest.engine import QueryError

    if args.k < 1:
        raise CLIError("--k must be at least 1")
    if args.batch is not None:
        if args.query:
            raise CLIError("give either a query or --batch FILE, not both")
        if not args.json:
            raise CLIError("--batch writes JSON Lines: add --json")
        if args.batch == "-":
            engine = _load_engine()
            return _batch(engine, sys.stdin, args)
        try:
            fh = open(args.batch, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CLIError(f"cannot read batch file {args.batch}: {exc.strerror}") from exc
        with fh:
            engine = _load_engine()
            try:
                return _batch(engine, fh, args)
            except UnicodeDecodeError as exc:
                raise CLIError(f"batch file {args.batch} is not UTF-8 text: {exc}") from exc
    if not args.query:
        raise CLIError('no query: sigap suggest "lupa efin gmn" (or --json --batch FILE)')
    query = " ".join(args.query)
    engine = _load_engine()
    try:
        engine.check_query(query)
        result = engine.suggest(query, k=args.k, desk=args.desk)
    except QueryError as exc:
        raise CLIError(str(exc)) from exc
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else _human(result))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("suggest", help="suggest KB answers for a caller's question")
    p.add_argument("query", nargs="*", help="the question as the agent typed it")
    p.add_argument("--json", action="store_true", help="one JSON object (JSON Lines in batch)")
    p.add_argument(
        "--batch", metavar="FILE", default=None, help="one query per line; '-' reads standard input"
    )
    p.add_argument("--k", type=int, default=5, help="how many suggestions (default 5)")
    p.add_argument(
        "--desk",
        choices=("djp", "samsat", "all"),
        default=None,
        help="restrict to one desk (default: SIGAP_DESK, else all)",
    )
    p.set_defaults(handler=_suggest)
