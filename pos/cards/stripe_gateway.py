"""The PaymentGateway on Stripe (stripe-python 16): the only module that imports stripe.

Stripe Terminal, server-driven: a `card_present` PaymentIntent is created (automatic capture
for counter sales, manual for holds) and handed to the reader with `process_payment_intent`;
`cancel_action` stops it. The outcome arrives as a webhook, so these calls answer
"processing". A tip written on the receipt is taken by capturing more than was held
(`amount_to_capture`: Stripe's on-receipt tipping, US, within its overcapture limit). In test
mode without a reader (STRIPE_TEST_PAYMENT_METHOD, e.g. `pm_card_visa` against localstripe)
the PaymentIntent is confirmed online instead.

Every call that creates or moves money carries an idempotency key from our own UUIDs,
namespaced per endpoint: `pi-create:<attempt>`, `process:<attempt>`, `capture:<attempt>`,
`cancel:<attempt>`, `refund:<refund>` (never the check and the amount: two partial refunds can
share an amount). A declined card is an answer ("declined" with Stripe's message); a network or
API failure raises GatewayUnavailableError, and the caller's retry with the same UUID is safe.

Reads return the plain dataclasses of pos.gateway; no Stripe object leaves this module.
`verify_webhook` checks a webhook's signature with `stripe.Webhook.construct_event`.
"""

import datetime
import uuid
from dataclasses import dataclass, replace

import stripe

from pos.exceptions import PaymentError, PosError
from pos.gateway import (
    BalanceTxn,
    DisputeState,
    GatewayResult,
    GatewayUnavailableError,
    PaymentState,
    PayoutState,
    ReaderState,
    RefundState,
    UnknownGatewayObjectError,
)

CAPTURE_REFUSED = "Stripe refused the capture: {message}"
READER_REFUSED = "The card reader refused the payment: {message}"
NEEDS_READER = "A card payment with Stripe needs a Terminal reader; none was given"
UNAVAILABLE = "Stripe could not be reached or refused the request: {message}"
# What a confirm or capture answer expands: the PaymentIntent's latest charge and that charge's
# balance transaction, so that the fee is known from the answer, without a second request.
ANSWER_EXPANDS = "latest_charge.balance_transaction"


class InvalidWebhookError(PosError):
    code = "invalid_webhook"
    http_status = 400


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object_id: str


