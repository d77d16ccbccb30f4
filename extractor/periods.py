"""The period a figure refers to, resolved against the publication date.

Policy (the phrases are in periods.toml):
- the period phrase nearest before the figure in its sentence wins;
- failing that, the latest period set at the head of a clause earlier in the paragraph
  ("2023年,…", "报告指出,2023年是…"), or the article's (its headline's, or its body's opening),
  applies, except to a project's own figures, which carry no period unless the text gives one;
- a phrase without a year takes the year named last before it in the paragraph, else the
  year of the article's head period, else the publication year (stepping back a year for a
  month not yet reached: "截至11月末" in a January paper is last November);
- a balance is read at the end of its period: "截至N月末" is the month N itself, "前三季度"
  September, "2024年末" December; so are a ratio and a count of what exists ("共建成…14家")
  stated "截至N月末" or "年末"; a flow, a change ("新增"), or a balance's change since the
  start of the year ("较年初增加"), is the whole span;
- a year named by a relative word (明年) counts as named for the phrases after it.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from .context import PARAGRAPH_WINDOW
from .facts import Period
from .matching import PatternSet
from .numbers import NumberError, parse_chinese
from .rules import PeriodRule, RuleSet
from .vocab import Metric

BALANCES = {Metric.LOAN_BALANCE, Metric.DEPOSIT_BALANCE}
AS_OF = {Metric.SHARE, Metric.RATE}  # ratios "截至3月末" are read at that date; over a span, not
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "明年": 1}
DEADLINE = "到至—－-~～–"  # "到2025年", "2025—2027年": a deadline or a range's end is not the year spoken of
ELEVENTH_PLAN_YEAR = 2006  # the 11th five-year plan's (十一五) first year: "十四五" is 2021—2025
_WITHIN_YEAR = ("ytd", "months", "span", "month", "since")  # phrases narrower than a year


@dataclass(frozen=True, slots=True)
class _Phrase:
    start: int
    end: int
    rule: PeriodRule
    match: re.Match


def _month(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        month = int(text) if text.isdigit() else int(parse_chinese(text).value)
    except NumberError:
        return None
    return month if 1 <= month <= 12 else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4096)  # the same sentence is read for each of its figures
def find_phrases(text: str, lo: int, hi: int, rules: RuleSet) -> list[_Phrase]:
    """Period phrases in ``text[lo:hi]``, longest first where they overlap, in text order."""
    found = []
    for i, m in _period_patterns(rules).finditer(text, lo, hi):  # not scanned where its literal (季度, 以来) is absent
        if not _baseline(text, m.start(), m.end(), rules):
            found.append(_Phrase(m.start(), m.end(), rules.periods[i], m))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[_Phrase] = []
    for phrase in found:
        if kept and phrase.start < kept[-1].end:
            continue
        kept.append(phrase)
    return kept


@cache
def _period_patterns(rules: RuleSet) -> PatternSet:
    return PatternSet(tuple(rule.pattern for rule in rules.periods))


def _baseline(text: str, start: int, end: int, rules: RuleSet) -> bool:
    """"比上年", "去年同期", "全年预算": a comparison or a plan, not the figure's period."""
    return (start > 0 and text[start - 1] in rules.not_period_before) or text.startswith(rules.not_period_after, end)


def context_year(text: str, lo: int, hi: int, published: date | None, rules: RuleSet) -> int | None:
    """The year named last in ``text[lo:hi]``: "2023年", or 今年/去年/明年 against ``published``
    (comparison baselines such as 比去年 and deadlines such as 到2025年 do not count)."""
    years = _named_years(text, lo, hi, published, rules)
    return years[-1][1] if years else None


def _named_years(text: str, lo: int, hi: int, published: date | None, rules: RuleSet) -> list[tuple[int, int]]:
    """(where, year) of every year named in ``text[lo:hi]``, in text order (see context_year)."""
    years: list[tuple[int, int]] = []
    for m in _YEAR.finditer(text, lo, hi):
        if not (m.start() > 0 and text[m.start() - 1] in DEADLINE):
            years.append((m.start(), int(m.group(1))))
    if published is not None:
        for word, offset in _RELATIVE_YEARS.items():
            at = text.find(word, lo, hi)
            while at >= 0:
                if not _baseline(text, at, at + len(word), rules):
                    years.append((at, published.year + offset))
                at = text.find(word, at + len(word), hi)
    years.sort()
    return years


