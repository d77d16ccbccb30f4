"""Whose figure it is: the district, a city, a project, company, bank or place.

Policy (the words are in places.toml): a project named right after a money or area figure in
its clause ("投资1.1亿美元建设X项目"); else the mention nearest before the figure in its
sentence; else, in news, the headline's, and in a photo caption the first mention of one of
the three sentences before (the project it shows); last, the name the article spoke of most
recently. 全区/我区 stand for the paper's
district. A bare or generic mention ("该项目", "项目", "该行", "省重大项目") refers back to the
last named subject of the same sort in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from .context import SENTENCE_ENDS
from .rules import RuleSet
from .vocab import Kind

PROJECT = 0  # the entity rule of projects (first in places.toml)
_SHARED = re.compile(r"[^,;。]{0,12}?(?:均|都|皆|双双)")  # "A、B均增长8%": the value is each one's
_RESPECTIVE = re.compile(r"[^;。]{0,40}分别")  # "A、B分别完成…、…,分别增长12.1%、15.6%": the i-th is the i-th's
_LIST_JOINS = ("、", "和", "及", "与")
_LIST_END = re.compile(r"[^,;:。!?\n]{0,16}?等")  # the rest of a list up to its 等
_LABEL = re.compile(r"\d{1,3}[号#]")  # "项目1号厂房": a numbered part of the named thing
MAX_SENTENCES_BACK = 3  # how far back in its paragraph a figure looks for whose it is
_NAME_CHARS = r"[\u4e00-\u9fffA-Za-z·()—]"  # no digits: a figure is never part of a name; 武进—溧阳 is
_NAME_CHAR = re.compile(_NAME_CHARS)
MAX_STEM = 24  # a long name's characters (or capacities) before its ending, at most
_CAPACITY = r"年产\d+(?:\.\d+)?"  # the one figure a name holds: "年产12GWh动力电池项目", "年产10万吨…项目"
_DATE_AHEAD = re.compile(r"\d{1,4}(?:[—\-至~]\d{1,2})?[年月日]")  # "遥观镇1—9月": a date follows the name, not a count


@dataclass(slots=True)  # not frozen (a frozen init costs ~4x): never changed after, only copied by replace
class Mention:
    start: int
    end: int
    name: str | None  # None: a reference back to the last named subject of ``sort``
    sort: int  # index of the entity rule, or -1 for a home-place alias
    parts: tuple[tuple[int, str], ...] = ()  # (sort, name) of names joined into this one
    demonstrative: bool = False  # "该行", "该项目": may refer back beyond the paragraph
    common: bool = False  # a common word that ends like a place ("江南农村" of 江南农村商业银行)
    bare: bool = False  # an ending alone that refers to nothing ("学校" in 乡村学校少年宫): only joins a name
    described: bool = False  # a name made a description by a descriptive word ("中国农业银行"): joins a name after it
    listed: bool = False  # one of a list closed by 等: an example, never whose figure
    oblique: bool = False  # where or by whom ("选址溧阳市社渚镇", "由X公司投资建设"): whose only if nothing else is
    created: bool = False  # set up by the one spoken of ("该行设立科技支行"): oblique, and never what 该行 means


@cache
def _endings(rules: RuleSet) -> tuple[list[str], list[str], tuple[int, int]]:
    """The endings of long names and of district and city names (each longest first), and the
    length range of a district's stem."""
    longs = sorted({e for r in rules.entities if not r.stem_length[0] for e in r.endings}, key=len, reverse=True)
    shorts = sorted({e for r in rules.entities if r.stem_length[0] for e in r.endings}, key=len, reverse=True)
    stem = max((r.stem_length for r in rules.entities if r.stem_length[0]), default=(2, 3))
    return longs, shorts, stem


