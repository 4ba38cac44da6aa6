"""Deposits: cash, card holds and "ID held" flags; returned, forfeited or spent on a check.

Every money event posts ONE balanced entry in the same transaction (ids derived from the
deposit's UUID, so a retry never posts twice):

    cash taken     D drawer                       C Liabilities:CustomerDeposits
                   (a paid-in through pos.services.drawers: the drawer's count expects it)
    cash returned  D Liabilities:CustomerDeposits C drawer (a paid-out of the drawer)
    cash forfeited D Liabilities:CustomerDeposits C Income:Other:Forfeits
    hold forfeited D Assets:Stripe:Clearing       C Income:Other:Forfeits (the capture), then
                   the capture's processor fee, as for any card payment (pos.cards.terminal)
    spent on check no entry now: a payment with the "deposit" tender; the check's own sale
                   entry at close debits Liabilities:CustomerDeposits for it, like a tender.

A card hold is an authorization through the gateway (nothing is posted: no money moved): it
is cancelled on return and captured on forfeit, before it expires (HOLD_LIFETIME, the usual
in-person authorization window). Like card payments, the gateway is called with no lock held:
the hold is recorded as pending, authorized, then recorded again. Forfeits need a manager.
"ID held" is a flag only: no data of the document is ever stored.
"""

import datetime
import uuid

from django.db import transaction
from djmoney.money import Money

from ledger.models import EntryKind
from ledger.money import from_cents, to_cents
from ledger.services import credit, debit, post_entry
from pos import clock
from pos.cards.terminal import sync_fee
from pos.exceptions import (
    DrawerError,
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    PaymentDeclinedError,
)
from pos.gateway import get_gateway
from pos.models import CashMovement, Device, Payment, StaffMember
from pos.models.payments import Tender
from pos.rentals.exceptions import DepositError
from pos.rentals.models import Booking, Deposit, RentalSession
from pos.reports import expected_cash_cents
from pos.selectors import CARD_CLEARING_ACCOUNT, CUSTOMER_DEPOSITS_ACCOUNT, balance_due
from pos.services.activity import record
from pos.services.checkout import close_tab, ledger_entry_id, open_drawer_session
from pos.services.drawers import record_cash_movement
from pos.services.staff import require_manager
from pos.services.tabs import lock_open_tab

FORFEITS = "Income:Other:Forfeits"
HOLD_LIFETIME = datetime.timedelta(days=5)
NOT_FOUND = "There is no deposit {deposit}"
NOT_HELD = "Deposit {deposit} is {status}"
FOR_ONE = "A deposit is for a session or for a booking"
REUSED = "Deposit {deposit} already exists with other content"
HOLD_EXPIRED = "The card hold expired at {at:%Y-%m-%d %H:%M}; it can no longer be captured"
NOT_ON_A_TAB = "Deposit {deposit} is not a credit on a check yet (the party has not arrived)"
NOTHING_DUE = "Check {tab} has nothing due for the deposit to pay"
ID_NOT_MONEY = "An ID held is handed back, never forfeited"
TOO_LITTLE_CASH = "{drawer} holds {expected}; it cannot give back {amount}"


@transaction.atomic
def take_cash_deposit(
    *,
    deposit_id: uuid.UUID,
    amount: Money,
    session_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    staff: StaffMember,
    device: Device,
) -> Deposit:
    """Take cash into the tablet's drawer as a customer deposit. Idempotent by deposit_id.

    Raise InvalidInputError, DrawerError (no open drawer), IdempotencyConflictError.
    """
    cents = _positive(amount)
    existing = _replay(deposit_id, Deposit.Kind.CASH, cents, session_id, booking_id)
    if existing is not None:
        return existing
    what = _subject(session_id, booking_id)
    drawer_session = open_drawer_session(device)
    record_cash_movement(
        movement_id=deposit_id, session_id=drawer_session.id, kind=CashMovement.Kind.PAID_IN,
        amount=amount, reason=f"Deposit for {what}"[:120], account=CUSTOMER_DEPOSITS_ACCOUNT,
        staff=staff, device=device,
    )  # fmt: skip
    deposit = Deposit.objects.create(
        id=deposit_id, kind=Deposit.Kind.CASH, status=Deposit.Status.HELD, amount=cents,
        session_id=session_id, booking_id=booking_id, drawer_session=drawer_session,
        taken_by=staff, device=device, taken_at=clock.now(),
    )  # fmt: skip
    _record("deposit.cash", deposit, staff, device, amount=cents, subject=what)
    return deposit


