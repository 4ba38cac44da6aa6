"""Paying a check in cash or by card; the payment that covers it closes it (closing.py).

Card payments never hold a database lock while the gateway works: the attempt is recorded as
pending (reserving its amount), the gateway is called with a key derived from the attempt's
UUID, and the result is recorded in a second transaction. A retry with the same UUID finds the
attempt and never charges twice.
"""

import uuid

from django.db import transaction
from djmoney.money import Money

from ledger.money import from_cents, to_cents
from pos import clock, sql
from pos.cards.terminal import (
    Charge,
    ChargeAttempt,
    charge_card,
    record_attempt,
    record_charge,
    sync_fee,
)
from pos.exceptions import (
    DrawerError,
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    PaymentDeclinedError,
    PaymentError,
)
from pos.models import (
    Activity,
    Device,
    Drawer,
    DrawerSession,
    Payment,
    StaffMember,
    Tab,
)
from pos.models.payments import Tender
from pos.services import activity
from pos.services.checkout.closing import check_no_games_running, settle
from pos.services.checkout.reading import Check, read_check
from pos.services.tabs.checks import TAB_NOT_FOUND

PAYMENT_REUSED = "Payment {payment} already exists with other content"
MORE_THAN_DUE = "Check {tab}: {amount} is more than the {due} still due"
NOT_ENOUGH_CASH = "{tendered} tendered does not cover {amount} plus a {tip} tip"
NO_OPEN_DRAWER = "{device} has no open cash drawer; open one before taking cash"
# A card attempt's outcome as the gateway reports it -> the payment's status.
CARD_OUTCOMES = {"captured": Payment.Status.CAPTURED, "cancelled": Payment.Status.CANCELLED}


def open_drawer_session(device: Device) -> DrawerSession:
    """Return the device's open drawer session, with its drawer, locked so that it cannot close
    meanwhile (cash lands in its drawer's account and its count). Raise DrawerError.

    Fixed SQL (pos.sql): every cash payment asks.
    """
    sessions = []
    if device.drawer_id:
        sessions = sql.select(
            DrawerSession, "drawer_id = %s AND status = %s",
            [device.drawer_id, DrawerSession.Status.OPEN], lock="FOR NO KEY UPDATE",
        )  # fmt: skip
    if not sessions:
        raise DrawerError(NO_OPEN_DRAWER.format(device=device.name))
    session = sessions[0]
    session.drawer = sql.select(Drawer, "id = %s", [session.drawer_id])[0]
    return session


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
    _check_amounts(amount_c, tip_c)
    if tendered_c < amount_c + tip_c:
        raise PaymentError(NOT_ENOUGH_CASH.format(tendered=tendered, amount=amount, tip=tip))
    # One read of the check under its lock: a retry's payment, what is due, then whether this
    # payment closes it.
    check = _check_to_pay(tab_id, payment_id)
    if check.payment is not None:
        return _same_payment(check.payment, tab_id, Tender.CASH, amount_c, tip_c)
    _check_may_pay(check, amount_c)
    session = open_drawer_session(device)
    payment = Payment(
        id=payment_id,
        tab=check.tab,
        tender=Tender.CASH,
        amount=amount_c,
        tip=tip_c,
        tendered=tendered_c,
        change=tendered_c - amount_c - tip_c,
        status=Payment.Status.CAPTURED,
        drawer_session=session,
        created_by=staff,
        device=device,
        created_at=clock.now(),
    )
    sql.insert([payment])
    check.take(payment, session.drawer.account)
    payment.standing = settle(check, staff, device, trail=[_payment_entry(payment)])
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
    payment, attempt = _start_card_payment(tab_id, payment_id, amount, tip, staff, device, hold_id)
    result = None
    if payment.status == Payment.Status.PENDING and not payment.gateway_reference:
        charge = charge_card(payment=payment, device=device, hold_id=hold_id, attempt=attempt)
        result = charge.result
        payment = finish_card_payment(payment, result.status, result.reference, staff,
                                      charge=charge)  # fmt: skip
        if result.status == "captured":
            # After the payment is finished: a fee that cannot be fetched or posted now never
            # leaves a charged payment pending (the webhook or reconcile_stripe brings it).
            # Two autocommit statements on PostgreSQL; in the sale's transaction, the savepoint
            # that keeps a refused fee from breaking the sale would cost more than they do.
            sync_fee(result.reference, answered=result.balance_transaction)
    if payment.status in (Payment.Status.DECLINED, Payment.Status.CANCELLED):
        raise PaymentDeclinedError(
            f"The card was declined for check {payment.tab_id}", payment=payment.id,
            reason=result.message if result else "",
        )  # fmt: skip
    return payment


