"""Whose figure it is: the district, a city, a project, company, bank or place.

Policy (the words are in places.toml): the mention nearest before the figure in its sentence,
then in its paragraph, then in the article's headline wins. 全区/我区 stand for the paper's
district. A bare or generic mention ("该项目", "项目", "该行", "省重大项目") refers back to the
last named subject of the same sort in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .rules import RuleSet

GENERIC_STEM = re.compile(r"^(?:该|本|此|这个|省|市|区|县|镇|国家级|省级|市级|区级|重大|重点|在建|新建|产业|各类|新开工|签约|一批|这些|相关|其他|主要)*$")
_NAME_CHARS = r"[\u4e00-\u9fffA-Za-z0-9·()]"


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    name: str | None  # None: a reference back to the last named subject of ``sort``
    sort: int  # index of the entity rule, or -1 for a home-place alias


@cache
def _patterns(rules: RuleSet) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    endings = sorted({e for r in rules.entities for e in r.endings}, key=len, reverse=True)
    breaks = sorted(rules.name_breaks, key=len, reverse=True)
    entity = re.compile(
        rf"(?:(?<=[^\u4e00-\u9fffA-Za-z0-9·()])|^)(?P<stem>{_NAME_CHARS}{{0,24}}?)(?P<ending>{'|'.join(endings)})"
    )
    alias = re.compile("|".join(sorted(rules.aliases, key=len, reverse=True)))
    return entity, re.compile("|".join(re.escape(b) for b in breaks)), alias


def _sort_of(ending: str, rules: RuleSet) -> int:
    return next(i for i, r in enumerate(rules.entities) if ending in r.endings)


def mentions(text: str, lo: int, hi: int, rules: RuleSet) -> list[Mention]:
    """Subject mentions in ``text[lo:hi]`` in text order."""
    entity, breaks, alias = _patterns(rules)
    found: list[Mention] = []
    for m in entity.finditer(text, lo, hi):
        stem = m.group("stem")
        cut = 0
        for b in breaks.finditer(stem):
            cut = b.end()
        stem = stem[cut:]
        start = m.start("stem") + cut
        sort = _sort_of(m.group("ending"), rules)
        named = stem and not GENERIC_STEM.match(stem)
        found.append(Mention(start, m.end(), stem + m.group("ending") if named else None, sort))
    for refer_sort, rule in enumerate(rules.entities):
        for word in rule.refer:
            for at in _find_all(text, word, lo, hi):
                found.append(Mention(at, at + len(word), None, refer_sort))
    for m in alias.finditer(text, lo, hi):
        found.append(Mention(m.start(), m.end(), rules.aliases[m.group()], -1))
    # an alias or reference inside a longer name ("武进国家高新区") is part of that name
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _find_all(text: str, word: str, lo: int, hi: int):
    at = text.find(word, lo, hi)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word), hi)


class SubjectTracker:
    """Resolves subjects through one article, remembering the last named subject of each sort."""

    def __init__(self, rules: RuleSet, title_text: str):
        self.rules = rules
        self.last: dict[int, str] = {}
        self.title_subject = self._pick(mentions(title_text, 0, len(title_text), rules))

    def _pick(self, found: list[Mention]) -> str | None:
        for mention in reversed(found):
            if mention.name:
                return mention.name
            if mention.sort in self.last:
                return self.last[mention.sort]
        return None

    def remember(self, text: str, lo: int, hi: int) -> None:
        """Note the names mentioned in ``text[lo:hi]`` (call in text order)."""
        for mention in mentions(text, lo, hi, self.rules):
            if mention.name and mention.sort >= 0:
                self.last[mention.sort] = mention.name

    def subject(self, text: str, sentence_start: int, paragraph_start: int, pos: int) -> str | None:
        return (
            self._pick(mentions(text, sentence_start, pos, self.rules))
            or self._pick(mentions(text, paragraph_start, sentence_start, self.rules))
            or self.title_subject
        )
