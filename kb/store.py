"""The versioned KB store: import and export, browsing, and the curation workflow.

Every edit is a new version row; a version's content never changes, only its
status moves draft → in_review → published → retired. At most one version of
an article is published; publishing another retires it. Every write appends to
the audit log in the same transaction, so a write and its audit entry land
together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Engine, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from kb.loader import DATA_DIR, RawArticle
from kb.models import ArticleRow, ArticleVersionRow, AuditLogRow
from kb.schema import ARTICLE_FIELDS, STATUSES, Article
from kb.validate import Problem, near_duplicate_questions, schema_problems, validate_paths
from sigap.db import session_scope, utcnow

# Fields the store keeps beside an article's content; exported after ARTICLE_FIELDS.
STORE_FIELDS = ("status", "version", "updated_by", "updated_at")
EXPORT_FIELDS = (*ARTICLE_FIELDS, *STORE_FIELDS)
AUDIT_ENTITY = "kb_article"

# Workflow action -> (status it starts from, status it leads to).
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": ("draft", "in_review"),
    "reject": ("in_review", "draft"),
    "publish": ("in_review", "published"),
    "retire": ("published", "retired"),
}

V = ArticleVersionRow


class KBStoreError(Exception):
    """Base of every error the KB store raises on purpose."""


class ArticleNotFound(KBStoreError, LookupError):
    """No article with this id is in the store."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article {article_id!r} in the KB store")


class VersionNotFound(KBStoreError, LookupError):
    """The article exists but has no such version."""

    def __init__(self, article_id: str, version: int) -> None:
        self.article_id, self.version = article_id, version
        super().__init__(f"article {article_id!r} has no version {version}")


class InvalidTransition(KBStoreError):
    """A workflow action that the version's current status does not allow."""

    def __init__(self, article_id: str, version: int | None, action: str, status: str | None):
        self.article_id, self.version, self.action, self.status = (
            article_id,
            version,
            action,
            status,
        )
        expected = TRANSITIONS[action][0]
        if version is None:
            message = f"cannot {action} {article_id!r}: it has no {expected} version"
        else:
            message = f"cannot {action} {article_id!r} v{version}: it is {status}, not {expected}"
        super().__init__(message)


class DuplicateContent(KBStoreError):
    """A proposal identical to a version that is still live (not retired)."""

    def __init__(self, article_id: str, version: int, status: str) -> None:
        self.article_id, self.version, self.status = article_id, version, status
        super().__init__(
            f"article {article_id!r} v{version} ({status}) already has exactly this content"
        )


class ImportFailed(KBStoreError):
    """An import refused as a whole; ``problems`` lists every reason. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        first = f"; first: {self.problems[0]}" if self.problems else ""
        plural = "" if count == 1 else "s"
        super().__init__(f"import refused, nothing written: {count} problem{plural}{first}")


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article as the store holds it."""

    article: Article
    version: int
    status: str
    created_by: str
    created_at: dt.datetime
    updated_by: str
    updated_at: dt.datetime

    @property
    def id(self) -> str:
        return self.article.id

    def to_record(self) -> dict[str, Any]:
        """The export record: ARTICLE_FIELDS, then status, version, updated_by, updated_at."""
        return {
            **self.article.to_record(),
            "status": self.status,
            "version": self.version,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class ImportResult:
    """What an import did, by article id."""

    created: tuple[str, ...] = ()
    new_versions: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any] = field(default_factory=dict)


class _StoreFields(BaseModel):
    """The store's own fields when a record carries them (a JSONL export does)."""

    model_config = ConfigDict(extra="ignore")

    status: str | None = None
    version: int | None = Field(default=None, ge=1, strict=True)
    updated_by: str | None = Field(default=None, min_length=1)
    updated_at: AwareDatetime | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value is not None and value not in STATUSES:
            raise ValueError(f"unknown status {value!r}; valid: {', '.join(STATUSES)}")
        return value


@dataclass(frozen=True)
class _Item:
    """One article to import, with the store fields its record fixed, if any."""

    article: Article
    store: _StoreFields = field(default_factory=_StoreFields)


@dataclass(frozen=True)
class _Known:
    version: int
    status: str
    content_hash: str


