"""The gold set: loading, format checks, the fixed dev/test split, independence.

File: ``evaluation/gold/gold.jsonl``, one JSON object per line::

    {"qid": "g0001", "query": "lupa efin gmn", "article_ids": ["djp-akun-lupa-efin"],
     "category": "DJP-AKUN", "jenis": "INFORMASI", "flags": [], "desk": "djp",
     "tags": ["typo"]}

- ``article_ids``: every article that answers the query acceptably; an empty
  list means the KB cannot answer it (then ``flags`` holds ``tidak_ada_di_kb``).
- ``category``, ``jenis``, ``flags``: codes of matrix-category.md; ``desk``:
  ``djp``, ``samsat`` or ``none`` (only for ``LAINNYA``). ``tags`` is optional
  and free-form (``typo``, ``slang``, ...), used to slice results.

The split is computed, not stored: a query is in ``dev`` when the first 8
bytes of ``sha256("sigap-gold-v1:" + qid)``, read as a fraction of 2**64, are
below 0.30; otherwise it is in ``test``. A hash of the qid alone keeps every
query in its split when queries are added or removed (a stratified split
would reshuffle), and about 30% of every category lands in dev on average;
``sigap eval check-gold`` prints the counts per category and split so a
lopsided category is visible.

Independence: a gold query must not be a copy of an article title or
question variant or of a training example. The check normalises both sides
with :func:`indexer.text.normalize` and fails at a RapidFuzz
``token_sort_ratio`` above :data:`INDEPENDENCE_THRESHOLD` (90 out of 100).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from indexer.text import normalize, tokenize
from kb.categories import OUT_OF_SCOPE, load_codes
from kb.schema import Article
from kb.training import TrainingExample

GOLD_FILE = Path(__file__).with_name("gold") / "gold.jsonl"
SPLIT_SEED = "sigap-gold-v1"
DEV_FRACTION = 0.30
SPLITS = ("dev", "test")
DESKS = ("djp", "samsat", "none")
NO_ANSWER_FLAG = "tidak_ada_di_kb"
INDEPENDENCE_THRESHOLD = 90.0
# Same limit as suggest.engine.MAX_QUERY_CHARS (kept here so that checking a
# gold file does not import the engine and its native libraries).
MAX_QUERY_CHARS = 1000

REQUIRED_FIELDS = ("qid", "query", "article_ids", "category", "jenis", "flags", "desk")
OPTIONAL_FIELDS = ("tags",)
_QID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class GoldFileMissing(FileNotFoundError):
    """No gold file where one was expected; the message says how to write one."""


class GoldFormatError(ValueError):
    """A gold file with errors; ``problems`` lists every one, located."""

    def __init__(self, problems: Sequence[GoldProblem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in the gold set:\n{shown}{more}")


@dataclass(frozen=True)
class GoldQuery:
    """One labelled query as an agent would type it."""

    qid: str
    query: str
    article_ids: tuple[str, ...]
    category: str
    jenis: str
    flags: tuple[str, ...]
    desk: str
    tags: tuple[str, ...] = ()
    line: int = 0

    @property
    def answerable(self) -> bool:
        return bool(self.article_ids)

    @property
    def split(self) -> str:
        return split_of(self.qid)

    def to_dict(self) -> dict:
        return {
            "qid": self.qid,
            "query": self.query,
            "article_ids": list(self.article_ids),
            "category": self.category,
            "jenis": self.jenis,
            "flags": list(self.flags),
            "desk": self.desk,
            "tags": list(self.tags),
        }


@dataclass(frozen=True, order=True)
class GoldProblem:
    """One finding, located at a line and a field of the gold file."""

    path: str
    line: int
    qid: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        level = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: [{self.qid}] {self.field}: {level}{self.message}"


@dataclass(frozen=True)
class GoldReport:
    """The queries that parsed and every problem found."""

    queries: tuple[GoldQuery, ...]
    problems: tuple[GoldProblem, ...]

    @property
    def errors(self) -> tuple[GoldProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[GoldProblem, ...]:
        return tuple(p for p in self.problems if p.severity != "error")

    @property
    def ok(self) -> bool:
        return not self.errors

    def split_counts(self) -> dict[str, dict[str, int]]:
        """Queries per category and split: ``{category: {"dev": n, "test": m}}``."""
        out: dict[str, dict[str, int]] = {}
        for q in self.queries:
            row = out.setdefault(q.category, dict.fromkeys(SPLITS, 0))
            row[q.split] += 1
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class Overlap:
    """A gold query too similar to a text the system was built or trained from."""

    qid: str
    query: str
    text: str
    source: str
    score: float

    def __str__(self) -> str:
        return f"[{self.qid}] {self.query!r} ~ {self.text!r} ({self.source}, {self.score:.0f})"


# -- the split ---------------------------------------------------------------------
def split_of(qid: str, *, seed: str = SPLIT_SEED, dev_fraction: float = DEV_FRACTION) -> str:
    """``"dev"`` or ``"test"`` for a qid: fixed by a seeded hash, never stored.

    >>> split_of("g0001") in ("dev", "test")
    True
    """
    if not 0.0 <= dev_fraction <= 1.0:
        raise ValueError(f"dev_fraction must lie in [0, 1], not {dev_fraction}")
    digest = hashlib.sha256(f"{seed}:{qid}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return "dev" if u < dev_fraction else "test"


def select_split(queries: Iterable[GoldQuery], split: str | None) -> list[GoldQuery]:
    """The queries of one split (``None`` or ``"all"``: every query).

    Raises:
        ValueError: an unknown split name.
    """
    if split in (None, "all"):
        return list(queries)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; valid: dev, test, all")
    return [q for q in queries if q.split == split]


# -- reading and checking ------------------------------------------------------------
def _article_index(articles: Iterable[Article] | None) -> dict[str, Article]:
    if articles is None:
        from kb.validate import validate_paths

        report = validate_paths()
        if not report.ok:
            raise ValueError(
                f"the shipped KB has {len(report.errors)} error(s); "
                "run 'sigap kb validate' and fix them before checking the gold set"
            )
        articles = report.articles
    return {a.id: a for a in articles}


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def parse_line(
    text: str, *, path: str = "<gold>", line: int = 0
) -> tuple[GoldQuery | None, list[GoldProblem]]:
    """One JSON line into a :class:`GoldQuery`, checking fields and codes.

    Returns the query (``None`` when it cannot be built) and every problem of
    that line alone; set-level checks are in :func:`check_queries`.
    """
    codes = load_codes()

    def problem(qid: str, field: str, message: str, severity: str = "error") -> GoldProblem:
        return GoldProblem(path, line, qid, field, message, severity)

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [problem("?", "-", f"not valid JSON: {exc.msg} at column {exc.colno}")]
    if not isinstance(data, dict):
        return None, [problem("?", "-", "each line must be one JSON object")]
    qid = data.get("qid") if isinstance(data.get("qid"), str) and data.get("qid") else "?"
    problems: list[GoldProblem] = []
    for name in REQUIRED_FIELDS:
        if name not in data:
            problems.append(problem(qid, name, "required field is missing"))
    for name in sorted(set(data) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)):
        problems.append(problem(qid, name, "unknown field (typo?)"))
    if problems and any(p.message == "required field is missing" for p in problems):
        return None, problems

    if not isinstance(data["qid"], str) or not _QID.match(data["qid"]):
        problems.append(problem(qid, "qid", "must be a short id such as 'g0001'"))
    query = data["query"]
    if not isinstance(query, str) or not query.strip():
        problems.append(problem(qid, "query", "must be a non-empty string"))
    elif len(query) > MAX_QUERY_CHARS:
        problems.append(
            problem(qid, "query", f"{len(query)} characters; the limit is {MAX_QUERY_CHARS}")
        )
    elif not tokenize(normalize(query)):
        problems.append(problem(qid, "query", "has no words once normalised"))

    ids = data["article_ids"]
    if not _str_list(ids):
        problems.append(problem(qid, "article_ids", "must be a list of article ids ([] if none)"))
    elif len(set(ids)) != len(ids):
        problems.append(problem(qid, "article_ids", "lists an article twice"))

    category = data["category"]
    if category not in codes.topics:
        problems.append(
            problem(qid, "category", f"unknown code {category!r}; valid: {', '.join(codes.topics)}")
        )
    jenis = data["jenis"]
    if jenis not in codes.jenis:
        problems.append(
            problem(qid, "jenis", f"unknown code {jenis!r}; valid: {', '.join(codes.jenis)}")
        )
    flags = data["flags"]
    if not _str_list(flags):
        problems.append(problem(qid, "flags", "must be a list of flag codes ([] if none)"))
    else:
        for f in flags:
            if f not in codes.flags:
                problems.append(
                    problem(qid, "flags", f"unknown flag {f!r}; valid: {', '.join(codes.flags)}")
                )
        if len(set(flags)) != len(flags):
            problems.append(problem(qid, "flags", "lists a flag twice"))
    desk = data["desk"]
    if desk not in DESKS:
        problems.append(problem(qid, "desk", f"unknown desk {desk!r}; valid: {', '.join(DESKS)}"))
    tags = data.get("tags", [])
    if not _str_list(tags) or any(not _TAG.match(t) for t in tags):
        problems.append(problem(qid, "tags", "must be a list of lower-case words such as 'typo'"))

    if problems:
        return None, problems
    gq = GoldQuery(
        qid=data["qid"],
        query=" ".join(query.split()),
        article_ids=tuple(ids),
        category=category,
        jenis=jenis,
        flags=tuple(flags),
        desk=desk,
        tags=tuple(tags),
        line=line,
    )
    return gq, _consistency(gq, path)


def _consistency(q: GoldQuery, path: str) -> list[GoldProblem]:
    """Rules that tie the labels of one query together (matrix-category.md)."""
    out: list[GoldProblem] = []

    def problem(field: str, message: str) -> None:
        out.append(GoldProblem(path, q.line, q.qid, field, message))

    no_answer = NO_ANSWER_FLAG in q.flags
    if q.category == OUT_OF_SCOPE:
        if not no_answer:
            problem("flags", f"category {OUT_OF_SCOPE} needs the flag {NO_ANSWER_FLAG}")
        if q.article_ids:
            problem("article_ids", f"category {OUT_OF_SCOPE} cannot have acceptable articles")
        if q.desk != "none":
            problem("desk", f"category {OUT_OF_SCOPE} belongs to desk 'none', not {q.desk!r}")
    else:
        owner = load_codes().topic_desk[q.category]
        if q.desk != owner:
            problem("desk", f"category {q.category} belongs to desk {owner!r}, not {q.desk!r}")
    if not q.article_ids and not no_answer:
        problem("flags", f"no acceptable article: add the flag {NO_ANSWER_FLAG}")
    if q.article_ids and no_answer:
        problem("flags", f"{NO_ANSWER_FLAG} but acceptable articles are listed; keep one or other")
    return out


def check_queries(
    queries: Sequence[GoldQuery],
    articles: dict[str, Article],
    *,
    path: str = "<gold>",
) -> list[GoldProblem]:
    """Set-level checks: duplicate qids and queries, article ids against the KB."""
    problems: list[GoldProblem] = []
    first_qid: dict[str, GoldQuery] = {}
    first_query: dict[str, GoldQuery] = {}
    known = sorted(articles)
    for q in queries:
        if q.qid in first_qid:
            problems.append(
                GoldProblem(
                    path,
                    q.line,
                    q.qid,
                    "qid",
                    f"duplicate qid (first at line {first_qid[q.qid].line})",
                )
            )
        else:
            first_qid[q.qid] = q
        key = normalize(q.query)
        if key in first_query:
            other = first_query[key]
            problems.append(
                GoldProblem(
                    path,
                    q.line,
                    q.qid,
                    "query",
                    f"duplicate query (same as {other.qid} at line {other.line})",
                )
            )
        else:
            first_query[key] = q
        for aid in q.article_ids:
            art = articles.get(aid)
            if art is None:
                guess = process.extractOne(aid, known, scorer=fuzz.ratio) if known else None
                hint = f"; did you mean {guess[0]!r}?" if guess and guess[1] >= 80 else ""
                problems.append(
                    GoldProblem(
                        path, q.line, q.qid, "article_ids", f"unknown article id {aid!r}{hint}"
                    )
                )
                continue
            if q.desk != "none" and art.desk != q.desk:
                problems.append(
                    GoldProblem(
                        path,
                        q.line,
                        q.qid,
                        "article_ids",
                        f"article {aid} belongs to desk {art.desk!r}, the query to {q.desk!r}",
                    )
                )
            elif art.category != q.category:
                problems.append(
                    GoldProblem(
                        path,
                        q.line,
                        q.qid,
                        "article_ids",
                        f"article {aid} has category {art.category}, the query {q.category}",
                        "warning",
                    )
                )
    return problems


def read_gold(path: Path | str = GOLD_FILE) -> tuple[list[GoldQuery], list[GoldProblem]]:
    """Parse every line of a gold file (no KB checks).

    Raises:
        GoldFileMissing: no such file.
    """
    path = Path(path)
    if not path.is_file():
        raise GoldFileMissing(
            f"no gold file at {path}: write one JSON object per line (format in evaluation/gold.py)"
        )
    queries: list[GoldQuery] = []
    problems: list[GoldProblem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise GoldFormatError([GoldProblem(str(path), 0, "?", "-", f"not UTF-8: {exc}")]) from exc
    for lineno, text in enumerate(lines, 1):
        if not text.strip():
            continue
        q, found = parse_line(text, path=str(path), line=lineno)
        problems.extend(found)
        if q is not None:
            queries.append(q)
    if not queries and not problems:
        problems.append(GoldProblem(str(path), 0, "-", "-", "the gold file holds no queries"))
    return queries, problems


def check_gold(
    path: Path | str = GOLD_FILE,
    *,
    articles: Iterable[Article] | None = None,
    examples: Sequence[TrainingExample] | None = None,
    independence_threshold: float | None = INDEPENDENCE_THRESHOLD,
) -> GoldReport:
    """Every problem of a gold file: format, codes, consistency, KB ids, copies.

    Args:
        path: the gold file.
        articles: the KB the ids must exist in (default: the shipped KB).
        examples: the training examples queries must not copy (default: the
            shipped ones); only used with ``independence_threshold``.
        independence_threshold: fail queries above this similarity to an
            article title, question variant or training example; ``None``
            skips that check.

    Raises:
        GoldFileMissing: no such file.
    """
    queries, problems = read_gold(path)
    arts = _article_index(articles)
    problems.extend(check_queries(queries, arts, path=str(path)))
    if independence_threshold is not None:
        if examples is None:
            from kb.training import load_training_examples

            examples = load_training_examples()
        by_qid = {q.qid: q for q in queries}
        for ov in find_overlaps(
            queries, reference_texts(arts.values(), examples), threshold=independence_threshold
        ):
            q = by_qid[ov.qid]
            problems.append(
                GoldProblem(
                    str(path),
                    q.line,
                    q.qid,
                    "query",
                    f"copies {ov.source} {ov.text!r} (similarity {ov.score:.0f} > "
                    f"{independence_threshold:.0f}); write it the way an agent would type it",
                )
            )
    return GoldReport(tuple(queries), tuple(sorted(problems)))


def load_gold(
    path: Path | str = GOLD_FILE,
    *,
    split: str | None = None,
    articles: Iterable[Article] | None = None,
) -> list[GoldQuery]:
    """The checked queries of one split (``None``/``"all"``: all), in file order.

    Format, codes, consistency and KB ids are checked (not independence: that
    is the job of ``sigap eval check-gold`` and its test).

    Raises:
        GoldFileMissing: no such file.
        GoldFormatError: any error, listing all of them with line and field.
        ValueError: an unknown split name.
    """
    if split not in (None, "all", *SPLITS):
        raise ValueError(f"unknown split {split!r}; valid: dev, test, all")
    report = check_gold(path, articles=articles, independence_threshold=None)
    if not report.ok:
        raise GoldFormatError(report.problems)
    return select_split(report.queries, split)


# -- independence --------------------------------------------------------------------
def reference_texts(
    articles: Iterable[Article], examples: Iterable[TrainingExample]
) -> list[tuple[str, str]]:
    """(text, source) for every title, question variant and training example."""
    out: list[tuple[str, str]] = []
    for a in articles:
        out.append((a.title, f"the title of {a.id}"))
        out.extend((q, f"a question variant of {a.id}") for q in a.questions)
    out.extend((e.text, f"a training example ({e.source})") for e in examples)
    return out


def find_overlaps(
    queries: Sequence[GoldQuery],
    references: Sequence[tuple[str, str]],
    *,
    threshold: float = INDEPENDENCE_THRESHOLD,
) -> list[Overlap]:
    """Queries whose normalised text scores above ``threshold`` (token_sort_ratio,
    0-100) against any normalised reference text; the closest one per query."""
    if not queries or not references:
        return []
    qs = [normalize(q.query) for q in queries]
    refs = [normalize(t) for t, _ in references]
    scores = process.cdist(qs, refs, scorer=fuzz.token_sort_ratio, workers=-1)
    out = []
    for i, q in enumerate(queries):
        j = int(scores[i].argmax())
        best = float(scores[i, j])
        if best > threshold:
            out.append(Overlap(q.qid, q.query, references[j][0], references[j][1], best))
    return out


def summary_counts(queries: Sequence[GoldQuery]) -> dict[str, Any]:
    """Counts a person checks at a glance: by split, jenis, flag and answerability."""
    return {
        "queries": len(queries),
        "by_split": dict(Counter(q.split for q in queries)),
        "unanswerable": sum(not q.answerable for q in queries),
        "by_jenis": dict(Counter(q.jenis for q in queries)),
        "by_flag": dict(Counter(f for q in queries for f in q.flags)),
        "by_desk": dict(Counter(q.desk for q in queries)),
    }
