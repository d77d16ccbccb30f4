"""Numbers to exact Decimals: one value, many surfaces; Chinese round trips; no floats."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.numbers import NumberError, parse_number
from extractor.pipeline import extract_page
from extractor.text import fold_width

# value -> surfaces that must all read as it (duckling's corpus shape)
NUMBERS = {
    "12345": ["12345", "12,345", "一万二千三百四十五", "壹万贰仟叁佰肆拾伍"],
    "376400000000": ["3764亿", "3,764亿", "三千七百六十四亿"],
    "12000000": ["1200万", "一千二百万", "1.2千万"],
    "200000000": ["2亿", "两亿", "二亿"],
    "12.5": ["12.5", "十二点五"],
    "2650000000000": ["2.65万亿", "二点六五万亿"],
    "1500000000000": ["1.5万亿", "一万五千亿"],
    "35000": ["3.5万", "三万五千", "三万五"],
}


@pytest.mark.parametrize("value,surface", [(v, s) for v, ss in NUMBERS.items() for s in ss])
def test_one_value_many_surfaces(value, surface):
    assert parse_number(surface).value == Decimal(value)


@pytest.mark.parametrize("bad", ["", "点五", "三点", "1.2.3"])
def test_malformed_numbers_raise_number_error(bad):
    with pytest.raises(NumberError):
        parse_number(bad)


def values(text: str):
    return [(f.quantity.value, f.quantity.unit) for f in extract_page(text, None).facts]


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_chinese_round_trip(n):
    assert parse_number(cn2an.an2cn(n)).value == n


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_separators_fullwidth_and_breaks_give_the_same_value(whole, cents):
    plain = f"{whole}.{cents:02d}"
    separated = f"{whole:,}.{cents:02d}"
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in ".," else c for c in separated)
    expected = values(f"销售额{plain}万元。")
    assert expected and expected[0][0] == Decimal(plain) * 10000
    assert values(f"销售额{separated}万元。") == expected
    assert values(f"销售额{fullwidth}万元。") == expected
    assert fold_width(fullwidth) == separated


def test_money_values_never_pass_through_float():
    [(value, unit)] = values("奖池金额攀升至16.4亿元。")
    assert value == Decimal("1640000000") and unit == "CNY"
    [(value, _)] = values("总额为0.1亿元。")
    assert value == Decimal("10000000")
