"""Taking a card at the counter: the reader of the tablet's station, charges, holds, cancels.

Server-driven Stripe Terminal: the PaymentIntent is created with an idempotency key derived
from our attempt UUID and handed to the reader of the tablet's station; the gateway answers
"processing" and the outcome arrives as a webhook (pos.cards.webhooks re-fetches the
PaymentIntent and finishes the payment). Without a reader the fake gateway (and Stripe in test
mode with STRIPE_TEST_PAYMENT_METHOD) answers at once.

A counter sale is captured automatically (on-reader tipping when CARDS_ON_READER_TIPPING).
A bar tab or a tip-after-payment starts with `hold_card` (manual capture); `pay_card` in
checkout with `hold_id` then captures the check's amount plus the tip, up to the overcapture
Stripe allows. Every attempt is mirrored in a CardAttempt with the reason it failed, which is
what the tablet shows. The gateway is never called inside a database transaction.
"""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from djmoney.money import Money

from ledger.exceptions import LedgerError
from ledger.money import to_cents
from pos import clock, sql
from pos.cards.models import CardAttempt, Reader
from pos.cards.postings import post_fee_entry, record_transaction
from pos.cards.selectors import STATION_READER
from pos.exceptions import (
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    PaymentError,
)
from pos.gateway import BalanceTxn, GatewayResult, GatewayUnavailableError, get_gateway
from pos.models import Device, Payment, StaffMember, Tab
from pos.services.activity import record
from pos.services.tabs import lock_open_tab

logger = logging.getLogger(__name__)

NO_READER = "No card reader is assigned to station {station!r}; assign one in the admin"
HOLD_NOT_USABLE = "Hold {hold} is {status}; it cannot be captured"
NOT_A_HOLD = "There is no hold {hold} on check {tab}"
NOT_CANCELLABLE = "Card attempt {attempt} is {status}; only one waiting or held can be cancelled"
STATUS_OF = {
    "captured": CardAttempt.Status.SUCCEEDED,
    "authorized": CardAttempt.Status.AUTHORIZED,
    "processing": CardAttempt.Status.PROCESSING,
    "declined": CardAttempt.Status.FAILED,
    "cancelled": CardAttempt.Status.CANCELLED,
}


def reader_for(device: Device) -> Reader | None:
    """The active reader assigned to the tablet's station, if any."""
    if not device.station:
        return None
    # Fixed SQL (pos.sql), like the rest of a card payment's path: every charge asks.
    found = sql.select(Reader, STATION_READER, [device.station])
    return found[0] if found else None


@dataclass(frozen=True)
class Charge:
    """What the gateway answered to a card payment, recorded when the payment is finished."""

    result: GatewayResult
    attempt_id: uuid.UUID | None = None  # the charge attempt the answer belongs to
    hold_id: uuid.UUID | None = None  # the hold it captured


@dataclass(frozen=True)
class ChargeAttempt:
    """A charge attempt written for a pending card payment, and the reader it goes to."""

    attempt_id: uuid.UUID
    reader: Reader | None


def record_attempt(payment: Payment, device: Device, reader: Reader | None) -> ChargeAttempt:
    """Write the charge attempt of a new card payment (its id is the payment's), or find the one
    a retry wrote: the station's reader (`reader_for(device)`) and the total with the tip.

    checkout writes it in the transaction that writes the pending payment, so that the two
    commit together (one commit, not two), having read the reader with the check.
    """
    total = payment.amount + payment.tip
    attempt = _attempt(payment.id, CardAttempt.Kind.CHARGE, payment.tab, total, reader,
                       payment.created_by, device)  # fmt: skip
    return ChargeAttempt(attempt.id, reader)


def charge_card(
    *,
    payment: Payment,
    device: Device,
    hold_id: uuid.UUID | None = None,
    attempt: ChargeAttempt | None = None,
) -> Charge:
    """Take a pending card payment: capture a hold, or charge on the station's reader.

    attempt: the one written with the payment (record_attempt); a retry's is found here.
    What the gateway answers is written by `record_charge`, in the transaction that finishes
    the payment (checkout.finish_card_payment): one transaction rather than two. Until then a
    retry finds the attempt and asks the gateway again with the same idempotency key.
    """
    gateway = get_gateway()
    total = payment.amount + payment.tip
    if hold_id is not None:
        hold = CardAttempt.objects.filter(id=hold_id, kind=CardAttempt.Kind.HOLD).first()
        if hold is None or hold.tab_id != payment.tab_id:
            message = NOT_A_HOLD.format(hold=hold_id, tab=payment.tab_id)
            return Charge(GatewayResult("declined", "", message))
        if hold.status != CardAttempt.Status.AUTHORIZED:
            message = HOLD_NOT_USABLE.format(hold=hold.id, status=hold.status)
            return Charge(GatewayResult("declined", "", message))
        result = gateway.capture(attempt_id=payment.id, reference=hold.payment_intent, amount=total)
        return Charge(result, hold_id=hold.id if result.status == "captured" else None)
    attempt = attempt or record_attempt(payment, device, reader_for(device))
    reader = attempt.reader
    if reader is None and gateway.needs_reader:
        result = GatewayResult("declined", "", NO_READER.format(station=device.station))
    else:
        result = gateway.charge(
            attempt_id=attempt.attempt_id, amount=total, currency=settings.DEFAULT_CURRENCY,
            reader=reader.stripe_id if reader else "",
            # The guest picks a tip on the reader unless the tablet already took one.
            on_reader_tipping=bool(reader) and settings.CARDS_ON_READER_TIPPING and not payment.tip,
        )  # fmt: skip
    return Charge(result, attempt_id=attempt.attempt_id)


