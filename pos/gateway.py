"""The card gateway seam: what checkout needs from a card processor, and an in-memory fake.

The Stripe implementation (pos/payments.py, the only module that imports stripe) comes with
the card-payments issue; the demo and the tests use `FakeGateway`. Every call carries an
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

    def refund(self, *, refund_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        """Refund amount (cents) of a captured charge."""


class FakeGateway:
    """Card processing in memory: idempotent by key, declines on demand (and on $13.13)."""

    DECLINED_AMOUNT = 1313

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, GatewayResult] = {}
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