def resolve(phrase: _Phrase, published: date | None, year_hint: int | None, metric: Metric | None,
            level: bool = True, until: date | None = None) -> Period | None:
    """Turn a matched phrase into dates. ``published`` is the publication date, or the first day
    of the month or year it is known to; ``until`` the last day of that window."""
    rule, m = phrase.rule, phrase.match
    groups = m.groupdict()
    explicit = int(groups["year"]) if groups.get("year") else None
    month = _month(groups.get("month"))
    if rule.kind == "year" and rule.offset is not None:
        if published is None:
            return None
        year = published.year + rule.offset
    else:
        year = explicit or year_hint or (published.year if published else None)
        if year is None:
            return None
        if explicit is None and year_hint is None and published and month and month > (until or published).month:
            year -= 1  # a month not yet reached when the paper came out is last year's
    period = _dates(rule, groups, year, month, until or published, metric, level, m.group())
    as_of_phrase = rule.kind == "year_end" or (rule.kind == "ytd" and month is not None)
    stock = (metric in BALANCES and level) or (metric is Metric.COUNT and level and as_of_phrase)
    if period is not None and (stock or (metric in AS_OF and as_of_phrase)):
        # a balance or a ratio is read at the end of its period: "前三季度…贷款余额" is September's
        period = Period(date(period.end.year, period.end.month, 1), period.end, period.phrase)
    return period


def _dates(rule: PeriodRule, groups: dict, year: int, month: int | None, published: date | None,
           metric: Metric | None, level: bool, words: str) -> Period | None:
    if rule.kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), words)
    if rule.kind == "year_end":  # a flow or change to the year's end is the year; balances are narrowed after
        return Period(date(year, 1, 1), date(year, 12, 31), words)
    if rule.kind == "years":
        first = int(groups["first_year"])
        return Period(date(first, 1, 1), date(year, 12, 31), words) if first <= year else None
    if rule.kind == "plan":  # "“十四五”期间": the years of the 1N-th five-year plan
        first = ELEVENTH_PLAN_YEAR + 5 * (int(parse_chinese(groups["plan"]).value) - 1)
        return Period(date(first, 1, 1), date(first + 4, 12, 31), words)
    if rule.kind == "since":  # "6月以来": from that month to the publication date
        if published is None or month is None or date(year, month, 1) > published:
            return None
        return Period(date(year, month, 1), published, words)
    if rule.kind == "days":
        try:
            start = date(year, int(groups["first"]), int(groups["first_day"]))
            end = date(year, month, int(groups["day"])) if month else None
        except (TypeError, ValueError):
            return None
        return Period(start, end, words) if end and start <= end else None
    if rule.kind == "span":
        return Period(date(year, rule.start_month, 1), _last_day(year, rule.end_month), words)
    if rule.kind == "months":
        first = _month(groups.get("first")) if "first" in groups else 1  # "前10个月": from January
        if first is None or month is None or month < first:
            return None
        return Period(date(year, first, 1), _last_day(year, month), words)
    if rule.kind == "month":
        return Period(date(year, month, 1), _last_day(year, month), words) if month else None
    if rule.kind == "ytd":
        if month is None:  # 今年以来: to the publication date
            if published is None:
                return None
            return Period(date(published.year, 1, 1), published, words)
        return Period(date(year, 1, 1), _last_day(year, month), words)
    if rule.kind == "now":
        if published is None:
            return None
        return Period(date(published.year, published.month, 1), _last_day(published.year, published.month), words)
    return None


@dataclass(frozen=True)
class ArticlePeriods:
    """What an article fixes for the periods of its figures: publication date and head period."""

    published: date | None
    head: _Phrase | None  # resolved per figure: a balance reads 截至N月末 differently from a flow
    head_year: int | None
    rules: RuleSet
    until: date | None = None  # the last day the paper may have come out (precision month or year)
    event: tuple[int, int, Period] | None = None  # the lead's event: its sentence's start, the day's end, the day

    @classmethod
    def of(cls, text: str, body: list[tuple[int, int]], published: date | None, rules: RuleSet,
           title: str = "", until: date | None = None) -> ArticlePeriods:
        """The period the headline names ("数说2025年前三季度…"), else one opening a sentence of the
        first body paragraph ("2024年,…", "明年是…")."""
        event = _event_day(text, body, published, rules)
        titled = find_phrases(title, 0, len(title), rules)
        if titled:
            year = context_year(title, 0, titled[0].end, published, rules)
            period = resolve(titled[0], published, year, None)
            if period:
                return cls(published, titled[0], period.start.year, rules, until, event)
        if not body:
            return cls(published, None, None, rules, until, event)
        start, end = body[0]
        for s in _sentence_starts(text, start, end):
            phrase = head_phrase(text, s, rules, followers=",是要将")
            if phrase:
                year = context_year(text, s, phrase.end, published, rules)
                return cls(published, phrase, year, rules, until, event)
        return cls(published, None, context_year(text, start, end, published, rules), rules, until, event)


