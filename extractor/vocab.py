"""Closed vocabularies, shared by the rules, the records and the database CHECK constraints.

Each enum value is exactly the string stored in the database and written in ANNOTATION.md, so
vocabulary, code and schema cannot disagree.
"""

from enum import StrEnum


class Kind(StrEnum):
    MONEY = "money"
    AREA = "area"
    PERCENT = "percent"
    PP = "pp"
    COUNT = "count"
    OTHER = "other"


class Metric(StrEnum):
    # money
    LOAN_BALANCE = "loan_balance"
    DEPOSIT_BALANCE = "deposit_balance"
    LOAN_AMOUNT = "loan_amount"
    CREDIT_LINE = "credit_line"
    OUTPUT_VALUE = "output_value"
    GDP = "gdp"
    FISCAL_REVENUE = "fiscal_revenue"
    TAX_REVENUE = "tax_revenue"
    INVESTMENT = "investment"
    SALES = "sales"
    INCOME = "income"
    FUNDING = "funding"
    OTHER_MONEY = "other_money"
    # area
    LAND_AREA = "land_area"
    SITE_AREA = "site_area"
    FLOOR_AREA = "floor_area"
    WATER_AREA = "water_area"
    OTHER_AREA = "other_area"
    # percent
    GROWTH_RATE = "growth_rate"
    DECLINE_RATE = "decline_rate"
    SHARE = "share"
    RATE = "rate"
    OTHER_PERCENT = "other_percent"
    # pp, count, other
    PP_CHANGE = "pp_change"
    COUNT = "count"
    OTHER = "other"


#: The metric used for a kind when no keyword names what is measured.
DEFAULT_METRIC: dict[Kind, Metric] = {
    Kind.MONEY: Metric.OTHER_MONEY,
    Kind.AREA: Metric.OTHER_AREA,
    Kind.PERCENT: Metric.OTHER_PERCENT,
    Kind.PP: Metric.PP_CHANGE,
    Kind.COUNT: Metric.COUNT,
    Kind.OTHER: Metric.OTHER,
}


class Measure(StrEnum):
    LEVEL = "level"
    DELTA = "delta"
    RATE = "rate"
    RATIO = "ratio"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class Qualifier(StrEnum):
    NONE = "none"
    APPROX = "approx"
    OVER = "over"
    UNDER = "under"
    NEARLY = "nearly"


class Status(StrEnum):
    ACTUAL = "actual"
    ESTIMATE = "estimate"
    TARGET = "target"


class ArticleKind(StrEnum):
    NEWS = "news"
    PHOTO = "photo"


class DateSource(StrEnum):
    GIVEN = "given"
    MANIFEST = "manifest"
    FILENAME = "filename"
    INFERRED = "inferred"


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def values(enum: type[StrEnum]) -> list[str]:
    """The stored strings of an enum, in declaration order (for CHECK constraints and docs)."""
    return [member.value for member in enum]
