"""Text written to stress the rules: long digit runs, piled-up multipliers, deep repetition.

Each input is long enough that a quadratic path or a backtracking regex would take minutes, not
the fraction of a second these take; `benchmarks/bench.py --big-page 1 4 16` shows the time per
character staying flat as one page grows. What is asserted here is what a user sees: no error,
no figure made up from noise, offsets that point at the figure.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor.pipeline import extract_page
from extractor.text import normalize

HOSTILE = [
    # (what, text, the surfaces expected, in order)
    ("twenty thousand digits", "全区贷款余额" + "9" * 20000 + "亿元。", []),
    ("five thousand multipliers", "项目投资" + "亿" * 5000 + "元。", []),
    ("twenty separators", "总额" + ",".join(["123"] * 21) + "万元。", []),
    ("numerals without a unit", "一二三四五六七八九十百千万亿" * 1000 + "元", []),
    ("decimal points", "1." * 5000 + "5亿元", []),
    ("range joiners", "3至" * 3000 + "5亿元", ["3至5亿元"]),
    ("brackets", "(" * 5000 + "5亿元" + ")" * 5000, ["5亿元"]),
    ("qualifiers", "约" * 5000 + "超过" * 2000 + "5亿元", ["5亿元"]),
    ("name stems", "江苏" * 5000 + "有限公司投资5亿元", ["5亿元"]),
    ("years", "2023年" * 3000 + "1—9月,产值5亿元", ["5亿元"]),
    ("one list of rates", "增长5%、" * 1000, ["5%"] * 1000),
    ("one line without a full stop", "全区新增企业12家,产值3.5亿元," * 300, ["12家", "3.5亿元"] * 300),
    ("a list of five thousand items", "2024年,全区:\n" + "——新增企业12家。\n" * 5000, ["12家"] * 5000),
]


@pytest.mark.parametrize("what,text,surfaces", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_text_gives_no_made_up_figures(what, text, surfaces):
    extraction = extract_page(text, None)
    assert [f.quantity.span.text for f in extraction.facts] == surfaces
    for fact in extraction.facts:
        q = fact.quantity
        assert text[q.span.start:q.span.end] == q.span.text
        assert q.value.is_finite() and Decimal(0) < q.value < Decimal(10) ** 20


def test_the_offset_map_grows_with_the_lines_not_the_characters():
    """A page of tens of MB must not need an offset per character (tens of millions of ints)."""
    line = "全区规上工业产值5亿元,增长5%。" * 50_000
    norm = normalize(f"标题\n\n{line}\n下一\n行")
    assert len(norm.run_starts) == 7  # four lines and the three breaks between them
    at = norm.text.rindex("5亿元")
    span = norm.span(at, at + 3)  # the repaired text has one newline where the page has two
    assert (span.text, span.start) == ("5亿元", at + 1)
