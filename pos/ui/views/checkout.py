"""Paying a check (cash with quick amounts and change, card, split tender, tip), the receipt,
closed checks and refunds with a manager's PIN.

Every payment form carries the payment's UUID, made when the screen renders: a retried
submission (a lost answer, a double tap) finds the payment already taken and takes nothing
more (`pay_cash` / `pay_card` are idempotent by it). Cards are online only; the gateway is
called by `pay_card` without a database lock held.
"""

import uuid
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from djmoney.money import Money

from ledger.models import Program
from pos.cards.models import CardAttempt
from pos.cards.terminal import cancel_attempt
from pos.clock import business_date
from pos.exceptions import NotFoundError, PaymentDeclinedError, PosError
from pos.models import Payment, RefundLine, Tab
from pos.models.payments import Tender
from pos.pricing import split_evenly
from pos.services.checkout import pay_card, pay_cash
from pos.services.giving import pay_community_credit, round_up
from pos.services.refunds import refund_lines
from pos.ui import selectors
from pos.ui.approval import ApprovalForm, approver, managers
from pos.ui.receipts import receipt_context
from pos.ui.session import staff_required
from pos.ui.views.common import first_error, screen_context
from treasury.exceptions import TreasuryError

CURRENCY = "USD"
MAX_PARTS = 12
REFUND_REASONS = ["Wrong order", "Quality", "Long wait", "Charged twice", "Guest unhappy"]


class PayForm(forms.Form):
    payment_id = forms.UUIDField()
    amount = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), label="Amount"
    )
    tip = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, label="Tip"
    )
    tendered = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, label="Cash handed over"
    )


