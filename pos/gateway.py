"""The card gateway seam: what the point of sale needs from a card processor.

`PaymentGateway` is the protocol; `get_gateway()` returns the Stripe implementation
(pos/cards/stripe_gateway.py, the only module that imports stripe) when STRIPE_SECRET_KEY is
set, else the in-memory `FakeGateway` (pos/cards/fake_gateway.py: demo mode, and the tests).

Two ways to take a card: `charge` captures at once (counter sales); `authorize` places a hold
that is later `capture`d (up to the amount held plus the allowed overcapture, for a tip added
afterwards) or `cancel`led (bar-tab holds, deposits). With a Terminal `reader` the call only
hands the PaymentIntent to the reader and answers "processing"; the outcome arrives later as a
webhook, and the point of sale re-fetches the PaymentIntent (`payment`) rather than trusting
the event. Every call that creates or moves money carries an idempotency key derived from our
own attempt or refund UUID and namespaced per operation (pi-create:, capture:, cancel:,
refund:), so a retried request can never charge or refund twice.

The read side (`payment`, `reader`, `refund_state`, `refunds_of_charge`, `dispute`,
`balance_transaction`, `payout`, `payout_transactions`) returns plain frozen dataclasses, so
no Stripe object ever leaves the Stripe module. Amounts are integer cents.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from pos.exceptions import PosError


class GatewayUnavailableError(PosError):
    """The card processor could not be reached or refused the request for a technical reason."""

    code = "gateway_unavailable"
    http_status = 503


class UnknownGatewayObjectError(PosError):
    """The processor has no such object (not ours, or deleted): there is nothing to sync."""

    code = "unknown_gateway_object"
    http_status = 404


@dataclass(frozen=True)
class BalanceTxn:
    """One movement of the Stripe balance: amount and net are signed, fee is what Stripe kept."""

    reference: str
    type: str  # charge, payment, refund, adjustment (disputes), payout, ...
    source: str  # the charge, refund, dispute or payout it comes from
    amount: int
    fee: int
    net: int
    currency: str = "usd"
    payment_intent: str = ""  # of the charge, refund or dispute, when there is one


@dataclass(frozen=True)
class GatewayResult:
    # "captured", "authorized", "processing" (on the reader), "declined", "cancelled",
    # "refunded" or "pending" (a refund not settled yet).
    status: str
    reference: str
    message: str = ""
    # A captured charge's balance transaction, when the answer carries it (Stripe: the
    # PaymentIntent with its latest charge, and that charge's balance transaction, expanded):
    # its fee posts without asking the processor again.
    balance_transaction: BalanceTxn | None = None


@dataclass(frozen=True)
class PaymentState:
    """A PaymentIntent as the processor sees it now (Stripe's status names)."""

    reference: str
    attempt_id: uuid.UUID | None
    status: str  # requires_payment_method, processing, requires_capture, canceled, succeeded...
    amount: int
    amount_capturable: int = 0
    amount_received: int = 0
    tip: int = 0  # tip the guest chose on the reader, included in amount_received
    capture_before: datetime.datetime | None = None
    charge: str = ""
    balance_transaction: str = ""  # of the captured charge; "" until known
    failure_message: str = ""


@dataclass(frozen=True)
class ReaderState:
    reference: str
    action_status: str  # "in_progress", "succeeded", "failed" or "" (idle)
    payment_intent: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class RefundState:
    reference: str
    refund_id: uuid.UUID | None  # ours, from the refund's metadata
    status: str  # pending, succeeded, failed, canceled
    amount: int
    payment_intent: str = ""
    balance_transaction: str = ""


@dataclass(frozen=True)
class DisputeState:
    reference: str
    payment_intent: str
    amount: int
    fee: int
    status: str
    balance_transaction: str = ""


@dataclass(frozen=True)
class PayoutState:
    reference: str
    status: str  # pending, in_transit, paid, failed, canceled
    amount: int
    currency: str
    arrival_date: datetime.date
    transactions: list[BalanceTxn] = field(default_factory=list)


class PaymentGateway(Protocol):
    # True when a card can only be taken on a Terminal reader (Stripe outside test mode).
    needs_reader: bool

    def charge(
        self,
        *,
        attempt_id: uuid.UUID,
        amount: int,
        currency: str,
        reader: str = "",
        on_reader_tipping: bool = False,
    ) -> GatewayResult:
        """Take amount (cents, tip included) now: "captured", "processing" or "declined"."""

    def authorize(
        self, *, attempt_id: uuid.UUID, amount: int, currency: str, reader: str = ""
    ) -> GatewayResult:
        """Hold amount on the card without taking it: "authorized", "processing", "declined"."""

    def capture(self, *, attempt_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        """Take amount of a hold: "captured", or "declined" beyond what is allowed."""

    def cancel(self, *, attempt_id: uuid.UUID, reference: str) -> GatewayResult:
        """Release a PaymentIntent that was not captured: "cancelled" (or "declined")."""

    def cancel_reader_action(self, *, reader: str) -> None:
        """Stop whatever the reader is waiting for (the guest walked away)."""

    def refund(self, *, refund_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        """Refund amount of a captured charge: "refunded", "pending" or "declined"."""

    def payment(self, reference: str) -> PaymentState: ...

    def reader(self, reference: str) -> ReaderState: ...

    def refund_state(self, reference: str) -> RefundState: ...

    def refunds_of_charge(self, charge: str) -> list[RefundState]: ...

    def dispute(self, reference: str) -> DisputeState: ...

    def balance_transaction(self, reference: str) -> BalanceTxn: ...

    def payout(self, reference: str) -> PayoutState:
        """The payout with the balance transactions it pays out (its own included)."""


def card_payments_are_demo() -> bool:
    """True when no Stripe key is configured: the tablet says "demo card payments"."""
    return not settings.STRIPE_SECRET_KEY


_gateways: dict[tuple, PaymentGateway] = {}


def get_gateway() -> PaymentGateway:
    """Return the Stripe gateway when STRIPE_SECRET_KEY is set, else the shared fake."""
    # Imported here: both implementations import this module's dataclasses.
    from pos.cards.fake_gateway import FakeGateway

    key = (
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_TEST_PAYMENT_METHOD,
    )
    if key not in _gateways:
        if settings.STRIPE_SECRET_KEY:
            from pos.cards.stripe_gateway import StripeGateway

            _gateways[key] = StripeGateway(
                api_key=settings.STRIPE_SECRET_KEY,
                api_base=settings.STRIPE_API_BASE,
                test_payment_method=settings.STRIPE_TEST_PAYMENT_METHOD,
            )
        else:
            _gateways[key] = FakeGateway()
    return _gateways[key]