@transaction.atomic
def hold_id(
    *,
    deposit_id: uuid.UUID,
    session_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    staff: StaffMember,
    device: Device,
) -> Deposit:
    """Note that staff hold the guest's ID (a flag: nothing of the ID is stored)."""
    existing = _replay(deposit_id, Deposit.Kind.ID_HELD, 0, session_id, booking_id)
    if existing is not None:
        return existing
    what = _subject(session_id, booking_id)
    deposit = Deposit.objects.create(
        id=deposit_id, kind=Deposit.Kind.ID_HELD, status=Deposit.Status.HELD,
        session_id=session_id, booking_id=booking_id, taken_by=staff, device=device,
        taken_at=clock.now(),
    )  # fmt: skip
    _record("deposit.id_held", deposit, staff, device, subject=what)
    return deposit


def hold_card(
    *,
    deposit_id: uuid.UUID,
    amount: Money,
    session_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    staff: StaffMember,
    device: Device,
) -> Deposit:
    """Place a hold on a card through the gateway. Raise PaymentDeclinedError."""
    deposit = _start_hold(deposit_id, amount, session_id, booking_id, staff, device)
    if deposit.status == Deposit.Status.PENDING:
        result = get_gateway().authorize(
            attempt_id=deposit.id, amount=deposit.amount, currency=amount.currency.code
        )
        deposit = _finish_hold(deposit.id, result.status, result.reference, staff)
    if deposit.status == Deposit.Status.DECLINED:
        raise PaymentDeclinedError("The card was declined for the hold", deposit=deposit.id)
    return deposit


@transaction.atomic(durable=True)
def _start_hold(deposit_id, amount, session_id, booking_id, staff, device) -> Deposit:
    cents = _positive(amount)
    existing = _replay(deposit_id, Deposit.Kind.CARD_HOLD, cents, session_id, booking_id)
    if existing is not None:
        return existing
    _subject(session_id, booking_id)
    return Deposit.objects.create(
        id=deposit_id, kind=Deposit.Kind.CARD_HOLD, status=Deposit.Status.PENDING, amount=cents,
        session_id=session_id, booking_id=booking_id, taken_by=staff, device=device,
        taken_at=clock.now(),
    )  # fmt: skip


@transaction.atomic(durable=True)
def _finish_hold(deposit_id, status: str, reference: str, staff) -> Deposit:
    deposit = Deposit.objects.select_for_update().get(id=deposit_id)
    if deposit.status != Deposit.Status.PENDING:
        return deposit  # another request finished it first
    held = status == "authorized"
    deposit.status = Deposit.Status.HELD if held else Deposit.Status.DECLINED
    deposit.gateway_reference = reference
    deposit.hold_expires_at = deposit.taken_at + HOLD_LIFETIME if held else None
    deposit.save(update_fields=["status", "gateway_reference", "hold_expires_at"])
    _record(f"deposit.card_hold.{deposit.status}", deposit, staff, deposit.device,
            amount=deposit.amount)  # fmt: skip
    return deposit


def return_deposit(*, deposit_id: uuid.UUID, staff: StaffMember, device: Device) -> Deposit:
    """Give the deposit back: cash from the tablet's drawer (what was not spent on the check),
    a card hold cancelled, an ID handed back. Returning a returned deposit returns it.
    Raise NotFoundError, DepositError, DrawerError."""
    deposit = _get(deposit_id)
    if deposit.status == Deposit.Status.RETURNED:
        return deposit
    if deposit.kind == Deposit.Kind.CARD_HOLD and deposit.status == Deposit.Status.HELD:
        # Released before recording: a failed cancel leaves the hold recorded as held.
        get_gateway().cancel(attempt_id=deposit.id, reference=deposit.gateway_reference)
    return _settle(deposit_id, Deposit.Status.RETURNED, "", staff, device)


