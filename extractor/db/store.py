"""Writes: save a page with its articles and facts, and bring stored facts in line with the rules.

Functions take a session and never commit: the caller owns the transaction, so a page goes in
whole or not at all, and a re-extract run is all or nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session, defer

from .. import __version__
from ..facts import PublicationDate
from ..pages import PageFile
from ..parallel import in_order
from ..rules import RuleSet
from ..rows import PageRows, date_columns, page_rows
from .models import Article, ExtractionRun, FactRow, Page


@dataclass
class Changes:
    """What a run did, by metric."""

    added: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    articles_changed: int = 0
    dates_changed: int = 0
    pages: int = 0

    @property
    def none(self) -> bool:
        return not (self.added or self.removed or self.changed or self.articles_changed or self.dates_changed)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def start_run(session: Session, command: str, rules: RuleSet) -> ExtractionRun:
    run = ExtractionRun(command=command, extractor_version=__version__, rules_version=rules.version,
                        started_at=now(), pages=0, facts_added=0, facts_removed=0, facts_changed=0)
    session.add(run)
    session.flush()
    return run


def finish_run(run: ExtractionRun, changes: Changes) -> None:
    run.finished_at = now()
    run.pages = changes.pages
    run.facts_added = sum(changes.added.values())
    run.facts_removed = sum(changes.removed.values())
    run.facts_changed = sum(changes.changed.values())


def _fact_key(columns: dict, seen: Counter) -> tuple:
    """Identity of a fact across runs: where it stands, its kind, and which of the facts there."""
    base = (columns["source_start"], columns["source_end"], columns["kind"])
    seen[base] += 1
    return base + (seen[base],)


# The statements ingest and re-extract run for every page, built once and run through Core: a
# lookup built anew and run through the ORM cost ~250 us, against ~60 us this way.
_PAGES, _ARTICLES, _FACTS = Page.__table__, Article.__table__, FactRow.__table__
_CURRENT = select(_PAGES.c.id, _PAGES.c.sha256, _PAGES.c.published_on, _PAGES.c.date_source,
                  _PAGES.c.version).where(_PAGES.c.name == bindparam("name"), _PAGES.c.is_current)
_TWIN = select(_PAGES.c.name).where(_PAGES.c.sha256 == bindparam("sha256"), _PAGES.c.is_current,
                                    _PAGES.c.name != bindparam("name")).limit(1)
_ADD_PAGE = insert(_PAGES).returning(_PAGES.c.id)
_ADD_ARTICLES = insert(_ARTICLES).returning(_ARTICLES.c.id, _ARTICLES.c.seq)
_PAGE_ARTICLES = select(_ARTICLES).where(_ARTICLES.c.page_id == bindparam("page_id"))
_PAGE_FACTS = (select(_FACTS).join(_ARTICLES).where(_ARTICLES.c.page_id == bindparam("page_id"))
               .order_by(_FACTS.c.source_start, _FACTS.c.id))
_LAST_VERSION = select(func.max(_PAGES.c.version)).where(_PAGES.c.name == bindparam("name"))
_PAGE_TEXT = select(_PAGES.c.text, _PAGES.c.published_on, _PAGES.c.date_source,
                    _PAGES.c.date_precision).where(_PAGES.c.id == bindparam("page_id"))


def _current(session: Session, name: str):
    """The id, text hash, date and version of the stored current version of page ``name``, or
    None: a plain row, since most pages an ingest meets are new or unchanged (an ORM object, with
    its text, is loaded only to change it)."""
    return session.connection().execute(_CURRENT, {"name": name}).one_or_none()


def _redated(current, published: PublicationDate | None) -> bool:
    return published is not None and (current.published_on, current.date_source) != (
        published.day, published.source.value)


def needs_extraction(session: Session, page_file: PageFile, published: PublicationDate | None) -> bool:
    """Whether ``save_page`` will extract this page (False when it is stored as it is)."""
    current = _current(session, page_file.name)
    return current is None or current.sha256 != page_file.sha256 or _redated(current, published)


@dataclass(frozen=True)
class Saved:
    """What ``save_page`` did with a page, and what the page holds now."""

    status: str  # new | unchanged | replaced | redated | duplicate
    name: str  # the stored page's name: for a duplicate, the other name the text is stored under
    articles: int
    facts: int


def save_page(session: Session, page_file: PageFile, published: PublicationDate | None, run_id: int,
              rules: RuleSet, changes: Changes, rows: PageRows | None = None) -> Saved:
    """Store a page version with its articles and facts; ``unchanged`` when its text is known.

    The status is one of new, unchanged, replaced, redated (the text is known but the date given
    for it changed), duplicate (the same text is stored under another name). ``rows`` is the
    page's extraction with ``published`` when already done (in a worker).
    """
    found = _current(session, page_file.name)
    if found is not None and found.sha256 == page_file.sha256:
        if _redated(found, published):
            current = session.get(Page, found.id)
            current.published_on, current.date_source = published.day, published.source.value
            current.date_precision = published.precision.value
            sync_page(session, current, rules, run_id, changes, rows)  # the periods move with the date
            return Saved("redated", current.name, *page_counts(session, current.id))
        changes.pages += 1
        return Saved("unchanged", page_file.name, *page_counts(session, found.id))
    twin = session.connection().execute(_TWIN, {"sha256": page_file.sha256, "name": page_file.name}).scalar()
    if twin is not None:
        return Saved("duplicate", twin, 0, 0)  # the same text under another name would count its facts twice
    if rows is None:
        rows = page_rows(page_file.text, *date_columns(published), rules)
    if found is not None:
        old = session.execute(select(FactRow.metric).join(Article).where(Article.page_id == found.id)).scalars()
        changes.removed.update(old)
        session.execute(delete(Article).where(Article.page_id == found.id))
        session.execute(update(Page).where(Page.id == found.id).values(is_current=False))
        version = found.version + 1
    else:  # versions of this name may be stored with none current
        version = (session.connection().execute(_LAST_VERSION, {"name": page_file.name}).scalar() or 0) + 1
    _, source, _ = date_columns(published)
    page_id = session.connection().execute(_ADD_PAGE, {
        "name": page_file.name, "version": version, "is_current": True, "sha256": page_file.sha256,
        "size_bytes": page_file.size, "encoding": page_file.encoding, "text": page_file.text,
        "published_on": rows.published_on, "date_source": source, "date_precision": rows.date_precision,
        "ingested_at": now()}).scalar_one()
    changes.pages += 1
    _insert_new(session, page_id, rows, run_id, changes)
    return Saved("replaced" if found is not None else "new", page_file.name, len(rows.articles), len(rows.facts))


def page_rows_of(page: Page, rules: RuleSet | None = None) -> PageRows:
    return page_rows(page.text, page.published_on, page.date_source, page.date_precision, rules)


def sync_page(session: Session, page: Page, rules: RuleSet, run_id: int, changes: Changes,
              rows: PageRows | None = None) -> None:
    """Make the page's stored articles and facts what the rules give now, touching only what differs.

    ``rows`` is the page's extraction when already done (in a worker); else it is done here.
    """
    changes.pages += 1
    rows = rows or page_rows_of(page, rules)
    if (page.published_on, page.date_precision) != (rows.published_on, rows.date_precision):
        page.published_on, page.date_precision = rows.published_on, rows.date_precision
        changes.dates_changed += 1

    articles, facts = _ARTICLES, _FACTS  # Core: rows compared as plain values
    connection = session.connection()
    stored = {r["seq"]: r for r in connection.execute(_PAGE_ARTICLES, {"page_id": page.id}).mappings()}
    if not stored:
        _insert_new(session, page.id, rows, run_id, changes)
        return
    article_ids: dict[int, int] = {}
    for columns in rows.articles:
        row = stored.get(columns["seq"])
        if row is None:
            article_ids[columns["seq"]] = session.execute(
                insert(articles).returning(articles.c.id), [{"page_id": page.id, **columns}]).scalar_one()
            changes.articles_changed += 1
            continue
        if any(row[k] != v for k, v in columns.items()):
            session.execute(update(articles).where(articles.c.id == row["id"]).values(**columns))
            changes.articles_changed += 1
        article_ids[columns["seq"]] = row["id"]

    existing: dict[tuple, dict] = {}
    seen: Counter = Counter()
    for row in connection.execute(_PAGE_FACTS, {"page_id": page.id}).mappings():
        existing[_fact_key(row, seen)] = row
    seen = Counter()
    added, updated = [], []
    for fact in rows.facts:
        columns = _stored_columns(fact, article_ids)
        row = existing.pop(_fact_key(columns, seen), None)
        if row is None:
            added.append({**columns, "run_id": run_id})
            changes.added[columns["metric"]] += 1
        elif any(row[k] != v for k, v in columns.items()):
            updated.append({**columns, "run_id": run_id, "fact_id": row["id"]})
            changes.changed[columns["metric"]] += 1
    if updated:
        session.execute(update(facts).where(facts.c.id == bindparam("fact_id")), updated)
    if added:
        insert_rows(session, facts, added)
    if existing:
        changes.removed.update(row["metric"] for row in existing.values())
        session.execute(delete(facts).where(facts.c.id.in_([row["id"] for row in existing.values()])))
    gone = [row["id"] for seq, row in stored.items() if seq not in article_ids]
    if gone:  # their facts went with them above (or moved to another article)
        session.execute(delete(articles).where(articles.c.id.in_(gone)))
        changes.articles_changed += len(gone)


def _stored_columns(fact: dict, article_ids: dict[int, int]) -> dict:
    """A fact's row columns with its article's id in place of the article's place on the page."""
    columns = dict(fact)
    columns["article_id"] = article_ids[columns.pop("article_seq")]
    return columns


def _insert_new(session: Session, page_id: int, rows: PageRows, run_id: int, changes: Changes) -> None:
    """A page with nothing stored yet: its articles and facts go in as bulk inserts."""
    if not rows.articles:
        return
    articles = [{"page_id": page_id, **a} for a in rows.articles]
    ids = {seq: id_ for id_, seq in session.connection().execute(_ADD_ARTICLES, articles)}  # Core: cheaper than the ORM
    facts = [{**_stored_columns(fact, ids), "run_id": run_id} for fact in rows.facts]
    changes.added.update(fact["metric"] for fact in facts)
    if facts:
        insert_rows(session, FactRow.__table__, facts)


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """``rows`` (dicts with the same keys) into ``table`` as one executemany of the driver, each
    value converted by its column's type as SQLAlchemy converts it: SQLAlchemy's handling of each
    row's parameters costs more than SQLite's insert of it."""
    if not rows:
        return
    names = tuple(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} differ in their columns")
    sql, convert = _insert_plan(table, names, session.get_bind().dialect)
    session.connection().exec_driver_sql(sql, [
        tuple(c(row[n]) if c else row[n] for n, c in zip(names, convert)) for row in rows])


_PLANS: dict[tuple, tuple[str, tuple]] = {}


def _insert_plan(table: Table, names: tuple[str, ...], dialect) -> tuple[str, tuple]:
    """The INSERT statement for ``names`` and each column's bind conversion (None: as it is)."""
    key = (table.name, names, dialect.name)
    if key not in _PLANS:
        quote = dialect.identifier_preparer.quote
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
               f"VALUES ({', '.join('?' * len(names))})")
        _PLANS[key] = sql, tuple(table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    return _PLANS[key]


def page_counts(session: Session, page_id: int) -> tuple[int, int]:
    """How many articles and facts the page holds."""
    articles = session.scalar(select(func.count()).select_from(Article).where(Article.page_id == page_id))
    facts = session.scalar(select(func.count()).select_from(FactRow).join(Article).where(Article.page_id == page_id))
    return articles or 0, facts or 0


def _current_page_ids(session: Session, chunk: int = 1000):
    """The current pages' ids in order, a thousand at a time: the list of an archive's pages is
    never held whole (100,000 ids took ~4 MB)."""
    last = 0
    while ids := session.scalars(select(Page.id).where(Page.is_current, Page.id > last)
                                 .order_by(Page.id).limit(chunk)).all():
        yield from ids
        last = ids[-1]


def reextract_all(session: Session, rules: RuleSet, jobs: int = 1) -> tuple[ExtractionRun, Changes]:
    """Re-run the rules over every current page, in the caller's one transaction.

    With ``jobs`` > 1 the extraction runs in worker processes; pages are stored in id order all the same.
    """
    run_id = start_run(session, "re-extract", rules).id
    changes = Changes()

    def tasks():
        for page_id in _current_page_ids(session):
            text, published_on, source, precision = session.connection().execute(
                _PAGE_TEXT, {"page_id": page_id}).one()
            yield page_id, (text, published_on, source, precision)

    for page_id, rows in in_order(page_rows, tasks(), jobs):  # one page in memory at a time, or a few
        page = session.get(Page, page_id, options=[defer(Page.text)])
        sync_page(session, page, rules, run_id, changes, rows)
        session.flush()
        session.expunge_all()
    run = session.get(ExtractionRun, run_id)
    finish_run(run, changes)
    return run, changes