@cache
def _patterns(rules: RuleSet) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Names end in an ending of places.toml; district and city names ("新北区") have a short
    stem of their own, tried only where no longer name ends."""
    longs, shorts, (low, high) = _endings(rules)
    entity = re.compile(
        rf"(?P<stem>(?:{_CAPACITY}|{_NAME_CHARS}){{0,{MAX_STEM}}}?)(?P<ending>{_alternatives(longs)}){rules.name_suffix}"
        + (rf"|(?P<short_stem>{_NAME_CHARS}{{{low},{high}}}?)(?P<short_ending>{_alternatives(shorts)})"
           if shorts else "")
    )
    breaks = sorted(rules.name_breaks, key=len, reverse=True)
    alias = re.compile("|".join(re.escape(a) for a in sorted(rules.aliases, key=len, reverse=True)))
    return entity, re.compile("|".join(re.escape(b) for b in breaks)), alias


def _alternatives(words: list[str]) -> str:
    """``words`` as one alternation, in their order, behind a check of their first characters: the
    stem grows one character at a time and tries every ending at each, so most tries fail on one
    lookup instead of one per word (the same matches, ~N times fewer steps)."""
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return rf"(?=[{firsts}])(?:{'|'.join(map(re.escape, words))})"


@cache
def _ending_finders(rules: RuleSet) -> tuple[re.Pattern, re.Pattern | None, int]:
    """Where the next long-name ending and district ending stand, and a district stem's longest."""
    longs, shorts, (_, high) = _endings(rules)
    return (re.compile("|".join(map(re.escape, longs))),
            re.compile("|".join(map(re.escape, shorts))) if shorts else None, high)


def _entity_matches(text: str, lo: int, hi: int, rules: RuleSet):
    """The matches of the name pattern in ``text[lo:hi]``, as ``finditer`` gives them, found faster:
    a name ends in an ending, so the pattern is tried only from as far before the next ending
    as a stem can reach (MAX_STEM name characters or capacities, or a district stem's length)."""
    entity = _patterns(rules)[0]
    long_ending, short_ending, high = _ending_finders(rules)
    pos = lo
    while pos < hi:
        ahead = long_ending.search(text, pos, hi)
        start = _stem_reach(text, ahead.start(), pos) if ahead else hi
        if short_ending is not None:
            short = short_ending.search(text, pos, hi)
            if short:
                start = min(start, max(pos, short.start() - high))
        if start >= hi:
            return
        m = entity.search(text, start, hi)
        if m is None:
            return
        yield m
        pos = m.end()


def _stem_reach(text: str, at: int, floor: int) -> int:
    """The furthest back (not before ``floor``) a name's stem ending at ``at`` can start: MAX_STEM
    name characters or capacities ("年产12GWh…")."""
    p = at
    for _ in range(MAX_STEM):
        if p <= floor:
            return floor
        c = text[p - 1]
        if c.isdigit() or c == ".":
            k = p - 1
            while k > floor and (text[k - 1].isdigit() or text[k - 1] == "."):
                k -= 1
            if k - 2 < floor or not text.startswith("年产", k - 2):
                return p  # digits are in a stem only after 年产
            p = k - 2
        elif _NAME_CHAR.match(c):
            p -= 1
        else:
            return p
    return p


def _classifiers(rules: RuleSet) -> str:
    """The count classifiers of units.toml as one alternation, longest first."""
    return "|".join(map(re.escape, sorted({u.surface for u in rules.units if u.kind is Kind.COUNT}, key=len, reverse=True)))


@cache
def _counted_before(rules: RuleSet) -> re.Pattern:
    """A number and a count classifier ending right before a word: "5个镇", "120余个行政村" count
    places; the word is what is counted, never a name or a reference."""
    return re.compile(rf"(?:\d|[{rules.chinese_digits}十百千万几])[余多]?(?:{_classifiers(rules)})$")


@cache
def _counts_after(rules: RuleSet) -> re.Pattern:
    """A count of a thing named after it ("3个重大项目"): the name before is whose count it is."""
    return re.compile(rf"\d+(?:\.\d+)?[万亿]?[余多]?(?:{_classifiers(rules)})[\u4e00-\u9fff]")


@cache
def _sorts(rules: RuleSet) -> dict[str, int]:
    """Each name ending's entity rule: the first rule that lists it."""
    sorts: dict[str, int] = {}
    for i, rule in enumerate(rules.entities):
        for ending in rule.endings:
            sorts.setdefault(ending, i)
    return sorts


def _sort_of(ending: str, rules: RuleSet) -> int:
    return _sorts(rules)[ending]