@transaction.atomic(durable=True)
def _start_card_payment(
    tab_id, payment_id, amount, tip, staff, device, hold_id
) -> tuple[Payment, ChargeAttempt | None]:
    """The pending payment, reserving its amount, and (unless it captures a hold) its charge
    attempt, written together; a retry's payment as it stands, and no attempt."""
    amount_c, tip_c = to_cents(amount), to_cents(tip or Money(0, amount.currency))
    _check_amounts(amount_c, tip_c)
    check = _check_to_pay(
        tab_id, payment_id, drawer_id=device.drawer_id, station=device.station or None
    )
    if check.payment is not None:  # a retry, or a twin that won the lock
        return _same_payment(check.payment, tab_id, Tender.CARD, amount_c, tip_c), None
    _check_may_pay(check, amount_c)  # before the card is charged
    payment = Payment(
        id=payment_id,
        tab=check.tab,
        tender=Tender.CARD,
        amount=amount_c,
        tip=tip_c,
        status=Payment.Status.PENDING,
        # Card payments count in the X/Z report of the drawer the tablet was working.
        drawer_session_id=check.drawer_session_id,
        created_by=staff,
        device=device,
        created_at=clock.now(),
    )
    sql.insert([payment])
    return payment, record_attempt(payment, device, check.reader) if hold_id is None else None


@transaction.atomic(durable=True)
def finish_card_payment(
    payment: Payment,
    status: str,
    reference: str,
    staff,
    tip: int | None = None,
    charge: Charge | None = None,
) -> Payment:
    """Record a pending card payment's outcome (a gateway status); a tip chosen on the reader.

    charge: the gateway's answer to this request's charge, written in this same transaction.
    The check is read under its lock first, as every write to it starts (the payment's row
    comes with it, as it now stands).
    """
    check = read_check(payment.tab_id, payment_id=payment.id)
    payment = check.payment
    if charge is not None:
        record_charge(charge, payment)
    if payment.status != Payment.Status.PENDING:
        return payment  # another request finished it first
    if status == "processing":  # on the reader: the webhook finishes it
        payment.gateway_reference = reference
        sql.update(payment, ["gateway_reference"])
        return payment
    payment.status = CARD_OUTCOMES.get(status, Payment.Status.DECLINED)
    payment.gateway_reference = reference or payment.gateway_reference
    if tip is not None and payment.status == Payment.Status.CAPTURED:
        payment.tip = tip
    sql.update(payment, ["status", "gateway_reference", "tip"])
    trail = [_payment_entry(payment)]
    if payment.status == Payment.Status.CAPTURED and check.tab.status == Tab.Status.OPEN:
        payment.standing = settle(check, staff, payment.device_id, trail=trail)
    else:
        activity.record_all(trail)
    return payment


def _check_to_pay(
    tab_id: int, payment_id: uuid.UUID, *, drawer_id: int | None = None, station: str | None = None
) -> Check:
    """The check, locked, to take a payment on: open, unless a retry wrote the payment already
    (then `check.payment` is it). Raise NotFoundError, TabNotOpenError, or
    IdempotencyConflictError for a payment id taken on another check. drawer_id, station: see
    read_check."""
    check = read_check(tab_id, payment_id=payment_id, drawer_id=drawer_id, station=station)
    if check is None:
        if _payment_if_any(payment_id) is not None:
            raise IdempotencyConflictError(PAYMENT_REUSED.format(payment=payment_id))
        raise NotFoundError(TAB_NOT_FOUND.format(tab=tab_id))
    if check.payment is None:
        check.require_open()
    return check


def _same_payment(existing: Payment, tab_id, tender, amount_c, tip_c) -> Payment:
    if (existing.tab_id, existing.tender, existing.amount, existing.tip) != (
        tab_id, tender, amount_c, tip_c,
    ):  # fmt: skip
        raise IdempotencyConflictError(PAYMENT_REUSED.format(payment=existing.id))
    return existing


def _payment_if_any(payment_id: uuid.UUID) -> Payment | None:
    """The payment with this id, if a retry or a twin wrote it already (usually none)."""
    found = sql.select(Payment, "id = %s", [sql.param(Payment._meta.pk, payment_id)])
    return found[0] if found else None


def _check_amounts(amount_c: int, tip_c: int) -> None:
    if amount_c <= 0:
        raise InvalidInputError("A payment amount must be positive")
    if tip_c < 0:
        raise InvalidInputError("A tip cannot be negative")


def _check_may_pay(check: Check, amount_c: int) -> None:
    """Refuse amount_c beyond what is due (pending card payments reserve theirs), and the last
    payment while a game runs on the check."""
    due = check.due(include_pending=True)
    if amount_c > due:
        raise PaymentError(
            MORE_THAN_DUE.format(
                tab=check.tab.id, amount=from_cents(amount_c, "USD"), due=from_cents(due, "USD")
            ),
            due=due,
        )
    if amount_c == due:
        check_no_games_running(check)


def _payment_entry(payment: Payment) -> Activity:
    """The audit record of a payment (by ids: the rows need not be loaded)."""
    return activity.entry(
        action=f"payment.{payment.tender}.{payment.status}", staff=payment.created_by_id,
        device=payment.device_id, tab=payment.tab_id, payment=payment.id, amount=payment.amount,
        tip=payment.tip,
    )  # fmt: skip
