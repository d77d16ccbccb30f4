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
