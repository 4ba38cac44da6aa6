"""Paying and closing a check, discounts and comps, and the ledger entry of a closed check.

A check closes when its payments cover its total: the last payment and the close, with its ONE
balanced ledger entry, commit together or not at all. The entry (idempotent by an id derived
from the tab's UUID) debits each tender account (the drawer for cash, Stripe clearing for
cards), credits income per category net of discounts, sales tax payable and tips payable;
comps are income given away at menu price, debited to Expenses:Comps with their reasons; cost
of goods sold is debited at standard cost against inventory.

Card payments never hold a database lock while the gateway works: the attempt is recorded as
pending (reserving its amount), the gateway is called with a key derived from the attempt's
UUID, and the result is recorded in a second transaction. A retry with the same UUID finds the
attempt and never charges twice.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from djmoney.money import Money

from ledger.models import EntryKind
from ledger.money import from_cents, to_cents
from ledger.services import Line, credit, debit, post_entry, reverse_entry
from pos import clock, sql
from pos.cards.terminal import Charge, charge_card, record_charge, sync_fee
from pos.clock import business_date
from pos.exceptions import (
    DrawerError,
    GamesRunningError,
    IdempotencyConflictError,
    InvalidInputError,
    PaymentDeclinedError,
    PaymentError,
    TabNotOpenError,
)
from pos.models import (
    Activity,
    Adjustment,
    Category,
    Device,
    Drawer,
    DrawerSession,
    Payment,
    StaffMember,
    Tab,
)
from pos.models.payments import Tender
from pos.pricing import CheckFigures
from pos.rentals.selectors import games_running_on
from pos.selectors import balance_due, tab_figures, tender_account
from pos.services import activity
from pos.services.activity import record
from pos.services.meal_lines import giving_lines
from pos.services.staff import require_manager
from pos.services.tabs import lock_open_tab
from pos.sql import M

LEDGER_NAMESPACE = uuid.UUID("0b6f3c9e-55d1-4c47-9a3f-7d1c2e8a4b60")
SALES_TAX = "Liabilities:SalesTax:Payable"
TIPS = "Liabilities:Tips:Payable"
COMPS = "Expenses:Comps"

# What closing a check writes on its row.
CLOSE_FIELDS = ("status", "closed_by", "closed_at", "business_date", "ledger_entry_id",
                "subtotal", "discounts", "tax", "tips", "total", "closings", "version")  # fmt: skip
MORE_THAN_DUE = "Check {tab}: {amount} is more than the {due} still due"
NOT_ENOUGH_CASH = "{tendered} tendered does not cover {amount} plus a {tip} tip"
NO_OPEN_DRAWER = "{device} has no open cash drawer; open one before taking cash"
BALANCE_DUE = "Check {tab} still has {due} due"
NOTHING_TO_CLOSE = "Check {tab} has no lines; void it instead"
GAMES_RUNNING = "Check {tab} still has a game running ({games}); stop it before the last payment"
DISCOUNT_SHAPE = "Give a percent (0-100] or an amount, not both"
# A card attempt's outcome as the gateway reports it -> the payment's status.
CARD_OUTCOMES = {"captured": Payment.Status.CAPTURED, "cancelled": Payment.Status.CANCELLED}


@dataclass(frozen=True)
class Standing:
    """How a check stands after a payment, as the service read it under the tab's lock.

    `figures` and `paid` (cents its captured payments cover, tips excluded). A service that
    read them sets them on the Payment it returns as `payment.standing`, and the payment's
    `tab` is then the row as the payment left it, so the answer need not read either again.
    """

    figures: CheckFigures
    paid: int


def usd(cents: int) -> Money:
    """Cents as Money, for the ledger lines the point of sale posts."""
    return from_cents(cents, "USD")


def ledger_entry_id(kind: str, client_id: uuid.UUID) -> uuid.UUID:
    """The ledger entry id of a POS event: the same event always gives the same id."""
    return uuid.uuid5(LEDGER_NAMESPACE, f"{kind}:{client_id}")


def open_drawer_session(device: Device, *, required: bool = True) -> DrawerSession | None:
    """Return the device's open drawer session, locked so that it cannot close meanwhile.

    Raise DrawerError when there is none and one is required (cash: then its drawer is loaded
    too). Fixed SQL (pos.sql): every payment asks.
    """
    sessions = []
    if device.drawer_id:
        sessions = sql.select(
            DrawerSession, "drawer_id = %s AND status = %s",
            [device.drawer_id, DrawerSession.Status.OPEN], lock="FOR NO KEY UPDATE",
        )  # fmt: skip
    if not sessions:
        if required:
            raise DrawerError(NO_OPEN_DRAWER.format(device=device.name))
        return None
    if required:  # cash, which lands in the drawer's account: load the drawer with it
        _with_drawers(sessions)
    return sessions[0]


@transaction.atomic
def pay_cash(
    *,
    tab_id: int,
    payment_id: uuid.UUID,
    amount: Money,
    tendered: Money,
    tip: Money | None = None,
    staff: StaffMember,
    device: Device,
) -> Payment:
    """Take cash for amount (plus a cash tip) and give change; close the check once paid."""
    amount_c, tendered_c, tip_c = (
        to_cents(amount),
        to_cents(tendered),
        to_cents(tip or Money(0, amount.currency)),
    )
    existing = _payment_if_any(payment_id)
    if existing is not None:
        return _same_payment(existing, tab_id, Tender.CASH, amount_c, tip_c)
    _check_amounts(amount_c, tip_c)
    if tendered_c < amount_c + tip_c:
        raise PaymentError(NOT_ENOUGH_CASH.format(tendered=tendered, amount=amount, tip=tip))
    tab = lock_open_tab(tab_id, key_update=True)
    # Again under the lock: a twin request may have taken this payment while we waited.
    existing = _payment_if_any(payment_id)
    if existing is not None:
        return _same_payment(existing, tab_id, Tender.CASH, amount_c, tip_c)
    # One read of the check under the lock: what is due now, and then whether this closes it.
    figures, payments = _figures_and_payments(tab, include_pending=True)
    _check_may_pay(tab, amount_c, due=figures.total - sum(p.amount for p in payments))
    payment = Payment(
        id=payment_id,
        tab=tab,
        tender=Tender.CASH,
        amount=amount_c,
        tip=tip_c,
        tendered=tendered_c,
        change=tendered_c - amount_c - tip_c,
        status=Payment.Status.CAPTURED,
        drawer_session=open_drawer_session(device),
        created_by=staff,
        device=device,
        created_at=clock.now(),
    )
    sql.insert([payment])
    captured = [p for p in payments if p.status == Payment.Status.CAPTURED] + [payment]
    payment.standing = _settle(
        tab, staff, device, figures, captured, trail=[_payment_entry(payment)]
    )
    return payment


def pay_card(
    *,
    tab_id: int,
    payment_id: uuid.UUID,
    amount: Money,
    tip: Money | None = None,
    staff: StaffMember,
    device: Device,
    hold_id: uuid.UUID | None = None,
) -> Payment:
    """Charge a card (or capture the hold hold_id); close the check once paid.

    On a Terminal reader the payment stays pending until the webhook reports the outcome
    (pos.cards.webhooks). Raise PaymentDeclinedError.
    """
    payment = _start_card_payment(tab_id, payment_id, amount, tip, staff, device)
    result = None
    if payment.status == Payment.Status.PENDING and not payment.gateway_reference:
        charge = charge_card(payment=payment, device=device, hold_id=hold_id)
        result = charge.result
        payment = finish_card_payment(
            payment.id, result.status, result.reference, staff, charge=charge
        )
        if result.status == "captured":
            # After the payment is finished: a fee that cannot be fetched or posted now never
            # leaves a charged payment pending (the webhook or reconcile_stripe brings it).
            sync_fee(result.reference, result.balance_transaction)
    if payment.status in (Payment.Status.DECLINED, Payment.Status.CANCELLED):
        raise PaymentDeclinedError(
            f"The card was declined for check {payment.tab_id}", payment=payment.id,
            reason=result.message if result else "",
        )  # fmt: skip
    return payment


@transaction.atomic(durable=True)
def _start_card_payment(tab_id, payment_id, amount, tip, staff, device) -> Payment:
    amount_c, tip_c = to_cents(amount), to_cents(tip or Money(0, amount.currency))
    existing = _payment_if_any(payment_id)
    if existing is not None:
        return _same_payment(existing, tab_id, Tender.CARD, amount_c, tip_c)
    _check_amounts(amount_c, tip_c)
    tab = lock_open_tab(tab_id, key_update=True)
    existing = _payment_if_any(payment_id)  # a twin that won the lock
    if existing is not None:
        return _same_payment(existing, tab_id, Tender.CARD, amount_c, tip_c)
    _check_may_pay(tab, amount_c)  # before the card is charged
    payment = Payment(
        id=payment_id,
        tab=tab,
        tender=Tender.CARD,
        amount=amount_c,
        tip=tip_c,
        status=Payment.Status.PENDING,
        # Card payments count in the X/Z report of the drawer the tablet was working.
        drawer_session=open_drawer_session(device, required=False),
        created_by=staff,
        device=device,
        created_at=clock.now(),
    )
    sql.insert([payment])
    return payment


@transaction.atomic(durable=True)
def finish_card_payment(
    payment_id,
    status: str,
    reference: str,
    staff,
    tip: int | None = None,
    charge: Charge | None = None,
) -> Payment:
    """Record a card payment's outcome (a gateway status); a tip chosen on the reader, if any.

    charge: the gateway's answer to this request's charge, written in this same transaction.
    """
    payment = _locked(Payment, payment_id)
    if charge is not None:
        record_charge(charge, payment)
    if payment.status != Payment.Status.PENDING:
        return payment  # another request finished it first
    if status == "processing":  # on the reader: the webhook finishes it
        payment.gateway_reference = reference
        sql.update(payment, ["gateway_reference"])
        return payment
    tab = _locked(Tab, payment.tab_id)
    payment.status = CARD_OUTCOMES.get(status, Payment.Status.DECLINED)
    payment.gateway_reference = reference or payment.gateway_reference
    if tip is not None and payment.status == Payment.Status.CAPTURED:
        payment.tip = tip
    sql.update(payment, ["status", "gateway_reference", "tip"])
    payment.tab = tab
    trail = [_payment_entry(payment)]
    if payment.status == Payment.Status.CAPTURED and tab.status == Tab.Status.OPEN:
        payment.standing = _close_if_paid(tab, staff, payment.device_id, trail=trail)
    else:
        activity.record_all(trail)
    return payment


@transaction.atomic
def close_tab(*, tab_id: int, staff: StaffMember, device: Device | None = None) -> Tab:
    """Close a check whose payments cover it (a fully comped one needs none). Raise PaymentError."""
    tab = Tab.objects.select_for_update().filter(id=tab_id).first()
    if tab is not None and tab.status == Tab.Status.CLOSED:
        return tab
    tab = lock_open_tab(tab_id, key_update=True)
    figures, payments = _figures_and_payments(tab)
    due = figures.total - sum(payment.amount for payment in payments)
    if due:
        raise PaymentError(BALANCE_DUE.format(tab=tab.id, due=from_cents(due, "USD")), due=due)
    _check_no_games_running(tab)
    return _close(tab, staff, device, figures, payments)


@transaction.atomic
def reopen_tab(
    *,
    tab_id: int,
    reason: str,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> Tab:
    """Reopen a closed check (a manager approves): its sale entry is reversed, its payments stay.

    When it closes again its sale posts anew. Raise TabNotOpenError if it was refunded.
    """
    tab = Tab.objects.select_for_update().filter(id=tab_id).first()
    if tab is None:
        raise InvalidInputError(f"There is no check {tab_id}")
    if tab.status == Tab.Status.OPEN:
        return tab
    if tab.status != Tab.Status.CLOSED:
        raise TabNotOpenError(f"Check {tab.id} was voided; it cannot be reopened")
    if not reason.strip():
        raise InvalidInputError("Give a reason for reopening the check")
    approved_by = require_manager(approved_by, action=f"reopen check {tab.id}")
    if tab.refunds.exists():
        raise TabNotOpenError(f"Check {tab.id} has refunds; it cannot be reopened")
    reverse_entry(
        entry_id=ledger_entry_id(f"tab-reopen/{tab.closings}", tab.client_id),
        reverses=tab.ledger_entry_id,
        effective_date=business_date(),
        memo=f"Check {tab.id} reopened: {reason.strip()}",
        created_by=staff.user,
    )
    tab.status, tab.ledger_entry_id = Tab.Status.OPEN, None
    tab.closed_by = tab.closed_at = tab.business_date = None
    tab.subtotal = tab.discounts = tab.tax = tab.tips = tab.total = 0
    tab.version += 1
    tab.save()
    record(action="tab.reopen", staff=staff, device=device, tab=tab, approved_by=approved_by,
           reason=reason.strip())  # fmt: skip
    return tab


@transaction.atomic
def add_adjustment(
    *,
    tab_id: int,
    adjustment_id: uuid.UUID,
    kind: str,
    reason: str,
    line_id: uuid.UUID | None = None,
    percent: Decimal | None = None,
    amount: Money | None = None,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> Adjustment:
    """Discount or comp a line or the whole check, with a reason code.

    A comp, and a discount above POS_DISCOUNT_APPROVAL_PERCENT, need a manager.
    """
    existing = Adjustment.objects.filter(id=adjustment_id).first()
    if existing is not None:
        return existing
    if kind not in Adjustment.Kind.values:
        raise InvalidInputError(f"{kind!r} is not a discount or a comp")
    if not reason.strip():
        raise InvalidInputError("Give a reason code")
    if (percent is None) == (amount is None) or (percent is not None and not 0 < percent <= 100):
        raise InvalidInputError(DISCOUNT_SHAPE)
    amount_c = to_cents(amount) if amount is not None else None
    if amount_c is not None and amount_c <= 0:
        raise InvalidInputError("A discount amount must be positive")
    tab = lock_open_tab(tab_id)
    existing = Adjustment.objects.filter(id=adjustment_id).first()  # a twin that won the lock
    if existing is not None:
        return existing
    if line_id is not None and not tab.lines.filter(id=line_id, voided_at__isnull=True).exists():
        raise InvalidInputError(f"Line {line_id} is not on check {tab.id}")
    figures = tab_figures(tab)
    base = sum(f.net for f in figures.lines if line_id is None or f.line_id == line_id)
    share = percent if percent is not None else Decimal(100 * amount_c) / max(base, 1)
    if kind == Adjustment.Kind.COMP or share > settings.POS_DISCOUNT_APPROVAL_PERCENT:
        approved_by = require_manager(approved_by, action=f"{kind} ({reason})")
    adjustment = Adjustment.objects.create(
        id=adjustment_id,
        tab=tab,
        line_id=line_id,
        kind=kind,
        percent=percent,
        amount=amount_c,
        reason=reason.strip(),
        created_by=staff,
        approved_by=approved_by,
        created_at=clock.now(),
    )
    record(
        action=f"adjustment.{kind}", staff=staff, device=device, tab=tab, approved_by=approved_by,
        line=line_id or "", percent=percent or "", amount=amount_c or "", reason=reason,
    )  # fmt: skip
    return adjustment


def _same_payment(existing: Payment, tab_id, tender, amount_c, tip_c) -> Payment:
    if (existing.tab_id, existing.tender, existing.amount, existing.tip) != (
        tab_id, tender, amount_c, tip_c,
    ):  # fmt: skip
        raise IdempotencyConflictError(f"Payment {existing.id} already exists with other content")
    return existing


def _payment_if_any(payment_id: uuid.UUID) -> Payment | None:
    """The payment with this id, if a retry or a twin wrote it already (usually none)."""
    found = sql.select(Payment, "id = %s", [sql.param(Payment._meta.pk, payment_id)])
    return found[0] if found else None


def _locked(model: type[M], pk) -> M:
    """The row of this primary key, locked (select_for_update().get() by fixed SQL)."""
    found = sql.select(model, "id = %s", [sql.param(model._meta.pk, pk)], lock="FOR UPDATE")
    if not found:
        raise model.DoesNotExist(f"No {model.__name__} {pk}")
    return found[0]


def _in(column: str, values: list) -> str:
    """`column IN (%s, ...)` for these values (fixed SQL with one mark per value)."""
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _with_drawers(sessions: list[DrawerSession]) -> list[DrawerSession]:
    """Load each session's drawer (what select_related("drawer") did)."""
    ids = list({session.drawer_id for session in sessions})
    drawers = {drawer.id: drawer for drawer in sql.select(Drawer, _in("id", ids), ids)}
    for session in sessions:
        session.drawer = drawers[session.drawer_id]
    return sessions


