"""``sigap kb ...``: validate, import, export, list, show, history."""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from kb.categories import DESKS, load_codes
from kb.schema import STATUSES
from kb.store import ArticleVersion, ImportFailed, KBStore, KBStoreError
from kb.validate import validate_paths
from sigap.cli import CLIError
from sigap.db import make_engine, upgrade_database
from sigap.settings import get_settings

StoreHandler = Callable[[argparse.Namespace, KBStore], int]


def _validate(args: argparse.Namespace) -> int:
    report = validate_paths(args.path)
    for problem in report.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    n_err, n_warn = len(report.errors), len(report.problems) - len(report.errors)
    status = "OK" if report.ok else "FAILED"
    print(f"{status}: {len(report.articles)} valid articles, {n_err} errors, {n_warn} warnings")
    return 0 if report.ok else 1


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name, e.g. an arbitrary uid in a container
        return "cli"


def _db_error(url: str, exc: SQLAlchemyError) -> CLIError:
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        where = "(unparsable SIGAP_DATABASE_URL)"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return CLIError(f"database {where}: {reason}", code=1)


def with_store(handler: StoreHandler) -> Callable[[argparse.Namespace], int]:
    """Open the configured store (migrated to the newest schema) around ``handler``.

    Store errors become one-line :class:`CLIError` messages.
    """

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        url = get_settings().database_url
        try:
            engine = make_engine(url)
        except SQLAlchemyError as exc:
            raise _db_error(url, exc) from exc
        try:
            upgrade_database(engine)
            return handler(args, KBStore(engine))
        except KBStoreError as exc:
            raise CLIError(str(exc), code=1) from exc
        except SQLAlchemyError as exc:
            raise _db_error(url, exc) from exc
        finally:
            engine.dispose()

    return run


@with_store
def _import(args: argparse.Namespace, store: KBStore) -> int:
    actor = args.actor or _default_actor()
    try:
        result = store.import_path(args.path, actor=actor)
    except ImportFailed as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"FAILED: {len(exc.problems)} errors; nothing written", file=sys.stderr)
        return 1
    if args.quiet:
        return 0
    for problem in result.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    print(
        f"imported: {len(result.created)} created, {len(result.new_versions)} new versions, "
        f"{len(result.unchanged)} unchanged; published state {store.kb_version()}"
    )
    return 0


def _write_atomically(path: Path, write: Callable[[Any], int]) -> int:
    # A failed export must not leave half a file where a good one was.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            count = write(fp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


@with_store
def _export(args: argparse.Namespace, store: KBStore) -> int:
    if args.output is None:
        store.export_jsonl(sys.stdout)
        return 0
    output = Path(args.output)
    try:
        count = _write_atomically(output, store.export_jsonl)
    except OSError as exc:
        raise CLIError(f"cannot write {output}: {exc.strerror or exc}", code=1) from exc
    print(f"exported {count} published articles to {output}", file=sys.stderr)
    return 0


def _table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


@with_store
def _list(args: argparse.Namespace, store: KBStore) -> int:
    versions = store.list_articles(status=args.status, desk=args.desk, category=args.category)
    if not versions:
        print("no articles match", file=sys.stderr)
        return 0
    rows = [
        (v.id, f"v{v.version}", v.status, v.article.category, v.article.title) for v in versions
    ]
    _table(rows)
    print(f"{len(versions)} articles", file=sys.stderr)
    return 0


class _ArticleDumper(yaml.SafeDumper):
    """YAML as articles are written by hand: multi-line text as ``|`` blocks."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ArticleDumper.add_representer(str, _represent_str)


def _as_yaml(version: ArticleVersion) -> str:
    return yaml.dump(
        version.to_record(), Dumper=_ArticleDumper, allow_unicode=True, sort_keys=False, width=100
    )


@with_store
def _show(args: argparse.Namespace, store: KBStore) -> int:
    print(_as_yaml(store.get(args.id, args.version)), end="")
    return 0


@with_store
def _history(args: argparse.Namespace, store: KBStore) -> int:
    rows = [
        (
            f"v{v.version}",
            v.status,
            v.updated_at.isoformat(timespec="seconds"),
            v.updated_by,
            v.article.title,
        )
        for v in store.history(args.id)
    ]
    _table(rows)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="knowledge base: validate, import, export, browse")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION")
    kb_sub.required = True

    p = kb_sub.add_parser("validate", help="check article files; writes nothing")
    p.add_argument("path", nargs="?", default=None, help="file or folder (default: kb/data)")
    p.set_defaults(handler=_validate)

    p = kb_sub.add_parser("import", help="validate, then import articles into the store")
    p.add_argument("path", nargs="?", default=None, help="YAML file or folder, or a .jsonl export")
    p.add_argument("--quiet", action="store_true", help="print nothing unless it fails")
    p.add_argument("--actor", default=None, help="who imports, for the audit log")
    p.set_defaults(handler=_import)

    p = kb_sub.add_parser("export", help="write the published articles")
    p.add_argument("--format", choices=("jsonl",), default="jsonl", help="output format")
    p.add_argument("--output", default=None, help="file to write (default: stdout)")
    p.set_defaults(handler=_export)

    p = kb_sub.add_parser("list", help="articles in the store (current versions)")
    p.add_argument("--desk", choices=DESKS, default=None, help="only this desk")
    p.add_argument("--category", choices=load_codes().kb_topics, default=None, help="topic")
    p.add_argument("--status", choices=STATUSES, default=None, help="versions in this status")
    p.set_defaults(handler=_list)

    p = kb_sub.add_parser("show", help="one article as YAML")
    p.add_argument("id", help="article id")
    p.add_argument("--version", type=int, default=None, help="version (default: current)")
    p.set_defaults(handler=_show)

    p = kb_sub.add_parser("history", help="every version of one article")
    p.add_argument("id", help="article id")
    p.set_defaults(handler=_history)