def quick_cash(cents: int) -> list[int]:
    """Cash a guest is likely to hand over for `cents`: exact, the next dollar, $5, $10, notes."""
    options = [cents]
    for step in (100, 500, 1000, 2000):
        options.append(-(-cents // step) * step)
    options += [5000, 10000]
    return sorted({c for c in options if c >= cents})[:6]


def even_parts(figures: dict, parts: int) -> list[dict]:
    """The check's total split evenly; the first parts that payments cover show as paid."""
    if not parts or figures["total"] <= 0:
        return []
    rows, running = [], 0
    for cents in split_evenly(figures["total"], parts):
        running += cents
        rows.append({"cents": cents, "paid": running <= figures["paid"]})
    return rows


def _pay_context(request: HttpRequest, tab_id: int, **extra) -> dict:
    try:
        tab = selectors.tab_screen(tab_id)
    except NotFoundError as error:
        raise Http404(error.message) from error
    due = max(tab["figures"]["due"], 0)
    raw = request.GET.get("parts", "")
    parts = int(raw) if raw.isdigit() and 1 < int(raw) <= MAX_PARTS else 0
    paid = _payment(tab_id, request.GET.get("paid", ""))
    amount = extra.pop("amount", None) or due
    return screen_context(
        request, "tabs", tab=tab, due=due, amount=amount,
        parts=even_parts(tab["figures"], parts), part_count=parts,
        part_choices=range(2, 7), quick=quick_cash(amount), paid=paid,
        payment_id=uuid.uuid4(), round_up_id=uuid.uuid4(), credit_payment_id=uuid.uuid4(),
        can_round_up=due % 100 != 0, programs=Program.objects.order_by("allocation_order"),
        **extra,
    )  # fmt: skip


@staff_required
def pay(request: HttpRequest, tab_id: int) -> HttpResponse:
    """The pay screen; with ?waiting=<payment> it follows a card payment on the reader (the
    screen polls it every 2 s until the card processor's webhook settles it)."""
    waiting = _payment(tab_id, request.GET.get("waiting", ""))
    if waiting is not None and waiting.status == Payment.Status.CAPTURED:
        return _go(request, _after_payment(request, tab_id, waiting))
    extra = {}
    if waiting is not None and waiting.status == Payment.Status.PENDING:
        extra["waiting"] = waiting
        extra["attempt"] = CardAttempt.objects.filter(id=waiting.id).first()
    elif waiting is not None:
        extra["declined"] = f"The card payment was {waiting.get_status_display().lower()}"
    context = _pay_context(request, tab_id, **extra)
    if context["tab"]["status"] != Tab.Status.OPEN:
        return redirect("ui:receipt", tab_id=tab_id)
    return render(request, "pos/ui/pay.html", context)


@require_POST
@staff_required
def cancel_card(request: HttpRequest, tab_id: int, payment_id: uuid.UUID) -> HttpResponse:
    """Stop a card payment waiting on the reader (the guest changed their mind)."""
    error = ""
    try:
        cancel_attempt(attempt_id=payment_id, staff=request.staff, device=request.device)
    except PosError as failure:
        error = failure.message
    url = reverse("ui:pay", kwargs={"tab_id": tab_id})
    if error:
        return render(request, "pos/ui/pay.html", _pay_context(request, tab_id, error=error))
    return _go(request, f"{url}?waiting={payment_id}")


def _payment(tab_id: int, raw: str) -> Payment | None:
    try:
        return Payment.objects.filter(id=uuid.UUID(raw), tab_id=tab_id).first() if raw else None
    except ValueError:
        return None


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _after_payment(request: HttpRequest, tab_id: int, payment: Payment) -> str:
    """The receipt once the check is closed; else the pay screen, still split as it was."""
    status = Tab.objects.values_list("status", flat=True).get(id=tab_id)
    if status == Tab.Status.CLOSED:
        return f"{reverse('ui:receipt', kwargs={'tab_id': tab_id})}?paid={payment.id}"
    parts = request.POST.get("parts", "")
    split = f"&parts={parts}" if parts.isdigit() and len(parts) < 3 else ""
    return f"{reverse('ui:pay', kwargs={'tab_id': tab_id})}?paid={payment.id}{split}"


def _money(value: Decimal | None) -> Money | None:
    return None if value is None else Money(value, CURRENCY)


@require_POST
@staff_required
def pay_cash_view(request: HttpRequest, tab_id: int) -> HttpResponse:
    posted = request.POST.copy()
    if posted.get("tendered_from_other"):  # "Take cash (other amount)" rather than a quick one
        posted["tendered"] = posted.get("tendered_other", "")
    form = PayForm(posted)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        tip = data["tip"] or Decimal(0)
        tendered = data["tendered"] if data["tendered"] is not None else data["amount"] + tip
        try:
            payment = pay_cash(
                tab_id=tab_id, payment_id=data["payment_id"], amount=_money(data["amount"]),
                tendered=_money(tendered), tip=_money(tip), staff=request.staff,
                device=request.device,
            )  # fmt: skip
        except PosError as failure:
            error = failure.message
        else:
            return redirect(_after_payment(request, tab_id, payment))
    else:
        error = first_error(form)
    return _refused(request, tab_id, error)


def _refused(request: HttpRequest, tab_id: int, error: str) -> HttpResponse:
    """The pay screen again, saying why (400)."""
    context = _pay_context(request, tab_id, error=error)
    return render(request, "pos/ui/pay.html", context, status=400)


@require_POST
@staff_required
def pay_card_view(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Charge a card (online only: the page disables the button while offline)."""
    form = PayForm(request.POST)
    error = declined = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = pay_card(
                tab_id=tab_id, payment_id=data["payment_id"], amount=_money(data["amount"]),
                tip=_money(data["tip"] or Decimal(0)), staff=request.staff, device=request.device,
            )  # fmt: skip
        except PaymentDeclinedError as failure:
            declined = failure.message
        except PosError as failure:
            error = failure.message
        else:
            if payment.status == Payment.Status.PENDING:  # on the reader: follow it
                url = reverse("ui:pay", kwargs={"tab_id": tab_id})
                return _go(request, f"{url}?waiting={payment.id}")
            return _go(request, _after_payment(request, tab_id, payment))
    else:
        error = first_error(form)
    context = _pay_context(request, tab_id, error=error, declined=declined)
    return render(request, "pos/ui/pay.html", context, status=200 if request.htmx else 400)


class RoundUpForm(forms.Form):
    line_id = forms.UUIDField()
    program = forms.SlugField(required=False)


class CommunityCreditForm(forms.Form):
    payment_id = forms.UUIDField()
    units = forms.IntegerField(min_value=1, max_value=20)


@require_POST
@staff_required
def round_up_view(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Round the check up to the next dollar with a donation for the program the guest chose."""
    form = RoundUpForm(request.POST)
    if not form.is_valid():
        error = first_error(form)
    else:
        data = form.cleaned_data
        try:
            round_up(tab_id=tab_id, line_id=data["line_id"], program=data["program"] or None,
                     staff=request.staff, device=request.device)  # fmt: skip
        except (PosError, TreasuryError) as failure:
            error = failure.message if isinstance(failure, PosError) else str(failure)
        else:
            return redirect("ui:pay", tab_id=tab_id)
    return _refused(request, tab_id, error)


@require_POST
@staff_required
def pay_community_credit_view(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Pay with community credits: a tender like cash or card; nothing records who ate."""
    form = CommunityCreditForm(request.POST)
    if not form.is_valid():
        error = first_error(form)
    else:
        data = form.cleaned_data
        try:
            payment = pay_community_credit(tab_id=tab_id, payment_id=data["payment_id"],
                                           units=data["units"], staff=request.staff,
                                           device=request.device)  # fmt: skip
        except PosError as failure:
            error = failure.message
        else:
            return redirect(_after_payment(request, tab_id, payment))
    return _refused(request, tab_id, error)


@staff_required
def receipt(request: HttpRequest, tab_id: int) -> HttpResponse:
    """The receipt, printable on an 80 mm printer; the PDF is linked from it."""
    context = receipt_context(request, tab_id)
    context["paid"] = _payment(tab_id, request.GET.get("paid", ""))
    context.update(screen_context(request, "closed"))
    return render(request, "pos/ui/receipt.html", context)


NO_CLOSED_CHECK = "No closed check has the number {number}"


@staff_required
def closed_checks(request: HttpRequest) -> HttpResponse:
    """The latest closed checks; ?check=N opens check N's receipt (a guest back days later)."""
    error = ""
    if number := request.GET.get("check", "").strip().lstrip("#"):
        if (tab_id := selectors.closed_check_id(number)) is not None:
            return redirect("ui:receipt", tab_id)
        error = NO_CLOSED_CHECK.format(number=number[:12])
    context = screen_context(
        request, "closed", tabs=selectors.latest_closed(), today=business_date(), error=error,
        number=number[:12],
    )  # fmt: skip
    return render(request, "pos/ui/closed.html", context, status=404 if error else 200)


class RefundForm(ApprovalForm):
    refund_id = forms.UUIDField()
    reason = forms.CharField(max_length=60, label="Reason")
    tender = forms.ChoiceField(choices=[("", ""), *Tender.choices], required=False)


@staff_required
def refund(request: HttpRequest, tab_id: int) -> HttpResponse:
    """Refund chosen quantities of a closed check's lines; every refund needs a manager."""
    tab = Tab.objects.filter(id=tab_id).first()
    if tab is None:
        raise Http404("No such check")
    lines = list(tab.lines.filter(voided_at__isnull=True))
    done = defaultdict(int)
    for row in (
        RefundLine.objects.filter(line__tab=tab)
        .exclude(refund__status="failed")
        .values("line_id")
        .annotate(quantity=Sum("quantity"))
    ):
        done[row["line_id"]] = row["quantity"]
    for line in lines:
        line.left = line.quantity - done[line.id]
    error = notice = ""
    form = RefundForm(request.POST or None)
    if request.method == "POST":
        asked = []
        for line in lines:
            raw = request.POST.get(f"qty-{line.id}", "0") or "0"
            if not raw.isdigit():
                error = f"{line.name}: the quantity is a whole number"
            elif int(raw):
                asked.append((line.id, int(raw)))
        if form.is_valid() and not error:
            data = form.cleaned_data
            try:
                done_refund = refund_lines(
                    refund_id=data["refund_id"], tab_id=tab_id, lines=asked,
                    reason=data["reason"], tender=data["tender"] or None, staff=request.staff,
                    device=request.device, approved_by=approver(data, device=request.device),
                )  # fmt: skip
            except PosError as failure:
                error = failure.message
            else:
                url = reverse("ui:refund", kwargs={"tab_id": tab_id})
                return redirect(f"{url}?refunded={done_refund.total}")
        elif not error:
            error = first_error(form)
    raw = request.GET.get("refunded", "")
    if raw.isdigit():
        notice = int(raw)
    tenders = sorted(set(tab.payments.filter(status="captured").values_list("tender", flat=True)))
    context = screen_context(
        request, "closed", tab=tab, lines=lines, error=error, refunded=notice,
        refund_id=uuid.uuid4(), reasons=REFUND_REASONS, tenders=tenders, managers=managers(),
    )  # fmt: skip
    return render(request, "pos/ui/refund.html", context, status=400 if error else 200)
