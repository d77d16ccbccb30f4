"""Facts -> rows: a page's extraction as the column values the database stores.

This is what crosses from the extraction (which may run in worker processes) to the one writer:
plain dicts, small to send, with the publication date the rules settled on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import infer_date
from .facts import Article, PublicationDate, fact_columns
from .pipeline import extract_page
from .rules import RuleSet, load_rules
from .vocab import DateSource, Precision


@dataclass(frozen=True)
class PageRows:
    """The rows of one page: its date (inferred when none was given), articles and facts."""

    published_on: date | None
    date_precision: str | None
    articles: list[dict]
    facts: list[dict]  # each with the ``article_seq`` of its article


def article_columns(article: Article) -> dict:
    return {
        "seq": article.seq, "kind": article.kind.value, "title": article.title, "subtitle": article.subtitle,
        "byline": article.byline, "source_start": article.start, "source_end": article.end,
        "body_start": article.body_start,
    }


def date_columns(published: PublicationDate | None) -> tuple[date | None, str, str | None]:
    """(published_on, date_source, date_precision) of a date given, or of one to infer."""
    if published is None:
        return None, DateSource.INFERRED.value, None
    return published.day, published.source.value, published.precision.value


def page_rows(text: str, published_on: date | None, date_source: str, date_precision: str | None,
              rules: RuleSet | None = None) -> PageRows:
    """Extract a page as rows; an inferred date is inferred again, so rule changes reach it."""
    rules = rules or load_rules()
    if date_source == DateSource.INFERRED.value:
        inferred = infer_date(text)
        published_on = inferred.day if inferred else None
        date_precision = inferred.precision.value if inferred else None
    extraction = extract_page(text, published_on, rules, Precision(date_precision or "day"))
    facts = []
    for fact in extraction.facts:
        columns = fact_columns(fact)
        columns["article_seq"] = fact.article_seq
        facts.append(columns)
    return PageRows(published_on, date_precision, [article_columns(a) for a in extraction.articles], facts)
