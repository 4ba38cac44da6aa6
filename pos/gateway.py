"""The card gateway seam: what checkout needs from a card processor, and an in-memory fake.

The Stripe implementation (pos/cards/stripe_gateway.py, the only module that imports stripe)
comes with the card-payments issue; the demo and the tests use `FakeGateway`. Two flows:
`charge` authorizes and captures at once (counter sales); `authorize` places a hold that is
later `capture`d (up to the amount held plus any allowed overcapture, for a tip after payment)
or `cancel`led (bar-tab holds, rental deposits). Every call carries an
idempotency key derived from our own attempt or refund UUID and namespaced per operation, so a
retried request can never charge or refund twice.
"""

import threading
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class GatewayResult:
    status: str  # "captured", "authorized", "declined", "cancelled" or "refunded"
    reference: str
    message: str = ""


class PaymentGateway(Protocol):
    def charge(self, *, attempt_id: uuid.UUID, amount: int, currency: str) -> GatewayResult:
        """Authorize and capture amount (cents, tip included) for one payment attempt."""

    def authorize(self, *, attempt_id: uuid.UUID, amount: int, currency: str) -> GatewayResult:
        """Hold amount (cents) on the card without taking it: status "authorized" or "declined"."""

    def capture(self, *, attempt_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        """Take amount (cents) of a hold: "captured", or "declined" beyond what is allowed."""

    def cancel(self, *, attempt_id: uuid.UUID, reference: str) -> GatewayResult:
        """Release a hold that was not captured: status "cancelled"."""

    def refund(self, *, refund_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        """Refund amount (cents) of a captured charge."""


class FakeGateway:
    """Card processing in memory: idempotent by key, declines on demand (and on $13.13)."""

    DECLINED_AMOUNT = 1313
    OVERCAPTURE_PERCENT = 20  # how far past a hold a capture may go (a tip added afterwards)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, GatewayResult] = {}
        self.held: dict[str, int] = {}
        self.charged: dict[str, int] = {}
        self.refunded: dict[str, int] = {}
        self.decline_attempts: set[uuid.UUID] = set()
        self.calls = 0

    def charge(self, *, attempt_id: uuid.UUID, amount: int, currency: str) -> GatewayResult:
        key = f"pi-create:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                if attempt_id in self.decline_attempts or amount == self.DECLINED_AMOUNT:
                    self._results[key] = GatewayResult("declined", "", "Card declined")
                else:
                    reference = f"fake_pi_{attempt_id.hex[:16]}"
                    self.charged[reference] = amount
                    self._results[key] = GatewayResult("captured", reference)
            return self._results[key]

    def authorize(self, *, attempt_id: uuid.UUID, amount: int, currency: str) -> GatewayResult:
        key = f"pi-create:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                if attempt_id in self.decline_attempts or amount == self.DECLINED_AMOUNT:
                    self._results[key] = GatewayResult("declined", "", "Card declined")
                else:
                    reference = f"fake_pi_{attempt_id.hex[:16]}"
                    self.held[reference] = amount
                    self._results[key] = GatewayResult("authorized", reference)
            return self._results[key]

    def capture(self, *, attempt_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        key = f"capture:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                held = self.held.get(reference)
                allowed = None if held is None else held + held * self.OVERCAPTURE_PERCENT // 100
                if allowed is None or amount > allowed:
                    self._results[key] = GatewayResult("declined", "", "No hold for that amount")
                else:
                    del self.held[reference]
                    self.charged[reference] = amount
                    self._results[key] = GatewayResult("captured", reference)
            return self._results[key]

    def cancel(self, *, attempt_id: uuid.UUID, reference: str) -> GatewayResult:
        key = f"cancel:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                if self.held.pop(reference, None) is None:
                    self._results[key] = GatewayResult("declined", "", "No hold to cancel")
                else:
                    self._results[key] = GatewayResult("cancelled", reference)
            return self._results[key]

    def refund(self, *, refund_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        key = f"refund:{refund_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                already = self.refunded.get(reference, 0)
                if reference not in self.charged or already + amount > self.charged[reference]:
                    self._results[key] = GatewayResult("declined", "", "More than was charged")
                else:
                    self.refunded[reference] = already + amount
                    self._results[key] = GatewayResult("refunded", f"fake_re_{refund_id.hex[:16]}")
            return self._results[key]


_fake = FakeGateway()


def get_gateway() -> PaymentGateway:
    """Return the configured gateway (POS_PAYMENT_GATEWAY)."""
    if settings.POS_PAYMENT_GATEWAY == "fake":
        return _fake
    raise NotImplementedError(
        f"Payment gateway {settings.POS_PAYMENT_GATEWAY!r} is not installed; use 'fake'."
    )