@lru_cache(maxsize=4096)  # the same sentence is read for each of its figures
def mentions(text: str, lo: int, hi: int, rules: RuleSet, raw_words=None) -> list[Mention]:
    """Subject mentions in ``text[lo:hi]`` in text order; names in raw words when given the map."""
    entity, breaks, alias = _patterns(rules)
    generic = _generic(rules)
    found: list[Mention] = []
    for m in _entity_matches(text, lo, hi, rules):
        long_name = m.group("ending") is not None
        stem = m.group("stem") if long_name else m.group("short_stem")
        ending_group = "ending" if long_name else "short_ending"
        cut = 0
        whole = stem + m.group(ending_group)
        for b in breaks.finditer(stem):
            if not whole.startswith(rules.unbroken, b.start()):  # 中国建设银行: 建设 is the name's
                cut = b.end()
        stem = stem[cut:]
        if stem in rules.verb_stems:  # "服务社区", "深入园区": a verb and its object, not a name
            cut, stem = cut + len(stem), ""
        start = m.start(ending_group) - len(stem)
        sort = _sort_of(m.group(ending_group), rules)
        end = m.end(ending_group) if sort == PROJECT or not long_name else m.end()  # a phase belongs to a place
        ending = text[m.start(ending_group):end]
        if not long_name and (len(stem) < rules.entities[sort].stem_length[0]
                              or (stem + ending).endswith(tuple(rules.aliases)) or "全" in stem):
            continue  # "率全市": the home place's alias, not a district's name
        if not long_name and not cut and _inside_word(text, start, rules):
            continue  # "低洼易涝区", "今年综保区", "随着新院区": the end of a longer word, not a district
        if start > 0 and text[start - 1].isdigit() and not cut:
            continue  # "新设2家科技支行", "2024年下半年重大项目": a counted thing or a date, not a name
        if _counted_before(rules).search(text, max(0, start - 8), start):
            continue  # "与5个镇(街道)签约", "为120余个行政村授信": the places counted, not whose figure
        if start > 0 and text[start - 1] == "“" and text.startswith("”", end):
            continue  # “一号工程”: a quoted term, not a name
        follower = text[end:end + 1]
        if follower and (follower in rules.entities[sort].not_followed_by
                         or follower.isdigit() and not _LABEL.match(text, end) and not _DATE_AHEAD.match(text, end)
                         and not _counts_after(rules).match(text, end)):
            continue  # 村级, 镇长; "新增院士团队项目4个": the thing counted, not whose figure ("项目1号厂房" is,
            # and "武进经济开发区3个重大项目竣工": the place's count of something else)
        name = stem + ending
        common = name.endswith(rules.non_names)
        if common and not long_name:
            continue  # "武进地区", "城市": leave the place word inside to the aliases
        if common:
            stem = ""
        if len(stem) == 1 and not generic.fullmatch(stem) and stem not in rules.home_prefix:
            continue  # "整村授信", "各镇", "每村": one character that is not a name's stem
        described = (len(stem) >= 2 and not generic.fullmatch(stem) and any(w in stem for w in rules.descriptive)
                     and not (stem + ending).endswith(rules.legal_forms))  # 常州东安农业发展有限公司 is a name
        named = (len(stem) >= 2 and not generic.fullmatch(stem) and not described
                 or stem in rules.home_prefix)  # 区总工会: the district's
        bare = not named and not common and ending not in rules.entities[sort].refer and stem == ""
        if named and rules.entities[sort].within and not any(w in stem + ending for w in rules.entities[sort].within):
            continue  # "格局", "新发展格局": a 局 that is no bureau
        if text.startswith(rules.entities[sort].speaker_after, end):
            continue  # "区统计局相关负责人表示,力争全年…": the official speaks of the district's figures
        if named:
            name = raw_words(start, end) if raw_words else stem + ending
            if rules.entities[sort].home_prefixed:
                name = _home_prefixed(name, rules)
        found.append(Mention(start, end, name if named else None, sort, common=common, bare=bare,
                             described=described and not named, oblique=text.endswith(rules.oblique_after, 0, start),
                             created=text.endswith(rules.created_after, 0, start)))
    refer, refer_sorts = _references(rules)
    for m in refer.finditer(text, lo, hi):
        found.append(Mention(m.start(), m.end(), None, refer_sorts[m.group()], (), m.group().startswith("该")))
    for m in alias.finditer(text, lo, hi):
        if text.startswith(rules.alias_not_followed_by, m.end()) or _compared(text, m.start(), rules):
            continue
        found.append(Mention(m.start(), m.end(), rules.aliases[m.group()], -1,
                             oblique=text.endswith(rules.oblique_after, 0, m.start())))  # "为全区农户发放贷款"
    # an alias or reference inside a longer name ("武进国家高新区") is part of that name, and
    # names that touch form one ("江苏恒立精密传动有限公司" + "线性驱动器项目")
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    words = raw_words or (lambda a, b: text[a:b])
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        if (kept and mention.start == kept[-1].end and mention.sort >= 0 <= kept[-1].sort and not mention.demonstrative
                and not rules.entities[mention.sort].stem_length[0]  # a district never ends a longer name
                and not (mention.name and rules.entities[kept[-1].sort].place and 0 < rules.entities[mention.sort]
                         .apart_from_place <= len(mention.name) - _ending_length(mention.name, rules))):
            # 临港经济开发区 + 江苏澄海新能源材料有限公司: where the company is; not 常溧产业园 + 开发有限公司
            prev = kept.pop()
            if mention.name and (prev.name or prev.common  # 江南农村 + 商业银行
                                 or (prev.described and prev.sort == mention.sort)):  # 中国农业银行 + 武进支行
                name = (prev.name or words(prev.start, prev.end)) + mention.name
            elif (prev.name or prev.described) and mention.bare:  # 澄远纺织集团 + 有限公司, 中国农业银行 + 股份有限公司
                name = (prev.name or words(prev.start, prev.end)) + words(mention.start, mention.end)
                mention = replace(mention, sort=prev.sort)  # a bank with its legal form is a bank
            elif prev.name and not mention.name and prev.sort != mention.sort:  # 研发生产基地 + 项目
                name = prev.name + words(mention.start, mention.end)
            elif prev.name and not mention.name and prev.sort == mention.sort:
                kept.append(prev)  # 牛塘镇 + 全部村: the named one's, not the last one of its sort
                continue
            else:
                kept.append(prev)
                kept.append(mention)
                continue
            parts = prev.parts + (((prev.sort, prev.name),) if prev.name else ())
            mention = Mention(prev.start, mention.end, name, mention.sort, parts, oblique=prev.oblique,
                              created=prev.created)
        if (kept and mention.start == kept[-1].end and kept[-1].sort < 0 and mention.sort >= 0
                and mention.name is None and not mention.demonstrative):
            continue  # 全区 + 各级工会, 全区 + 重大项目: the home place's, not the last one named
        if kept and kept[-1].oblique and text[kept[-1].end:mention.start] in _LIST_JOINS:
            mention = replace(mention, oblique=True)  # "在雪堰镇、南夏墅街道等8个镇推广": all where
        kept.append(mention)
    return [replace(m, listed=True) if _listed(text, m, hi) else m for m in kept if not m.bare]


