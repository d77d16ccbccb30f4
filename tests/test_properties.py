"""Properties of the whole extraction path on arbitrary and mutated text."""

from __future__ import annotations

from decimal import Decimal

import pytest
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


NAME_PIECES = st.sampled_from(["年产", "12", ".5", "江苏", "恒立", "精密", "科技", "有限公司", "项目", "银行", "武进", "区",
                               "镇", "新北", "产业园", "一期", "的", "A", "·", "全区", "街道", "村", ",", "。"])


@settings(deadline=None)
@given(st.lists(NAME_PIECES, max_size=60).map("".join), st.integers(0, 40), st.integers(0, 40))
def test_names_found_by_skipping_ahead_are_the_pattern_s_own_matches(text, lo, cut):
    from extractor.rules import load_rules
    from extractor.subjects import _entity_matches, _patterns

    rules = load_rules()
    hi = max(lo, len(text) - cut)
    expected = [(m.span(), m.groups()) for m in _patterns(rules)[0].finditer(text, lo, hi)]
    assert [(m.span(), m.groups()) for m in _entity_matches(text, lo, hi, rules)] == expected


@pytest.mark.parametrize("text", [
    "全区" + "恒立精密传动" * 5 + "有限公司。" + "恒立精密传动" * 4 + "有限公司。",  # stems of 30 and 24: the pattern's cut
    "签约年产12.5万吨高性能纤维及年产3000台智能装备项目,总投资5亿元",  # capacities inside a stem
    "2024年产值增长5%,新北区实现12项目",  # digits not after 年产 end a stem
])
def test_names_found_by_skipping_ahead_match_the_pattern_at_the_edges(text):
    from extractor.rules import load_rules
    from extractor.subjects import _entity_matches, _patterns

    rules = load_rules()
    for lo in range(len(text)):
        expected = [(m.span(), m.groups()) for m in _patterns(rules)[0].finditer(text, lo)]
        assert [(m.span(), m.groups()) for m in _entity_matches(text, lo, len(text), rules)] == expected, lo


def _counted_words(rules):
    """Characters the counted-noun word lists are made of, so random text meets them often."""
    words = rules.counted_stop_words + rules.counted_heads + rules.counted_lead_verbs + rules.counted_trailing_verbs
    return sorted({c for w in words for c in w})[:60] + ["个", "家", "4"]


@settings(deadline=None)
@given(st.data())
def test_counted_noun_word_searches_are_the_plain_loops_over_the_tables(data):
    from extractor.quantities import _counted_finders, _longest_first
    from extractor.rules import load_rules

    rules = load_rules()
    pieces = st.sampled_from(_counted_words(rules) + list(rules.counted_heads[:8]) + list(rules.counted_lead_verbs[:8]))
    text = "".join(data.draw(st.lists(pieces, max_size=12)))
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    stop_word, heads, trailing, lead_verb = _counted_finders(rules)
    stop = stop_word.search(text)
    assert (stop.start() if stop else len(text)) == min(
        (text.find(w) for w in rules.counted_stop_words if w in text), default=len(text))
    head = heads.match(text)
    assert (head.group() if head else None) == next((h for h in rules.counted_heads if text.startswith(h)), None)
    verb = trailing.search(text, lo, hi)
    assert (text[verb.start():hi] if verb else None) == next(
        (w for w in _longest_first(rules, "trailing") if text.endswith(w, lo, hi)), None)
    assert bool(lead_verb.search(text, lo, hi)) == any(v in text[lo:hi] for v in rules.counted_lead_verbs)


FIGURE_PIECES = st.sampled_from(["12", "3,764", ".5", "亿元", "万", "元", "%", "百分之", "十二点五", "一", "两", "千",
                                 "个", "家", "亩", "公顷", "平方米", "PM2.5", "A", "第", "约", "至", "-", "余", "多",
                                 "年", ",", "。", "增长", "贷款", "百分点", "个百分点", "١٢", "2024年", "上半年", "一季度",
                                 "前", "月", "月份", "以来", "日", "末", "今年", "“", "”", "http://"])


def _rule_patterns():
    from extractor.quantities import _master
    from extractor.rules import load_rules

    rules = load_rules()
    return [_master(rules)] + [r.pattern for r in rules.periods] + [s.pattern for s in rules.stops]


@settings(deadline=None, max_examples=300)
@given(st.lists(FIGURE_PIECES, max_size=30).map("".join), st.integers(0, 20), st.integers(0, 20))
def test_matches_found_without_trying_everywhere_are_the_pattern_s_own(text, lo, cut):
    from extractor.matching import matches

    hi = max(lo, len(text) - cut)
    for pattern in _rule_patterns():  # the figure pattern, every period phrase and stop rule
        expected = [(m.span(), m.groups()) for m in pattern.finditer(text, lo, hi)]
        for at_starts in (False, True):
            found = [(m.span(), m.groups()) for m in matches(pattern, text, lo, hi, at_starts)]
            assert found == expected, pattern.pattern