def _event_day(text: str, body: list[tuple[int, int]], published: date | None,
               rules: RuleSet) -> tuple[int, int, Period] | None:
    """The day of the event the lead reports ("10月25日,…签约仪式举行。", "昨天上午,…开幕。"): a day
    opening one of the first sentences of the body's first paragraph, with where that sentence
    starts and the day's words end."""
    if not body or published is None:
        return None
    start, end = body[0]
    for s in _sentence_starts(text, start, end)[:3]:
        m = rules.event_day.match(text, s, end)
        if not m:
            continue
        stop = min((i for i in (text.find(c, s, end) for c in "。!?") if i >= 0), default=end)
        if find_phrases(text, m.end(), stop, rules) or _words(rules.event_not).search(text, m.end(), stop):
            return None  # "3月30日,湖塘镇2023年一季度签约活动举行", "2月19日,记者从区统计局获悉": dated otherwise
        if m.group("rel"):
            day = date.fromordinal(published.toordinal() - rules.event_day_offsets[m.group("rel")])
        else:
            try:
                day = date(published.year, int(m.group("month")), int(m.group("day")))
            except ValueError:
                return None
            if day > published:  # "12月28日" in a January paper: last year's
                try:
                    day = day.replace(year=day.year - 1)
                except ValueError:
                    return None  # 2月29日 a year back
        return s, m.end(), Period(day, day, m.group().rstrip(","))
    return None


