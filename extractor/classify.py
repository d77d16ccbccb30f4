"""What a figure measures and how it is stated: metric, measure, direction, status.

Policy (the words themselves are in metrics.toml and cues.toml):
- money and area: the metric keyword nearest before the figure in its clause; else, for a
  threshold ("10亿元以上项目"), a threshold keyword right after; else the metric of the previous
  figure of the same kind in the statement ("贷款余额达3764亿元,较年初增加435.92亿元"); else
  the nearest keyword before it in the sentence.
- percent: the nearest of the percent keywords and the change verbs; a change verb makes it a
  growth or decline rate, a keyword a share or rate.
- measure: a change verb in the clause before the figure makes money, area and counts a delta.
- status: the nearest status cue before the figure in its sentence; none means actual.
- one value for several metrics ("答复率、满意率均为100%"): one meaning per metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from functools import cache

from .context import Context, nearest_word
from .facts import Quantity
from .rules import RuleSet
from .vocab import DEFAULT_METRIC, Direction, Kind, Measure, Metric, Qualifier, Status


@dataclass(frozen=True, slots=True)
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


def classify(q: Quantity, text: str, ctx: Context, previous: list[tuple[Quantity, Meaning]], rules: RuleSet) -> Meaning:
    """The meaning of figure ``q``; ``previous`` holds the figures before it in its statement."""
    status = _status(text, ctx, rules)
    if q.kind is Kind.PERCENT:
        return _percent(text, ctx, rules, status)
    if q.kind is Kind.PP:
        change = nearest_word(text, ctx.statement_start, ctx.pos, _change_words(rules, True))
        direction = rules.change_cues[change[1]].direction if change else None
        return Meaning(Metric.PP_CHANGE, change[1] if change else None, Measure.DELTA, direction, status)

    change = nearest_word(text, ctx.clause_start, ctx.pos, _change_words(rules, False))
    measure = Measure.DELTA if change else Measure.LEVEL
    direction = rules.change_cues[change[1]].direction if change else None
    if q.kind is Kind.COUNT:
        return Meaning(Metric.COUNT, q.counted, measure, direction, status)

    keywords = _keywords(rules, q.kind)
    found = nearest_word(text, ctx.clause_start, ctx.pos, keywords)
    if found:
        return Meaning(keywords[found[1]], found[1], measure, direction, status)
    if q.qualifier in (Qualifier.OVER, Qualifier.UNDER):
        thresholds = _threshold_keywords(rules, q.kind)
        found = nearest_word(text, ctx.end, ctx.clause_end, thresholds)
        if found:
            return Meaning(thresholds[found[1]], found[1], measure, direction, status)
    for prev_q, prev_meaning in reversed(previous):
        if prev_q.kind is q.kind and prev_meaning.metric is not DEFAULT_METRIC[q.kind]:
            return Meaning(prev_meaning.metric, prev_meaning.metric_phrase, measure, direction, status)
    found = nearest_word(text, ctx.sentence_start, ctx.pos, keywords)
    if found:
        return Meaning(keywords[found[1]], found[1], measure, direction, status)
    return Meaning(DEFAULT_METRIC[q.kind], None, measure, direction, status)


def _percent(text: str, ctx: Context, rules: RuleSet, status: Status) -> Meaning:
    keywords = _keywords(rules, Kind.PERCENT)
    changes = _change_words(rules, True)
    found = nearest_word(text, ctx.clause_start, ctx.pos, {**keywords, **changes})
    if found is None:
        found = nearest_word(text, ctx.statement_start, ctx.pos, {**keywords, **changes})
    if found is None:
        return Meaning(Metric.OTHER_PERCENT, None, Measure.RATIO, None, status)
    word = found[1]
    if word in keywords:
        return Meaning(keywords[word], word, Measure.RATIO, None, status)
    direction = changes[word].direction
    metric = Metric.GROWTH_RATE if direction is Direction.UP else Metric.DECLINE_RATE
    return Meaning(metric, word, Measure.RATE, direction, status)


def _status(text: str, ctx: Context, rules: RuleSet) -> Status:
    found = nearest_word(text, ctx.sentence_start, ctx.pos, rules.status_cues)
    return rules.status_cues[found[1]] if found else Status.ACTUAL


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
                          and not re.search(r"[;。!?\n]", text[q.norm_end:f.quantity.norm_start])), None)
            fact = dc_replace(fact, measure=Measure.LEVEL, direction=None)
            if count is not None:
                fact = dc_replace(fact, subject=count.subject, period=count.period, status=count.status)
        out.append(fact)
    return out


def status_for(status: Status, period, published) -> Status:
    """A figure stated plainly for a period still ahead is a target ("明年…腾退土地5000亩")."""
    if status is Status.ACTUAL and period is not None and published is not None and period.start > published:
        return Status.TARGET
    return status