def _inside_word(text: str, start: int, rules: RuleSet) -> bool:
    """Whether a district's or city's short name starting at ``start`` would begin inside a word:
    the character before is a name character that ends no name break, no higher place ("江苏省",
    "常州市") and no home-place word ("常州新北区")."""
    if start == 0 or not _NAME_CHAR.match(text, start - 1) or text[start - 1] in "()—":
        return False
    return not text.endswith(_word_enders(rules), max(0, start - 8), start)


@cache
def _word_enders(rules: RuleSet) -> tuple[str, ...]:
    """What may stand right before a district's name without making it the end of a longer word:
    a name break, a home-place word or alias, a province."""
    return rules.name_breaks + tuple(rules.aliases) + tuple(rules.home_prefix) + ("省",)


def _listed(text: str, m: Mention, hi: int) -> bool:
    """A member of a list closed by 等 ("数据中心、充电桩等设施", "各镇党委、国经集团党委等12个"):
    an example of what is counted, not whose figure it is."""
    if not (text.startswith("、", m.end) or text.endswith("、", 0, m.start)):
        return False
    closing = _LIST_END.match(text, m.end, hi)
    return closing is not None


def _same(full: str, short: str, rules: RuleSet) -> bool:
    """Whether ``short`` is a shorter way of writing ``full``: its end, or sharing with it the
    last four characters or more, two of them before the ending ("农行武进支行" and "中国农业银行
    武进支行"; not "常州恒泰精工股份有限公司" and "常州卓越新材料股份有限公司")."""
    if full.endswith(short) or _abbreviates(full, short):
        return True
    shared = 0
    while shared < min(len(full), len(short)) and full[-1 - shared] == short[-1 - shared]:
        shared += 1
    if len(short) >= len(full) or shared < 4:
        return False
    return shared >= _ending_length(short, rules) + 2


