"""An in-memory card processor that behaves like Stripe where the point of sale can tell.

Used in demo mode (no STRIPE_SECRET_KEY) and by the tests. It keeps PaymentIntents, Terminal
readers, charges with their balance transactions (fee: 2.7% + 5 cents, Stripe Terminal's US
rate, rounded half-up), refunds, disputes and payouts, is idempotent by the same namespaced
keys as Stripe, and records the events Stripe would send (`events`), so tests can deliver
them to the webhook endpoint in any order, any number of times.

Without a reader a charge or hold succeeds at once (declines on demand and on $13.13); with a
reader it waits until a test calls `present_card`, `reader_timeout` or cancels it.
"""

import datetime
import threading
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from pos.gateway import (
    BalanceTxn,
    DisputeState,
    GatewayResult,
    PaymentState,
    PayoutState,
    ReaderState,
    RefundState,
    UnknownGatewayObjectError,
)

DECLINED = "Card declined"
TIMED_OUT = "The reader timed out waiting for a card"
HOLD_DAYS = 2  # card_present authorizations must be captured within two days


@dataclass
class _Intent:
    reference: str
    attempt_id: uuid.UUID
    amount: int
    currency: str
    manual: bool
    status: str = "requires_payment_method"
    tip: int = 0
    received: int = 0
    charge: str = ""
    txn: str = ""
    failure: str = ""
    capture_before: datetime.datetime | None = None
    reader: str = ""
    tipping: bool = False


@dataclass
class _Payout:
    reference: str
    amount: int
    status: str
    arrival_date: datetime.date
    txns: list[str] = field(default_factory=list)


