"""The treasurer's screens under /treasurer/ (server-rendered; thin: they call services).

Everyone who sees them is signed in (Django session) and in the treasurer or board group.
Every form that changes something carries a client UUID made when the page rendered, so a
resubmitted form never has a second effect. Errors are shown on the page, never a 500.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from djmoney.money import Money

from ledger.exceptions import LedgerError
from ledger.models import Program
from ledger.periods import quarter_named, quarter_of
from treasury.exceptions import TreasuryError
from treasury.models import Disbursement, TreasuryPolicy
from treasury.roles import BOARD, TREASURER, role_of
from treasury.selectors.bank import bank_lines
from treasury.selectors.closing import close_checklist
from treasury.selectors.dashboard import dashboard
from treasury.selectors.earmarks import plain_words, quarter_figures
from treasury.services import disbursements as flow
from treasury.services.close import run_close
from treasury.services.expenses import BANK_CSV_MAX_BYTES, import_bank_csv, match_bank_line

LOGIN = "/admin/login/"


def _role(request: HttpRequest) -> str:
    role = role_of(request.user)
    if role not in (TREASURER, BOARD):
        raise PermissionDenied("The treasury screens are for the treasurer and the board.")
    return role


def _context(request, nav: str, **values):
    return {"nav": nav, "role": role_of(request.user), "form_id": uuid.uuid4(), **values}


@login_required(login_url=LOGIN)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    _role(request)
    try:
        board = dashboard(period=request.GET.get("period") or None)
    except ValueError as error:
        messages.error(request, str(error))
        board = dashboard()
    words = plain_words(board.figures) if board.figures else ""
    return render(request, "treasury/dashboard.html",
                  _context(request, "dashboard", board=board, plain_words=words))  # fmt: skip


@login_required(login_url=LOGIN)
def close_view(request: HttpRequest, period: str) -> HttpResponse:
    role = _role(request)
    if request.method == "POST":
        if role != TREASURER:
            raise PermissionDenied("Only the treasurer closes a quarter.")
        try:
            run_close(period=period, user=request.user)
        except TreasuryError as error:
            messages.error(request, error.message)
        return redirect("treasury:close", period=period)
    try:
        quarter_named(period)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("treasury:dashboard")
    run, steps = close_checklist(period=period)
    try:
        figures = quarter_figures(period=period)
    except TreasuryError:
        figures = None  # no policy for the quarter: the page says so
    return render(request, "treasury/close.html",
                  _context(request, "close", run=run, steps=steps, period=period,
                           figures=figures))  # fmt: skip


@login_required(login_url=LOGIN)
def disbursements_view(request: HttpRequest) -> HttpResponse:
    _role(request)
    if request.method == "POST":
        try:
            cents = request.POST.get("amount", "")
            item = flow.request_disbursement(
                disbursement_id=uuid.UUID(request.POST["form_id"]), user=request.user,
                program=request.POST.get("program", ""),
                payee_type=request.POST.get("payee_type", ""),
                payee_name=request.POST.get("payee_name", ""),
                help_type=request.POST.get("help_type", ""),
                public_title=request.POST.get("public_title", ""),
                private_note=request.POST.get("private_note", ""),
                amount=Money(cents, "USD"),
            )  # fmt: skip
            flow.submit_disbursement(disbursement_id=item.id, user=request.user)
            messages.success(request, f"Requested: {item.public_title}")
        except (TreasuryError, LedgerError) as error:
            messages.error(request, error.message)
        except (ValueError, KeyError, ArithmeticError):
            messages.error(request, "Give an amount like 125.00 and fill in every field.")
        return redirect("treasury:disbursements")
    items = Disbursement.objects.select_related("program", "requested_by")[:100]
    return render(request, "treasury/disbursements.html",
                  _context(request, "disbursements", items=items,
                           programs=Program.objects.filter(is_active=True),
                           payee_types=Disbursement.PayeeType.choices))  # fmt: skip


ACTIONS = {
    "submit": lambda item, user, note: flow.submit_disbursement(disbursement_id=item, user=user),
    "approve": lambda item, user, note: flow.approve_disbursement(
        disbursement_id=item, user=user, note=note
    ),
    "reject": lambda item, user, note: flow.reject_disbursement(
        disbursement_id=item, user=user, reason=note or "Rejected"
    ),
    "cancel": lambda item, user, note: flow.cancel_disbursement(
        disbursement_id=item, user=user, reason=note
    ),
    "pay": lambda item, user, note: flow.pay_disbursement(
        disbursement_id=item, user=user, paid_on=timezone.localdate()
    ),
}


@require_POST
@login_required(login_url=LOGIN)
def disbursement_action_view(request: HttpRequest, pk: uuid.UUID, action: str) -> HttpResponse:
    _role(request)
    item = get_object_or_404(Disbursement, pk=pk)
    if action not in ACTIONS:
        raise PermissionDenied(f"{action} is not something to do to a disbursement")
    try:
        ACTIONS[action](item.id, request.user, request.POST.get("note", ""))
        messages.success(request, f"{action.title()}: {item.public_title}")
    except (TreasuryError, LedgerError) as error:
        messages.error(request, error.message)
    return redirect("treasury:disbursements")


@login_required(login_url=LOGIN)
def bank_view(request: HttpRequest) -> HttpResponse:
    _role(request)
    if request.method == "POST":
        try:
            if "statement" in request.FILES:
                upload = request.FILES["statement"]
                # One byte past the limit is enough for the service to refuse the size.
                limit = getattr(settings, "TREASURY_BANK_CSV_MAX_BYTES", BANK_CSV_MAX_BYTES)
                added = import_bank_csv(name=upload.name, user=request.user,
                                        content=upload.read(limit + 1))  # fmt: skip
                messages.success(request, f"Imported {len(added)} new lines from {upload.name}.")
            else:
                kind, key = request.POST.get("match", ":").split(":", 1)
                match_bank_line(
                    line_id=int(request.POST["line"]), user=request.user,
                    bill_id=key if kind == "bill" else None,
                    disbursement_id=key if kind == "disbursement" else None,
                    entry_id=key if kind == "entry" else None,
                )  # fmt: skip
                messages.success(request, "Matched.")
        except (TreasuryError, LedgerError) as error:
            messages.error(request, error.message)
        except (ValueError, KeyError):
            messages.error(request, "That choice could not be read.")
        return redirect("treasury:bank")
    return render(request, "treasury/bank.html", _context(request, "bank", lines=bank_lines()))


@login_required(login_url=LOGIN)
def policy_view(request: HttpRequest) -> HttpResponse:
    _role(request)
    versions = TreasuryPolicy.objects.prefetch_related("weights__program").order_by("-version")
    current = quarter_of(timezone.localdate()).name
    return render(request, "treasury/policy.html",
                  _context(request, "policy", versions=versions, current=current))  # fmt: skip