def _check_amounts(amount_c: int, tip_c: int) -> None:
    if amount_c <= 0:
        raise InvalidInputError("A payment amount must be positive")
    if tip_c < 0:
        raise InvalidInputError("A tip cannot be negative")


def _check_may_pay(tab: Tab, amount_c: int, *, due: int | None = None) -> None:
    """Refuse amount_c beyond what is due (pending card payments reserve theirs), and the last
    payment while a game runs on the check."""
    due = balance_due(tab, include_pending=True) if due is None else due
    if amount_c > due:
        raise PaymentError(
            MORE_THAN_DUE.format(
                tab=tab.id, amount=from_cents(amount_c, "USD"), due=from_cents(due, "USD")
            ),
            due=due,
        )
    if amount_c == due:
        _check_no_games_running(tab)


def _check_no_games_running(tab: Tab) -> None:
    """A check closes only once its games have stopped: their time goes on it as lines."""
    running = ", ".join(games_running_on(tab.id))
    if running:
        raise GamesRunningError(GAMES_RUNNING.format(tab=tab.id, games=running), games=running)


def _payment_entry(payment: Payment) -> Activity:
    """The audit record of a payment (by ids: the rows need not be loaded)."""
    return activity.entry(
        action=f"payment.{payment.tender}.{payment.status}", staff=payment.created_by_id,
        device=payment.device_id, tab=payment.tab_id, payment=payment.id, amount=payment.amount,
        tip=payment.tip,
    )  # fmt: skip


