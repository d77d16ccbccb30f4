"""Load the rule tables (TOML beside this file), validate them, and compile what they need.

The tables are the vocabulary; the code that applies them holds the policy. A bad table fails
at load with the file and the row named, never later in the middle of a page.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from ..vocab import Direction, Kind, Metric, Qualifier, Status

TABLES = ("units", "numbers", "cues", "metrics", "stoplist", "periods", "places", "dates")


class RuleError(ValueError):
    """A rule table is malformed; the message names the table and the row."""


@dataclass(frozen=True, slots=True)
class UnitRule:
    surface: str
    kind: Kind
    unit: str
    factor: Fraction
    counted: str | None
    chinese_only: bool
    examples: tuple[str, ...]
    prefix: bool = False  # written before the number (百分之)


@dataclass(frozen=True, slots=True)
class Multiplier:
    surface: str
    factor: int
    after_digits: bool


@dataclass(frozen=True, slots=True)
class ChangeCue:
    direction: Direction
    percent_only: bool


@dataclass(frozen=True, slots=True)
class MetricRule:
    metric: Metric
    kind: Kind
    keywords: tuple[str, ...]
    threshold_keywords: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StopRule:
    pattern: re.Pattern[str]
    reason: str
    examples: tuple[str, ...]
    chinese_only: bool = False  # veto only figures written in Chinese numerals


@dataclass(frozen=True, slots=True)
class PeriodRule:
    pattern: re.Pattern[str]
    kind: str
    offset: int | None
    start_month: int | None
    end_month: int | None
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityRule:
    endings: tuple[str, ...]
    refer: tuple[str, ...]
    not_followed_by: str
    stem_length: tuple[int, int] = (0, 24)  # a name's characters before its ending, at least and at most
    refer_by_ending: tuple[str, ...] = ()  # endings whose references ("该镇", "街道") mean the last name so ending
    within: tuple[str, ...] = ()  # a name of this sort holds one of these ("区市场监管局", "新北区医疗保障局")
    home_prefixed: bool = True  # "区政务服务中心" is written "武进区政务服务中心"; a bureau stays as written
    speaker_after: tuple[str, ...] = ()  # "区统计局相关负责人表示": whose official speaks, not whose figure
    place: bool = False  # names a place (a town, a park, a district)
    builds: bool = False  # a project named right after one of these and a built_by phrase is its project
    apart_from_place: int = 0  # a name of at least this many characters before its ending, right after a
    # place's name: the place is where it is, not part of its name (0: never)


@dataclass(frozen=True, eq=False)  # hashed by identity: one RuleSet per load
class RuleSet:
    """Every table, validated and ready to apply."""

    version: str  # sha256 of the table files: changes whenever a rule changes
    units: tuple[UnitRule, ...]
    multipliers: tuple[Multiplier, ...]
    chinese_digits: str
    chinese_units: str
    chinese_point: str
    inner_qualifiers: dict[str, Qualifier]
    range_joiners: tuple[str, ...]
    qualifiers_before: dict[str, Qualifier]
    qualifiers_after: dict[str, Qualifier]
    qualifier_not_after: dict[str, str]  # cue -> characters that make it the end of another word
    status_cues: dict[str, Status]
    status_not_followed_by: dict[str, tuple[str, ...]]
    change_cues: dict[str, ChangeCue]
    change_not_followed_by: dict[str, str]
    change_to_level: str
    carry_openers: tuple[str, ...]
    metrics: tuple[MetricRule, ...]
    stops: tuple[StopRule, ...]
    periods: tuple[PeriodRule, ...]
    not_period_before: str
    not_period_after: tuple[str, ...]
    head_after_words: tuple[str, ...]
    event_day: re.Pattern  # a day opening the lead's sentence ("10月25日,", "昨天上午,"): the event's day
    event_day_offsets: dict[str, int]  # 昨天 -> 1: days before publication
    event_not: tuple[str, ...]  # a lead sentence holding one of these reports figures, not an event ("获悉")
    event_openers: tuple[str, ...]  # a sentence opening so goes on telling of the lead's event ("此次签约的…")
    list_items: tuple[str, ...]  # a paragraph opening so is an item of the list an earlier one opens with ":"
    scene_openers: tuple[str, ...]  # a sentence opening so tells what happened at an event: no inherited period
    breakdown: re.Pattern  # a sentence opening a breakdown ("分市场看"): it speaks of the paragraph's main period
    once_built: tuple[str, ...]  # "达产后", "建成后": what follows is a capacity, of no period
    count_flows: tuple[str, ...]  # "截至10月末,累计新签约项目23个": a count gathered over the span, not a stock
    same_year: tuple[str, ...]  # "截至9月末,该镇今年累计…": 今年 names the narrower phrase's year
    built_by: re.Pattern  # "X公司投资建设的Y项目", "该公司正在建设Y项目": the project is X's
    project_progress: tuple[str, ...]  # "完成投资4.2亿元": a project's progress, dated like the district's
    home: dict[str, str]  # district, city, province: the paper's own places (places.toml home)
    aliases: dict[str, str]  # word -> place name
    entities: tuple[EntityRule, ...]
    name_breaks: tuple[str, ...]
    verb_stems: tuple[str, ...]  # a stem that is only one of these is a verb with its object ("服务社区")
    alias_not_followed_by: tuple[str, ...]
    alias_not_after: tuple[str, ...]
    oblique_after: tuple[str, ...]  # a name after these is where or by whom, not whose
    created_after: tuple[str, ...]  # a name after these is set up by the one spoken of
    unbroken: tuple[str, ...]  # words of names that hold a name break ("建设银行")
    non_names: tuple[str, ...]
    descriptive: tuple[str, ...]
    legal_forms: tuple[str, ...]  # a name so ending is a registered name, never a description
    generic: tuple[str, ...]
    name_suffix: str
    home_prefix: dict[str, str]  # 区 -> 武进区
    short_names: dict[str, str]  # 武进高新区 -> 武进国家高新区
    counted_stop_words: tuple[str, ...]
    counted_lead_verbs: tuple[str, ...]
    counted_opening_verbs: tuple[str, ...]
    counted_trailing_verbs: tuple[str, ...]
    counted_merge: tuple[str, ...]
    counted_heads: tuple[str, ...]
    counted_single_char_not: str
    counted_not_nouns: tuple[str, ...]
    counted_strip_prefixes: tuple[str, ...]
    counted_strip_suffixes: tuple[str, ...]
    raw: dict[str, dict]  # the parsed tables, for the table-driven tests

    def unit(self, surface: str) -> UnitRule:
        return _units_by_surface(self)[surface]

    def is_unit(self, surface: str) -> bool:
        return surface in _units_by_surface(self)


@cache
def _units_by_surface(rules: RuleSet) -> dict[str, UnitRule]:
    """The unit a surface names (the first row wins), looked up once per figure."""
    by_surface: dict[str, UnitRule] = {}
    for u in rules.units:
        by_surface.setdefault(u.surface, u)
    return by_surface


def _need(row: dict, key: str, where: str):
    if key not in row:
        raise RuleError(f"{where}: missing key {key!r}")
    return row[key]


def _check_keys(row: dict, allowed: set[str], where: str) -> None:
    unknown = set(row) - allowed
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
    if "examples" in allowed and not row.get("examples"):
        raise RuleError(f"{where}: a rule needs examples")


def _enum(enum, value, where: str):
    try:
        return enum(value)
    except ValueError:
        raise RuleError(f"{where}: {value!r} is not one of {[m.value for m in enum]}") from None


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from None


def _read_tables() -> dict[str, tuple[bytes, dict]]:
    folder = resources.files(__name__)
    out = {}
    for name in TABLES:
        data = (folder / f"{name}.toml").read_bytes()
        try:
            out[name] = (data, tomllib.loads(data.decode("utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"{name}.toml: {exc}") from None
    return out


def _units(rows: list[dict]) -> tuple[UnitRule, ...]:
    units, seen = [], set()
    for i, row in enumerate(rows):
        where = f"units.toml row {i + 1}"
        _check_keys(row, {"surface", "kind", "unit", "factor", "counted", "chinese_only", "prefix", "examples"}, where)
        surface = _need(row, "surface", where)
        if surface in seen:
            raise RuleError(f"{where}: surface {surface!r} appears twice")
        seen.add(surface)
        try:
            factor = Fraction(_need(row, "factor", where))
        except (ValueError, ZeroDivisionError):
            raise RuleError(f"{where}: factor {row['factor']!r} is not an exact number") from None
        units.append(UnitRule(surface, _enum(Kind, _need(row, "kind", where), where), _need(row, "unit", where),
                              factor, row.get("counted"), bool(row.get("chinese_only", False)),
                              tuple(row["examples"]), bool(row.get("prefix", False))))
    return tuple(units)


def _word_map(rows: list[dict], table: str, value_key: str, enum, lists=("words",)) -> dict:
    out = {}
    for i, row in enumerate(rows):
        where = f"{table} row {i + 1}"
        value = _enum(enum, _need(row, value_key, where), where)
        for key in lists:
            for word in row.get(key, []):
                if word in out:
                    raise RuleError(f"{where}: cue {word!r} appears twice")
                out[word] = value
    return out


def _no_duplicates(node, where: str) -> None:
    """Refuse a word list that names a word twice (a sign two rows disagree), anywhere in a table."""
    if isinstance(node, dict):
        for key, value in node.items():
            _no_duplicates(value, f"{where} {key}")
    elif isinstance(node, list):
        if all(isinstance(v, str) for v in node):
            seen = set()
            for value in node:
                if value in seen:
                    raise RuleError(f"{where}: {value!r} appears twice")
                seen.add(value)
        else:
            for i, value in enumerate(node):
                _no_duplicates(value, f"{where} row {i + 1}")


def _build(tables: dict[str, tuple[bytes, dict]]) -> RuleSet:
    for name, (_, parsed) in tables.items():
        _no_duplicates(parsed, f"{name}.toml")
    digest = hashlib.sha256()
    for name in TABLES:
        digest.update(name.encode() + b"\0" + tables[name][0])
    t = {name: parsed for name, (_, parsed) in tables.items()}

    numbers = t["numbers"]
    multipliers = tuple(
        Multiplier(m["surface"], int(m["factor"]), bool(m.get("after_digits", False))) for m in numbers["multiplier"]
    )
    inner = {row["surface"]: _enum(Qualifier, row["qualifier"], "numbers.toml inner_qualifier")
             for row in numbers["inner_qualifier"]}

    cues = t["cues"]
    before, after = {}, {}
    for i, row in enumerate(cues["qualifier"]):
        where = f"cues.toml qualifier row {i + 1}"
        _check_keys(row, {"qualifier", "before", "after", "examples"}, where)
        q = _enum(Qualifier, row["qualifier"], where)
        before.update({w: q for w in row.get("before", [])})
        after.update({w: q for w in row.get("after", [])})
    status = _word_map(cues["status"], "cues.toml status", "status", Status)
    change = {}
    for i, row in enumerate(cues["change"]):
        where = f"cues.toml change row {i + 1}"
        _check_keys(row, {"words", "direction", "applies", "examples"}, where)
        if row["applies"] not in ("any", "percent"):
            raise RuleError(f"{where}: applies must be 'any' or 'percent'")
        cue = ChangeCue(_enum(Direction, row["direction"], where), row["applies"] == "percent")
        for word in row["words"]:
            if word in change:
                raise RuleError(f"{where}: cue {word!r} appears twice")
            change[word] = cue

    metrics = []
    for i, row in enumerate(t["metrics"]["metric"]):
        where = f"metrics.toml row {i + 1}"
        _check_keys(row, {"name", "kind", "keywords", "threshold_keywords", "examples"}, where)
        metrics.append(MetricRule(_enum(Metric, row["name"], where), _enum(Kind, row["kind"], where),
                                  tuple(_need(row, "keywords", where)), tuple(row.get("threshold_keywords", ())),
                                  tuple(row["examples"])))

    stops = []
    for i, row in enumerate(t["stoplist"]["stop"]):
        where = f"stoplist.toml row {i + 1}"
        _check_keys(row, {"pattern", "reason", "examples", "chinese_only"}, where)
        stops.append(StopRule(_compile(row["pattern"], where), row["reason"], tuple(row["examples"]),
                              bool(row.get("chinese_only", False))))

    periods = []
    for i, row in enumerate(t["periods"]["period"]):
        where = f"periods.toml row {i + 1}"
        _check_keys(row, {"pattern", "kind", "offset", "start_month", "end_month", "examples"}, where)
        if row["kind"] not in ("year", "ytd", "months", "span", "month", "now", "year_end", "days", "years", "since", "plan"):
            raise RuleError(f"{where}: unknown period kind {row['kind']!r}")
        periods.append(PeriodRule(_compile(row["pattern"], where), row["kind"], row.get("offset"),
                                  row.get("start_month"), row.get("end_month"), tuple(row["examples"])))

    places = t["places"]
    home = dict(places["home"])
    aliases = _aliases(places["alias"], home)
    entities = tuple(EntityRule(tuple(r["endings"]), tuple(r.get("refer", ())), r.get("not_followed_by", ""),
                                stem_length=tuple(r.get("stem_length", (0, 24))),
                                refer_by_ending=tuple(r.get("refer_by_ending", ())),
                                within=tuple(r.get("within", ())), home_prefixed=bool(r.get("home_prefixed", True)),
                                speaker_after=tuple(r.get("speaker_after", ())), place=bool(r.get("place", False)),
                                builds=bool(r.get("builds", False)),
                                apart_from_place=int(r.get("apart_from_place", 0)))
                     for r in places["entity"])

    return RuleSet(
        version=digest.hexdigest()[:16],
        units=_units(t["units"]["unit"]),
        multipliers=multipliers,
        chinese_digits=numbers["chinese"]["digits"],
        chinese_units=numbers["chinese"]["units"],
        chinese_point=numbers["chinese"]["point"],
        inner_qualifiers=inner,
        range_joiners=tuple(numbers["range"]["joiners"]),
        qualifiers_before=before,
        qualifiers_after=after,
        qualifier_not_after={k: v for k, v in cues["qualifier_not_after"].items() if k != "examples"},
        status_cues=status,
        status_not_followed_by={k: tuple(v) for k, v in cues["status_not_followed_by"].items() if k != "examples"},
        change_cues=change,
        change_not_followed_by={k: v for k, v in cues["change_not_followed_by"].items() if k != "examples"},
        change_to_level=cues["change_to_level"]["particles"],
        carry_openers=tuple(cues["carry_openers"]["words"]),
        metrics=tuple(metrics),
        stops=tuple(stops),
        periods=tuple(periods),
        not_period_before=t["periods"]["not_a_period"]["before"],
        not_period_after=tuple(t["periods"]["not_a_period"]["after"]),
        head_after_words=tuple(t["periods"]["clause_heads"]["after_words"]),
        scene_openers=tuple(t["periods"]["scene_openers"]["words"]),
        list_items=tuple(t["periods"]["list_items"]["openers"]),
        event_day=_compile(t["periods"]["event_day"]["pattern"], "periods.toml event_day"),
        event_day_offsets=dict(t["periods"]["event_day"]["days_before"]),
        event_openers=tuple(t["periods"]["event_day"]["openers"]),
        event_not=tuple(t["periods"]["event_day"]["not_events"]),
        once_built=tuple(t["periods"]["once_built"]["words"]),
        breakdown=_compile(t["periods"]["breakdown"]["pattern"], "periods.toml breakdown"),
        project_progress=tuple(t["periods"]["project_progress"]["words"]),
        count_flows=tuple(t["periods"]["count_flows"]["words"]),
        same_year=tuple(t["periods"]["same_year"]["words"]),
        home=home,
        aliases=aliases,
        entities=entities,
        name_breaks=tuple(places["name_breaks"]["words"]),
        verb_stems=tuple(places["verb_stems"]["words"]),
        alias_not_followed_by=tuple(places["alias_not_followed_by"]["words"]),
        alias_not_after=tuple(places["alias_not_after"]["words"]),
        oblique_after=tuple(places["oblique_after"]["words"]),
        created_after=tuple(places["created_after"]["words"]),
        unbroken=tuple(places["unbroken"]["words"]),
        non_names=tuple(places["non_names"]["words"]),
        descriptive=tuple(places["descriptive"]["words"]),
        legal_forms=tuple(places["legal_forms"]["words"]),
        generic=tuple(places["generic"]["words"]),
        name_suffix=_compile(places["name_suffix"]["pattern"], "places.toml name_suffix").pattern,
        built_by=_compile(places["built_by"]["pattern"], "places.toml built_by"),
        home_prefix={k: home[v] for k, v in places["home_prefix"].items() if k != "examples"},
        short_names={k: v for k, v in places["short_names"].items() if k != "examples"},
        counted_stop_words=tuple(t["units"]["counted"]["stop_words"]),
        counted_lead_verbs=tuple(t["units"]["counted"]["lead_verbs"]),
        counted_opening_verbs=tuple(t["units"]["counted"]["opening_verbs"]),
        counted_trailing_verbs=tuple(t["units"]["counted"]["trailing_verbs"]),
        counted_merge=tuple(t["units"]["counted"]["merge"]),
        counted_heads=tuple(sorted(t["units"]["counted"]["heads"], key=len, reverse=True)),
        counted_single_char_not=t["units"]["counted"]["single_char_not"],
        counted_not_nouns=tuple(t["units"]["counted"]["not_nouns"]),
        counted_strip_prefixes=tuple(t["units"]["counted"]["strip_prefixes"]),
        counted_strip_suffixes=tuple(t["units"]["counted"]["strip_suffixes"]),
        raw=t,
    )


def _aliases(rows: list[dict], home: dict[str, str]) -> dict[str, str]:
    """Alias word -> the place it stands for (全区/我区 -> the paper's district, …)."""
    aliases = {}
    for i, row in enumerate(rows):
        where = f"places.toml alias row {i + 1}"
        _check_keys(row, {"words", "place", "name", "examples"}, where)
        name = row["name"].format(**home) if "name" in row else home[_need(row, "place", where)]
        for word in row["words"]:
            aliases[word] = name
    return aliases


@cache
def load_rules() -> RuleSet:
    """Read and validate every table once per process."""
    return _build(_read_tables())
