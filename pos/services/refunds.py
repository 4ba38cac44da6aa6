"""Refunds against a closed check: chosen lines and quantities, to the original tender.

Amounts come from what the guest actually paid for each line (its net after discounts and
comps), so a refund can never give back more than was charged. Part of a line refunds its share
rounded half-up; the last units of a line take whatever remains of its net, and the last refund
in a category takes whatever remains of its tax, so refunding a whole check returns exactly its
net and tax to the cent.

The ledger entry mirrors the sale's categories and tax: debit income per category and sales tax
payable, credit the tender (the drawer for cash, Stripe clearing for cards). A card refund
never holds a database lock while the gateway works: it is recorded as pending, refunded with a
key derived from its UUID, then completed (and posted) in a second transaction.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from ledger.models import EntryKind
from ledger.money import from_cents
from ledger.services import credit, debit, post_entry
from pos import clock
from pos.cards.terminal import sync_refund_transaction
from pos.clock import business_date
from pos.exceptions import IdempotencyConflictError, InvalidInputError, RefundError
from pos.gateway import get_gateway
from pos.models import Category, Device, Payment, Refund, RefundLine, StaffMember, Tab
from pos.models.payments import Tender
from pos.pricing import allocate, round_half_up
from pos.selectors import tab_figures, tender_account
from pos.services.activity import record
from pos.services.checkout import SALES_TAX, ledger_entry_id, open_drawer_session, usd
from pos.services.staff import require_manager

NOT_CLOSED = "Check {tab} is not closed; void or change its lines instead"
NOT_ON_CHECK = "Line {line} is not on check {tab}"
TOO_MANY = "{name}: {asked} asked, only {left} left to refund"
NOTHING_PAID = "{name} was not paid for (comped or free); there is nothing to refund"
CHOOSE_TENDER = "Check {tab} was paid by {tenders}: say which tender to refund"
WRONG_TENDER = "Check {tab} was not paid by {tender}"
OVER_TENDER = "Only {left} paid by {tender} is left to refund on check {tab}"
GATEWAY_REFUSED = "The card refund was refused: {message}"


def refund_lines(
    *,
    refund_id: uuid.UUID,
    tab_id: int,
    lines: Sequence[tuple[uuid.UUID, int]],
    reason: str,
    tender: str | None = None,
    staff: StaffMember,
    device: Device,
    approved_by: StaffMember | None,
) -> Refund:
    """Refund lines of a closed check (a manager approves). Raise RefundError and kin."""
    refund = _record_refund(refund_id, tab_id, lines, reason, tender, staff, device, approved_by)
    if refund.status == Refund.Status.PENDING:
        payment = _card_payment_for(refund)
        result = get_gateway().refund(
            refund_id=refund.id, reference=payment.gateway_reference, amount=refund.total
        )
        # A refund Stripe reports pending completes on its refund.updated webhook.
        if result.status != "pending":
            refund = complete_card_refund(
                refund_id=refund.id, succeeded=result.status == "refunded",
                reference=result.reference,
            )  # fmt: skip
            if refund.status == Refund.Status.COMPLETED:
                sync_refund_transaction(result.reference)
    if refund.status == Refund.Status.FAILED:
        raise RefundError(GATEWAY_REFUSED.format(message="declined by the gateway"))
    return refund


@transaction.atomic(durable=True)
def _record_refund(refund_id, tab_id, lines, reason, tender, staff, device, approved_by) -> Refund:
    existing = Refund.objects.filter(id=refund_id).first()
    if existing is not None:
        asked = sorted((str(line_id), quantity) for line_id, quantity in lines)
        stored = sorted((str(rl.line_id), rl.quantity) for rl in existing.lines.all())
        if (existing.tab_id, stored) != (tab_id, asked):
            raise IdempotencyConflictError(f"Refund {refund_id} already exists with other lines")
        return existing
    approved_by = require_manager(approved_by, action=f"refund on check {tab_id}")
    if not reason.strip():
        raise InvalidInputError("Give a reason for the refund")
    if not lines:
        raise InvalidInputError("Choose at least one line to refund")
    if len({str(line_id) for line_id, _ in lines}) != len(lines):
        raise InvalidInputError("Name each line once, with the quantity to refund")
    tab = Tab.objects.select_for_update().filter(id=tab_id).first()
    if tab is None or tab.status != Tab.Status.CLOSED:
        raise RefundError(NOT_CLOSED.format(tab=tab_id))
    amounts = _line_amounts(tab, lines)
    tender = _tender(tab, tender, sum(a + t for _, _, a, t in amounts))
    now = clock.now()
    refund = Refund.objects.create(
        id=refund_id,
        tab=tab,
        tender=tender,
        subtotal=sum(a for _, _, a, _ in amounts),
        tax=sum(t for _, _, _, t in amounts),
        reason=reason.strip(),
        drawer_session=open_drawer_session(device) if tender == Tender.CASH else None,
        created_by=staff,
        approved_by=approved_by,
        device=device,
        created_at=now,
        business_date=business_date(now),
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, line=line, quantity=quantity, amount=amount, tax=tax)
        for line, quantity, amount, tax in amounts
    )
    record(
        action="refund", staff=staff, device=device, tab=tab, approved_by=approved_by,
        refund=refund.id, total=refund.total, tender=tender, reason=refund.reason,
    )  # fmt: skip
    if tender == Tender.CASH:
        _post(refund)
    return refund


@transaction.atomic(durable=True)
def complete_card_refund(*, refund_id: uuid.UUID, succeeded: bool, reference: str) -> Refund:
    """Record the gateway's answer to a pending card refund: post it, or mark it failed."""
    refund = Refund.objects.select_for_update().get(id=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    if succeeded:
        refund.gateway_reference = reference
        _post(refund)
    else:
        refund.status = Refund.Status.FAILED
        refund.save(update_fields=["status"])
    return refund


def _post(refund: Refund) -> None:
    """Post the refund's entry and mark it completed (inside the caller's transaction)."""
    income: dict[str, int] = defaultdict(int)
    for refund_line in refund.lines.select_related("line__category"):
        income[refund_line.line.category.income_account] += refund_line.amount
    lines = [debit(account, usd(cents)) for account, cents in sorted(income.items()) if cents]
    if refund.tax:
        lines.append(debit(SALES_TAX, usd(refund.tax)))
    drawer = refund.drawer_session.drawer.account if refund.drawer_session else None
    lines.append(credit(tender_account(refund.tender, drawer), usd(refund.total)))
    entry = post_entry(
        entry_id=ledger_entry_id("refund", refund.id),
        kind=EntryKind.REFUND,
        effective_date=refund.business_date,
        memo=f"Refund on check {refund.tab_id}: {refund.reason}",
        source_ref=f"refund:{refund.id}",
        lines=lines,
        created_by=refund.created_by.user,
    )
    refund.status = Refund.Status.COMPLETED
    refund.ledger_entry_id = entry.id
    refund.save(update_fields=["status", "ledger_entry_id", "gateway_reference"])


def _line_amounts(tab: Tab, asked: Sequence[tuple[uuid.UUID, int]]):
    """Return [(line, quantity, net cents, tax cents)] for the refund, checked against history."""
    figures = tab_figures(tab)
    net_of = {f.line_id: f.net for f in figures.lines}
    lines = {line.id: line for line in tab.lines.filter(voided_at__isnull=True)}
    done = defaultdict(lambda: [0, 0, 0])  # line id -> [quantity, net, tax] already refunded
    for previous in RefundLine.objects.filter(line__tab=tab).exclude(
        refund__status=Refund.Status.FAILED
    ):
        done[previous.line_id][0] += previous.quantity
        done[previous.line_id][1] += previous.amount
        done[previous.line_id][2] += previous.tax
    rows = []
    for line_id, quantity in asked:
        line = lines.get(uuid.UUID(str(line_id)))
        if line is None:
            raise RefundError(NOT_ON_CHECK.format(line=line_id, tab=tab.id))
        left = line.quantity - done[line.id][0]
        if not (isinstance(quantity, int) and 0 < quantity <= left):
            raise RefundError(TOO_MANY.format(name=line.name, asked=quantity, left=left))
        net = net_of[line.id]
        if quantity == left:
            amount = net - done[line.id][1]
        else:
            amount = round_half_up(Decimal(net) * quantity / line.quantity)
        if amount <= 0:
            raise RefundError(NOTHING_PAID.format(name=line.name))
        rows.append([line, quantity, amount, 0])
    _spread_tax(
        rows, figures, done, Category.objects.in_bulk({f.category_id for f in figures.lines})
    )
    return [tuple(row) for row in rows]


def _spread_tax(rows, figures, done, categories) -> None:
    """Give each refunded line its share of its category's tax; the last refund takes the rest."""
    net_by_category: dict[int, int] = defaultdict(int)
    for line in figures.lines:
        net_by_category[line.category_id] += line.net
    refunded_before: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for line in figures.lines:
        refunded_before[line.category_id][0] += done[line.line_id][1]
        refunded_before[line.category_id][1] += done[line.line_id][2]
    for category_id in {row[0].category_id for row in rows}:
        mine = [row for row in rows if row[0].category_id == category_id]
        now_net = sum(row[2] for row in mine)
        tax_total = figures.tax_by_category.get(category_id, 0)
        net_before, tax_before = refunded_before[category_id]
        if net_before + now_net >= net_by_category[category_id]:
            tax = tax_total - tax_before
        else:
            share = round_half_up(Decimal(tax_total) * now_net / net_by_category[category_id])
            tax = min(share, tax_total - tax_before)
        # Within the category, the tax follows each line's amount (largest remainder).
        for row, part in zip(mine, allocate(tax, [row[2] for row in mine]), strict=True):
            row[3] = part


def _tender(tab: Tab, tender: str | None, total: int) -> str:
    paid: dict[str, int] = defaultdict(int)
    for payment in tab.payments.filter(status=Payment.Status.CAPTURED):
        paid[payment.tender] += payment.amount
    if tender is None:
        if len(paid) != 1:
            raise RefundError(CHOOSE_TENDER.format(tab=tab.id, tenders=", ".join(sorted(paid))))
        tender = next(iter(paid))
    if tender not in paid:
        raise RefundError(WRONG_TENDER.format(tab=tab.id, tender=tender))
    refunded = sum(
        r.total for r in tab.refunds.filter(tender=tender).exclude(status=Refund.Status.FAILED)
    )
    if total > paid[tender] - refunded:
        left = from_cents(paid[tender] - refunded, "USD")
        raise RefundError(OVER_TENDER.format(left=left, tender=tender, tab=tab.id))
    return tender


def _card_payment_for(refund: Refund) -> Payment:
    """The card payment to refund against: the largest one on the check."""
    return (
        refund.tab.payments.filter(tender=Tender.CARD, status=Payment.Status.CAPTURED)
        .order_by("-amount", "created_at")
        .first()
    )
