"""Template filters for the treasury screens: cents as dollars."""

from django import template

register = template.Library()


@register.filter
def usd(cents) -> str:
    """12345 -> "$123.45"; -500 -> "-$5.00"."""
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"