def forfeit_deposit(
    *,
    deposit_id: uuid.UUID,
    reason: str,
    staff: StaffMember,
    device: Device,
    approved_by: StaffMember | None = None,
) -> Deposit:
    """Keep the deposit (a no-show, missing or broken equipment), with a manager's approval:
    cash (what was not spent) goes to Income:Other:Forfeits; a card hold is captured first,
    before it expires. Raise DepositError, ApprovalRequiredError, PaymentDeclinedError."""
    if not reason.strip():
        raise InvalidInputError("Give a reason for keeping the deposit")
    deposit = _get(deposit_id)
    if deposit.status == Deposit.Status.FORFEITED:
        return deposit
    require_manager(approved_by, action=f"keep deposit {deposit.id}")
    if deposit.kind == Deposit.Kind.ID_HELD:
        raise DepositError(ID_NOT_MONEY)
    captured = None
    if deposit.kind == Deposit.Kind.CARD_HOLD and deposit.status == Deposit.Status.HELD:
        if clock.now() >= deposit.hold_expires_at:
            raise DepositError(HOLD_EXPIRED.format(at=deposit.hold_expires_at))
        captured = get_gateway().capture(
            attempt_id=deposit.id, reference=deposit.gateway_reference, amount=deposit.amount
        )
        if captured.status != "captured":
            raise PaymentDeclinedError(f"The hold could not be captured: {captured.message}")
    deposit = _settle(deposit_id, Deposit.Status.FORFEITED, reason.strip(), staff, device,
                      approved_by)  # fmt: skip
    if captured is not None:  # after the forfeit, as a card payment's fee after its sale
        sync_fee(captured.reference, answered=captured.balance_transaction)
    return deposit


def sync_hold_fee(reference: str) -> None:
    """Post the fee of a deposit hold's capture that the capture's answer did not carry (the
    payment_intent.succeeded webhook). A hold not captured has no balance transaction, so
    nothing posts; a PaymentIntent that is no deposit's hold is left alone."""
    if Deposit.objects.filter(kind=Deposit.Kind.CARD_HOLD, gateway_reference=reference).exists():
        sync_fee(reference)


@transaction.atomic
def _settle(deposit_id, status, reason, staff, device, approved_by=None) -> Deposit:
    deposit = Deposit.objects.select_for_update().get(id=deposit_id)
    if deposit.status == status:
        return deposit  # a twin request settled it first
    if deposit.status != Deposit.Status.HELD:
        raise DepositError(NOT_HELD.format(deposit=deposit.id, status=deposit.status))
    left = deposit.remaining
    if deposit.kind == Deposit.Kind.CASH and left and status == Deposit.Status.RETURNED:
        _pay_back_cash(deposit, left, staff, device)
    elif deposit.kind != Deposit.Kind.ID_HELD and left and status == Deposit.Status.FORFEITED:
        source = CUSTOMER_DEPOSITS_ACCOUNT if deposit.kind == "cash" else CARD_CLEARING_ACCOUNT
        memo = f"Deposit kept: {reason}"
        _post("deposit-forfeit", deposit, memo, [
            debit(source, from_cents(left, "USD"), memo=memo),
            credit(FORFEITS, from_cents(left, "USD"), memo=memo),
        ], staff)  # fmt: skip
    deposit.status, deposit.reason = status, reason
    deposit.settled_by, deposit.settled_at = staff, clock.now()
    deposit.save(update_fields=["status", "reason", "settled_by", "settled_at"])
    _record(f"deposit.{status}", deposit, staff, device, amount=left, reason=reason,
            approved_by=approved_by)  # fmt: skip
    return deposit


def _pay_back_cash(deposit: Deposit, cents: int, staff, device) -> None:
    """A paid-out of the tablet's drawer, so that its count expects the cash to be gone."""
    drawer_session = open_drawer_session(device)
    expected = expected_cash_cents(drawer_session)
    drawer = drawer_session.drawer
    if cents > expected:
        raise DrawerError(TOO_LITTLE_CASH.format(
            drawer=drawer.name, expected=from_cents(expected, "USD"),
            amount=from_cents(cents, "USD"),
        ))  # fmt: skip
    memo = f"Deposit returned ({deposit.id})"
    CashMovement.objects.create(
        id=uuid.uuid5(deposit.id, "return"), session=drawer_session,
        kind=CashMovement.Kind.PAID_OUT, amount=cents, reason=memo,
        account=CUSTOMER_DEPOSITS_ACCOUNT, created_by=staff, created_at=clock.now(),
    )  # fmt: skip
    _post("deposit-return", deposit, memo, [
        debit(CUSTOMER_DEPOSITS_ACCOUNT, from_cents(cents, "USD"), memo=memo),
        credit(drawer.account, from_cents(cents, "USD"), memo=memo),
    ], staff)  # fmt: skip