def _abbreviates(full: str, short: str) -> bool:
    """Whether ``short`` is ``full`` abbreviated: its characters in order, opening with two of
    ``full``'s side by side ("江阴农商银行" of "江苏江阴农村商业银行股份有限公司")."""
    if len(short) < 4 or len(short) >= len(full) or short[:2] not in full or short in full:
        return False  # "江阴市人民医院" in "江阴市人民医院日间手术中心" is the hospital, not the centre
    rest = iter(full[full.index(short[:2]) + 2:])
    return all(c in rest for c in short[2:])


@lru_cache(maxsize=1024)
def _ending_length(name: str, rules: RuleSet) -> int:
    return max((len(e) for r in rules.entities for e in r.endings if name.endswith(e)), default=0)


def _compared(text: str, at: int, rules: RuleSet) -> bool:
    """A place named after a comparison word, alone or in a list: "高于全市、全省1.5个百分点"."""
    before = text[max(0, at - 12):at]
    while True:
        if before.endswith("、"):
            before = before[:-1]
            continue
        word = next((a for a in rules.aliases if before.endswith(a)), None)
        if word is None and len(before) >= 2 and before[-2] == "全":
            word = before[-2:]  # 全国, another 全X of a comparison list
        if word is None:
            return before.endswith(rules.alias_not_after)
        before = before[:-len(word)]


def _home_prefixed(name: str, rules: RuleSet) -> str:
    """"区政务服务中心" -> "武进区政务服务中心"."""
    home = rules.home_prefix.get(name[:1])
    return home + name[1:] if home and len(name) > 3 and not name.startswith(home) else name


@cache
def _generic(rules: RuleSet) -> re.Pattern:
    """A stem made only of generic words ("省重大", "区级重点")."""
    return re.compile("(?:" + "|".join(map(re.escape, sorted(rules.generic, key=len, reverse=True))) + ")*")


@cache
def _references(rules: RuleSet) -> tuple[re.Pattern, dict[str, int]]:
    """One pattern for the reference words ("该项目", "该行"); bare endings are read as names are."""
    sorts = {word: i for i, rule in enumerate(rules.entities) for word in rule.refer if word not in rule.endings}
    return re.compile("|".join(re.escape(w) for w in sorted(sorts, key=len, reverse=True))), sorts


