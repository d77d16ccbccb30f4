"""What a figure measures and how it is stated: metric, measure, direction, status.

Policy (the words themselves are in metrics.toml and cues.toml):
- money and area: a keyword right after the figure ("8.4万平方米生产用房"); else the keyword
  nearest before it in its clause; else, for a threshold ("10亿元以上项目"), a threshold keyword
  right after; else, in a clause that goes on about the last topic (a change, or 较/其中/分别),
  the metric of the figure it refers to ("贷款余额达3764亿元,较年初增加435.92亿元"), or the
  keyword nearest before it in the sentence ("获得授信,总金额达588亿元").
- percent: the nearest of the percent keywords and the change verbs; a change verb makes it a
  growth or decline rate, a keyword a share or rate.
- measure: a change verb in the clause before the figure makes money, area and counts a delta,
  unless it is part of a noun (增加值) or gives the level reached ("提高到39%").
- status: the nearest status cue before the figure in its statement, or one standing before the
  sentence's first figure; none means actual.
- one value for several metrics ("答复率、满意率均为100%"): one meaning per metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from functools import cache

from .context import STATEMENT_BREAK, Context, nearest_word
from .facts import Quantity
from .rules import RuleSet
from .vocab import DEFAULT_METRIC, Direction, Kind, Measure, Metric, Qualifier, Status


@dataclass(slots=True)  # not frozen: a frozen init costs ~4x; made for every figure and never changed after
class Meaning:
    metric: Metric
    metric_phrase: str | None
    measure: Measure
    direction: Direction | None
    status: Status


@cache
def _keywords(rules: RuleSet, kind: Kind) -> dict[str, Metric]:
    return {word: m.metric for m in rules.metrics if m.kind is kind for word in m.keywords}


@cache
def _threshold_keywords(rules: RuleSet, kind: Kind) -> dict[str, Metric]:
    return {word: m.metric for m in rules.metrics if m.kind is kind for word in m.threshold_keywords}


@cache
def _change_words(rules: RuleSet, percent: bool) -> dict:
    return {w: c for w, c in rules.change_cues.items() if percent or not c.percent_only}


SHARED_VALUE = re.compile(r"^[^,;。]{0,4}?(?:均|都|皆)")  # "答复率、满意率均为100%": one value, each metric


def classify_all(q: Quantity, text: str, ctx: Context, previous: list[tuple[Quantity, Meaning]],
                 rules: RuleSet) -> list[Meaning]:
    """One meaning per metric the figure is stated for: usually one; "A、B均为X" gives two."""
    meaning = classify(q, text, ctx, previous, rules)
    if meaning.metric_phrase is None or q.kind not in (Kind.MONEY, Kind.AREA, Kind.PERCENT):
        return [meaning]
    keywords = _keywords(rules, q.kind)
    end = text.rfind(meaning.metric_phrase, ctx.clause_start, ctx.pos)
    if end < 0 or not SHARED_VALUE.match(text[end + len(meaning.metric_phrase):ctx.pos]):
        return [meaning]
    meanings = [meaning]
    start = end
    while start > ctx.clause_start and text[start - 1] == "、":
        before = nearest_word(text, ctx.clause_start, start - 1, keywords)
        if before is None or before[0] + len(before[1]) != start - 1:
            break
        meanings.insert(0, Meaning(keywords[before[1]], before[1], meaning.measure, meaning.direction, meaning.status))
        start = before[0]
    return meanings


RESPECTIVELY = "分别"


def classify(q: Quantity, text: str, ctx: Context, previous: list[tuple[Quantity, Meaning]], rules: RuleSet) -> Meaning:
    """The meaning of figure ``q``; ``previous`` holds the figures before it in its statement."""
    status = _status(text, ctx, rules)
    if q.kind is Kind.PERCENT:
        return _percent(text, ctx, rules, status)
    if q.kind is Kind.PP:
        change = _change(text, ctx.statement_start, ctx.pos, rules, percent=True)
        direction = rules.change_cues[change[1]].direction if change else None
        return Meaning(Metric.PP_CHANGE, change[1] if change else None, Measure.DELTA, direction, status)

    change = _change(text, ctx.clause_start, ctx.pos, rules, percent=False)
    measure = Measure.DELTA if change else Measure.LEVEL
    direction = rules.change_cues[change[1]].direction if change else None
    if q.kind is Kind.COUNT:
        return Meaning(Metric.COUNT, q.counted, measure, direction, status)

    keywords = _keywords(rules, q.kind)
    after = _keyword_right_after(text, ctx.end, keywords, _first_chars(rules, q.kind))
    if after:
        return Meaning(keywords[after], after, measure, direction, status)
    found = nearest_word(text, ctx.clause_start, ctx.pos, keywords)
    if found:
        return Meaning(keywords[found[1]], found[1], measure, direction, status)
    if q.qualifier in (Qualifier.OVER, Qualifier.UNDER):
        thresholds = _threshold_keywords(rules, q.kind)
        found = nearest_word(text, ctx.end, ctx.clause_end, thresholds)
        if found:
            return Meaning(thresholds[found[1]], found[1], measure, direction, status)
    same_kind = [m for prev_q, m in previous if prev_q.kind is q.kind and m.metric is not DEFAULT_METRIC[q.kind]]
    clause = text[ctx.clause_start:ctx.pos]
    goes_on = clause.startswith(rules.carry_openers)
    if same_kind and (change or goes_on):
        topic = _respective(q, text, ctx, previous) or same_kind[-1]
        return Meaning(topic.metric, topic.metric_phrase, measure, direction, status)
    if goes_on:
        found = nearest_word(text, ctx.sentence_start, ctx.pos, keywords)
        if found:
            return Meaning(keywords[found[1]], found[1], measure, direction, status)
    return Meaning(DEFAULT_METRIC[q.kind], None, measure, direction, status)


def _respective(q: Quantity, text: str, ctx: Context, previous: list[tuple[Quantity, Meaning]]) -> Meaning | None:
    """"存款余额4462亿元,贷款余额4018.7亿元,分别较年初增加385亿元、402.6亿元": the i-th figure
    after 分别 goes with the i-th of the last figures named before it."""
    at = text.rfind(RESPECTIVELY, ctx.clause_start, ctx.pos)
    if at < 0:
        return None
    before = [m for pq, m in previous if pq.kind is q.kind and pq.norm_end <= at]
    index = len([pq for pq, _ in previous if pq.kind is q.kind and pq.norm_start > at])
    size = text.count("、", at, ctx.clause_end) + 1
    if len(before) < size or index >= size:
        return None
    return before[len(before) - size + index]


@cache
def _percent_words(rules: RuleSet) -> dict:
    """What a percent is read by: its keywords and the change verbs, one table."""
    return {**_keywords(rules, Kind.PERCENT), **_change_words(rules, True)}


@cache
def _first_chars(rules: RuleSet, kind: Kind) -> frozenset[str]:
    return frozenset(word[0] for word in _keywords(rules, kind))


def _keyword_right_after(text: str, end: int, keywords: dict, first_chars: frozenset[str]) -> str | None:
    """A keyword that names the figure right after it: "建成8.4万平方米生产用房", "38亩土地"."""
    if text[end:end + 1] not in first_chars:
        return None  # most figures: no keyword starts there, and one lookup says so
    return max((w for w in keywords if text.startswith(w, end)), key=len, default=None)


def _change(text: str, lo: int, hi: int, rules: RuleSet, percent: bool) -> tuple[int, str] | None:
    """The nearest change verb before ``hi``, unless it is part of a noun (增加值) or gives the
    level reached ("提高到39%")."""
    found = _nearest_valid(text, lo, hi, _change_words(rules, percent), rules)
    if found is None or _is_to_level(text, found, rules):
        return None
    return found


def _is_to_level(text: str, found: tuple[int, str], rules: RuleSet) -> bool:
    after = found[0] + len(found[1])
    return after < len(text) and text[after] in rules.change_to_level


def _nearest_valid(text: str, lo: int, hi: int, words, rules: RuleSet) -> tuple[int, str] | None:
    """Like nearest_word, skipping change verbs that are part of a noun (增加值)."""
    while True:
        found = nearest_word(text, lo, hi, words)
        if found is None:
            return None
        start, word = found
        end = start + len(word)
        if end < len(text) and text[end] in rules.change_not_followed_by.get(word, ""):
            hi = end - 1  # look further back
            continue
        return found


def _percent(text: str, ctx: Context, rules: RuleSet, status: Status) -> Meaning:
    keywords = _keywords(rules, Kind.PERCENT)
    changes = _change_words(rules, True)
    words = _percent_words(rules)
    found = None
    for lo in (ctx.clause_start, ctx.statement_start):
        hi = ctx.pos
        while found is None:
            found = _nearest_valid(text, lo, hi, words, rules)
            if found and found[1] in changes and _is_to_level(text, found, rules):
                hi, found = found[0] + len(found[1]) - 1, None  # "比重提高到39%": the keyword before
                continue
            break
        if found:
            break
    if found is None:
        return Meaning(Metric.OTHER_PERCENT, None, Measure.RATIO, None, status)
    word = found[1]
    if word in keywords:
        return Meaning(keywords[word], word, Measure.RATIO, None, status)
    direction = changes[word].direction
    metric = Metric.GROWTH_RATE if direction is Direction.UP else Metric.DECLINE_RATE
    return Meaning(metric, word, Measure.RATE, direction, status)


def _status(text: str, ctx: Context, rules: RuleSet) -> Status:
    """The nearest status cue before the figure in its statement; a cue before the sentence's
    first figure ("全年预计完成…;…", "今年,我区将…;…") speaks for the whole sentence."""
    found = _status_cue(text, ctx.statement_start, ctx.pos, rules)
    if found is None and ctx.sentence_start <= ctx.first_figure < ctx.statement_start:
        found = _status_cue(text, ctx.sentence_start, ctx.first_figure, rules)
    return rules.status_cues[found[1]] if found else Status.ACTUAL


def _status_cue(text: str, lo: int, hi: int, rules: RuleSet) -> tuple[int, str] | None:
    while True:
        found = nearest_word(text, lo, hi, rules.status_cues)
        if found is None:
            return None
        end = found[0] + len(found[1])
        if text.startswith(rules.status_not_followed_by.get(found[1], ()), end):
            hi = end - 1  # "完成全年目标任务的109%": 目标 names the plan, not the figure's status
            continue
        return found


THRESHOLD_AFTER = re.compile(r"[\u4e00-\u9fff0-9]")  # a noun, or the count itself ("30亿元以上2个")


def is_threshold(q: Quantity, text: str, rules: RuleSet) -> bool:
    """"10亿元以上重大项目": a money or area figure with 以上/以下 and a noun right after it."""
    if q.kind not in (Kind.MONEY, Kind.AREA) or q.qualifier not in (Qualifier.OVER, Qualifier.UNDER):
        return False
    for word in rules.qualifiers_after:
        if text.startswith(word, q.norm_end):
            return bool(THRESHOLD_AFTER.match(text, q.norm_end + len(word)))
    return False


def settle_thresholds(facts: list, text: str, rules: RuleSet) -> list:
    """A threshold is a level with the subject, period and status of the count it qualifies:
    the next count in its statement ("10亿元以上重大项目入库10个", ANNOTATION.md)."""
    out = []
    for i, fact in enumerate(facts):
        q = fact.quantity
        if is_threshold(q, text, rules):
            count = next((f for f in facts[i + 1:] if f.kind is Kind.COUNT
                          and not STATEMENT_BREAK.search(text, q.norm_end, f.quantity.norm_start)), None)
            fact = dc_replace(fact, measure=Measure.LEVEL, direction=None)
            if count is not None:
                fact = dc_replace(fact, subject=count.subject, period=count.period, status=count.status)
        out.append(fact)
    return out


def status_for(status: Status, period, until) -> Status:
    """A figure stated plainly for a period that starts after the paper came out (``until``: the
    last day it may have) is a target ("明年…腾退土地5000亩")."""
    if status is Status.ACTUAL and period is not None and until is not None and period.start > until:
        return Status.TARGET
    return status
