"""The on-disk layout of one built index, and the atomic CURRENT pointer.

``<index_root>/<kb_version>/`` holds one complete build; ``<index_root>/CURRENT``
names the build being served. A build is written to a temporary folder,
renamed into place, and only then is CURRENT swapped with ``os.replace``, so a
crash at any point leaves the previous build serving.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

POINTER = "CURRENT"
MANIFEST = "manifest.json"
QUESTION_TYPES_FILE = "question_types.npy"  # (articles, types), see indexer.text
# What this code writes and reads. 2: question types per article, colloquial
# verb forms in the text tables. 3: the request classifiers are
# indexer.linear models over block features, not scikit-learn estimators.
# An index of another format is not served: the text preparation of its
# documents, or the classifiers' interface, no longer matches the engine's.
FORMAT_VERSION = 3
_VERSION_OK = re.compile(r"^[A-Za-z0-9._-]+$")


class IndexNotFound(FileNotFoundError):
    """No built index where one was expected; the message says how to build one."""


@dataclass(frozen=True)
class IndexLocation:
    """A resolved build folder and the version it serves."""

    root: Path
    version: str

    @property
    def path(self) -> Path:
        return self.root / self.version


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_pointer(root: Path | str) -> IndexLocation:
    """The build that CURRENT names.

    Raises:
        IndexNotFound: no pointer or the folder it names is incomplete.
    """
    root = Path(root)
    pointer = root / POINTER
    if not pointer.is_file():
        raise IndexNotFound(f"no index at {root}: run 'sigap index build' first")
    version = pointer.read_text(encoding="utf-8").strip()
    loc = IndexLocation(root, version)
    if not (loc.path / MANIFEST).is_file():
        raise IndexNotFound(
            f"index {version} named by {pointer} is missing or incomplete; "
            "run 'sigap index build' again"
        )
    try:
        found = json.loads((loc.path / MANIFEST).read_text(encoding="utf-8")).get("format_version")
    except (OSError, ValueError, AttributeError):
        found = None
    if found != FORMAT_VERSION:
        raise IndexNotFound(
            f"index {version} has format {found}, this SIGAP reads format {FORMAT_VERSION}; "
            "run 'sigap index build' to rebuild it"
        )
    return loc


def staging_dir(root: Path | str, version: str) -> Path:
    """A fresh temporary folder beside the builds, on the same filesystem."""
    if not _VERSION_OK.match(version):
        raise ValueError(f"invalid index version {version!r}")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".build-{version}-", dir=root))


def commit_build(staging: Path, root: Path | str, version: str) -> IndexLocation:
    """Move a finished staging folder into place and point CURRENT at it."""
    root = Path(root)
    if not (staging / MANIFEST).is_file():
        raise ValueError(f"{staging} has no {MANIFEST}: refusing to publish an incomplete build")
    final = root / version
    if final.exists():
        # Same KB version rebuilt (new config or encoder): move the old aside
        # first so the rename below is atomic.
        old = Path(tempfile.mkdtemp(prefix=f".old-{version}-", dir=root))
        os.replace(final, old / "build")
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, final)
    tmp = root / f".{POINTER}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / POINTER)
    _fsync_dir(root)
    return IndexLocation(root, version)


def write_json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )


def clean_stale_staging(root: Path | str) -> list[Path]:
    """Remove leftovers of crashed builds (never a published build)."""
    root = Path(root)
    removed = []
    for p in root.glob(".build-*"):
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed
