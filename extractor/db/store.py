"""Writes: save a page with its articles and facts, and bring stored facts in line with the rules.

Functions take a session and never commit: the caller owns the transaction, so a page goes in
whole or not at all, and a re-extract run is all or nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from .. import __version__
from ..dates import infer_date
from ..facts import Article as ArticleValue
from ..facts import PublicationDate, fact_columns
from ..pages import PageFile
from ..pipeline import extract_page
from ..rules import RuleSet
from ..vocab import DateSource, Precision
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


def article_columns(article: ArticleValue) -> dict:
    return {
        "seq": article.seq, "kind": article.kind.value, "title": article.title, "subtitle": article.subtitle,
        "byline": article.byline, "source_start": article.start, "source_end": article.end,
        "body_start": article.body_start,
    }


def _fact_key(columns: dict, seen: Counter) -> tuple:
    """Identity of a fact across runs: where it stands, its kind, and which of the facts there."""
    base = (columns["source_start"], columns["source_end"], columns["kind"])
    seen[base] += 1
    return base + (seen[base],)


def save_page(session: Session, page_file: PageFile, published: PublicationDate | None, run: ExtractionRun,
              rules: RuleSet, changes: Changes) -> tuple[str, Page]:
    """Store a page version with its articles and facts; ``unchanged`` when its text is known.

    Returns (status, page) with status one of new, unchanged, replaced, redated (the text is known
    but the date given for it changed), duplicate (the same text is stored under another name).
    """
    current = session.scalars(select(Page).where(Page.name == page_file.name, Page.is_current)).one_or_none()
    if current is not None and current.sha256 == page_file.sha256:
        if published is not None and (current.published_on, current.date_source) != (
                published.day, published.source.value):
            current.published_on, current.date_source = published.day, published.source.value
            current.date_precision = published.precision.value
            sync_page(session, current, rules, run, changes)  # the periods move with the date
            return "redated", current
        changes.pages += 1
        return "unchanged", current
    twin = session.scalars(select(Page).where(Page.sha256 == page_file.sha256, Page.is_current,
                                              Page.name != page_file.name)).first()
    if twin is not None:
        return "duplicate", twin  # the same text under another name would count its facts twice
    last_version = session.scalar(select(func.max(Page.version)).where(Page.name == page_file.name)) or 0
    if current is not None:
        old = session.execute(select(FactRow.metric).join(Article).where(Article.page_id == current.id)).scalars()
        changes.removed.update(old)
        session.execute(delete(Article).where(Article.page_id == current.id))
        current.is_current = False
        session.flush()
    page = Page(
        name=page_file.name, version=last_version + 1, is_current=True, sha256=page_file.sha256,
        size_bytes=page_file.size, encoding=page_file.encoding, text=page_file.text,
        published_on=published.day if published else None,
        date_source=published.source.value if published else DateSource.INFERRED.value,
        date_precision=published.precision.value if published else None, ingested_at=now(),
    )  # an inferred date is filled in by sync_page
    session.add(page)
    session.flush()
    sync_page(session, page, rules, run, changes)
    return ("replaced" if current is not None else "new"), page


def sync_page(session: Session, page: Page, rules: RuleSet, run: ExtractionRun, changes: Changes) -> None:
    """Make the page's stored articles and facts what the rules give now, touching only what differs."""
    changes.pages += 1
    if page.date_source == DateSource.INFERRED.value:
        inferred = infer_date(page.text)
        new_day = inferred.day if inferred else None
        new_precision = inferred.precision.value if inferred else None
        if (page.published_on, page.date_precision) != (new_day, new_precision):
            page.published_on, page.date_precision = new_day, new_precision
            changes.dates_changed += 1
    extraction = extract_page(page.text, page.published_on, rules, Precision(page.date_precision or "day"))

    stored = {a.seq: a for a in session.scalars(select(Article).where(Article.page_id == page.id))}
    if not stored:
        _insert_new(session, page, extraction, run, changes)
        return
    by_seq: dict[int, Article] = {}
    for value in extraction.articles:
        columns = article_columns(value)
        row = stored.get(value.seq)
        if row is None:
            row = Article(page_id=page.id, **columns)
            session.add(row)
            changes.articles_changed += bool(stored)
        elif any(getattr(row, k) != v for k, v in columns.items()):
            for k, v in columns.items():
                setattr(row, k, v)
            changes.articles_changed += 1
        by_seq[value.seq] = row
    session.flush()

    existing: dict[tuple, FactRow] = {}
    seen: Counter = Counter()
    rows = session.scalars(select(FactRow).join(Article).where(Article.page_id == page.id)
                           .order_by(FactRow.source_start, FactRow.id))
    for row in rows:
        existing[_fact_key({c: getattr(row, c) for c in ("source_start", "source_end", "kind")}, seen)] = row
    seen = Counter()
    for fact in extraction.facts:
        columns = fact_columns(fact)
        columns["article_id"] = by_seq[fact.article_seq].id
        row = existing.pop(_fact_key(columns, seen), None)
        if row is None:
            session.add(FactRow(run_id=run.id, **columns))
            changes.added[columns["metric"]] += 1
        elif any(getattr(row, k) != v for k, v in columns.items()):
            for k, v in columns.items():
                setattr(row, k, v)
            row.run_id = run.id
            changes.changed[columns["metric"]] += 1
    for row in existing.values():
        changes.removed[row.metric] += 1
        session.delete(row)
    session.flush()
    for seq, row in stored.items():
        if seq not in by_seq:
            session.delete(row)
            changes.articles_changed += 1
    session.flush()


def _insert_new(session: Session, page: Page, extraction, run: ExtractionRun, changes: Changes) -> None:
    """A page with nothing stored yet: its articles and facts go in as bulk inserts."""
    if not extraction.articles:
        return
    rows = [{"page_id": page.id, **article_columns(a)} for a in extraction.articles]
    ids = {seq: id_ for id_, seq in session.execute(insert(Article).returning(Article.id, Article.seq), rows)}
    facts = []
    for fact in extraction.facts:
        columns = fact_columns(fact)
        columns["article_id"] = ids[fact.article_seq]
        columns["run_id"] = run.id
        facts.append(columns)
        changes.added[columns["metric"]] += 1
    if facts:
        session.execute(insert(FactRow), facts)


def page_counts(session: Session, page: Page) -> tuple[int, int]:
    """How many articles and facts the page holds."""
    articles = session.scalar(select(func.count()).select_from(Article).where(Article.page_id == page.id))
    facts = session.scalar(select(func.count()).select_from(FactRow).join(Article).where(Article.page_id == page.id))
    return articles or 0, facts or 0


def reextract_all(session: Session, rules: RuleSet) -> tuple[ExtractionRun, Changes]:
    """Re-run the rules over every current page, in the caller's one transaction."""
    run_id = start_run(session, "re-extract", rules).id
    changes = Changes()
    page_ids = session.scalars(select(Page.id).where(Page.is_current).order_by(Page.id)).all()
    for page_id in page_ids:  # one page in memory at a time, whatever the size of the archive
        sync_page(session, session.get(Page, page_id), rules, session.get(ExtractionRun, run_id), changes)
        session.flush()
        session.expunge_all()
    run = session.get(ExtractionRun, run_id)
    finish_run(run, changes)
    return run, changes
