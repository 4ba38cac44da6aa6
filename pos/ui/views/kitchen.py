"""The kitchen display (/kitchen/): open tickets per station in arrival order, bump to done.

It runs on a tablet signed in as a device (no staff PIN: whoever is at the pass bumps). The
ticket list is a fragment the page polls every 3 seconds, so new tickets and their ages show
without a reload; "Recall" brings back the last bumped ticket (undo).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pos.exceptions import NotFoundError
from pos.models import Station, Ticket
from pos.services.tabs import bump_ticket
from pos.ui import selectors
from pos.ui.session import device_required
from pos.ui.views.common import screen_context

STATIONS = {Station.BAR.value, Station.GRILL.value}


def _context(request: HttpRequest) -> dict:
    station = request.GET.get("station") or request.POST.get("station") or ""
    station = station if station in STATIONS else ""
    last_done = Ticket.objects.filter(done_at__isnull=False)
    if station:
        last_done = last_done.filter(station=station)
    return screen_context(
        request,
        "kitchen",
        station=station,
        stations=selectors.kitchen_tickets(station or None),
        last_done=last_done.order_by("-done_at", "-id").first(),
    )


@device_required
def display(request: HttpRequest) -> HttpResponse:
    return render(request, "pos/ui/kitchen.html", _context(request))


@device_required
def tickets(request: HttpRequest) -> HttpResponse:
    return render(request, "pos/ui/_kitchen_tickets.html", _context(request))


@require_POST
@device_required
def bump(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Bump a ticket to done (done=false recalls it); answer the refreshed ticket list."""
    try:
        bump_ticket(ticket_id=ticket_id, done=request.POST.get("done", "true") != "false")
    except NotFoundError as error:
        raise Http404(error.message) from error
    return render(request, "pos/ui/_kitchen_tickets.html", _context(request))
