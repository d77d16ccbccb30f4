"""Pages split into articles: headline blocks, bylines, photo captions, broken lines."""

from __future__ import annotations

import pytest

from extractor.articles import split_articles
from extractor.pipeline import extract_page
from extractor.text import normalize

from .conftest import load_cases


@pytest.mark.parametrize("case", load_cases("articles.toml")["page"], ids=lambda c: c["name"])
def test_split(case):
    extraction = extract_page(case["text"], None)
    got = extraction.articles
    assert len(got) == len(case["articles"])
    for article, expected in zip(got, case["articles"]):
        for field, value in expected.items():
            actual = getattr(article, field)
            assert (actual.value if hasattr(actual, "value") else actual) == value, field
        assert 0 <= article.start <= article.body_start <= article.end <= len(case["text"])
    assert len(extraction.facts) == case["facts"]


def test_line_broken_mid_number_is_read_whole_and_mapped_back():
    raw = "本报讯(记者 周一)全区各项存款余额达到52\n\n17.5亿元,较年初增加一百亿元。"
    extraction = extract_page(raw, None)
    first = extraction.facts[0].quantity
    assert str(first.value) == "521750000000"
    assert raw[first.span.start:first.span.end] == "52\n\n17.5亿元"


def test_headline_lines_are_not_joined_to_the_byline():
    norm = normalize("\n\n高新区新添两家独角兽企业\n\n本报讯(记者 周一)今年以来,高新区新增独角兽企业2家。")
    assert len(norm.paragraphs) == 2
    [article] = split_articles(norm)
    assert article.title == "高新区新添两家独角兽企业"


def test_sample_pages_split_into_their_articles(corpus):
    """The five sample pages hold 5, 4, 4, 3 and 5 articles (counted by reading them)."""
    counts = []
    for path in sorted(corpus.glob("*.txt")):
        articles = split_articles(normalize(path.read_text(encoding="utf-8")))
        counts.append(len(articles))
        assert all(a.title for a in articles)
    assert counts == [5, 4, 4, 3, 5]