def _close_if_paid(
    tab: Tab, staff: StaffMember, device: Device | int | None, *, trail: list[Activity]
) -> Standing:
    """Close the check if its captured payments cover it; write `trail` (audit records) with it."""
    return _settle(tab, staff, device, *_figures_and_payments(tab), trail=trail)


def _settle(
    tab: Tab,
    staff: StaffMember,
    device: Device | int | None,
    figures: CheckFigures,
    payments: list[Payment],
    *,
    trail: list[Activity],
) -> Standing:
    """Close the check if `payments` (all its captured ones) cover `figures`; write `trail`."""
    paid = sum(payment.amount for payment in payments)
    if figures.total == paid:
        _close(tab, staff, device, figures, payments, trail=trail)
    else:
        activity.record_all(trail)
    return Standing(figures=figures, paid=paid)


def _figures_and_payments(
    tab: Tab, *, include_pending: bool = False
) -> tuple[CheckFigures, list[Payment]]:
    """The tab's figures and its captured (and, if asked, pending) payments with their drawers."""
    statuses = [Payment.Status.CAPTURED]
    if include_pending:
        statuses.append(Payment.Status.PENDING)
    payments = sql.select(
        Payment, f"tab_id = %s AND {_in('status', statuses)} ORDER BY created_at",
        [tab.id, *statuses],
    )  # fmt: skip
    cash = [p for p in payments if p.tender == Tender.CASH and p.drawer_session_id]
    if cash:  # their drawer's account takes the cash (sale_entry_lines)
        sessions = sql.select(DrawerSession, _in("id", cash), [p.drawer_session_id for p in cash])
        by_id = {session.id: session for session in _with_drawers(sessions)}
        for payment in cash:
            payment.drawer_session = by_id[payment.drawer_session_id]
    return tab_figures(tab), payments


