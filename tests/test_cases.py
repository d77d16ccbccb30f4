"""The example corpus: each sentence's facts, field by field, with exact spans.

Cases live in tests/cases/*.toml. A case with ``gap = "reason"`` is a known gap, run as a strict
xfail: fixing it turns the suite red until the case is promoted.
"""

from __future__ import annotations

from datetime import date

import pytest

from extractor.export import record_of_fact
from extractor.pipeline import extract_page

from .conftest import load_cases

KINDS = ("money", "area", "percent", "count")


def _params():
    for kind in KINDS:
        for case in load_cases(f"{kind}.toml")["case"]:
            marks = [pytest.mark.xfail(strict=True, reason=case["gap"])] if "gap" in case else []
            yield pytest.param(case, id=f"{kind}:{case['text'][:30]}", marks=marks)


def facts_of(text: str, published: str | None):
    day = date.fromisoformat(published) if published else None
    extraction = extract_page(text, day)
    articles = {a.seq: a for a in extraction.articles}
    return [record_of_fact(f, articles[f.article_seq], None, None, day, "given") for f in extraction.facts]


@pytest.mark.parametrize("case", list(_params()))
def test_sentence_facts(case):
    found = facts_of(case["text"], case.get("date"))
    assert [f["surface"] for f in found] == [e["surface"] for e in case["facts"]]
    for record, expected in zip(found, case["facts"]):
        for field, value in expected.items():
            want = None if value == "" else value
            assert record[field] == want, f"{expected['surface']}: {field}"
        assert case["text"][record["source_start"]:record["source_end"]] == record["surface"]


@pytest.mark.parametrize("text", load_cases("negatives.toml")["texts"] + load_cases("negatives.toml")["durations"])
def test_not_a_fact(text):
    assert facts_of(text, "2024-06-01") == []


@pytest.mark.parametrize("case", load_cases("periods.toml")["case"], ids=lambda c: c["text"][:24])
def test_period(case):
    found = [f for f in facts_of(case["text"], case["date"]) if f["surface"] == case["surface"]]
    assert len(found) == 1
    assert (found[0]["period_start"] or "", found[0]["period_end"] or "") == (case["start"], case["end"])
