"""The report's charts, drawn by pygal as SVG with real text, from the snapshot's tables.

Every chart has a title and a description (as the SVG's `<title>` and `<desc>`, and in the
page's caption) and sits beside the table it was drawn from. pygal positions bars with floats;
that is geometry only: every figure a reader sees comes from the integer-cent table. The
output is made reproducible (a fixed element id, pygal's dated comment removed) so that the
same snapshot always gives the same PDF bytes.
"""

import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from reports.tables import Table

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#6b6b6b",
    font_family="DejaVu Sans, Arial, sans-serif",
    colors=("#1f5f8b", "#b4462b", "#3c7d3c"),
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
)
# The waterfall's first series is the invisible base each visible step floats on.
WATERFALL_STYLE = Style(**{**STYLE.to_dict(), "colors": ("#ffffff00", "#1f5f8b")})
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# pygal writes its config as an inline <script> even with js=[]: the picture needs none, and the
# site's Content-Security-Policy (config/csp.py) refuses inline scripts.
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _dollars(cents: int) -> float:
    # Bar geometry only; labels are printed from the integer cents.
    return float(Decimal(cents) / 100)


def _svg(chart, key: str, title: str, description: str) -> str:
    chart.uuid = key  # pygal's id is random per chart; a fixed one keeps the PDF reproducible
    svg = SCRIPT.sub("", COMMENT.sub("", chart.render(is_unicode=True)))
    head = svg.index(">") + 1
    opening = svg[:head].replace(
        "<svg ", f'<svg role="img" aria-labelledby="{key}-title {key}-desc" ', 1
    )
    return (
        f'{opening}<title id="{key}-title">{title}</title><desc id="{key}-desc">{description}'
        f"</desc>{svg[head:]}"
    )


def _chart(kind, title: str, style=STYLE, **options):
    settings = {
        "style": style,
        "title": title,
        "js": [],  # no scripts: the SVG is a static picture
        "disable_xml_declaration": True,
        "width": 720,
        "height": 340,
        "show_legend": False,
        "print_values": False,
        "truncate_label": -1,
        **options,
    }
    return kind(**settings)


def waterfall_bases(amounts: Sequence[int], kinds: Sequence[str]) -> list[int]:
    """Where each bar of a waterfall starts: a "total" step rises from zero, an "up" step
    floats on where the flow stands and a "down" step hangs from it."""
    level, bases = 0, []
    for amount, kind in zip(amounts, kinds, strict=True):
        if kind == "total":
            level, base = amount, 0
        elif kind == "up":
            level, base = level + amount, level
        else:
            level -= amount
            base = level
        bases.append(max(base, 0))  # a loss draws from zero rather than below the axis
    return bases


def waterfall(table: Table, kinds: Sequence[str], description: str, money) -> str:
    """Return the money-flow waterfall (kinds: each row's, see waterfall_bases)."""
    bases = waterfall_bases([amount for _step, amount in table.rows], kinds)
    # Eight steps' names side by side would run into each other: they slant.
    chart = _chart(pygal.StackedBar, table.title, style=WATERFALL_STYLE, x_label_rotation=25,
                   height=400)  # fmt: skip
    chart.x_labels = [row[0] for row in table.rows]
    chart.add("", [_dollars(b) for b in bases])
    chart.add(
        _("Amount"),
        [{"value": _dollars(abs(amount)), "label": money(amount)} for _step, amount in table.rows],
    )
    return _svg(chart, table.key, table.title, description)


def program_funds(table: Table, description: str, money) -> str:
    """Return opening and closing balances of each program fund as grouped bars."""
    chart = _chart(pygal.Bar, table.title, show_legend=True, legend_at_bottom=True)
    chart.x_labels = [row[0] for row in table.rows]
    opening, closing = table.column("opening"), table.column("closing")
    chart.add(
        _("Opening"),
        [{"value": _dollars(r[opening]), "label": money(r[opening])} for r in table.rows],
    )
    chart.add(
        _("Closing"),
        [{"value": _dollars(r[closing]), "label": money(r[closing])} for r in table.rows],
    )
    return _svg(chart, table.key, table.title, description)
