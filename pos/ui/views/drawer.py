"""The tablet's cash drawer: open with a counted float, paid in / out and drops, the blind
close by denomination, and the X (open) and Z (closed) reports.

The close is blind: this screen never shows expected cash before the count (pos.reports
leaves it out of a cashier's X report). A variance above the threshold needs a manager's PIN;
the service says so and the screen asks.
"""

import uuid
from decimal import Decimal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from djmoney.money import Money

from pos.exceptions import NotFoundError, PosError
from pos.models import CashMovement, DrawerSession
from pos.reports import drawer_report
from pos.services.drawers import DENOMINATIONS, close_drawer, open_drawer, record_cash_movement
from pos.ui.approval import ApprovalForm, approver, managers
from pos.ui.session import staff_required
from pos.ui.views.common import first_error, screen_context

NO_DRAWER = "This tablet has no cash drawer."
NOT_A_COUNT = "Counts are whole numbers of notes or coins (0 to 9999)."


def denomination_label(cents: int) -> str:
    return f"${cents // 100}" if cents >= 100 else f"{cents}¢"


def _count(request: HttpRequest) -> dict[int, int]:
    """{denomination: pieces} from the count-<cents> fields (blank is 0). Raise PosError."""
    count = {}
    for cents in DENOMINATIONS:
        raw = request.POST.get(f"count-{cents}", "").strip() or "0"
        if not raw.isdigit() or len(raw) > 4:
            raise PosError(NOT_A_COUNT)
        if int(raw):
            count[cents] = int(raw)
    return count


def _denominations(request: HttpRequest) -> list[dict]:
    return [
        {"cents": c, "label": denomination_label(c), "value": request.POST.get(f"count-{c}", "")}
        for c in reversed(DENOMINATIONS)
    ]


def _session(device) -> DrawerSession | None:
    if not device.drawer_id:
        return None
    return DrawerSession.objects.filter(
        drawer_id=device.drawer_id, status=DrawerSession.Status.OPEN
    ).first()


@staff_required
def drawer_screen(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    session = _session(request.device)
    context = screen_context(
        request, "drawer", drawer=request.device.drawer, session=session, error=error,
        denominations=_denominations(request), client_id=uuid.uuid4(), managers=managers(),
        kinds=[k for k in CashMovement.Kind.choices if k[0] != CashMovement.Kind.NO_SALE],
        report=drawer_report(session_id=session.id, blind=not request.staff.is_manager)
        if session else None,
    )  # fmt: skip
    return render(request, "pos/ui/drawer.html", context, status=status)


@require_POST
@staff_required
def open_view(request: HttpRequest) -> HttpResponse:
    if not request.device.drawer_id:
        return drawer_screen.__wrapped__(request, error=NO_DRAWER, status=400)
    try:
        open_drawer(
            session_id=uuid.UUID(request.POST.get("client_id", "")),
            drawer_id=request.device.drawer_id,
            count=_count(request),
            staff=request.staff,
            device=request.device,
        )
    except (PosError, ValueError) as failure:
        return drawer_screen.__wrapped__(request, error=_message(failure), status=400)
    return redirect("ui:drawer")


class MovementForm(ApprovalForm):
    movement_id = forms.UUIDField()
    kind = forms.ChoiceField(choices=CashMovement.Kind.choices, label="Kind")
    amount = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), label="Amount"
    )
    reason = forms.CharField(max_length=120, label="Reason")
    account = forms.CharField(max_length=255, required=False, label="Ledger account")


@require_POST
@staff_required
def movement(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    form = MovementForm(request.POST)
    if not form.is_valid():
        return drawer_screen.__wrapped__(request, error=first_error(form), status=400)
    data = form.cleaned_data
    try:
        record_cash_movement(
            movement_id=data["movement_id"], session_id=session_id, kind=data["kind"],
            amount=Money(data["amount"], "USD"), reason=data["reason"], account=data["account"],
            staff=request.staff, device=request.device,
            approved_by=approver(data, device=request.device),
        )  # fmt: skip
    except PosError as failure:
        return drawer_screen.__wrapped__(request, error=failure.message, status=400)
    return redirect("ui:drawer")


@require_POST
@staff_required
def close_view(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        return drawer_screen.__wrapped__(request, error=first_error(form), status=400)
    try:
        close_drawer(
            session_id=session_id, count=_count(request), staff=request.staff,
            device=request.device, approved_by=approver(form.cleaned_data, device=request.device),
        )  # fmt: skip
    except PosError as failure:
        return drawer_screen.__wrapped__(request, error=failure.message, status=400)
    return redirect("ui:drawer-report", session_id=session_id)


@staff_required
def report(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """X report of an open session (blind for anyone but a manager), Z report of a closed one."""
    try:
        found = drawer_report(session_id=session_id, blind=not request.staff.is_manager)
    except NotFoundError as error:
        raise Http404(error.message) from error
    context = screen_context(request, "drawer", report=found, figures=found.as_json())
    return render(request, "pos/ui/drawer_report.html", context)


def _message(failure: Exception) -> str:
    return (
        failure.message if isinstance(failure, PosError) else "This page is out of date; reload it."
    )
