"""Template filters that format a table cell in the active language (money, counts, dates)."""

import datetime
import functools
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import formats
from django.utils.translation import get_language, to_locale

from reports.tables import CENTS, COUNT, PERCENT, TEXT

register = template.Library()
SUPPRESSED = "—"  # a dash: the figure is suppressed or not applicable


def _locale() -> Locale:
    # US Spanish: the venue's Spanish-speaking neighbours read $1,234.50 as at home.
    language = get_language() or "en"
    return _parsed("es_US" if language.startswith("es") else to_locale(language))


@functools.cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)  # parsing a locale costs more than formatting with it


@register.filter
def money(cents) -> str:
    """Format integer cents as currency in the active language; None as a dash."""
    if cents is None:
        return SUPPRESSED
    return format_currency(Decimal(cents).scaleb(-2), "USD", locale=_locale())


@register.filter
def count(value) -> str:
    if value is None:
        return SUPPRESSED
    return format_decimal(value, locale=_locale())


@register.filter
def cell(value, kind: str) -> str:
    """Format a table cell by its column kind."""
    if kind == CENTS:
        return money(value)
    if kind == COUNT:
        return count(value)
    if kind == PERCENT:
        return SUPPRESSED if value is None else format_decimal(Decimal(value), locale=_locale())
    return "" if value is None else str(value)


@register.filter
def isodate(value: str) -> str:
    """Format an ISO date string as a long date in the active language."""
    return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")


@register.filter
def percent(value) -> str:
    if value is None:
        return SUPPRESSED
    return format_decimal(Decimal(value), locale=_locale()) + " %"


def _formatted(row, columns) -> list[tuple[str, bool]]:
    return [(cell(v, c.kind), c.kind != TEXT) for v, c in zip(row, columns, strict=True)]


@register.filter
def formatted_rows(table) -> list[list[tuple[str, bool]]]:
    """Each row of a Table as (text, is_number) cells in the active language."""
    return [_formatted(row, table.columns) for row in table.rows]


@register.filter
def formatted_footer(table) -> list[tuple[str, bool]] | None:
    return _formatted(table.footer, table.columns) if table.footer else None