def _close(
    tab: Tab,
    staff: StaffMember,
    device: Device | int | None,
    figures: CheckFigures,
    payments: list[Payment],
    *,
    trail: list[Activity] = (),
) -> Tab:
    """Post the check's sale and mark it closed (its payments cover it: the caller checked).

    The audit records in `trail` (the payment that closes it) are written with its own.
    """
    if not figures.lines:
        raise PaymentError(NOTHING_TO_CLOSE.format(tab=tab.id))
    now = clock.now()
    day = business_date(now)
    # A reopened check posts its sale again under a new id once it closes again.
    again = f"/{tab.closings}" if tab.closings else ""
    entry = post_entry(
        entry_id=ledger_entry_id(f"tab-close{again}", tab.client_id),
        kind=EntryKind.SALE,
        effective_date=day,
        memo=str(tab),
        source_ref=f"check:{tab.id}{again}",
        lines=sale_entry_lines(tab, figures, payments),
        created_by=staff.user,
    )
    tab.status = Tab.Status.CLOSED
    tab.closed_by, tab.closed_at, tab.business_date = staff, now, day
    tab.ledger_entry_id = entry.id
    tab.subtotal = figures.subtotal
    tab.discounts = figures.discounts + figures.comps
    tab.tax = figures.tax
    tab.tips = sum(p.tip for p in payments)
    tab.total = figures.total
    tab.closings += 1
    tab.version += 1
    sql.update(tab, CLOSE_FIELDS)
    activity.record_all(
        [*trail, activity.entry(action="tab.close", staff=staff, device=device, tab=tab,
                                entry=entry.id)]
    )  # fmt: skip
    return tab