class FakeGateway:
    """Card processing in memory: idempotent by key, declines on demand (and on $13.13)."""

    DECLINED_AMOUNT = 1313
    OVERCAPTURE_PERCENT = 20  # how far past a hold a capture may go (a tip added afterwards)
    FEE_BASIS_POINTS = 270
    FEE_FIXED = 5
    DISPUTE_FEE = 1500
    needs_reader = False  # without a reader the fake takes the card at once (the demo)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Every worker process of a server holds its own fake: what it numbers (balance
        # transactions, disputes, payouts, events) carries this instance's tag, so two workers
        # never name two things alike (the ledger keys card fees by balance transaction).
        self._tag = uuid.uuid4().hex[:8]
        self._results: dict[str, GatewayResult] = {}
        self._intents: dict[str, _Intent] = {}
        self._readers: dict[str, ReaderState] = {}
        self._refunds: dict[str, RefundState] = {}
        self._disputes: dict[str, DisputeState] = {}
        self._txns: dict[str, BalanceTxn] = {}
        self._paid_out: set[str] = set()
        self._payouts: dict[str, _Payout] = {}
        self.held: dict[str, int] = {}
        self.charged: dict[str, int] = {}
        self.refunded: dict[str, int] = {}
        self.decline_attempts: set[uuid.UUID] = set()
        # Attempts whose balance transaction is not known when they succeed (a lost webhook).
        self.late_fee_attempts: set[uuid.UUID] = set()
        # Refunds answer "pending" and settle later (settle_refund), as some cards do.
        self.pending_refunds = False
        self.events: list[dict] = []
        self.calls = 0

    @classmethod
    def fee_of(cls, amount: int) -> int:
        return (amount * cls.FEE_BASIS_POINTS + 5000) // 10000 + cls.FEE_FIXED

    # -- the protocol: money movements ---------------------------------------------------

    def charge(
        self,
        *,
        attempt_id: uuid.UUID,
        amount: int,
        currency: str,
        reader: str = "",
        on_reader_tipping: bool = False,
    ) -> GatewayResult:
        return self._create(attempt_id, amount, currency, reader, manual=False,
                            tipping=on_reader_tipping)  # fmt: skip

    def authorize(
        self, *, attempt_id: uuid.UUID, amount: int, currency: str, reader: str = ""
    ) -> GatewayResult:
        return self._create(attempt_id, amount, currency, reader, manual=True, tipping=False)

    def _create(self, attempt_id, amount, currency, reader, *, manual, tipping) -> GatewayResult:
        key = f"pi-create:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key in self._results:
                return self._results[key]
            reference = f"fake_pi_{attempt_id.hex[:16]}"
            intent = _Intent(reference, attempt_id, amount, currency, manual, reader=reader,
                             tipping=tipping)  # fmt: skip
            self._intents[reference] = intent
            if reader:
                self._readers[reader] = ReaderState(reader, "in_progress", reference)
                result = GatewayResult("processing", reference)
            elif attempt_id in self.decline_attempts or amount == self.DECLINED_AMOUNT:
                self._fail(intent, DECLINED)
                result = GatewayResult("declined", reference, DECLINED)
            elif manual:
                self._hold(intent)
                result = GatewayResult("authorized", reference)
            else:
                self._settle(intent, amount)
                result = GatewayResult(
                    "captured", reference, balance_transaction=self._answered_txn(intent)
                )
            self._results[key] = result
            return result

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
                    intent = self._intents[reference]
                    self._settle(intent, amount)
                    self._results[key] = GatewayResult(
                        "captured", reference, balance_transaction=self._answered_txn(intent)
                    )
            return self._results[key]

    def cancel(self, *, attempt_id: uuid.UUID, reference: str) -> GatewayResult:
        key = f"cancel:{attempt_id}"
        with self._lock:
            self.calls += 1
            if key not in self._results:
                intent = self._intents.get(reference)
                if intent is None or intent.status in ("succeeded", "canceled"):
                    self._results[key] = GatewayResult("declined", "", "Nothing to cancel")
                else:
                    self.held.pop(reference, None)
                    intent.status = "canceled"
                    self._emit("payment_intent.canceled", "payment_intent", reference)
                    self._results[key] = GatewayResult("cancelled", reference)
            return self._results[key]

    def cancel_reader_action(self, *, reader: str) -> None:
        with self._lock:
            self.calls += 1
            self._readers[reader] = ReaderState(reader, "")

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
                    refund = f"fake_re_{refund_id.hex[:16]}"
                    txn = self._add_txn("refund", refund, -amount, 0, reference)
                    status = "pending" if self.pending_refunds else "succeeded"
                    self._refunds[refund] = RefundState(
                        refund, refund_id, status, amount, reference, txn
                    )
                    self._emit("charge.refunded", "charge", self._intents[reference].charge)
                    answer = "pending" if self.pending_refunds else "refunded"
                    self._results[key] = GatewayResult(answer, refund)
            return self._results[key]

    # -- the protocol: reads -------------------------------------------------------------

    def payment(self, reference: str) -> PaymentState:
        intent = self._known(self._intents, reference)
        return PaymentState(
            reference=reference,
            attempt_id=intent.attempt_id,
            status=intent.status,
            amount=intent.amount,
            amount_capturable=self.held.get(reference, 0),
            amount_received=intent.received,
            tip=intent.tip,
            capture_before=intent.capture_before,
            charge=intent.charge,
            balance_transaction=self._txn_of(intent),
            failure_message=intent.failure,
        )

    @staticmethod
    def _known(objects: dict, reference: str):
        if reference not in objects:
            raise UnknownGatewayObjectError(f"No such object: {reference}")
        return objects[reference]

    def reader(self, reference: str) -> ReaderState:
        return self._readers.get(reference, ReaderState(reference, ""))

    def refund_state(self, reference: str) -> RefundState:
        return self._known(self._refunds, reference)

    def refunds_of_charge(self, charge: str) -> list[RefundState]:
        intents = {i.reference for i in self._intents.values() if i.charge == charge}
        return [r for r in self._refunds.values() if r.payment_intent in intents]

    def dispute(self, reference: str) -> DisputeState:
        return self._known(self._disputes, reference)

    def balance_transaction(self, reference: str) -> BalanceTxn:
        return self._known(self._txns, reference)

    def payout(self, reference: str) -> PayoutState:
        payout = self._known(self._payouts, reference)
        return PayoutState(
            reference, payout.status, payout.amount, "usd", payout.arrival_date,
            [self._txns[txn] for txn in payout.txns],
        )  # fmt: skip

    # -- what happens at the reader and at Stripe (tests and the demo drive these) ---------

    def present_card(self, reader: str, *, tip: int = 0, decline: bool = False) -> None:
        """The guest taps a card on the reader (choosing a tip there if it asks for one)."""
        with self._lock:
            intent = self._intents[self._readers[reader].payment_intent]
            if decline or intent.attempt_id in self.decline_attempts:
                self._readers[reader] = ReaderState(reader, "failed", intent.reference, DECLINED)
                self._emit("terminal.reader.action_failed", "terminal.reader", reader)
                self._fail(intent, DECLINED)
                return
            self._readers[reader] = ReaderState(reader, "succeeded", intent.reference)
            self._emit("terminal.reader.action_succeeded", "terminal.reader", reader)
            if intent.tipping:
                intent.tip = tip
                intent.amount += tip
            if intent.manual:
                self._hold(intent)
            else:
                self._settle(intent, intent.amount)

    def reader_timeout(self, reader: str) -> None:
        """Nobody tapped a card: the reader gives up; the PaymentIntent can be retried."""
        with self._lock:
            state = self._readers[reader]
            self._readers[reader] = ReaderState(reader, "failed", state.payment_intent, TIMED_OUT)
            self._emit("terminal.reader.action_failed", "terminal.reader", reader)

    def settle_refund(self, reference: str) -> None:
        """A pending refund goes through."""
        with self._lock:
            state = self._refunds[reference]
            self._refunds[reference] = RefundState(
                reference, state.refund_id, "succeeded", state.amount, state.payment_intent,
                state.balance_transaction,
            )  # fmt: skip
            self._emit("refund.updated", "refund", reference)

    def open_dispute(self, reference: str) -> str:
        """The cardholder disputes a charge: Stripe takes the amount and a dispute fee."""
        with self._lock:
            intent = self._intents[reference]
            dispute = f"fake_dp_{self._tag}_{len(self._disputes) + 1}"
            amount = intent.received
            txn = self._add_txn("adjustment", dispute, -amount, self.DISPUTE_FEE, reference)
            self._disputes[dispute] = DisputeState(
                dispute, reference, amount, self.DISPUTE_FEE, "needs_response", txn
            )
            self._emit("charge.dispute.created", "dispute", dispute)
            return dispute

    def create_payout(self, *, arrival_date: datetime.date, fail: bool = False) -> str:
        """Pay out everything not paid out yet (Stripe's automatic payout)."""
        with self._lock:
            txns = [ref for ref in self._txns if ref not in self._paid_out]
            amount = sum(self._txns[ref].net for ref in txns)
            reference = f"fake_po_{self._tag}_{len(self._payouts) + 1}"
            own = self._add_txn("payout", reference, -amount, 0)
            self._paid_out.update([*txns, own])
            status = "failed" if fail else "paid"
            self._payouts[reference] = _Payout(reference, amount, status, arrival_date,
                                               [*txns, own])  # fmt: skip
            self._emit(f"payout.{status}", "payout", reference)
            return reference

    # -- internals (called with the lock held) --------------------------------------------

    def _hold(self, intent: _Intent) -> None:
        intent.status = "requires_capture"
        intent.capture_before = timezone.now() + datetime.timedelta(days=HOLD_DAYS)
        self.held[intent.reference] = intent.amount
        self._emit("payment_intent.amount_capturable_updated", "payment_intent", intent.reference)

    def _settle(self, intent: _Intent, amount: int) -> None:
        intent.status, intent.received = "succeeded", amount
        intent.charge = f"fake_ch_{intent.attempt_id.hex[:16]}"
        intent.txn = self._add_txn(
            "charge", intent.charge, amount, self.fee_of(amount), intent.reference
        )
        self.charged[intent.reference] = amount
        self._emit("payment_intent.succeeded", "payment_intent", intent.reference)

    def _txn_of(self, intent: _Intent) -> str:
        """The charge's balance transaction as a read names it (none for a late fee)."""
        return "" if intent.attempt_id in self.late_fee_attempts else intent.txn

    def _answered_txn(self, intent: _Intent) -> BalanceTxn | None:
        """The charge's balance transaction as a charge or capture answer carries it."""
        reference = self._txn_of(intent)
        return self._txns[reference] if reference else None

    def _fail(self, intent: _Intent, message: str) -> None:
        intent.failure = message
        self._emit("payment_intent.payment_failed", "payment_intent", intent.reference)

    def _add_txn(self, kind: str, source: str, amount: int, fee: int, intent: str = "") -> str:
        reference = f"fake_txn_{self._tag}_{len(self._txns) + 1}"
        self._txns[reference] = BalanceTxn(
            reference, kind, source, amount, fee, amount - fee, "usd", intent
        )
        return reference

    def _emit(self, kind: str, object_type: str, object_id: str) -> None:
        self.events.append({
            "id": f"evt_fake_{self._tag}_{len(self.events) + 1}", "object": "event", "type": kind,
            "data": {"object": {"id": object_id, "object": object_type}},
        })  # fmt: skip