def verify_webhook(*, payload: bytes, signature: str, secret: str) -> WebhookEvent:
    """Check a webhook's Stripe-Signature and read its event. Raise InvalidWebhookError."""
    if not secret:
        raise InvalidWebhookError("STRIPE_WEBHOOK_SECRET is not configured")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
        return WebhookEvent(event.id, event.type, event.data.object["id"])
    except (ValueError, KeyError, AttributeError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhookError(f"Invalid webhook: {error}") from error


def _get(obj, *path, default=None):
    """Read obj.a.b…, None-safe (Stripe objects are not dicts: no .get)."""
    for name in path:
        if obj is None or isinstance(obj, str):
            return default
        obj = getattr(obj, name, None)
    return default if obj is None else obj


def _id(value) -> str:
    """An expandable field's id, expanded or not."""
    return value if isinstance(value, str) else _get(value, "id", default="")


def _attempt_id(metadata, key: str) -> uuid.UUID | None:
    value = _get(metadata, key)
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _txn(txn) -> BalanceTxn:
    source = _get(txn, "source")
    intent = _id(_get(source, "payment_intent")) if not isinstance(source, str) else ""
    if not intent and _get(source, "object") == "dispute":
        intent = _id(_get(source, "payment_intent"))
    return BalanceTxn(
        reference=txn.id, type=txn.type, source=_id(source) or "", amount=txn.amount,
        fee=txn.fee, net=txn.net, currency=txn.currency, payment_intent=intent,
    )  # fmt: skip


class StripeGateway:
    def __init__(self, *, api_key: str, api_base: str, test_payment_method: str = "") -> None:
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base}, max_network_retries=2
        )
        self.test_payment_method = test_payment_method
        self.needs_reader = not test_payment_method

    # -- money movements -------------------------------------------------------------------

    def charge(
        self,
        *,
        attempt_id: uuid.UUID,
        amount: int,
        currency: str,
        reader: str = "",
        on_reader_tipping: bool = False,
    ) -> GatewayResult:
        return self._create(attempt_id, amount, currency, reader, "automatic", on_reader_tipping)

    def authorize(
        self, *, attempt_id: uuid.UUID, amount: int, currency: str, reader: str = ""
    ) -> GatewayResult:
        return self._create(attempt_id, amount, currency, reader, "manual", False)

    def _create(self, attempt_id, amount, currency, reader, capture_method, tipping):
        params = {
            "amount": amount, "currency": currency.lower(), "capture_method": capture_method,
            "metadata": {"attempt_id": str(attempt_id)},
        }  # fmt: skip
        if reader:
            params["payment_method_types"] = ["card_present"]
        elif self.test_payment_method:
            params["payment_method"] = self.test_payment_method
        else:
            raise PaymentError(NEEDS_READER)
        try:
            intent = self.client.v1.payment_intents.create(
                params, {"idempotency_key": f"pi-create:{attempt_id}"}
            )
            if reader:
                return self._process(attempt_id, intent.id, reader, amount, tipping)
            if intent.status == "requires_confirmation":
                intent = self.client.v1.payment_intents.confirm(
                    intent.id, {"expand": [ANSWER_EXPANDS]},
                    {"idempotency_key": f"confirm:{attempt_id}"},
                )  # fmt: skip
        except stripe.CardError as error:
            intent_id = _id(_get(error, "error", "payment_intent")) or ""
            return GatewayResult("declined", intent_id, error.user_message or str(error))
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error
        return self._result(intent)

    def _process(self, attempt_id, intent_id, reader, amount, tipping) -> GatewayResult:
        """Hand the PaymentIntent to the reader; a reader that is offline or busy refuses it."""
        config = {"tipping": {"amount_eligible": amount}} if tipping else {}
        try:
            self.client.v1.terminal.readers.process_payment_intent(
                reader,
                {"payment_intent": intent_id,
                 "process_config": {"skip_tipping": not tipping, **config}},
                {"idempotency_key": f"process:{attempt_id}"},
            )  # fmt: skip
        except stripe.InvalidRequestError as error:
            # Cancelled so that no later tap can take money for a payment reported failed.
            self.client.v1.payment_intents.cancel(
                intent_id, {}, {"idempotency_key": f"cancel:{attempt_id}"}
            )
            return GatewayResult("declined", intent_id, READER_REFUSED.format(message=error))
        return GatewayResult("processing", intent_id)

    @staticmethod
    def _result(intent) -> GatewayResult:
        status = {
            "succeeded": "captured", "requires_capture": "authorized", "canceled": "cancelled",
            "requires_payment_method": "declined",
        }.get(intent.status, "processing")  # fmt: skip
        message = _get(intent, "last_payment_error", "message", default="")
        # Confirm and capture expand the latest charge's balance transaction (ANSWER_EXPANDS).
        charge = _get(intent, "latest_charge")
        txn = _get(charge, "balance_transaction")
        answered = None
        if txn is not None and not isinstance(txn, str):
            answered = replace(_txn(txn), source=_id(charge), payment_intent=intent.id)
        return GatewayResult(status, intent.id, message, balance_transaction=answered)

    def capture(self, *, attempt_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        try:
            intent = self.client.v1.payment_intents.capture(
                reference, {"amount_to_capture": amount, "expand": [ANSWER_EXPANDS]},
                {"idempotency_key": f"capture:{attempt_id}"},
            )  # fmt: skip
        except (stripe.InvalidRequestError, stripe.CardError) as error:
            return GatewayResult("declined", "", CAPTURE_REFUSED.format(message=error.user_message))
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error
        return self._result(intent)

    def cancel(self, *, attempt_id: uuid.UUID, reference: str) -> GatewayResult:
        try:
            intent = self.client.v1.payment_intents.cancel(
                reference, {}, {"idempotency_key": f"cancel:{attempt_id}"}
            )
        except stripe.InvalidRequestError as error:
            return GatewayResult("declined", "", error.user_message or str(error))
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error
        return self._result(intent)

    def cancel_reader_action(self, *, reader: str) -> None:
        try:
            self.client.v1.terminal.readers.cancel_action(reader)
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error

    def refund(self, *, refund_id: uuid.UUID, reference: str, amount: int) -> GatewayResult:
        try:
            refund = self.client.v1.refunds.create(
                {"payment_intent": reference, "amount": amount,
                 "metadata": {"refund_id": str(refund_id)}},
                {"idempotency_key": f"refund:{refund_id}"},
            )  # fmt: skip
        except stripe.InvalidRequestError as error:
            return GatewayResult("declined", "", error.user_message or str(error))
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error
        status = {"succeeded": "refunded", "pending": "pending"}.get(refund.status, "declined")
        return GatewayResult(status, refund.id, _get(refund, "failure_reason", default=""))

    # -- reads -------------------------------------------------------------------------------

    def _call(self, function, *args):
        try:
            return function(*args)
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                raise UnknownGatewayObjectError(str(error)) from error
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error
        except stripe.StripeError as error:
            raise GatewayUnavailableError(UNAVAILABLE.format(message=error)) from error

    def payment(self, reference: str) -> PaymentState:
        intent = self._call(self.client.v1.payment_intents.retrieve, reference,
                            {"expand": ["latest_charge"]})  # fmt: skip
        charge = _get(intent, "latest_charge")
        deadline = _get(charge, "payment_method_details", "card_present", "capture_before")
        return PaymentState(
            reference=intent.id,
            attempt_id=_attempt_id(_get(intent, "metadata"), "attempt_id"),
            status=intent.status,
            amount=intent.amount,
            amount_capturable=_get(intent, "amount_capturable", default=0),
            amount_received=_get(intent, "amount_received", default=0),
            tip=_get(intent, "amount_details", "tip", "amount", default=0),
            capture_before=(
                datetime.datetime.fromtimestamp(deadline, tz=datetime.UTC) if deadline else None
            ),
            charge=_id(charge),
            balance_transaction=_id(_get(charge, "balance_transaction")) or "",
            failure_message=_get(intent, "last_payment_error", "message", default=""),
        )

    def reader(self, reference: str) -> ReaderState:
        reader = self._call(self.client.v1.terminal.readers.retrieve, reference)
        action = _get(reader, "action")
        return ReaderState(
            reference=reader.id,
            action_status=_get(action, "status", default=""),
            payment_intent=_id(_get(action, "process_payment_intent", "payment_intent")),
            failure_message=_get(action, "failure_message", default=""),
        )

    def _refund(self, refund) -> RefundState:
        return RefundState(
            reference=refund.id, refund_id=_attempt_id(_get(refund, "metadata"), "refund_id"),
            status=refund.status, amount=refund.amount,
            payment_intent=_id(_get(refund, "payment_intent")),
            balance_transaction=_id(_get(refund, "balance_transaction")),
        )  # fmt: skip

    def refund_state(self, reference: str) -> RefundState:
        return self._refund(self._call(self.client.v1.refunds.retrieve, reference))

    def refunds_of_charge(self, charge: str) -> list[RefundState]:
        page = self._call(self.client.v1.refunds.list, {"charge": charge, "limit": 100})
        return [self._refund(refund) for refund in page.auto_paging_iter()]

    def dispute(self, reference: str) -> DisputeState:
        dispute = self._call(self.client.v1.disputes.retrieve, reference)
        txns = _get(dispute, "balance_transactions", default=[])
        return DisputeState(
            reference=dispute.id, payment_intent=_id(_get(dispute, "payment_intent")),
            amount=dispute.amount, fee=sum(txn.fee for txn in txns), status=dispute.status,
            balance_transaction=txns[0].id if txns else "",
        )  # fmt: skip

    def balance_transaction(self, reference: str) -> BalanceTxn:
        return _txn(self._call(self.client.v1.balance_transactions.retrieve, reference,
                               {"expand": ["source"]}))  # fmt: skip

    def payout(self, reference: str) -> PayoutState:
        payout = self._call(self.client.v1.payouts.retrieve, reference)
        page = self._call(
            self.client.v1.balance_transactions.list,
            {"payout": reference, "expand": ["data.source"], "limit": 100},
        )
        return PayoutState(
            reference=payout.id, status=payout.status, amount=payout.amount,
            currency=payout.currency,
            arrival_date=datetime.datetime.fromtimestamp(payout.arrival_date, tz=datetime.UTC)
            .date(),
            transactions=[_txn(txn) for txn in page.auto_paging_iter()],
        )  # fmt: skip