@settings(deadline=None, max_examples=300)
@given(st.lists(FIGURE_PIECES, max_size=30).map("".join), st.integers(0, 20), st.integers(0, 20))
def test_a_pattern_set_finds_what_each_of_its_patterns_finds(text, lo, cut):
    from extractor.matching import PatternSet

    hi = max(lo, len(text) - cut)
    patterns = tuple(_rule_patterns())
    every = PatternSet(patterns)
    span = lambda found: [(i, m.span(), m.groups()) for i, m in found]  # noqa: E731
    assert span(every.finditer(text, lo, hi)) == span(
        (i, m) for i, p in enumerate(patterns) for m in p.finditer(text, lo, hi))
    assert span(every.match(text, lo, hi)) == span(
        (i, m) for i, p in enumerate(patterns) if (m := p.match(text, lo, hi)))


@pytest.mark.parametrize("text, lo, hi, found", [
    ("上半年产值", 0, 5, [(0, (0, 3)), (1, (2, 3))]),  # a literal at the very start of the range
    ("2024年上半年", 0, 8, [(0, (0, 8)), (1, (4, 5)), (1, (7, 8))]),
    ("2024年上半年", 0, 7, [(1, (4, 5))]),  # 上半年 cut by the range's end: its literal is not inside
    ("产值上半年", 2, 4, []),  # 上半 only
])
def test_a_pattern_set_looks_for_each_literal_inside_the_range(text, lo, hi, found):
    import re

    from extractor.matching import PatternSet

    every = PatternSet((re.compile(r"(?:\d{4}年)?上半年"), re.compile("年")))
    assert [(i, m.span()) for i, m in every.finditer(text, lo, hi)] == found
    assert [(i, m.span()) for i, m in every.match(text, lo, hi)] == [(i, s) for i, s in found if s[0] == lo]


# text around a place where a period phrase may open, often as a baseline ("比去年", "去年同期")
HEAD_BEFORE = st.tuples(st.lists(FIGURE_PIECES, max_size=6).map("".join),
                        st.sampled_from(["", "比", "较", "。", "年", "1"])).map("".join)
HEAD_AFTER = st.tuples(st.sampled_from(["去年", "2024年", "一季度", "今年以来", "1—6月", "上半年", "年末", "今年", "截至6月"]),
                       st.sampled_from(["", "同期", "预算", "是", ",", "末", "份"]),
                       st.lists(FIGURE_PIECES, max_size=6).map("".join)).map("".join)


@settings(deadline=None, max_examples=300)
@given(HEAD_BEFORE, HEAD_AFTER)
def test_the_head_phrase_is_the_first_phrase_find_phrases_gives_there(before, after):
    from extractor.periods import find_phrases, head_phrase
    from extractor.rules import load_rules

    rules, text, start = load_rules(), before + after, len(before)
    phrases = find_phrases(text, start, min(len(text), start + 16), rules)
    first = phrases[0] if phrases and phrases[0].start == start else None
    expected = first if first and first.end < len(text) and text[first.end] in ",是" else None
    found = head_phrase(text, start, rules, followers=",是")
    assert (found and (found.start, found.end, found.rule)) == (expected and (expected.start, expected.end, expected.rule))


@pytest.mark.parametrize("pattern, starts", [
    (r"(?:(?P<year>\d{4})年)?上半年", "[\\d上]"),  # an optional group: its first characters and the next's
    (r"(?<![0-9])[0-9]+个", "[0-9]"),  # a look-behind is skipped over
    (r"今年|明年|(?:第)?一季度", "[一今明第]"),
    (r"a*", None), (r".b", None), (r"[^a]b", None), (r"(?i)ab", None), (r"(?i:a)b", None),  # any, or none
])
def test_the_characters_a_match_can_start_with(pattern, starts):
    import re

    from extractor.matching import starts_of

    found = starts_of(re.compile(pattern))
    assert (found.pattern if found else None) == starts


@pytest.mark.parametrize("pattern, literal", [
    (r"(?:(?P<year>\d{4})年)?上半年", "上半年"),  # the longest run in the pattern's own sequence
    (r"(?P<year>\d{4})年(?:末|底)", "年"),
    (r"今年|明年", None), (r"(?i)abc", None),  # in no alternative's every match, or matched in any case
])
def test_the_literal_every_match_holds(pattern, literal):
    import re

    from extractor.matching import required_literal

    assert required_literal(re.compile(pattern)) == literal
