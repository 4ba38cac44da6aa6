"""Stripe webhooks: each event stored once, processed idempotently, in any order.

The view verifies the signature (stripe_gateway.verify_webhook) before anything is written.
`receive_event` stores the event by its id (the primary key: a redelivery finds it) and
processes it unless an earlier delivery already did. Processing never trusts the event's
payload: it re-fetches the object it names (PaymentIntent, reader, charge's refunds, refund,
dispute, payout) and brings our records in line with what Stripe says now, so events that
arrive late, twice or out of order all converge on the same state. A check is marked paid
only when its PaymentIntent, re-fetched, has succeeded.
"""

import logging

from django.db import transaction

from pos import clock
from pos.cards.models import CardAttempt, StripeEvent
from pos.cards.postings import post_dispute, post_payout, record_transaction
from pos.cards.stripe_gateway import WebhookEvent
from pos.cards.terminal import sync_attempt
from pos.gateway import UnknownGatewayObjectError, get_gateway
from pos.models import Payment, Refund
from pos.rentals.services.deposits import sync_hold_fee
from pos.services.checkout import finish_card_payment
from pos.services.refunds import complete_card_refund

logger = logging.getLogger(__name__)

PAYMENT_INTENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.amount_capturable_updated",
}
READER_EVENTS = {"terminal.reader.action_succeeded", "terminal.reader.action_failed"}
# Outcome of a charge attempt -> what finish_card_payment is told.
PAYMENT_OUTCOMES = {
    CardAttempt.Status.SUCCEEDED: "captured",
    CardAttempt.Status.FAILED: "declined",
    CardAttempt.Status.CANCELLED: "cancelled",
}


def receive_event(event: WebhookEvent) -> StripeEvent:
    """Store a verified event once and process it (again only if an earlier try failed)."""
    with transaction.atomic():
        stored, _ = StripeEvent.objects.get_or_create(
            id=event.id,
            defaults={"type": event.type, "object_id": event.object_id,
                      "received_at": clock.now()},
        )  # fmt: skip
    if stored.processed_at is not None:
        return stored
    error = ""
    try:
        process_event(event.type, event.object_id)
    except UnknownGatewayObjectError as unknown:
        # Nothing to bring in line (another account's object, or deleted test data); a retry
        # would find nothing either, so the event is done, with the reason kept.
        error = unknown.message
    # Only the first delivery to finish marks it; processing itself is idempotent.
    StripeEvent.objects.filter(id=event.id, processed_at__isnull=True).update(
        processed_at=clock.now(), error=error
    )
    stored.refresh_from_db()
    return stored


def process_event(kind: str, object_id: str) -> None:
    """Bring our records in line with the object the event names (re-fetched)."""
    gateway = get_gateway()
    if kind in PAYMENT_INTENT_EVENTS:
        sync_payment_intent(object_id)
    elif kind in READER_EVENTS:
        reader = gateway.reader(object_id)
        if reader.payment_intent:
            sync_payment_intent(reader.payment_intent, reader_failure=reader.failure_message
                                if reader.action_status == "failed" else "")  # fmt: skip
    elif kind == "charge.refunded":
        for refund in gateway.refunds_of_charge(object_id):
            sync_refund(refund.reference)
    elif kind == "refund.updated":
        sync_refund(object_id)
    elif kind == "charge.dispute.created":
        dispute = gateway.dispute(object_id)
        txn = gateway.balance_transaction(dispute.balance_transaction) if (
            dispute.balance_transaction) else None  # fmt: skip
        post_dispute(dispute, txn)
    elif kind in ("payout.paid", "payout.failed"):
        post_payout(gateway.payout(object_id))
    else:
        logger.info("Stripe event %s (%s) needs nothing from the point of sale", kind, object_id)


def sync_payment_intent(reference: str, *, reader_failure: str = "") -> None:
    """Re-fetch a PaymentIntent; finish the card payment it belongs to once it has an outcome.

    A reader that failed (declined, timed out) while the PaymentIntent is still waiting for a
    card fails the attempt with the reader's message and cancels the PaymentIntent, so that a
    late tap can never take money for a payment the tablet was told had failed.
    """
    attempt = sync_attempt(reference)
    if attempt is None:
        sync_hold_fee(reference)  # a deposit's hold (pos.rentals), or not taken by us at all
        return
    if reader_failure and attempt.status == CardAttempt.Status.PROCESSING:
        get_gateway().cancel(attempt_id=attempt.id, reference=reference)
        attempt = sync_attempt(reference)
        CardAttempt.objects.filter(id=attempt.id).update(
            status=CardAttempt.Status.FAILED, reason=reader_failure
        )
        attempt.status = CardAttempt.Status.FAILED
    if attempt.kind != CardAttempt.Kind.CHARGE or attempt.status not in PAYMENT_OUTCOMES:
        return
    payment = Payment.objects.filter(id=attempt.id).select_related("created_by").first()
    if payment is None or payment.status != Payment.Status.PENDING:
        return
    state = get_gateway().payment(reference)
    tip = state.tip if state.tip and state.status == "succeeded" else None
    finish_card_payment(payment, PAYMENT_OUTCOMES[attempt.status], reference,
                        payment.created_by, tip=tip)  # fmt: skip


def sync_refund(reference: str) -> None:
    """Re-fetch a refund; complete or fail our pending refund; keep its balance transaction."""
    gateway = get_gateway()
    state = gateway.refund_state(reference)
    if state.balance_transaction:
        record_transaction(gateway.balance_transaction(state.balance_transaction))
    if state.refund_id is None or state.status == "pending":
        return
    if Refund.objects.filter(id=state.refund_id, status=Refund.Status.PENDING).exists():
        complete_card_refund(refund_id=state.refund_id, succeeded=state.status == "succeeded",
                             reference=reference)  # fmt: skip