def _sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Where the sentences of the paragraph ``text[start:end]`` start."""
    return [start] + [i + 1 for i in range(start, end - 1) if text[i] in "。!?"]


class SegmentPeriods:
    """The period phrases and named years of one segment of text, read once and then looked up
    by position, so that figures do not each rescan their paragraph."""

    def __init__(self, text: str, lo: int, hi: int, published: date | None, rules: RuleSet):
        self.phrases = find_phrases(text, lo, hi, rules)
        self.starts = [ph.start for ph in self.phrases]
        years = _named_years(text, lo, hi, published, rules)
        self.year_at = [at for at, _ in years]
        self.years = [y for _, y in years]

    def between(self, lo: int, hi: int) -> list[_Phrase]:
        """The phrases lying inside ``lo..hi``."""
        first = bisect_left(self.starts, lo)
        last = bisect_left(self.starts, hi)
        return [ph for ph in self.phrases[first:last] if ph.end <= hi]

    def year(self, lo: int, hi: int) -> int | None:
        """The year named last inside ``lo..hi`` (context_year, looked up)."""
        i = bisect_left(self.year_at, hi) - 1
        return self.years[i] if i >= 0 and self.year_at[i] >= lo else None


def period_for(text: str, sentence_start: int, pos: int, paragraph_start: int, article: ArticlePeriods,
               segment: SegmentPeriods, metric: Metric, level: bool = True, of_project: bool = False) -> Period | None:
    """The period of the figure at ``pos``: the phrase nearest before it in its sentence; else the
    latest period set at the head of a clause earlier in its paragraph ("报告指出,2023年是…"); else
    the article's. A breakdown ("分市场看,…") goes back to the paragraph's first period.

    ``of_project``: the figure is a project's own (its investment, its area), which takes only a
    phrase of its own statement, unless the clause tells the project's progress ("完成投资"). A
    sentence telling what happened at an event ("会上,…") inherits no period, and what a project
    will do once built ("达产后年产值…") has none unless a phrase follows those words.
    """
    rules, published = article.rules, article.published
    phrases = segment.between(sentence_start, pos)
    if of_project:
        clause = max(sentence_start, *(text.rfind(c, sentence_start, pos) + 1 for c in ",;:"))
        of_project = not any(text.find(w, clause, pos) >= 0 for w in rules.project_progress)
    if of_project:  # a project's property takes a phrase of its own statement only
        statement = text.rfind(";", sentence_start, pos) + 1
        phrases = [ph for ph in phrases if ph.start >= statement]
    year_hint = segment.year(paragraph_start, pos) or article.head_year
    built = max((m.start() for m in _words(rules.once_built).finditer(text, sentence_start, pos)), default=-1)
    if built >= 0 and (not phrases or phrases[-1].end <= built):
        return None  # "投产后年产值可达12亿元": a capacity
    if article.event is not None and sentence_start == article.event[0] and not phrases:
        return article.event[2]  # "12月27日,X开发区3个重大项目集中竣工投产": the event's day
    if phrases:
        phrase = phrases[-1]
        if level and metric is Metric.COUNT and _words(rules.count_flows).search(text, phrases[0].end, pos):
            level = False  # "截至10月末,累计新签约项目23个": gathered over the months, not a stock
        narrower = [ph for ph in phrases[:-1] if ph.rule.kind in _WITHIN_YEAR]
        if narrower and phrase.match.group() in rules.same_year:
            # "截至10月末,该镇今年累计新签约项目23个": 今年 names the year of the narrower phrase
            hint = segment.year(paragraph_start, narrower[-1].end) or article.head_year
            within = resolve(narrower[-1], published, hint, metric, level, article.until)
            if within is not None and published is not None and within.end.year == published.year:
                return within
        return resolve(phrase, published, year_hint, metric, level, article.until)
    opening = text[sentence_start:max(sentence_start, text.find(",", sentence_start, pos))]
    if article.event is not None and _at_event(text, sentence_start, article.event, rules):
        return article.event[2]  # "10月25日,…签约仪式举行。签约仪式上,15个项目现场签约": that day's
    if of_project or opening.endswith(rules.scene_openers):  # "会上,", "在第137届广交会上,"
        return None
    heads = [ph for ph in segment.between(paragraph_start, sentence_start)
             if _heads_clause(text, ph, paragraph_start, rules)]
    if not heads and text.startswith(rules.list_items, paragraph_start):
        paragraph_start, heads = _list_heads(text, paragraph_start, rules)
        if heads:
            segment = SegmentPeriods(text, paragraph_start, heads[-1].end, published, rules)
    if heads:
        head = heads[0] if rules.breakdown.fullmatch(opening) else heads[-1]  # "分市场看,": the main period
        hint = segment.year(paragraph_start, head.end) or article.head_year
        return resolve(head, published, hint, metric, level, article.until)
    if article.head is not None:
        return resolve(article.head, published, article.head_year, metric, level, article.until)
    return None


def _at_event(text: str, sentence_start: int, event: tuple[int, int, Period], rules: RuleSet) -> bool:
    """Whether a figure without a phrase of its own, after the event's sentence, tells of the lead's
    event: its sentence, in the same paragraph, opens with an event opener ("此次签约的…",
    "本届博览会…"); one opening with a scene opener ("会上,") keeps no period, as before."""
    return (event[0] < sentence_start and text.rfind("\n", 0, sentence_start) < event[0]
            and text.startswith(rules.event_openers, sentence_start))


def _list_heads(text: str, item_start: int, rules: RuleSet) -> tuple[int, list[_Phrase]]:
    """The paragraph that opens the list the item at ``item_start`` is in ("2026年,全区:"), and the
    period phrases heading its clauses; none if the items follow no paragraph ending with ":"
    (looked for within PARAGRAPH_WINDOW, so a page of a thousand items costs linear time)."""
    start, floor = item_start, max(0, item_start - PARAGRAPH_WINDOW)
    while start > floor:
        end = start
        while end > 0 and text[end - 1].isspace():
            end -= 1
        start = text.rfind("\n", 0, end) + 1
        if not text.startswith(rules.list_items, start):
            if not text[start:end].endswith(":"):
                return start, []
            return start, [ph for ph in find_phrases(text, start, end, rules) if _heads_clause(text, ph, start, rules)]
    return item_start, []


@cache
def _words(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for a word list of the rules ("达产后", "建成后"), longest first."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _heads_clause(text: str, phrase: _Phrase, paragraph_start: int, rules: RuleSet) -> bool:
    """"2023年," or "2023年是…" opening the paragraph, a sentence, or the clause after a reporting
    clause ("报告指出,2023年是…")."""
    before = text[paragraph_start:phrase.start]
    opens = (not before or before[-1] in "。!?"
             or (before[-1] == "," and before[:-1].endswith(rules.head_after_words)))
    return opens and phrase.end < len(text) and text[phrase.end] in ",是"


def head_phrase(text: str, start: int, rules: RuleSet, followers: str = ",") -> _Phrase | None:
    """A period phrase opening the text at ``start``, followed by one of ``followers``: what
    find_phrases would put first in the next 16 characters, if it starts at ``start`` (the
    longest match there, the first rule's of equals), found by trying each rule there only."""
    first = None
    for i, m in _period_patterns(rules).match(text, start, min(len(text), start + 16)):
        if (first is None or m.end() > first.end) and not _baseline(text, start, m.end(), rules):
            first = _Phrase(start, m.end(), rules.periods[i], m)
    if first is not None and first.end < len(text) and text[first.end] in followers:
        return first
    return None