def record_charge(charge: Charge, payment: Payment) -> None:
    """Write what the gateway answered: the attempt's outcome, or the hold it captured."""
    if charge.hold_id is not None:
        _update(charge.hold_id, status=CardAttempt.Status.SUCCEEDED, captured_by=payment)
    if charge.attempt_id is not None:
        _record_result(charge.attempt_id, charge.result)


def hold_card(
    *, tab_id: int, hold_id: uuid.UUID, amount: Money, staff: StaffMember, device: Device
) -> CardAttempt:
    """Hold amount on the guest's card for a bar tab, a deposit or a tip after payment.

    A decline is kept on the attempt (status failed, with the reason). Raise PaymentError
    when the station has no reader, TabNotOpenError, IdempotencyConflictError.
    """
    cents = to_cents(amount)
    if cents <= 0:
        raise InvalidInputError("A hold must be for a positive amount")
    existing = CardAttempt.objects.filter(id=hold_id).first()
    if existing is not None:
        if (existing.kind, existing.tab_id, existing.amount) != (
            CardAttempt.Kind.HOLD, tab_id, cents,
        ):  # fmt: skip
            raise IdempotencyConflictError(f"Card attempt {hold_id} exists with other content")
        if existing.payment_intent or existing.status != CardAttempt.Status.PROCESSING:
            return existing
    with transaction.atomic(durable=True):
        tab = lock_open_tab(tab_id)
    reader = reader_for(device)
    gateway = get_gateway()
    if reader is None and gateway.needs_reader:
        raise PaymentError(NO_READER.format(station=device.station))
    attempt = _attempt(hold_id, CardAttempt.Kind.HOLD, tab, cents, reader, staff, device)
    result = gateway.authorize(attempt_id=hold_id, amount=cents, currency=amount.currency.code,
                               reader=reader.stripe_id if reader else "")  # fmt: skip
    attempt = _record_result(attempt.id, result)
    if result.status == "authorized":
        sync_attempt(attempt.payment_intent)
    return CardAttempt.objects.get(id=hold_id)


def cancel_attempt(*, attempt_id: uuid.UUID, staff: StaffMember, device: Device) -> CardAttempt:
    """Stop a card attempt waiting on the reader, or release a hold.

    Raise NotFoundError, PaymentError.
    """
    attempt = CardAttempt.objects.filter(id=attempt_id).select_related("reader").first()
    if attempt is None:
        raise NotFoundError(f"There is no card attempt {attempt_id}")
    if attempt.status == CardAttempt.Status.CANCELLED:
        return attempt
    if attempt.status not in (CardAttempt.Status.PROCESSING, CardAttempt.Status.AUTHORIZED):
        raise PaymentError(NOT_CANCELLABLE.format(attempt=attempt.id, status=attempt.status))
    if attempt.reader is not None and attempt.status == CardAttempt.Status.PROCESSING:
        get_gateway().cancel_reader_action(reader=attempt.reader.stripe_id)
    attempt = release_hold(attempt_id=attempt.id, reason=f"Cancelled by {staff.display_name}")
    record(action=f"card.{attempt.kind}.cancel", staff=staff, device=device, tab=attempt.tab,
           attempt=attempt.id)  # fmt: skip
    return attempt


def release_hold(*, attempt_id: uuid.UUID, reason: str) -> CardAttempt:
    """Cancel an attempt's PaymentIntent (nothing is taken) and say why. Raise PaymentError."""
    attempt = CardAttempt.objects.get(id=attempt_id)
    if attempt.payment_intent:
        result = get_gateway().cancel(attempt_id=attempt.id, reference=attempt.payment_intent)
        if result.status != "cancelled":
            raise PaymentError(f"The card attempt could not be cancelled: {result.message}")
    return _update(attempt.id, status=CardAttempt.Status.CANCELLED, reason=reason)