class SubjectTracker:
    """Resolves subjects through one article, remembering the last named subject of each sort."""

    def __init__(self, rules: RuleSet, title_text: str, photo: bool = False, raw_words=None):
        self.rules = rules
        self.photo = photo
        self.raw_words = raw_words  # (start, end) of the repaired text -> the raw words
        self.last: dict = {}  # sort, or (sort, ending) -> (name, its paragraph)
        self.latest: str | None = None  # the name (or home place) the article spoke of last
        self.named: set[tuple[int, str]] = set()  # (sort, name) of every name the article spelled out
        self.title_subject = self._pick(mentions(title_text, 0, len(title_text), rules), title_text)

    def is_project(self, name: str | None) -> bool:
        """Whether ``name`` names a project (whose properties carry no inherited period)."""
        return bool(name) and name.endswith(self.rules.entities[PROJECT].endings)

    def is_property(self, text: str, ctx, name: str | None) -> bool:
        """Whether the figure at ``ctx`` is a property of ``name`` (which then carries no inherited
        period): ``name`` is a project, or the figure modifies it ("占地1,200亩的夏溪花木市场")."""
        return self.is_project(name) or (bool(name) and self._modified(text, ctx.end, ctx.sentence_end) == name)

    def _resolve(self, found: list[Mention], last: dict, text: str) -> list[tuple[Mention, str]]:
        """The names the mentions stand for, in order, each with its mention. A reference resolves
        to the last name of its sort: a bare "项目" only within its paragraph, "该项目", "该行", "镇"
        across the article; "该镇", "街道" to the last name with that ending (refer_by_ending)."""
        names = []
        for mention in found:
            paragraph = text.rfind("\n", 0, mention.start)
            if mention.name:
                name = self.rules.short_names.get(mention.name, mention.name)
                if mention.sort in last and _same(last[mention.sort][0], name, self.rules):
                    name = last[mention.sort][0]  # "武进支行", "农行武进支行" after "中国农业银行武进支行"
                builder = names[-1] if names else None
                if (builder and mention.sort == PROJECT and self.rules.entities[builder[0].sort].builds
                        and not builder[0].oblique  # "由X公司投资建设的Y项目": by whom, Y项目 as written
                        and not mention.parts and not name.startswith(builder[1])
                        and self.rules.built_by.fullmatch(text, builder[0].end, mention.start)):
                    name = builder[1] + name  # "该公司正在建设二期扩产项目": the company's project
                if name != mention.name:
                    mention = replace(mention, name=name)
                names.append((mention, mention.name))
                for sort, name in mention.parts + ((mention.sort, mention.name),):
                    if sort >= 0 and not mention.created:
                        last[sort] = (name, paragraph)
                        for ending in self.rules.entities[sort].refer_by_ending:
                            if name.endswith(ending):
                                last[(sort, ending)] = (name, paragraph)
            elif mention.sort in last and (mention.demonstrative or mention.sort != PROJECT
                                           or last[mention.sort][1] == paragraph):
                word = text[mention.start:mention.end]
                ending = next((e for e in self.rules.entities[mention.sort].refer_by_ending if word.endswith(e)), None)
                names.append((mention, last.get((mention.sort, ending), last[mention.sort])[0]))
        return names

    def _pick(self, found: list[Mention], text: str) -> str | None:
        names = [(m, n) for m, n in self._resolve(found, dict(self.last), text) if not m.listed]
        direct = [name for mention, name in names if not (mention.oblique or mention.created)]
        return (direct or [name for _, name in names] or [None])[-1]

    def remember(self, text: str, lo: int, hi: int, read_to: int | None = None) -> None:
        """Note the names mentioned in ``text[lo:hi]`` (call in text order). ``read_to``: where
        the sentence at ``lo``, already read for its figures, ends; its names are not looked for
        again (no name runs past a sentence's end, so the two parts hold what the whole does)."""
        if read_to is not None and lo < read_to <= hi and text[read_to - 1] in SENTENCE_ENDS:
            found = (mentions(text, lo, read_to, self.rules, self.raw_words)
                     + mentions(text, read_to, hi, self.rules, self.raw_words))
        else:
            found = mentions(text, lo, hi, self.rules, self.raw_words)
        self._resolve(found, self.last, text)
        named = [m for m in found if m.name]
        self._note(named)
        if named:
            self.latest = named[-1].name

    def _note(self, named: list[Mention]) -> None:
        self.named.update((m.sort, self.rules.short_names.get(m.name, m.name)) for m in named if m.sort >= 0)

    def in_full(self, name: str | None) -> str | None:
        """The one longer way the article writes ``name`` ("农行武进支行" in a headline, "中国农业
        银行武进支行" in the body), else ``name``."""
        if not name or len(self.named) < 2:
            return name
        sorts = {sort for sort, n in self.named if n == name}
        longer = {n for sort, n in self.named if sort in sorts and len(n) > len(name) and _same(n, name, self.rules)}
        return longer.pop() if len(longer) == 1 else name

    def subjects(self, text: str, ctx, clause_end: int | None = None) -> list[str | None]:
        """Whose figure it is (``ctx``: its Context); several when places listed with 、 share it
        ("湖塘镇、牛塘镇均增长8%")."""
        sentence_start, paragraph_start, pos = ctx.sentence_start, ctx.paragraph_start, ctx.pos
        before = self._before(text, sentence_start, ctx.sentence_end, pos)
        found = [m for m in before if m.name]
        self._note(found)
        shared = len(found) >= 2 and _SHARED.match(text, found[-1].end, pos)
        respective = len(found) >= 2 and _RESPECTIVE.match(text, found[-1].end, pos)
        if shared or respective:
            listed = [found[-1]]
            for m in reversed(found[:-1]):
                if text[m.end:listed[0].start] not in (_LIST_JOINS if respective else ("、",)):
                    break
                listed.insert(0, m)
            if len(listed) >= 2 and shared:
                return [m.name for m in listed]
            if len(listed) >= 2:  # the figure's place in the list of figures after 分别
                between = text[respective.end():pos]
                index = sum(between.count(j) for j in _LIST_JOINS)
                if index < len(listed):
                    return [listed[index].name]
        modified = self._modified(text, ctx.end, ctx.sentence_end)
        if modified:
            return [modified]
        return [self.subject(text, sentence_start, paragraph_start, pos, clause_end, before)]

    def _modified(self, text: str, end: int, sentence_end: int) -> str | None:
        """The name a figure modifies: "占地1,200亩的夏溪花木市场", "总投资5亿元的X项目"."""
        if not text.startswith("的", end):
            return None
        ahead = mentions(text, end + 1, min(sentence_end, end + 40), self.rules, self.raw_words)
        if (ahead and ahead[0].start == end + 1 and ahead[0].name and ahead[0].sort >= 0
                and not self.rules.entities[ahead[0].sort].stem_length[0]):  # "…的产业片区": not a district
            return self._pick(ahead[:1], text)
        return None

    def _before(self, text: str, sentence_start: int, sentence_end: int, pos: int) -> list[Mention]:
        """The mentions of the sentence that end before ``pos`` (the sentence is read once)."""
        return [m for m in mentions(text, sentence_start, sentence_end, self.rules, self.raw_words) if m.end <= pos]

    def subject(self, text: str, sentence_start: int, paragraph_start: int, pos: int,
                clause_end: int | None = None, before: list[Mention] | None = None) -> str | None:
        """Whose figure the one at ``pos`` is.

        The mention nearest before it in its sentence; else, in a photo caption, the first
        mention of the nearest earlier sentence (the project the caption describes) and then the
        headline's; in news, the headline's and then the paragraph's; last, the name the article
        spoke of most recently. A project named after the figure in its clause is the figure's
        ("投资1.1亿美元建设高端医疗器械研发生产基地项目"): pass ``clause_end`` for money and area.
        """
        if clause_end is not None:
            ahead = [m for m in mentions(text, pos, clause_end, self.rules, self.raw_words) if m.name and m.sort == PROJECT]
            if ahead:
                return ahead[0].name
        found = before if before is not None else mentions(text, sentence_start, pos, self.rules, self.raw_words)
        nearest = self._pick(found, text)
        if nearest:
            return nearest
        if self.photo:
            found = self._paragraph_subject(text, paragraph_start, sentence_start) or self.title_subject
        else:
            found = self.title_subject or self._paragraph_subject(text, paragraph_start, sentence_start)
        return found or self.latest

    def _paragraph_subject(self, text: str, paragraph_start: int, sentence_start: int) -> str | None:
        """The first name of the nearest of the (up to three) sentences before this one."""
        hi = sentence_start
        for _ in range(MAX_SENTENCES_BACK):
            if hi <= paragraph_start:
                return None
            lo = max(paragraph_start, max(text.rfind(c, paragraph_start, hi - 1) for c in SENTENCE_ENDS) + 1)
            names = self._resolve(mentions(text, lo, hi, self.rules, self.raw_words), dict(self.last), text)
            direct = [name for mention, name in names if not (mention.oblique or mention.created)]
            if names:
                return (direct or [name for _, name in names])[0]
            hi = lo
        return None
