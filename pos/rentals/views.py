"""The tablet's games screens, in the style of the tablet UI (pos/templates/pos/ui/base.html).

- The availability board (/tablet/rentals/): every board and table with its status (icon and
  text), the elapsed play time and the running charge of its session, refreshed by htmx every
  few seconds; start a game on a tab, pause, resume, stop. Flags: running past closing,
  prepaid time used up, a booking coming up.
- A session's bill (/tablet/rentals/sessions/<id>): its segments (start, end, rate, reason)
  and how the charge was made, to explain it line by line to a guest.

Views are thin: they call the same services and selectors as the API. Every form carries a
client UUID made when the page rendered, so a double tap or a retried submission has one
effect; a refused action comes back as the board with its message (status 409 or 400).
"""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pos.exceptions import PosError
from pos.models import Tab
from pos.rentals.apis.outputs import describe_session
from pos.rentals.models import RentalSession
from pos.rentals.selectors import availability_board
from pos.rentals.services import sessions
from pos.ui.session import staff_required
from pos.ui.views.common import screen_context

STATUS_ICONS = {
    "free": "✓",
    "in_use": "▶",
    "paused": "⏸",
    "reserved": "🕑",
    "out_of_order": "✖",
}


def _board_context(request: HttpRequest, **extra) -> dict:
    rows = availability_board()
    return screen_context(
        request, "rentals", rows=rows, icons=STATUS_ICONS,
        tabs=Tab.objects.filter(status=Tab.Status.OPEN).order_by("-opened_at")[:100],
        start_ids={row.resource.id: uuid.uuid4() for row in rows}, **extra,
    )  # fmt: skip


@staff_required
def board(request: HttpRequest) -> HttpResponse:
    """The whole screen, or (htmx polling) only the board."""
    template = "rentals/_board.html" if request.htmx else "rentals/board.html"
    return render(request, template, _board_context(request))


@require_POST
@staff_required
def start(request: HttpRequest) -> HttpResponse:
    try:
        sessions.start_session(
            session_id=uuid.UUID(request.POST["client_id"]),
            resource_id=int(request.POST["resource_id"]),
            tab_id=int(request.POST["tab_id"]),
            players=int(request.POST.get("players") or 1),
            staff=request.staff,
            device=request.device,
        )
    except (KeyError, ValueError):
        return _refused(request, "Choose a tab and the number of players", 400)
    except PosError as error:
        return _refused(request, error.message, error.http_status)
    return redirect("rentals:board-page")


ACTIONS = {
    "pause": sessions.pause_session,
    "resume": sessions.resume_session,
    "stop": sessions.stop_session,
}


@require_POST
@staff_required
def act(request: HttpRequest, session_id: uuid.UUID, action: str) -> HttpResponse:
    """Pause, resume or stop: each is idempotent by state, so a double tap changes nothing."""
    service = ACTIONS.get(action)
    if service is None:
        raise Http404(f"No action {action}")
    try:
        service(session_id=session_id, staff=request.staff, device=request.device)
    except PosError as error:
        return _refused(request, error.message, error.http_status)
    if action == "stop":
        return redirect("rentals:bill-page", session_id=session_id)
    return redirect("rentals:board-page")


@staff_required
def bill(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = RentalSession.objects.select_related("resource__type").filter(id=session_id).first()
    if session is None:
        raise Http404(f"No session {session_id}")
    context = screen_context(request, "rentals", session=describe_session(session))
    return render(request, "rentals/bill.html", context)


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "rentals/board.html", _board_context(request, error=message),
                  status=status)  # fmt: skip