def sync_attempt(reference: str) -> CardAttempt | None:
    """Bring a CardAttempt in line with its PaymentIntent (re-fetched); record a known fee."""
    state = get_gateway().payment(reference)
    attempt = CardAttempt.objects.filter(payment_intent=reference).first()
    if attempt is None and state.attempt_id is not None:
        attempt = CardAttempt.objects.filter(id=state.attempt_id).first()
    if attempt is None:
        return None  # not taken by this point of sale
    status = {
        "succeeded": CardAttempt.Status.SUCCEEDED,
        "requires_capture": CardAttempt.Status.AUTHORIZED,
        "canceled": CardAttempt.Status.CANCELLED,
    }.get(state.status)
    if status is None:
        declined = state.status == "requires_payment_method" and state.failure_message
        status = CardAttempt.Status.FAILED if declined else CardAttempt.Status.PROCESSING
    # Final states stay whatever arrives late; only money actually taken overrides a failure
    # (a failed attempt's PaymentIntent is cancelled afterwards: it stays "failed", with why).
    final = (CardAttempt.Status.SUCCEEDED, CardAttempt.Status.CANCELLED)
    failed = attempt.status == CardAttempt.Status.FAILED
    keep = attempt.status in final or (failed and status != CardAttempt.Status.SUCCEEDED)
    if not keep or status == attempt.status:
        attempt = _update(
            attempt.id, status=status, payment_intent=reference,
            capture_before=state.capture_before, reason=state.failure_message or attempt.reason,
        )  # fmt: skip
    if state.status == "succeeded" and state.balance_transaction:
        sync_fee(reference, state.balance_transaction)
    return attempt


def sync_fee(
    reference: str, balance_transaction: str = "", *, answered: BalanceTxn | None = None
) -> None:
    """Post the fee of a captured PaymentIntent once its balance transaction is known:
    `answered`, when the charge's own answer carried it, else fetched (by its id when known).

    Called once the payment is finished: a failure is logged, not raised, and never touches the
    sale. When the processor cannot be reached, the payment_intent.succeeded webhook (or
    reconcile_stripe) brings the fee later; when the ledger or the database refuses the entry,
    reconcile_stripe lists the fee as missing. The balance transaction is kept either way.
    """
    gateway = get_gateway()
    try:
        txn = answered
        if txn is None:
            txn_ref = balance_transaction or gateway.payment(reference).balance_transaction
            txn = gateway.balance_transaction(txn_ref) if txn_ref else None
        if txn is not None:
            with _contained():
                record_transaction(txn)
            with _contained():
                post_fee_entry(txn)
    except GatewayUnavailableError:
        logger.warning("Card fee of %s not posted yet: the processor is unreachable", reference)
    except (LedgerError, DatabaseError) as error:
        logger.error("Card fee of %s not posted: %s", reference, error)


@contextmanager
def _contained() -> Iterator[None]:
    """Writes whose failure must leave the caller's transaction usable: a savepoint inside a
    transaction (PostgreSQL refuses everything after an error until it is rolled back); in
    autocommit, where a paying request posts its fee, each statement is its own transaction
    already, and a savepoint would cost a BEGIN and a COMMIT."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def sync_refund_transaction(reference: str) -> None:
    """Keep a completed refund's balance transaction for reconciliation (best effort)."""
    gateway = get_gateway()
    try:
        txn_ref = gateway.refund_state(reference).balance_transaction
        if txn_ref:
            record_transaction(gateway.balance_transaction(txn_ref))
    except GatewayUnavailableError:
        logger.warning("Balance transaction of refund %s not recorded yet", reference)


def _attempt(attempt_id, kind, tab: Tab, amount, reader, staff, device) -> CardAttempt:
    """The attempt of this id: a new one, or the one a retry (or a twin) made already."""
    now = clock.now()
    attempt = CardAttempt(
        id=attempt_id, kind=kind, tab=tab, amount=amount, reader=reader, created_by=staff,
        device=device, created_at=now, updated_at=now,
    )  # fmt: skip
    if sql.insert([attempt], on_conflict_skip=True):
        return attempt
    return sql.select(CardAttempt, "id = %s", [attempt_id])[0]


def _record_result(attempt_id: uuid.UUID, result: GatewayResult) -> CardAttempt:
    fields = {"status": STATUS_OF[result.status], "reason": result.message}
    if result.reference:
        fields["payment_intent"] = result.reference
    return _update(attempt_id, **fields)


def _update(attempt_id: uuid.UUID, **fields) -> CardAttempt:
    """Set these fields of the attempt (and when it changed): one statement (pos.sql)."""
    attempt = sql.update_returning(CardAttempt, attempt_id, **fields, updated_at=clock.now())
    if attempt is None:
        raise CardAttempt.DoesNotExist(f"No card attempt {attempt_id}")
    return attempt
