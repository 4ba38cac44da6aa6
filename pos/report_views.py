"""Printable drawer reports: the X or Z report of one drawer session as HTML.

A plain Django view over the `pos.reports.drawer_report` selector, laid out for an 80 mm
receipt printer as well as a screen. The API layer adds its own authentication and the URL;
this view refuses anyone not signed in (403) and answers 404 for an unknown session.

The drawer is closed on a blind count, so the X report of an open session shows expected cash
only to a manager; anyone else gets the blind X report.
"""

import uuid

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render

from pos.exceptions import NotFoundError
from pos.reports import drawer_report

SIGN_IN_REQUIRED = "Sign in to see drawer reports."


def drawer_report_html(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """Render the drawer session's X (open) or Z (closed) report as printable HTML."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden(SIGN_IN_REQUIRED)
    staff = getattr(request.user, "staff", None)
    blind = not (staff is not None and staff.is_manager)
    try:
        report = drawer_report(session_id=session_id, blind=blind)
    except NotFoundError as error:
        raise Http404(error.message) from error
    context = {"report": report, "figures": report.as_json()}
    return render(request, "pos/drawer_report.html", context)
