"""A rule pattern's matches, found without trying the pattern at every character.

Python's regex engine skips ahead quickly only when a pattern opens with a literal or a character
class; a rule that opens with an optional group or a look-behind ("(?:(?P<year>\\d{4})年)?上半年",
"(?<![0-9])…") is tried at every character of the text. ``matches`` gives exactly what
``finditer`` gives, faster, using two facts read off the pattern's own parse tree: a literal every
match holds ("上半年"), so that a stretch without it is not scanned at all, and, when asked,
the characters a match can start with, so that the pattern is tried only there. ``PatternSet``
reads several rule patterns as one, looking for a literal they share once.
"""

from __future__ import annotations

import re
from typing import Iterator

try:  # the engine's own parser: private, so anything unexpected means "can start anywhere"
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - a Python without it scans as finditer does
    sre_parse = None

_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


class _Anywhere(Exception):
    """The pattern may start with any character (or none): no shortcut."""


def starts_of(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A character class matching every character a match of ``pattern`` can start with (a
    superset: assertions are skipped over), or None when any may (or a match may be empty)."""
    items = _parse(pattern)
    if items is None:
        return None
    try:
        chars, nullable = _first(items)
    except (_Anywhere, AttributeError, TypeError, ValueError):  # an item shaped as this parser does not know
        return None
    if nullable or not chars:
        return None
    return re.compile("[" + "".join(sorted(set(chars))) + "]")


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest run of literal characters every match of ``pattern`` holds, or None."""
    items = _parse(pattern)
    if items is None:
        return None
    return _longest_run(items) or None


def _parse(pattern: re.Pattern[str]) -> list | None:
    """The items of ``pattern``'s own sequence as the engine parses it, or None when they cannot
    be relied on (no parser, a case-insensitive pattern, bytes)."""
    if sre_parse is None or pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        return list(sre_parse.parse(pattern.pattern, pattern.flags))
    except (AttributeError, TypeError, ValueError, re.error):
        return None


def _longest_run(items: list) -> str:
    """The longest run of literal characters in a sequence: each of its items is in every match."""
    runs, run = [], ""
    for op, av in items:
        if str(op) == "LITERAL":
            run += chr(av)
        else:
            runs.append(run)
            run = ""
    return max(runs + [run], key=len)


_Read = tuple[re.Pattern[str], str | None, re.Pattern[str] | None]
_READ: dict[int, _Read] = {}  # id(pattern) -> what was read off it


def _read(pattern: re.Pattern[str]) -> _Read:
    """(pattern, its required literal, its starts), worked out once per pattern. Keyed by id:
    hashing a compiled pattern hashes its whole program, on every lookup."""
    entry = _READ.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        if len(_READ) >= 1024:
            _READ.clear()
        entry = _READ[id(pattern)] = (pattern, required_literal(pattern), starts_of(pattern))
    return entry


def matches(pattern: re.Pattern[str], text: str, lo: int, hi: int,
            at_starts: bool = False) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, lo, hi)``; none at all when ``text[lo:hi]`` lacks the pattern's
    required literal; with ``at_starts``, tried only where a match can start (worth it for a
    pattern that is costly to try and whose first characters are rare)."""
    _, literal, starts = _read(pattern)
    if literal is not None and text.find(literal, lo, hi) < 0:
        return iter(())
    if at_starts and starts is not None:
        return _tried_at_starts(pattern, starts, text, lo, hi)
    return pattern.finditer(text, lo, hi)


class PatternSet:
    """Several rule patterns read as one: ``finditer`` of each in turn, or ``match`` of each at
    one place, looking for a literal that several of them hold once (the period rules share
    年 and 月), and skipping a pattern whose literal is absent."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]):
        self.patterns = patterns
        self._literals = [required_literal(p) for p in patterns]

    def _present(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, re.Pattern[str]]]:
        seen: dict[str, bool] = {}
        for i, (pattern, literal) in enumerate(zip(self.patterns, self._literals)):
            if literal is not None:
                if literal not in seen:
                    seen[literal] = text.find(literal, lo, hi) >= 0
                if not seen[literal]:
                    continue
            yield i, pattern

    def finditer(self, text: str, lo: int, hi: int) -> Iterator[tuple[int, re.Match[str]]]:
        """``(i, match)`` for every match of ``patterns[i].finditer(text, lo, hi)``, i in order."""
        for i, pattern in self._present(text, lo, hi):
            for m in pattern.finditer(text, lo, hi):
                yield i, m

    def match(self, text: str, pos: int, hi: int) -> Iterator[tuple[int, re.Match[str]]]:
        """``(i, match)`` for each ``patterns[i].match(text, pos, hi)`` that matches, i in order."""
        for i, pattern in self._present(text, pos, hi):
            m = pattern.match(text, pos, hi)
            if m is not None:
                yield i, m


def _tried_at_starts(pattern: re.Pattern[str], starts: re.Pattern[str], text: str, lo: int,
                     hi: int) -> Iterator[re.Match[str]]:
    pos = lo
    while (candidate := starts.search(text, pos, hi)) is not None:
        found = pattern.match(text, candidate.start(), hi)
        if found is None:
            pos = candidate.start() + 1
        else:
            yield found
            pos = found.end()  # never empty: a pattern that can match nothing has no starts


def _first(items: list) -> tuple[list[str], bool]:
    """(class fragments of the first characters, whether the sequence can match nothing)."""
    chars: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            return chars + [re.escape(chr(av))], False
        if name == "IN":
            return chars + _class(av), False
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width: the next item starts the match
        if name == "SUBPATTERN":  # (group, add_flags, del_flags, items)
            if av[1] & re.IGNORECASE:
                raise _Anywhere("(?i:…)")
            inner, nullable = _first(list(av[-1]))
        elif name == "ATOMIC_GROUP":
            inner, nullable = _first(list(av))
        elif name == "BRANCH":
            inner, nullable = [], False
            for alternative in av[1]:
                alt_chars, alt_nullable = _first(list(alternative))
                inner += alt_chars
                nullable = nullable or alt_nullable
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, body = av
            inner, nullable = _first(list(body))
            nullable = nullable or low == 0
        else:
            raise _Anywhere(name)  # ANY, NOT_LITERAL, back-references, conditionals
        chars += inner
        if not nullable:
            return chars, False
    return chars, True


def _class(items: list) -> list[str]:
    out = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(re.escape(chr(av)))
        elif name == "RANGE":
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif name == "CATEGORY" and str(av) in _CATEGORIES:
            out.append(_CATEGORIES[str(av)])
        else:
            raise _Anywhere(name)  # a negated class or category matches almost anything
    return out
