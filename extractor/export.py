"""One record per fact, with exactly the fields of the export contract (see README)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from typing import IO, Iterable

from sqlalchemy import Engine, text

from . import __version__
from .facts import Article, Fact, fact_columns
from .numbers import plain

# The export contract's fields, in order. Other programs depend on them: add, never rename.
EXPORT_FIELDS = (
    "source", "source_sha256", "article_seq", "article_title", "published_on", "date_source",
    "kind", "metric", "metric_phrase", "subject", "measure", "direction", "qualifier", "status",
    "value", "value_high", "unit", "counted", "surface", "source_start", "source_end", "sentence",
    "period_start", "period_end", "period_phrase", "extractor_version",
)


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(plain(value), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def fact_records(engine: Engine, where: str = "", params: dict | None = None,
                 limit: int | None = None) -> Iterable[dict]:
    """Stored facts as export records, in page, article and text order."""
    columns = ", ".join(EXPORT_FIELDS)
    sql = f"SELECT {columns} FROM fact_details {where} ORDER BY source, article_seq, source_start, fact_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with engine.connect() as connection:
        for row in connection.execute(text(sql), params or {}).mappings():
            yield {k: _plain(Decimal(row[k]) if k in ("value", "value_high") and row[k] is not None else row[k])
                   for k in EXPORT_FIELDS}


def record_of_fact(fact: Fact, article: Article, source: str | None, sha256: str | None,
                   published: date | None, date_source: str | None) -> dict:
    """The export record of an in-memory fact (``wujin parse``)."""
    values = {
        "source": source, "source_sha256": sha256, "article_seq": article.seq, "article_title": article.title,
        "published_on": published, "date_source": date_source, "extractor_version": __version__,
        **fact_columns(fact),
    }
    return {k: _plain(values[k]) for k in EXPORT_FIELDS}


def write_records(records: Iterable[dict], out: IO[str], fmt: str) -> int:
    """Write records as JSON Lines or CSV; returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
            count += 1
    else:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
