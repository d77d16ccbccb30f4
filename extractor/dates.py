"""A page's publication date: given, from a manifest, from the file name, or inferred.

Inference reads the years the text names and how it speaks of them (the words are in
rules/dates.toml): a year whose results are
reported most often ("2023年,我区…", "2023年度", "2023年以来") is taken as the paper's year; a
year spoken of as ahead ("2025年是…之年") is not counted; year-end wording (年末, 岁末, 年终决算,
最后一班岗) puts the paper in December of that year, new-year greetings (新春, 春节) in the
January after it; a full date in that year gives the day. The result says how precise it is.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

from dateutil import parser as dateutil_parser

from .facts import PublicationDate
from .rules import RuleSet, load_rules
from .vocab import DateSource, Precision

_FILENAME_DATE = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?![0-9A-Za-z])")
_YEAR = re.compile(r"(?<![\d—\-~至到])((?:19|20)\d{2})(?:[—\-~至到](?:19|20)\d{2})?年(度)?")
_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")


class DateError(ValueError):
    """A date the user gave could not be read."""


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date from the command line or a manifest.

    >>> parse_date("2024-01-03")
    datetime.date(2024, 1, 3)
    """
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text.strip()):
        raise DateError(f"not a YYYY-MM-DD date: {text!r}")
    try:
        return dateutil_parser.isoparse(text.strip()).date()
    except ValueError as exc:
        raise DateError(f"not a valid date: {text!r} ({exc})") from None


def date_from_filename(name: str) -> date | None:
    """A date written in a file name: 2024-01-03, 20240103.

    >>> date_from_filename("wjrb_20240103_p1.txt"), date_from_filename("001_bf0cf74d.txt")
    (datetime.date(2024, 1, 3), None)
    """
    for m in _FILENAME_DATE.finditer(Path(name).name):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def read_manifest(path: Path) -> dict[str, date]:
    """file name -> publication date, from a CSV with columns file,published."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"file", "published"} <= set(reader.fieldnames):
                raise DateError(f"{path}: manifest needs the columns file,published")
            out = {}
            for line, row in enumerate(reader, start=2):
                try:
                    out[Path(row["file"]).name] = parse_date(row["published"] or "")
                except DateError as exc:
                    raise DateError(f"{path}: line {line}: {exc}") from None
            return out
    except OSError as exc:
        raise DateError(f"{path}: cannot read manifest: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DateError(f"{path}: manifest is not UTF-8 text") from None


def infer_date(text: str) -> PublicationDate | None:
    """The publication date as well as the text tells it, or None when it names no year.

    >>> infer_date("2023年,我区新增企业4家。年末岁首,走访金融机构。")
    PublicationDate(day=datetime.date(2023, 12, 1), source=<DateSource.INFERRED: 'inferred'>, precision=<Precision.MONTH: 'month'>)
    >>> infer_date("2025年是收官之年。2024年,全区新增企业12家。").day
    datetime.date(2024, 1, 1)
    """
    rules = load_rules()
    forward, year_end, new_year = _cues(rules)
    reported: Counter[int] = Counter()
    ahead: set[int] = set()
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        if forward.match(text, m.end()):
            ahead.add(year)
        else:
            reported[year] += 1
    if not reported and not ahead:
        return None
    # the year most often reported on (the later on ties); a text that only looks ahead is
    # most likely from early in that year (work plans, 工作要点)
    year = max(reported, key=lambda y: (reported[y], y)) if reported else min(ahead)
    full = [date(int(y), int(mo), int(d)) for y, mo, d in _FULL_DATE.findall(text) if _valid(y, mo, d)]
    same_year = [d for d in full if d.year == year]
    if same_year:
        return PublicationDate(max(same_year), DateSource.INFERRED, Precision.DAY)
    if reported and new_year.search(text):
        return PublicationDate(date(year + 1, 1, 1), DateSource.INFERRED, Precision.MONTH)
    if year_end.search(text):
        return PublicationDate(date(year, 12, 1), DateSource.INFERRED, Precision.MONTH)
    return PublicationDate(date(year, 1, 1), DateSource.INFERRED, Precision.YEAR)


@cache
def _cues(rules: RuleSet) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The dates.toml word lists as patterns: year ahead, year end, new year."""
    table = rules.raw["dates"]
    words = "|".join(map(re.escape, table["forward"]["words"]))
    places = "|".join(map(re.escape, sorted(rules.aliases, key=len, reverse=True)))
    lead = rf",?(?:{places})?" if table["forward"].get("also_after_place") else ""
    forward = re.compile(rf"{lead}(?:{words})")
    return (forward, re.compile("|".join(map(re.escape, table["year_end"]["words"]))),
            re.compile("|".join(map(re.escape, table["new_year"]["words"]))))


def _valid(y: str, mo: str, d: str) -> bool:
    try:
        date(int(y), int(mo), int(d))
    except ValueError:
        return False
    return True
