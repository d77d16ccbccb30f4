"""Find the figures in a stretch of repaired text and normalize them to canonical units.

``extract_quantities`` is the Extractor/Parser pair in one pass: one master regex (composed
from the number grammar and the unit table) finds candidate spans, the stoplist vetoes names,
ordinals and slogans, and each survivor is parsed into an exact ``Quantity`` whose span points
into the raw page text.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal
from dataclasses import replace
from functools import cache

from .context import STATEMENT_BREAK
from .facts import Quantity
from .matching import PatternSet, matches
from .numbers import Number, NumberError, grammar, parse_number, plain
from .rules import RuleSet, UnitRule, load_rules
from .text import NormText
from .vocab import Kind, Qualifier

WIDE = Context(prec=60)  # exact for any figure the grammar reads (at most 40 digits)
AREA_PLACES = Decimal("0.0001")  # hectares are kept to 4 decimals (ANNOTATION.md)
BARE_MULTIPLIERS = set("百千万亿佰仟拾")  # "百亿" alone is rhetoric unless a qualifier cue stands by it
MAX_NUMBER_CHARS = 40  # longer digit runs are codes or noise, never a figure
_NOUN_AFTER = re.compile(r"(?:[0-9]+[A-Za-z]+)?[\u4e00-\u9fffA-Za-z·()]{1,16}")  # "600个5G基站"
_NOUN_BEFORE = re.compile(r"(?:[0-9]+[A-Za-z]+)?[\u4e00-\u9fffA-Za-z·()]{1,16}$")  # "新建5G基站600个"
_ALTERNATIVE = re.compile(r"\([\u4e00-\u9fff、]{1,8}\)")  # "村(社区)", "镇(街道)"
_LIST_JOINS = ("、", "和", "及", "与", "、和")
_COORDINATED = re.compile(r"(?<![0-9.])(?P<n>\d+(?:\.\d+)?)(?:和|、|及|与)$")


@cache
def _master(rules: RuleSet) -> re.Pattern[str]:
    g = grammar(rules)
    units = "|".join(re.escape(u.surface) for u in sorted(rules.units, key=lambda u: -len(u.surface)) if not u.prefix)
    prefixes = "|".join(re.escape(u.surface) for u in rules.units if u.prefix)
    joiners = "|".join(re.escape(j) for j in rules.range_joiners)
    inner = "|".join(re.escape(w) for w in rules.inner_qualifiers)
    mults = "|".join(re.escape(m.surface) for m in sorted(rules.multipliers, key=lambda m: -len(m.surface)))
    return re.compile(
        rf"""
        (?P<prefix>{prefixes})(?P<pn>{g.number})               # 百分之十二点五, 千分之三
        |
        (?P<n1>{g.number})                                     # first (or only) number
        (?:(?P<u1>{units})?\s?(?P<j>{joiners})\s?(?P<n2>{g.number}))?  # a range: its second end
        (?P<inner>{inner})?                                    # 1万余家, 三十多亿元
        (?P<mult>{mults})?                                     # the 亿 of 三十多亿元
        (?P<unit>{units})                                      # the unit closes every figure
        """,
        re.VERBOSE,
    )


def _to_canonical(number: Decimal, unit: UnitRule) -> Decimal:
    if unit.factor == 1 and unit.kind is not Kind.AREA:
        return plain(number)
    value = WIDE.divide(WIDE.multiply(number, unit.factor.numerator), unit.factor.denominator)
    if unit.kind is Kind.AREA:
        value = value.quantize(AREA_PLACES, rounding=ROUND_HALF_UP, context=WIDE)
    return plain(value)


def _is_chinese(text: str) -> bool:
    return not text[0].isdigit()


@cache
def _longest_first(rules: RuleSet, which: str) -> tuple[str, ...]:
    """A word list of the rules, longest first, sorted once."""
    words = {
        "before": rules.qualifiers_before,
        "after": rules.qualifiers_after,
        "trailing": (set(rules.counted_lead_verbs) | set(rules.counted_trailing_verbs) | set(rules.qualifiers_before)
                     | set(rules.change_cues)),
    }[which]
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _counted_finders(rules: RuleSet) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """The counted-noun word lists as one pattern each, so a count's noun is read with a few
    searches instead of a loop over ~200 words: the first stop word in a noun, the head a noun
    starts with (in the table's order, longest first), the longest verb or cue ending a stretch,
    and whether any lead verb stands in one."""
    def alternation(words) -> str:
        return "|".join(map(re.escape, words))
    return (re.compile(alternation(rules.counted_stop_words)), re.compile(alternation(rules.counted_heads)),
            re.compile(f"(?:{alternation(_longest_first(rules, 'trailing'))})\\Z"),
            re.compile(alternation(rules.counted_lead_verbs)))


@cache
def _edge_chars(rules: RuleSet) -> tuple[frozenset[str], frozenset[str]]:
    """The last characters of the qualifiers before a number and the first of those after it:
    most figures have neither beside them, and one set lookup says so."""
    return frozenset(w[-1] for w in rules.qualifiers_before), frozenset(w[0] for w in rules.qualifiers_after)


def _cue_before(text: str, pos: int, rules: RuleSet) -> tuple[str, Qualifier] | None:
    if pos == 0 or text[pos - 1] not in _edge_chars(rules)[0]:
        return None
    cues = rules.qualifiers_before
    for word in _longest_first(rules, "before"):
        at = pos - len(word)
        if at >= 0 and text.startswith(word, at):
            if at > 0 and text[at - 1] in rules.qualifier_not_after.get(word, ""):
                continue  # 签约, 最近: the end of another word
            return word, cues[word]
    return None


def _cue_after(text: str, pos: int, limit: int, rules: RuleSet) -> tuple[str, Qualifier] | None:
    if pos >= limit or text[pos] not in _edge_chars(rules)[1]:
        return None
    cues = rules.qualifiers_after
    for word in _longest_first(rules, "after"):
        if text.startswith(word, pos, limit):
            return word, cues[word]
    return None


def stop_spans(text: str, rules: RuleSet) -> list[tuple[int, int, bool]]:
    """Where the stoplist matches: (start, end, whether it vetoes Chinese numerals only)."""
    return [(m.start(), m.end(), rules.stops[i].chinese_only)
            for i, m in _stop_patterns(rules).finditer(text, 0, len(text))]


@cache
def _stop_patterns(rules: RuleSet) -> PatternSet:
    return PatternSet(tuple(stop.pattern for stop in rules.stops))


def _counted(text: str, start: int, end: int, limit: int, unit: UnitRule, rules: RuleSet) -> tuple[int, int] | None:
    """Where the thing counted is named (before ``limit``): right after the classifier, else right
    before the number. None when the text names nothing (the classifier's own ``counted`` then stands).
    """
    for word in rules.counted_merge:
        if word.startswith(unit.surface) and text.startswith(word, end - len(unit.surface), limit):
            return end - len(unit.surface), end - len(unit.surface) + len(word)
    stop_word, heads, trailing, lead_verb = _counted_finders(rules)
    right = _NOUN_AFTER.match(text, end, limit)
    if right:
        noun = right.group()
        stop = stop_word.search(noun)
        cut = stop.start() if stop else len(noun)
        head = heads.match(noun)
        if head:
            cut = head.end()  # "16个项目集中签约": the noun is the head it starts with
            alternative = _ALTERNATIVE.match(noun, cut)
            if alternative:
                cut = alternative.end()  # "5个镇(街道)": the head with its alternative
        if cut >= 2 or (cut == 1 and (cut == len(noun) or head) and noun[:1] not in rules.counted_single_char_not):
            return _trim(text, end, end + cut, rules)
    left = _NOUN_BEFORE.search(text, max(0, start - 16), start)
    if left:
        lo, hi = left.span()
        while hi > lo and (verb := trailing.search(text, lo, hi)):  # "省重大项目入库12个", "参保人数近6万人":
            hi = verb.start()  # drop the verb or cue (the longest that ends the stretch)
        cut = hi < left.end()
        if lead_verb.search(text, lo, hi):
            for verb in rules.counted_lead_verbs:  # "新增上市企业4家": the noun follows the verb
                at = text.rfind(verb, lo, hi)
                if at >= 0 and at + len(verb) > lo:
                    lo, cut = at + len(verb), True
        opened = True
        while opened:  # "服务科技型企业860户", "招引落户科技型企业56家", but "养老服务中心14家"
            opened = False
            for verb in rules.counted_opening_verbs:
                if text.startswith(verb, lo) and hi - lo > len(verb):
                    lo, cut, opened = lo + len(verb), True, True
        noun = text[lo:hi]
        if any(w in noun for w in rules.counted_not_nouns):
            return None  # "较去年同期多增210户": a comparison, not the thing counted
        if (hi - lo >= 2 or (cut and hi - lo == 1)) and not _is_unit_word(noun, rules):
            return _trim(text, lo, hi, rules)
    return None


def _trim(text: str, lo: int, hi: int, rules: RuleSet) -> tuple[int, int] | None:
    """Drop a place prefix and a count word: "全区规上工业企业" -> "规上工业企业", "企业总数" -> "企业"."""
    for prefix in rules.counted_strip_prefixes:
        if text.startswith(prefix, lo) and hi - lo > len(prefix):
            lo += len(prefix)
    for suffix in rules.counted_strip_suffixes:
        if text.endswith(suffix, lo, hi) and hi - lo > len(suffix):
            hi -= len(suffix)
            break
    return (lo, hi) if hi > lo else None


def _is_unit_word(word: str, rules: RuleSet) -> bool:
    """"亿元", "万平方米": a unit with its multiplier, never the thing counted."""
    return rules.is_unit(word.lstrip("十百千万亿"))


def extract_quantities(norm: NormText, start: int, end: int, rules: RuleSet | None = None) -> list[Quantity]:
    """The figures in ``norm.text[start:end]``, in text order."""
    rules = rules or load_rules()
    text = norm.text  # nothing here reads past ``end``
    vetoes: list | None = None  # the stoplist runs only where a figure is found
    found: list[Quantity] = []
    for match in matches(_master(rules), text, start, end, at_starts=True):  # where a figure can start
        if vetoes is None:
            vetoes = stop_spans(text[start:end], rules)
        quantity = _parse_match(match, norm, text, start, end, vetoes, rules)
        if quantity is None:
            continue
        if quantity.kind is Kind.COUNT and quantity.counted is None:
            quantity = replace(quantity, counted=_shared_counted(found, quantity, text)
                               or rules.unit(match.group("unit")).counted)
        partner = _coordinated(norm, text, quantity, found, start, rules)
        if partner is not None:
            found.append(partner)
        found.append(quantity)
    return _share_listed_counted(found, text)


def _share_listed_counted(found: list[Quantity], text: str) -> list[Quantity]:
    """Counts listed with one classifier before the noun they share ("分别有7个、6个和4个村"): each
    counts what the last names after it."""
    shared = None  # what the count after names right after it (or shares from the next)
    for i in range(len(found) - 1, -1, -1):
        q = found[i]
        after = found[i + 1] if i + 1 < len(found) else None
        if (shared and after and q.kind is Kind.COUNT and q.span.text[-1:] == after.span.text[-1:]
                and text[q.norm_end:after.norm_start] in _LIST_JOINS):
            found[i] = q = replace(q, counted=shared)
        else:
            shared = q.counted if q.kind is Kind.COUNT and q.counted and text.startswith(q.counted, q.norm_end) else None
    return found


def _coordinated(norm: NormText, text: str, q: Quantity, found: list[Quantity], seg_start: int,
                 rules: RuleSet) -> Quantity | None:
    """"高于全国、全省0.7和0.1个百分点": a bare number joined by 和/、/及 to a figure shares its unit."""
    if q.value_high is not None or q.kind not in (Kind.PERCENT, Kind.PP):
        return None  # only plain decimals of rates are written this way in news
    before = _COORDINATED.search(text, max(seg_start, q.norm_start - 24), q.norm_start)
    if before is None or any(f.norm_end > before.start() for f in found):
        return None
    try:
        number = parse_number(before.group("n"))
    except NumberError:
        return None
    unit = next(u for u in rules.units if u.kind is q.kind and u.unit == q.unit)
    return replace(q, value=_to_canonical(number.value, unit), span=norm.span(before.start("n"), before.end("n")),
                   norm_start=before.start("n"), norm_end=before.end("n"), qualifier=Qualifier.NONE)


def _shared_counted(found: list[Quantity], q: Quantity, text: str) -> str | None:
    """A count that names nothing shares what the previous count of its statement counts
    ("接待上访群众102批次、317人"; "10亿元以上重大项目10个,其中30亿元以上2个")."""
    for prev in reversed(found):
        if prev.kind is Kind.COUNT:
            if not STATEMENT_BREAK.search(text, prev.norm_end, q.norm_start):
                return prev.counted
            return None
    return None


def _parse_match(match: re.Match, norm: NormText, text: str, seg_start: int, seg_end: int, vetoes, rules: RuleSet):
    chinese = not text[match.start()].isdigit()
    if any(s < match.end() - seg_start and e > match.start() - seg_start and (chinese or not only_chinese)
           for s, e, only_chinese in vetoes):
        return None
    if match.group("pn") is not None:
        unit, n1, n2 = rules.unit(match.group("prefix")), match.group("pn"), None
    else:
        unit, n1, n2 = rules.unit(match.group("unit")), match.group("n1"), match.group("n2")
    if len(n1) > MAX_NUMBER_CHARS or (n2 and len(n2) > MAX_NUMBER_CHARS):
        return None
    if unit.chinese_only and not (_is_chinese(n1) and (n2 is None or _is_chinese(n2))):
        return None
    first_u1 = match.group("u1")
    if first_u1 and rules.unit(first_u1).kind is not unit.kind:
        return None
    before = _cue_before(text, match.start(), rules)
    after = _cue_after(text, match.end(), seg_end, rules)
    if set(n1) <= BARE_MULTIPLIERS and before is None and after is None and not unit.prefix:
        return None  # "打造百个…" is rhetoric; "超百亿元" and "亿元以上项目" are figures
    try:
        low_n = parse_number(n1)
        high_n: Number | None = parse_number(n2) if n2 else None
    except NumberError:
        return None
    if low_n.value == 0 and _is_chinese(n1):
        return None  # 零 is a word part (零部件, 零碳) far more often than a figure
    low, high = low_n.value, low_n.high
    if match.group("mult"):
        if not match.group("inner"):
            return None  # a multiplier after the number's own is not a number we read ("3万亿亿")
        factor = grammar(rules).multipliers[match.group("mult")]
        low, high = low * factor, (high * factor if high is not None else None)
    if high_n is not None:
        carried = 1
        if low_n.multiplier == 1 and high_n.multiplier > 1:
            carried = high_n.multiplier  # "3至5亿元", "一千到两千万元": 万/亿 carry back
        elif low_n.multiplier == low_n.unit == 1:
            carried = high_n.unit  # "两到三千": 千 carries back to a bare digit
        if carried > 1 and low * carried <= high_n.value:
            low = low * carried
        high = high_n.value
        if low >= high:
            return None  # "2023-2024" and other pairs that are not ranges
    qualifier = Qualifier.NONE
    if match.group("inner"):
        qualifier = rules.inner_qualifiers[match.group("inner")]
    if before:
        qualifier = before[1]
    elif after:
        qualifier = after[1]
    if unit.kind is Kind.COUNT and (low != low.to_integral_value() or (high is not None and high != high.to_integral_value())):
        return None  # "0.5个工作日": a count is a whole number
    counted = None
    if unit.kind is Kind.COUNT:
        where = _counted(text, match.start(), match.end(), seg_end, unit, rules)
        counted = norm.raw_words(*where) if where else None
    return Quantity(
        kind=unit.kind,
        value=_to_canonical(low, unit),
        unit=unit.unit,
        span=norm.span(match.start(), match.end()),
        value_high=_to_canonical(high, unit) if high is not None else None,
        qualifier=qualifier,
        counted=counted,
        norm_start=match.start(),
        norm_end=match.end(),
    )