@transaction.atomic
def apply_deposit(
    *, deposit_id: uuid.UUID, payment_id: uuid.UUID, staff: StaffMember, device: Device
) -> Payment:
    """Spend a cash deposit on the party's check, up to what is due, as a payment with the
    deposit tender; the check closes if that pays it. Idempotent by payment_id.

    Raise NotFoundError, DepositError (not on a check, nothing due), TabNotOpenError.
    """
    existing = Payment.objects.filter(id=payment_id).first()
    if existing is not None:
        if existing.tender != Tender.DEPOSIT:
            raise IdempotencyConflictError(f"Payment {payment_id} exists with other content")
        return existing
    deposit = _get(deposit_id)
    if deposit.tab_id is None:
        raise DepositError(NOT_ON_A_TAB.format(deposit=deposit.id))
    tab = lock_open_tab(deposit.tab_id, key_update=True)
    deposit = Deposit.objects.select_for_update().get(id=deposit_id)
    if deposit.kind != Deposit.Kind.CASH or deposit.status != Deposit.Status.HELD:
        raise DepositError(NOT_HELD.format(deposit=deposit.id, status=deposit.status))
    amount = min(deposit.remaining, balance_due(tab, include_pending=True))
    if amount <= 0:
        raise DepositError(NOTHING_DUE.format(tab=tab.id))
    payment = Payment.objects.create(
        id=payment_id, tab=tab, tender=Tender.DEPOSIT, amount=amount,
        status=Payment.Status.CAPTURED, created_by=staff, device=device, created_at=clock.now(),
    )  # fmt: skip
    deposit.applied += amount
    if deposit.remaining == 0:
        deposit.status = Deposit.Status.APPLIED
    deposit.save(update_fields=["applied", "status"])
    _record("deposit.applied", deposit, staff, device, amount=amount, payment=payment.id)
    if balance_due(tab) == 0:
        close_tab(tab_id=tab.id, staff=staff, device=device)
    return payment


def _post(event: str, deposit: Deposit, memo: str, lines, staff) -> None:
    post_entry(
        entry_id=ledger_entry_id(event, deposit.id),
        kind=EntryKind.ADJUSTMENT,
        effective_date=clock.business_date(),
        memo=memo,
        source_ref=f"{event}:{deposit.id}",
        lines=lines,
        created_by=staff.user,
    )


def _positive(amount: Money) -> int:
    if not isinstance(amount, Money) or amount.currency.code != "USD":
        raise InvalidInputError("A deposit is an amount in USD")
    cents = to_cents(amount)
    if cents <= 0:
        raise InvalidInputError("A deposit amount must be positive")
    return cents


def _subject(session_id, booking_id) -> str:
    """Name what the deposit secures. Raise InvalidInputError or NotFoundError."""
    if (session_id is None) == (booking_id is None):
        raise InvalidInputError(FOR_ONE)
    if session_id is not None:
        session = RentalSession.objects.select_related("resource").filter(id=session_id).first()
        if session is None:
            raise NotFoundError(f"There is no rental session {session_id}")
        return session.resource.name
    booking = Booking.objects.filter(id=booking_id).first()
    if booking is None:
        raise NotFoundError(f"There is no booking {booking_id}")
    return f"booking {booking.name}"


def _replay(deposit_id, kind, cents, session_id, booking_id) -> Deposit | None:
    existing = Deposit.objects.filter(id=deposit_id).first()
    if existing is None:
        return None
    if (existing.kind, existing.amount, existing.session_id, existing.booking_id) != (
        kind, cents, session_id, booking_id,
    ):  # fmt: skip
        raise IdempotencyConflictError(REUSED.format(deposit=deposit_id))
    return existing


def _get(deposit_id: uuid.UUID) -> Deposit:
    deposit = Deposit.objects.filter(id=deposit_id).first()
    if deposit is None:
        raise NotFoundError(NOT_FOUND.format(deposit=deposit_id))
    return deposit


def _record(action, deposit: Deposit, staff, device, approved_by=None, **detail) -> None:
    record(action=action, staff=staff, device=device, tab=deposit.tab, approved_by=approved_by,
           deposit=deposit.id, kind=deposit.kind, **detail)  # fmt: skip