def sale_entry_lines(tab: Tab, figures: CheckFigures, payments: list[Payment]) -> list[Line]:
    """The ledger lines of a closed check (see the module docstring)."""
    ids = list({f.category_id for f in figures.lines})
    categories = {c.id: c for c in sql.select(Category, _in("id", ids), ids)}
    tenders: dict[str, int] = defaultdict(int)
    for payment in payments:
        if payment.tender == Tender.CREDIT:
            continue  # a community credit's side comes from the treasury (giving_lines below)
        drawer = None  # only cash lands in a drawer (tender_account)
        if payment.tender == Tender.CASH and payment.drawer_session_id:
            drawer = payment.drawer_session.drawer.account
        tenders[tender_account(payment.tender, drawer)] += payment.amount + payment.tip
    income: dict[str, int] = defaultdict(int)
    cogs: dict[tuple[str, str], int] = defaultdict(int)
    comps, comp_reasons = 0, set()
    for line in figures.lines:
        category = categories[line.category_id]
        income[category.income_account] += line.net + line.comp
        comps += line.comp
        comp_reasons.update(line.comp_reasons)
        if category.cogs_account and line.cost:
            cogs[(category.cogs_account, category.inventory_account)] += line.cost
    tips = sum(p.tip for p in payments)
    lines = [debit(account, usd(cents)) for account, cents in sorted(tenders.items()) if cents]
    if comps:
        lines.append(debit(COMPS, usd(comps), memo="comp: " + ", ".join(sorted(comp_reasons))))
    lines += [credit(account, usd(cents)) for account, cents in sorted(income.items()) if cents]
    if figures.tax:
        lines.append(credit(SALES_TAX, usd(figures.tax)))
    if tips:
        lines.append(credit(TIPS, usd(tips)))
    for (cogs_account, inventory_account), cents in sorted(cogs.items()):
        lines += [debit(cogs_account, usd(cents)), credit(inventory_account, usd(cents))]
    # Meal credits bought and used: units in the treasury's sub-ledger, its redemption lines.
    return lines + giving_lines(tab, payments, categories)
