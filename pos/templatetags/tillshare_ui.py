"""Template filters of the tablet screens (pos.ui is a plain package, so they live here)."""

from django import template
from djmoney.money import Money

from ledger.money import format_cents, to_cents

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    """Integer cents as dollars for people: 1234 -> "$12.34", -50 -> "-$0.50"."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}${format_cents(abs(int(value)), 'USD')}"


@register.filter
def dollars(value: Money) -> str:
    """A Money amount for people: Money("12.3", "USD") -> "$12.30"."""
    return cents(to_cents(value))


@register.filter
def tab_label(tab) -> str:
    """Who a check is for, as staff call it: "Alex · table 13", "Alex" or "table 13".

    A tab is opened by name, by table or both; screens that show a check (a model or the
    dict of a screen selector) name it through here, so none starts with a stray separator.
    """
    name, table = (
        (tab.get("name"), tab.get("table")) if isinstance(tab, dict) else (tab.name, tab.table)
    )
    return " · ".join(part for part in (name, table and f"table {table}") if part)


@register.filter
def plain_cents(value: int) -> str:
    """Integer cents as a plain decimal for form fields: 1234 -> "12.34"."""
    return format_cents(int(value), "USD")


@register.filter
def deducted(value: str) -> str:
    """A report's plain amount ("12.30") shown as taken away ("-12.30"); zero stays "0.00"."""
    return value if value.strip("0.") == "" else f"-{value}"
