"""Numbers as written in Chinese news, to exact Decimals.

Arabic digits with thousands separators and decimals, optionally followed by multipliers
("3764亿", "2.65万亿", "12,345万"); Chinese numerals ("一千二百万", "两亿", "十二点五",
"壹仟玖佰"); adjacent-digit approximations ("二三十亿" is 20亿 to 30亿). cn2an reads the Chinese
integer part; decimals and 万/亿 multiplication are done here, in Decimal, never in float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

import cn2an

from .rules import RuleSet, load_rules

_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_DIGIT.update({"〇": 0, "两": 2, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9})


_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}


class NumberError(ValueError):
    """Text that looked like a number but is not one."""


@dataclass(frozen=True, slots=True)
class Number:
    """A parsed number: ``high`` is set for approximations written as ranges ("二三十")."""

    value: Decimal
    high: Decimal | None = None
    multiplier: int = 1  # the 万/亿 written after the digits, 1 when none
    unit: int = 1  # a one-digit Chinese numeral's unit: 1000 for 三千 (carried back in 两到三千)


@dataclass(frozen=True)
class NumberGrammar:
    """The number pattern composed from numbers.toml, and the multiplier table."""

    number: str
    multipliers: dict[str, int]


@cache
def grammar(rules: RuleSet | None = None) -> NumberGrammar:
    rules = rules or load_rules()
    mults = {m.surface: m.factor for m in rules.multipliers}
    after_digits = "|".join(re.escape(m.surface) for m in sorted(rules.multipliers, key=lambda m: -len(m.surface))
                            if m.after_digits)
    cn_chars = re.escape(rules.chinese_digits + rules.chinese_units + rules.chinese_point + "万亿")
    arabic = r"""
        (?<![0-9A-Za-z.])                         # not the tail of a code, a version or PM2.5
        (?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)          # digits, maybe with thousands separators
        (?:\.\d+)?                                # decimals
    """
    chinese = rf"(?<![{cn_chars}])[{cn_chars}]+"  # from the start of a run only: linear time
    number = rf"(?:{arabic}(?:{after_digits})?|{chinese})"
    return NumberGrammar(number, mults)


def plain(value: Decimal) -> Decimal:
    """The same value without trailing zeros or exponent, so it prints as a plain decimal.

    >>> plain(Decimal("2650000000000.00")), plain(Decimal("12.50")), plain(Decimal("1E+3"))
    (Decimal('2650000000000'), Decimal('12.5'), Decimal('1000'))
    """
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


@cache
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _split_multiplier(text: str, mults: dict[str, int]) -> tuple[str, int]:
    """Split trailing multipliers off a number: "3764亿" -> ("3764", 10**8)."""
    factor = 1
    surfaces = _longest_first(tuple(mults))
    while True:
        for surface in surfaces:
            if text.endswith(surface) and len(text) > len(surface):
                factor *= mults[surface]
                text = text[: -len(surface)]
                break
        else:
            return text, factor


def _chinese_integer(text: str) -> int:
    if text and text[0] in "十拾百佰千仟万亿":
        text = "一" + text  # "百亿" is 一百亿
    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError) as exc:
        raise NumberError(f"not a Chinese numeral: {text!r}") from exc
    if isinstance(value, float) and not value.is_integer():
        raise NumberError(f"not an integer: {text!r}")
    return int(value)


def parse_chinese(text: str, mults: dict[str, int] | None = None) -> Number:
    """A Chinese numeral, exactly.

    >>> parse_chinese("一千二百万").value
    Decimal('12000000')
    >>> parse_chinese("十二点五").value
    Decimal('12.5')
    >>> parse_chinese("二三十亿")
    Number(value=Decimal('2000000000'), high=Decimal('3000000000'), multiplier=100000000, unit=1)
    """
    mults = mults or grammar().multipliers
    pair = re.fullmatch(r"([一二三四五六七八九])([一二三四五六七八九])([十百千万亿]+)", text)
    if pair and _CN_DIGIT[pair.group(2)] == _CN_DIGIT[pair.group(1)] + 1:
        unit = _chinese_integer(pair.group(3))
        low, high = _CN_DIGIT[pair.group(1)] * unit, _CN_DIGIT[pair.group(2)] * unit
        return Number(Decimal(low), Decimal(high), _trailing_factor(pair.group(3), mults))
    if "点" in text:
        whole, _, rest = text.partition("点")
        digits = ""
        while rest and rest[0] in _CN_DIGIT:
            digits += str(_CN_DIGIT[rest[0]])
            rest = rest[1:]
        if not whole or not digits or "点" in rest:
            raise NumberError(f"malformed decimal: {text!r}")
        factor = 1
        for ch in rest:
            if ch not in ("万", "亿"):
                raise NumberError(f"malformed decimal: {text!r}")
            factor *= mults[ch]
        integer = _chinese_integer(whole)
        return Number(plain(Decimal(f"{integer}.{digits}") * factor), None, factor)
    single = re.fullmatch(r"[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]([十拾百佰千仟])", text)
    return Number(Decimal(_chinese_integer(text)), None, _trailing_factor(text, mults),
                  _CN_UNIT[single.group(1)] if single else 1)


def _trailing_factor(text: str, mults: dict[str, int]) -> int:
    """The 万/亿 written at the end of a numeral, for carrying back over a range."""
    factor = 1
    while text and text[-1] in "万亿":
        factor *= mults[text[-1]]
        text = text[:-1]
    return factor


_DIGITS = re.compile(r"[\d,]+(?:\.\d+)?")


@lru_cache(maxsize=4096)  # the same numbers recur page after page ("5%", "12家")
def parse_number(text: str) -> Number:
    """Any number the grammar matches, to an exact Decimal.

    >>> parse_number("3764亿").value
    Decimal('376400000000')
    >>> parse_number("12,345万").value
    Decimal('123450000')
    >>> parse_number("2.65万亿").value
    Decimal('2650000000000')
    >>> parse_number("两亿").value
    Decimal('200000000')
    """
    mults = grammar().multipliers
    if not text:
        raise NumberError("empty number")
    if text[0].isdigit():
        head, factor = _split_multiplier(text, mults)
        if not _DIGITS.fullmatch(head):
            raise NumberError(f"malformed number: {text!r}")
        return Number(plain(Decimal(head.replace(",", "")) * factor), None, factor)
    return parse_chinese(text, mults)
