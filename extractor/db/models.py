"""The typed records: pages, articles, extraction runs, facts.

Every column carries a comment (schema.sql shows them); CHECK constraints come from the same
enums the code uses, so the database refuses a value the vocabulary does not know.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..vocab import ArticleKind, DateSource, Direction, Kind, Measure, Metric, Precision, Qualifier, Status, values
from .types import DecimalText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, enum, nullable: bool = False) -> str:
    allowed = ", ".join(f"'{v}'" for v in values(enum))
    check = f"{column} IN ({allowed})"
    return f"{column} IS NULL OR {check}" if nullable else check


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        CheckConstraint(_in("date_source", DateSource), name="date_source"),
        CheckConstraint(_in("date_precision", Precision, nullable=True), name="date_precision"),
        Index(None, "name", "is_current"),
        Index(None, "sha256"),  # finds the same text under another name without a table scan
        Index(None, "published_on"),
        {"comment": "One row per stored version of a page file; the text is the source of truth."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500), comment="file name as ingested (path below the folder given)")
    version: Mapped[int] = mapped_column(Integer, comment="1 for the first text under this name, +1 per changed text")
    is_current: Mapped[bool] = mapped_column(comment="1 for the version whose articles and facts are stored")
    sha256: Mapped[str] = mapped_column(String(64), comment="sha256 of the file's bytes")
    size_bytes: Mapped[int] = mapped_column(Integer, comment="size of the file in bytes")
    encoding: Mapped[str] = mapped_column(String(20), comment="how the bytes were decoded: utf-8, utf-8-sig, utf-16 or gb18030")
    text: Mapped[str] = mapped_column(Text, comment="the decoded page text, unchanged; offsets point into it")
    published_on: Mapped[date | None] = mapped_column(Date, comment="publication date (first day of the month/year if less precise)")
    date_source: Mapped[str] = mapped_column(String(10), comment="given | manifest | filename | inferred")
    date_precision: Mapped[str | None] = mapped_column(String(5), comment="day | month | year; NULL when no date could be inferred")
    ingested_at: Mapped[datetime] = mapped_column(DateTime, comment="when this version was stored (UTC)")

    articles: Mapped[list[Article]] = relationship(back_populates="page", cascade="all, delete-orphan",
                                                   passive_deletes=True, order_by="Article.seq")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("page_id", "seq"),
        CheckConstraint(_in("kind", ArticleKind), name="kind"),
        CheckConstraint("source_start <= body_start AND body_start <= source_end", name="offsets"),
        {"comment": "An article of a page: headline block, byline, body; or a photo caption."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True, comment="the page")
    seq: Mapped[int] = mapped_column(Integer, comment="position on the page, from 1")
    kind: Mapped[str] = mapped_column(String(5), comment="news | photo")
    title: Mapped[str | None] = mapped_column(Text, comment="headline (photo: the caption's label)")
    subtitle: Mapped[str | None] = mapped_column(Text, comment="second headline lines or subtitle")
    byline: Mapped[str | None] = mapped_column(Text, comment="reporter or photographer names, space-separated")
    source_start: Mapped[int] = mapped_column(Integer, comment="offset of the article's first character in pages.text")
    source_end: Mapped[int] = mapped_column(Integer, comment="offset one past its last character")
    body_start: Mapped[int] = mapped_column(Integer, comment="offset where the body starts (after the byline)")

    page: Mapped[Page] = relationship(back_populates="articles")
    facts: Mapped[list[FactRow]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                                passive_deletes=True, order_by="FactRow.source_start")


class ExtractionRun(Base):
    __tablename__ = "extraction_runs"
    __table_args__ = (
        CheckConstraint("command IN ('ingest', 're-extract')", name="command"),
        {"comment": "One row per ingest or re-extract: which code and rules wrote the facts, and what changed."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(10), comment="ingest | re-extract")
    extractor_version: Mapped[str] = mapped_column(String(20), comment="version of wujin-extractor")
    rules_version: Mapped[str] = mapped_column(String(16), comment="hash of the rule tables")
    started_at: Mapped[datetime] = mapped_column(DateTime, comment="UTC")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, comment="UTC; NULL while running")
    pages: Mapped[int] = mapped_column(Integer, default=0, comment="pages read")
    facts_added: Mapped[int] = mapped_column(Integer, default=0, comment="facts inserted")
    facts_removed: Mapped[int] = mapped_column(Integer, default=0, comment="facts deleted")
    facts_changed: Mapped[int] = mapped_column(Integer, default=0, comment="facts updated")


class FactRow(Base):
    __tablename__ = "facts"
    __table_args__ = (
        CheckConstraint(_in("kind", Kind), name="kind"),
        CheckConstraint(_in("metric", Metric), name="metric"),
        CheckConstraint(_in("measure", Measure), name="measure"),
        CheckConstraint(_in("direction", Direction, nullable=True), name="direction"),
        CheckConstraint(_in("qualifier", Qualifier), name="qualifier"),
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint("source_start < source_end", name="offsets"),
        CheckConstraint("value_high_real IS NULL OR value_high_real >= value_real", name="range"),
        CheckConstraint("period_start IS NULL OR period_start <= period_end", name="period"),
        CheckConstraint("kind <> 'count' OR counted IS NOT NULL", name="counted"),
        Index(None, "metric"),
        Index(None, "kind", "period_start"),
        Index(None, "subject"),
        {"comment": "One row per figure: value in its canonical unit, its meaning, its period, its source."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True, comment="the article")
    run_id: Mapped[int] = mapped_column(ForeignKey("extraction_runs.id"), index=True, comment="the run that wrote this row")
    kind: Mapped[str] = mapped_column(String(7), comment="money | area | percent | pp | count | other")
    value: Mapped[Decimal] = mapped_column(DecimalText, comment="exact value in the canonical unit, plain decimal text")
    value_real: Mapped[float] = mapped_column(Float, comment="value as REAL, for sorting and arithmetic in SQL")
    value_high: Mapped[Decimal | None] = mapped_column(DecimalText, comment="upper end of a range (value is the lower)")
    value_high_real: Mapped[float | None] = mapped_column(Float, comment="value_high as REAL")
    unit: Mapped[str] = mapped_column(String(10), comment="CNY (yuan) or another ISO currency, ha, percent, pp, count, or the unit of other")
    metric: Mapped[str] = mapped_column(String(20), comment="what is measured (ANNOTATION.md vocabulary)")
    metric_phrase: Mapped[str | None] = mapped_column(Text, comment="the words naming what is measured")
    subject: Mapped[str | None] = mapped_column(Text, comment="whose figure: the district, a project, company, bank or place")
    measure: Mapped[str] = mapped_column(String(5), comment="level | delta | rate | ratio")
    direction: Mapped[str | None] = mapped_column(String(4), comment="up | down for deltas and rates")
    qualifier: Mapped[str] = mapped_column(String(6), comment="none | approx | over | under | nearly")
    status: Mapped[str] = mapped_column(String(8), comment="actual | estimate | target")
    counted: Mapped[str | None] = mapped_column(Text, comment="for counts: the thing counted")
    period_start: Mapped[date | None] = mapped_column(Date, comment="first day of the period the figure refers to")
    period_end: Mapped[date | None] = mapped_column(Date, comment="last day of that period (the as-of date)")
    period_phrase: Mapped[str | None] = mapped_column(Text, comment="the words that set the period")
    surface: Mapped[str] = mapped_column(Text, comment="the figure as written: pages.text[source_start:source_end]")
    source_start: Mapped[int] = mapped_column(Integer, comment="offset of the figure in pages.text")
    source_end: Mapped[int] = mapped_column(Integer, comment="offset one past its end")
    sentence: Mapped[str] = mapped_column(Text, comment="the sentence it stands in, line breaks repaired")

    article: Mapped[Article] = relationship(back_populates="facts")
    run: Mapped[ExtractionRun] = relationship()