def content_hash(article: Article) -> str:
    """sha256 of an article's canonical content; equal content, equal hash."""
    canonical = json.dumps(
        article.content_key(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _items_from_raws(raws: Iterable[RawArticle]) -> tuple[list[_Item], list[Problem]]:
    """Validate records (content and store fields); duplicate ids are problems."""
    items: list[_Item] = []
    problems: list[Problem] = []
    first_seen: dict[str, RawArticle] = {}
    for raw in raws:
        if raw.id != "?" and raw.id in first_seen:
            first = first_seen[raw.id]
            message = f"duplicate id (first at {first.path}:{first.line})"
            problems.append(Problem(str(raw.path), raw.line, raw.id, "id", message))
            continue
        first_seen[raw.id] = raw
        content = raw.data
        if isinstance(raw.data, dict):
            content = {k: v for k, v in raw.data.items() if k not in STORE_FIELDS}
        article, found = schema_problems(RawArticle(content, raw.path, raw.line))
        store, found_store = schema_problems(raw, model=_StoreFields)
        problems.extend(found + [p for p in found_store if p not in found])
        if article is not None and store is not None:
            items.append(_Item(article, store))
    return items, problems


def _items_from_input(
    articles_or_records: Iterable[Article | Mapping[str, Any]],
) -> tuple[list[_Item], list[Problem]]:
    raws = []
    for n, entry in enumerate(articles_or_records, start=1):
        data: Any = entry
        if isinstance(entry, Article):
            data = entry.to_record()
        elif isinstance(entry, Mapping):
            data = dict(entry)
        raws.append(RawArticle(data, Path("<records>"), n))
    return _items_from_raws(raws)


def read_jsonl(path: Path | str) -> tuple[list[RawArticle], list[Problem]]:
    """Records of a JSONL export, each with its line; unreadable lines are problems."""
    path = Path(path)
    raws: list[RawArticle] = []
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8") as fp:
            lines = list(fp)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(str(path), 0, "-", "-", f"cannot read file: {exc}")]
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"malformed JSON: {exc.msg} (column {exc.colno})"
            problems.append(Problem(str(path), lineno, "-", "-", message))
            continue
        raws.append(RawArticle(data, path, lineno))
    return raws, problems


def _jsonl_items(path: Path) -> tuple[list[_Item], list[Problem]]:
    raws, problems = read_jsonl(path)
    items, found = _items_from_raws(raws)
    by_id = {raw.id: raw for raw in raws}
    pairs = [(item.article, by_id[item.article.id]) for item in items]
    return items, problems + found + near_duplicate_questions(pairs)


def _version_of(row: ArticleVersionRow) -> ArticleVersion:
    content = {name: getattr(row, name) for name in ARTICLE_FIELDS if name != "id"}
    article = Article.model_validate({"id": row.article_id, **content})
    return ArticleVersion(
        article=article,
        version=row.version,
        status=row.status,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def _new_version_row(
    article: Article, *, version: int, status: str, by: str, at: dt.datetime
) -> ArticleVersionRow:
    record = article.to_record()
    content = {name: record[name] for name in ARTICLE_FIELDS if name != "id"}
    content["verified_on"] = article.verified_on
    return ArticleVersionRow(
        article_id=article.id,
        version=version,
        status=status,
        **content,
        content_hash=content_hash(article),
        created_by=by,
        created_at=at,
        updated_by=by,
        updated_at=at,
    )


class KBStore:
    """The KB store over a SQLAlchemy engine whose schema is migrated.

    Example:
        >>> engine = make_engine("sqlite:///var/sigap.db")
        >>> upgrade_database(engine)
        >>> store = KBStore(engine)
        >>> store.import_path("kb/data", actor="admin")
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- import and export ---------------------------------------------------

    def import_articles(
        self,
        articles_or_records: Iterable[Article | Mapping[str, Any]],
        *,
        actor: str,
        publish: bool = True,
        source: str | None = None,
    ) -> ImportResult:
        """Import articles or export records in one all-or-nothing transaction.

        Content the store already has (in any version of that article) is left
        alone, so importing the same thing twice changes nothing. New content
        becomes a new version, published (retiring the previous one) when
        ``publish``, else a draft. A record that carries store fields keeps
        them: its ``version``, ``updated_by``, ``updated_at`` and ``status``.

        Args:
            articles_or_records: :class:`Article` objects or plain records.
            actor: who runs the import, for the audit log.
            publish: status of new versions that have none of their own.
            source: where the articles came from, for the audit log.

        Raises:
            ImportFailed: with every problem; nothing was written.
        """
        items, problems = _items_from_input(articles_or_records)
        if problems:
            raise ImportFailed(problems)
        return self._import_items(items, actor=actor, publish=publish, source=source)

    def import_path(
        self, path: Path | str | None = None, *, actor: str, publish: bool = True
    ) -> ImportResult:
        """Validate then import article files: a YAML file or folder, or a ``.jsonl`` export.

        YAML is checked by :func:`kb.validate.validate_paths`; a JSONL export
        gets the same schema and near-duplicate checks. Warnings are returned
        in the result; any error refuses the whole import.

        Args:
            path: file or folder (default: the shipped ``kb/data``).
            actor: who runs the import, for the audit log.
            publish: see :meth:`import_articles`.

        Raises:
            ImportFailed: with every problem; nothing was written.
        """
        source = Path(path) if path is not None else DATA_DIR
        warnings: tuple[Problem, ...] = ()
        if source.suffix == ".jsonl":
            items, problems = _jsonl_items(source)
        else:
            report = validate_paths(path)
            items = [_Item(article) for article in report.articles]
            problems = list(report.errors)
            warnings = tuple(p for p in report.problems if p.severity != "error")
        if problems:
            raise ImportFailed(problems)
        result = self._import_items(items, actor=actor, publish=publish, source=str(source))
        return replace(result, warnings=warnings)

    def export_jsonl(self, fp: TextIO) -> int:
        """Write every published article to ``fp``, one JSON object a line, sorted by id.

        Returns:
            The number of articles written.
        """
        versions = self.list_articles(status="published")
        for version in versions:
            fp.write(_dumps(version.to_record()) + "\n")
        return len(versions)

    def _import_items(
        self, items: Sequence[_Item], *, actor: str, publish: bool, source: str | None
    ) -> ImportResult:
        default_status = "published" if publish else "draft"
        now = utcnow()
        created, new_versions, unchanged, problems = [], [], [], []
        with session_scope(self.engine) as session:
            known = self._known_versions(session)
            plans = []
            for item in items:
                version, problem = self._plan_version(item, known.get(item.article.id, []))
                if problem:
                    problems.append(problem)
                elif version is None:
                    unchanged.append(item.article.id)
                else:
                    plans.append((item, version))
            if problems:
                raise ImportFailed(problems)
            for item, version in plans:
                before = known.get(item.article.id, [])
                (new_versions if before else created).append(item.article.id)
                status = item.store.status or default_status
                self._write_imported(session, item, version, status, before, actor, now, source)
        return ImportResult(tuple(created), tuple(new_versions), tuple(unchanged))

    @staticmethod
    def _plan_version(item: _Item, known: list[_Known]) -> tuple[int | None, Problem | None]:
        """The version number to create for ``item``, ``None`` if the store has it already."""
        digest = content_hash(item.article)
        wanted = item.store.version
        latest = max((k.version for k in known), default=0)
        if wanted is None:
            has_it = any(k.content_hash == digest for k in known)
            return (None if has_it else latest + 1), None
        same = next((k for k in known if k.version == wanted), None)
        if same is not None and same.content_hash == digest:
            return None, None
        if same is not None:
            message = f"version {wanted} is already in the store with different content"
        elif wanted < latest:
            message = f"version {wanted} is older than the store's latest version {latest}"
        else:
            return wanted, None
        return None, Problem("<store>", 0, item.article.id, "version", message)

    def _write_imported(
        self,
        session: Session,
        item: _Item,
        version: int,
        status: str,
        before: list[_Known],
        actor: str,
        now: dt.datetime,
        source: str | None,
    ) -> None:
        by = item.store.updated_by or actor
        at = item.store.updated_at or now
        if not before:
            session.add(ArticleRow(id=item.article.id, created_by=by, created_at=at))
        details: dict[str, Any] = {"version": version, "status": status}
        if status == "published" and any(k.status == "published" for k in before):
            retired = self._retire_published(session, item.article.id, actor=actor, at=now)
            if retired is not None:
                details["retired_version"] = retired
        if source is not None:
            details["source"] = source
        row = _new_version_row(item.article, version=version, status=status, by=by, at=at)
        session.add(row)
        self._audit(session, actor, "import", item.article.id, details, at=now)

    # -- reading --------------------------------------------------------------

    def get(self, article_id: str, version: int | None = None) -> ArticleVersion:
        """One version of an article; by default the current one.

        The current version is the published one, or the latest if none is.

        Raises:
            ArticleNotFound: no such article.
            VersionNotFound: the article has no such version.
        """
        with session_scope(self.engine) as session:
            if version is None:
                rows = self._current_rows(session, V.article_id == article_id)
                if not rows:
                    raise ArticleNotFound(article_id)
                return _version_of(rows[0])
            return _version_of(self._version_row(session, article_id, version))

    def list_articles(
        self, *, status: str | None = None, desk: str | None = None, category: str | None = None
    ) -> list[ArticleVersion]:
        """Articles sorted by id, filtered by desk and category.

        Without ``status``: the current version of each article (see :meth:`get`).
        With ``status``: every version in that status (e.g. the review queue).

        Raises:
            ValueError: an unknown status.
        """
        filters = []
        if desk is not None:
            filters.append(V.desk == desk)
        if category is not None:
            filters.append(V.category == category)
        with session_scope(self.engine) as session:
            if status is None:
                return [_version_of(row) for row in self._current_rows(session, *filters)]
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}; valid: {', '.join(STATUSES)}")
            query = select(V).where(V.status == status, *filters)
            rows = session.scalars(query.order_by(V.article_id, V.version)).all()
            return [_version_of(row) for row in rows]

    def history(self, article_id: str) -> list[ArticleVersion]:
        """Every version of an article, oldest first.

        Raises:
            ArticleNotFound: no such article.
        """
        with session_scope(self.engine) as session:
            query = select(V).where(V.article_id == article_id).order_by(V.version)
            rows = session.scalars(query).all()
            if not rows:
                raise ArticleNotFound(article_id)
            return [_version_of(row) for row in rows]

    def published_articles(self) -> list[Article]:
        """The published articles, sorted by id: what the indexer builds from."""
        return [v.article for v in self.list_articles(status="published")]

    def kb_version(self) -> str:
        """A short identifier of what is published, e.g. ``kb-3f2a9c1b7d8e``.

        It hashes the sorted (id, version, content hash) of published
        versions, so it changes whenever a publish or retire changes what
        agents see, and equal published states get equal identifiers.
        """
        query = (
            select(V.article_id, V.version, V.content_hash)
            .where(V.status == "published")
            .order_by(V.article_id)
        )
        with session_scope(self.engine) as session:
            rows = session.execute(query).all()
        listing = "\n".join(f"{a}\t{v}\t{h}" for a, v, h in rows)
        return "kb-" + hashlib.sha256(listing.encode("utf-8")).hexdigest()[:12]

    def audit_log(
        self, *, entity_id: str | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries of the KB store, oldest first, optionally for one article or action."""
        query = select(AuditLogRow).where(AuditLogRow.entity == AUDIT_ENTITY)
        if entity_id is not None:
            query = query.where(AuditLogRow.entity_id == entity_id)
        if action is not None:
            query = query.where(AuditLogRow.action == action)
        with session_scope(self.engine) as session:
            rows = session.scalars(query.order_by(AuditLogRow.id)).all()
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, dict(r.details))
                for r in rows
            ]

    # -- curation workflow ------------------------------------------------------

    def propose(self, article: Article, *, actor: str) -> ArticleVersion:
        """A new draft version of an existing or new article: the proposal.

        Raises:
            DuplicateContent: a live (not retired) version already has this content.
        """
        digest = content_hash(article)
        now = utcnow()
        with session_scope(self.engine) as session:
            query = select(V).where(V.article_id == article.id).with_for_update()
            rows = session.scalars(query).all()
            live = [r for r in rows if r.status != "retired" and r.content_hash == digest]
            if live:
                raise DuplicateContent(article.id, live[0].version, live[0].status)
            if not rows:
                session.add(ArticleRow(id=article.id, created_by=actor, created_at=now))
            version = max((r.version for r in rows), default=0) + 1
            row = _new_version_row(article, version=version, status="draft", by=actor, at=now)
            session.add(row)
            self._audit(session, actor, "propose", article.id, {"version": version}, at=now)
            session.flush()
            return _version_of(row)

    def submit(self, article_id: str, version: int, *, actor: str) -> ArticleVersion:
        """Send a draft for review (draft → in_review)."""
        return self._transition(article_id, version, "submit", actor=actor)

    def reject(
        self, article_id: str, version: int, *, actor: str, reason: str | None = None
    ) -> ArticleVersion:
        """Send a version under review back to its author (in_review → draft)."""
        return self._transition(article_id, version, "reject", actor=actor, reason=reason)

    def publish(self, article_id: str, version: int, *, actor: str) -> ArticleVersion:
        """Publish a reviewed version (in_review → published), retiring the published one."""
        return self._transition(article_id, version, "publish", actor=actor)

    def retire(self, article_id: str, *, actor: str, reason: str | None = None) -> ArticleVersion:
        """Withdraw the published version of an article (published → retired).

        Raises:
            ArticleNotFound: no such article.
            InvalidTransition: the article has no published version.
        """
        with session_scope(self.engine) as session:
            query = select(V).where(V.article_id == article_id, V.status == "published")
            row = session.scalar(query.with_for_update())
            if row is None:
                self._require_article(session, article_id)
                raise InvalidTransition(article_id, None, "retire", None)
            return self._apply(session, row, "retire", actor=actor, reason=reason)

    def _transition(
        self, article_id: str, version: int, action: str, *, actor: str, reason: str | None = None
    ) -> ArticleVersion:
        """Move one version along the workflow, with its audit entry.

        Raises:
            ArticleNotFound, VersionNotFound: no such article or version.
            InvalidTransition: the version is not in the status ``action`` starts from.
        """
        with session_scope(self.engine) as session:
            row = self._version_row(session, article_id, version, lock=True)
            return self._apply(session, row, action, actor=actor, reason=reason)

    def _apply(
        self,
        session: Session,
        row: ArticleVersionRow,
        action: str,
        *,
        actor: str,
        reason: str | None,
    ) -> ArticleVersion:
        source, target = TRANSITIONS[action]
        if row.status != source:
            raise InvalidTransition(row.article_id, row.version, action, row.status)
        now = utcnow()
        details: dict[str, Any] = {"version": row.version, "from": source, "to": target}
        if target == "published":
            retired = self._retire_published(session, row.article_id, actor=actor, at=now)
            if retired is not None:
                details["retired_version"] = retired
        if reason:
            details["reason"] = reason
        row.status, row.updated_by, row.updated_at = target, actor, now
        self._audit(session, actor, action, row.article_id, details, at=now)
        session.flush()
        return _version_of(row)

    # -- helpers over one session ------------------------------------------------

    @staticmethod
    def _known_versions(session: Session) -> dict[str, list[_Known]]:
        query = select(V.article_id, V.version, V.status, V.content_hash)
        known: dict[str, list[_Known]] = {}
        for article_id, version, status, digest in session.execute(query):
            known.setdefault(article_id, []).append(_Known(version, status, digest))
        return known

    @staticmethod
    def _current_rows(session: Session, *filters: Any) -> list[ArticleVersionRow]:
        """Per article: the published version, else the latest; sorted by id."""
        other = aliased(ArticleVersionRow)
        published_exists = exists().where(
            other.article_id == V.article_id, other.status == "published"
        )
        latest = (
            select(func.max(other.version))
            .where(other.article_id == V.article_id)
            .scalar_subquery()
        )
        current = (V.status == "published") | (~published_exists & (V.version == latest))
        query = select(V).where(current, *filters).order_by(V.article_id)
        return list(session.scalars(query).all())

    @staticmethod
    def _require_article(session: Session, article_id: str) -> None:
        if session.get(ArticleRow, article_id) is None:
            raise ArticleNotFound(article_id)

    def _version_row(
        self, session: Session, article_id: str, version: int, *, lock: bool = False
    ) -> ArticleVersionRow:
        query = select(V).where(V.article_id == article_id, V.version == version)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            self._require_article(session, article_id)
            raise VersionNotFound(article_id, version)
        return row

    @staticmethod
    def _retire_published(
        session: Session, article_id: str, *, actor: str, at: dt.datetime
    ) -> int | None:
        """Retire the article's published version, if any; its number."""
        query = select(V.version).where(V.article_id == article_id, V.status == "published")
        version = session.scalar(query)
        if version is None:
            return None
        session.execute(
            update(V)
            .where(V.article_id == article_id, V.version == version)
            .values(status="retired", updated_by=actor, updated_at=at)
        )
        return version

    @staticmethod
    def _audit(
        session: Session,
        actor: str,
        action: str,
        article_id: str,
        details: dict[str, Any],
        *,
        at: dt.datetime,
    ) -> None:
        session.add(
            AuditLogRow(
                at=at,
                actor=actor,
                action=action,
                entity=AUDIT_ENTITY,
                entity_id=article_id,
                details=details,
            )
        )
