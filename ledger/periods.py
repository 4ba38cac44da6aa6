"""Fiscal quarters: which quarter a date falls in, by the configured fiscal-year start month.

A fiscal year is named after the calendar year in which it ends, so with a July start the
quarter from July to September 2026 is 2027Q1; with the default January start, fiscal years
are calendar years and 2026Q1 runs from 1 January to 31 March 2026.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

PERIOD_NAME_RE = re.compile(r"^(?P<year>\d{4})Q(?P<quarter>[1-4])$")


@dataclass(frozen=True)
class Quarter:
    name: str
    fiscal_year: int
    quarter: int
    start_date: datetime.date
    end_date: datetime.date


def _start_month() -> int:
    return settings.LEDGER_FISCAL_YEAR_START_MONTH


def _quarter(fiscal_year: int, quarter: int) -> Quarter:
    start_month = _start_month()
    # The fiscal year's first month falls in the previous calendar year unless it starts in January.
    first_year = fiscal_year - (1 if start_month > 1 else 0)
    months_from_start = (quarter - 1) * 3
    year = first_year + (start_month - 1 + months_from_start) // 12
    month = (start_month - 1 + months_from_start) % 12 + 1
    start = datetime.date(year, month, 1)
    end_year, end_month = (year + (month + 2) // 12, (month + 2) % 12 + 1)
    end = datetime.date(end_year, end_month, 1) - datetime.timedelta(days=1)
    return Quarter(f"{fiscal_year}Q{quarter}", fiscal_year, quarter, start, end)


def quarter_of(day: datetime.date) -> Quarter:
    """Return the fiscal quarter containing day."""
    start_month = _start_month()
    months_into_year = (day.month - start_month) % 12
    fiscal_year = day.year + (1 if start_month > 1 and day.month >= start_month else 0)
    return _quarter(fiscal_year, months_into_year // 3 + 1)


def quarter_named(name: str) -> Quarter:
    """Return the quarter called name (2026Q1). Raise ValueError for another shape."""
    match = PERIOD_NAME_RE.match(name)
    if not match:
        raise ValueError(f"{name!r} is not a period name like 2026Q1")
    return _quarter(int(match["year"]), int(match["quarter"]))
