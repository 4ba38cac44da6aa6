"""The tablet's card API (JSON, signed-in staff on a registered tablet, like /api/v1/).

- GET  /cards/attempts/<id>: what the tablet shows while a card is taken: waiting on the
  reader, held, paid, failed or cancelled, with the reason (a decline, a reader that timed
  out), the reader's name, the capture deadline of a hold, and whether cards are in demo mode.
- POST /cards/tabs/<id>/holds {hold_id, amount}: hold an amount on the guest's card (a bar tab,
  or the check's total for a tip added afterwards).
- POST /cards/holds/<id>/capture {payment_id, amount, tip}: pay the check from the hold, the
  tip included (up to the overcapture the processor allows).
- POST /cards/attempts/<id>/cancel: stop the reader, or release a hold.

POSTs are idempotent like the rest of the API (Idempotency-Key; the UUIDs in the body). They
run outside the request's transaction (`atomic = False`): the gateway is never called while a
database lock is held.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import IDEMPOTENCY_KEY, NoInputSerializer, PosActionApi, PosApi, errors
from pos.apis.fields import AmountField, CurrencyField
from pos.apis.outputs import PaymentSerializer
from pos.apis.permissions import FloorStaff
from pos.cards.models import CardAttempt
from pos.cards.terminal import cancel_attempt, hold_card
from pos.exceptions import NotFoundError
from pos.gateway import card_payments_are_demo
from pos.models import Payment
from pos.services.checkout import pay_card


class CardAttemptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    tab_id = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Cents asked of the card.")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    reason = serializers.CharField()
    reader = serializers.CharField(source="reader.label", default="")
    capture_before = serializers.DateTimeField(allow_null=True)
    demo = serializers.SerializerMethodField()

    def get_demo(self, _attempt) -> bool:
        return card_payments_are_demo()


def attempt_answer(attempt_id, status: int = 200) -> Response:
    attempt = CardAttempt.objects.select_related("reader").filter(id=attempt_id).first()
    if attempt is None:
        raise NotFoundError(f"There is no card attempt {attempt_id}")
    return Response(CardAttemptSerializer(attempt).data, status=status)


class CardAttemptApi(PosApi):
    permission_classes = [FloorStaff]

    @extend_schema(summary="A card attempt's state, for the tablet",
                   responses={200: CardAttemptSerializer, **errors(404)})  # fmt: skip
    def get(self, request: Request, attempt_id) -> Response:
        return attempt_answer(attempt_id)


class HoldApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # hold_card calls the gateway between its own transactions

    class InputSerializer(serializers.Serializer):
        hold_id = serializers.UUIDField(help_text="The tablet's UUID for this hold.")
        amount = AmountField()
        currency = CurrencyField()

        def validate(self, data):
            data.pop("currency")
            return data

    @extend_schema(summary="Hold an amount on the guest's card for this check",
                   request=InputSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: CardAttemptSerializer, **errors(400, 404, 409)})  # fmt: skip
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        hold = hold_card(tab_id=tab_id, **data, staff=principal.staff, device=principal.device)
        return attempt_answer(hold.id, status=201)


class HoldCaptureApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False

    class InputSerializer(serializers.Serializer):
        payment_id = serializers.UUIDField(help_text="The tablet's UUID for this payment.")
        amount = AmountField(help_text="Applied to the check, tip excluded.")
        tip = AmountField(allow_zero=True, required=False)
        currency = CurrencyField()

        def validate(self, data):
            data.pop("currency")
            return data

    @extend_schema(summary="Pay the check from a hold, the tip included",
                   request=InputSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: PaymentSerializer, **errors(400, 402, 404, 409)})  # fmt: skip
    def post(self, request: Request, hold_id) -> Response:
        return self.act(request, hold_id=hold_id)

    def perform(self, request: Request, data: dict, hold_id) -> Response:
        hold = CardAttempt.objects.filter(id=hold_id, kind=CardAttempt.Kind.HOLD).first()
        if hold is None:
            raise NotFoundError(f"There is no hold {hold_id}")
        principal = request.auth
        payment = pay_card(tab_id=hold.tab_id, **data, hold_id=hold.id, staff=principal.staff,
                           device=principal.device)  # fmt: skip
        payment = Payment.objects.select_related("created_by").get(id=payment.id)
        return Response(PaymentSerializer(payment).data, status=201)


class AttemptCancelApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False
    InputSerializer = NoInputSerializer

    @extend_schema(summary="Stop the reader, or release a hold", request=None,
                   parameters=[IDEMPOTENCY_KEY],
                   responses={200: CardAttemptSerializer, **errors(404, 409)})  # fmt: skip
    def post(self, request: Request, attempt_id) -> Response:
        return self.act(request, attempt_id=attempt_id)

    def perform(self, request: Request, data: dict, attempt_id) -> Response:
        principal = request.auth
        attempt = cancel_attempt(attempt_id=attempt_id, staff=principal.staff,
                                 device=principal.device)  # fmt: skip
        return attempt_answer(attempt.id)
