"""The values passed between pipeline stages: plain frozen records, no database types.

Offsets are always into the page text as stored (the raw text), so that
``raw[span.start:span.end] == span.text`` holds for every span the pipeline produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .vocab import (
    ArticleKind,
    DateSource,
    Direction,
    Kind,
    Measure,
    Metric,
    Precision,
    Qualifier,
    Status,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the raw page text: ``raw[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure normalized to its canonical unit; ``value_high`` is set for ranges."""

    kind: Kind
    value: Decimal
    unit: str
    span: Span
    value_high: Decimal | None = None
    qualifier: Qualifier = Qualifier.NONE
    counted: str | None = None
    norm_start: int = 0  # position in the repaired text the rules read
    norm_end: int = 0


@dataclass(frozen=True, slots=True)
class Period:
    """The time a figure refers to: ``start``..``end`` inclusive, with the phrase that set it."""

    start: date
    end: date
    phrase: str


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """When a page was published, where that came from, and how precisely it is known."""

    day: date
    source: DateSource
    precision: Precision = Precision.DAY


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a page, located by offsets into the raw page text."""

    seq: int
    kind: ArticleKind
    title: str | None
    subtitle: str | None
    byline: str | None
    start: int  # first character of the headline block (or of the caption)
    end: int
    body_start: int
    # (norm_start, norm_end) ranges of the repaired page text that the rules read
    segments: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    heading_count: int = field(default=0, compare=False)  # segments[:heading_count] are headings


@dataclass(frozen=True, slots=True)
class Fact:
    """Everything a fact row holds, independent of the database."""

    article_seq: int
    quantity: Quantity
    metric: Metric
    metric_phrase: str | None
    measure: Measure
    direction: Direction | None
    status: Status
    subject: str | None
    period: Period | None
    sentence: str

    @property
    def kind(self) -> Kind:
        return self.quantity.kind


def fact_columns(fact: Fact) -> dict:
    """The field values of a fact, as the database stores them and the export writes them
    (without its article, page and run)."""
    q = fact.quantity
    return {
        "kind": q.kind.value,
        "value": q.value,
        "value_real": float(q.value),
        "value_high": q.value_high,
        "value_high_real": float(q.value_high) if q.value_high is not None else None,
        "unit": q.unit,
        "metric": fact.metric.value,
        "metric_phrase": fact.metric_phrase,
        "subject": fact.subject,
        "measure": fact.measure.value,
        "direction": fact.direction.value if fact.direction else None,
        "qualifier": q.qualifier.value,
        "status": fact.status.value,
        "counted": q.counted,
        "period_start": fact.period.start if fact.period else None,
        "period_end": fact.period.end if fact.period else None,
        "period_phrase": fact.period.phrase if fact.period else None,
        "surface": q.span.text,
        "source_start": q.span.start,
        "source_end": q.span.end,
        "sentence": fact.sentence,
    }
