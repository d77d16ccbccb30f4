"""Properties of the whole extraction path on arbitrary and mutated text."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pipeline import extract_page

SENTENCES = [
    "截至6月末,全区各项贷款余额达3764亿元,较年初增加435.92亿元,增长13.1%。",
    "项目规划用地40亩,总投资5.5亿元,计划新建厂房约2.8万平方米。",
    "全年新增上市企业2家、专精特新企业23家,增速提高0.8个百分点。",
]
PIECES = st.sampled_from(list("0123456789.,%亿万元亩人家个项百分点之第十一二三两约超余多\n 　，。、—至１２％"))


def check(text: str):
    extraction = extract_page(text, None)
    for fact in extraction.facts:
        q = fact.quantity
        assert text[q.span.start:q.span.end] == q.span.text
        assert q.value.is_finite() and q.value >= 0
        assert q.value_high is None or q.value_high > q.value
        assert "E" not in format(q.value, "f")
    return extraction


@settings(deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    check(text)


@settings(deadline=None)
@given(st.lists(PIECES, max_size=80).map("".join))
def test_number_soup_never_raises_and_offsets_hold(text):
    check(text)


@settings(deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(min_value=0), st.sampled_from(["\n\n", "\n", " "]))
def test_a_break_inserted_anywhere_keeps_offsets_true(sentence, at, insert):
    at = at % (len(sentence) + 1)
    check(sentence[:at] + insert + sentence[at:])


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(SENTENCES))
def test_deterministic(sentence):
    first = [(f.quantity, f.metric, f.subject, f.period) for f in extract_page(sentence, None).facts]
    again = [(f.quantity, f.metric, f.subject, f.period) for f in extract_page(sentence, None).facts]
    assert first == again and first


MUTATIONS = st.sampled_from([
    lambda s, i: s[:i] + " " + s[i:],                                   # a space
    lambda s, i: s[:i] + "\n\n" + s[i:],                                # a line break
    lambda s, i: s[:i] + "," + s[i:],                                   # a separator
    lambda s, i: s[:i] + s[i:].translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),  # full-width digits
    lambda s, i: s[:i] + s[i:i + 1] * 3 + s[i + 1:],                    # a repeated character
    lambda s, i: s[:i] + s[i + 1:],                                     # a dropped character
])


@settings(deadline=None)
@given(st.lists(st.tuples(MUTATIONS, st.integers(min_value=0)), max_size=6), st.sampled_from(SENTENCES))
def test_mutated_sentences_never_raise_and_offsets_hold(mutations, sentence):
    for mutate, at in mutations:
        sentence = mutate(sentence, at % (len(sentence) + 1))
    check(sentence)


def test_a_line_break_inside_a_number_gives_the_same_value():
    whole = extract_page("本报讯(记者 周一)全区各项存款余额达5217.5亿元,较年初增加二十亿元。", None)
    broken = extract_page("本报讯(记者 周一)全区各项存款余额达52\n\n17.5亿元,较年初增加二十亿元。", None)
    assert [f.quantity.value for f in whole.facts] == [f.quantity.value for f in broken.facts]
    assert whole.facts[0].quantity.value == Decimal("521750000000")


def _nearest_by_rfind(text, lo, hi, words):
    """The definition: each word's last occurrence in the window, the one ending last (longest on ties)."""
    window = text[lo:hi]
    ends = [(window.rfind(w) + len(w), len(w), w) for w in words if w and w in window]
    if not ends:
        return None
    end, length, word = max(ends)
    return lo + end - length, word


WORD_CHARS = st.sampled_from(list("增加长余额贷款存总投资"))


@settings(deadline=None)
@given(st.lists(WORD_CHARS, max_size=40).map("".join), st.lists(st.lists(WORD_CHARS, min_size=1, max_size=4)
       .map("".join), min_size=1, max_size=6, unique=True), st.integers(0, 40), st.integers(0, 40))
def test_nearest_word_is_the_word_ending_last_in_the_window(text, words, lo, hi):
    from extractor.context import nearest_word
    assert nearest_word(text, lo, hi, tuple(words)) == _nearest_by_rfind(text, lo, hi, words)
