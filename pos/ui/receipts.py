"""What a receipt shows: the check, its payments, the aid line and a QR code to the public
transparency page. Used by the tablet's 80 mm HTML receipt and by the PDF
(reports/receipts.py), so both print the same words.

The QR code is an inline SVG made in Python (segno): the receipt needs no network, no
JavaScript, and WeasyPrint draws it as vectors.
"""

import segno
from django.http import Http404, HttpRequest
from django.utils.safestring import mark_safe

from pos.exceptions import NotFoundError
from pos.ui.selectors import tab_screen

AID_LINE = (
    "A share of this venue's surplus funds the community fridge & pantry and skill-share workshops"
)
TRANSPARENCY_PATH = "/transparency/"


def qr_svg(url: str) -> str:
    """An inline SVG QR code of url, titled for screen readers."""
    svg = segno.make(url, error="m").svg_inline(
        scale=3, dark="#000", light="#fff", title=f"QR code: {url}"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno's own SVG)


def receipt_context(request: HttpRequest, tab_id: int) -> dict:
    """The receipt of a check (open checks print as a bill). Raise Http404 for an unknown one."""
    try:
        tab = tab_screen(tab_id)
    except NotFoundError as error:
        raise Http404(error.message) from error
    url = request.build_absolute_uri(TRANSPARENCY_PATH)
    return {
        "tab": tab,
        "payments": [p for p in tab["payments"] if p.status == "captured"],
        "tips": sum(p.tip for p in tab["payments"] if p.status == "captured"),
        "aid_line": AID_LINE,
        "transparency_url": url,
        "qr": qr_svg(url),
    }
