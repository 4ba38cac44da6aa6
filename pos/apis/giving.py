"""Giving at the till over the API: a donation line, a round-up, meal credits paid forward,
and paying with community credits (pos.services.giving holds the rules).

Each is idempotent by the tablet's UUID (`line_id` or `payment_id`) and by Idempotency-Key.
A community-credit payment answers like any other payment: nothing in it, on the tablet or on
the receipt, marks the guest as someone who was helped.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import IDEMPOTENCY_KEY, PosActionApi, errors
from pos.apis.checkout import PaymentApi
from pos.apis.fields import AmountField, CurrencyField
from pos.apis.outputs import LINE_RELATED, LineAnswerSerializer, tab_header
from pos.apis.permissions import FloorStaff
from pos.models import Payment, Tab, TabLine
from pos.services.giving import add_donation, add_meal_credits, pay_community_credit, round_up

PROGRAM_HELP = "A program's slug, or null for a gift to the venue's mission as a whole."


class _LineGivingApi(PosActionApi):
    """Answer with the line the service added (201), like adding any other line."""

    permission_classes = [FloorStaff]
    service = None

    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        line = type(self).service(
            tab_id=tab_id, **data, staff=principal.staff, device=principal.device
        )
        line = TabLine.objects.select_related(*LINE_RELATED).get(id=line.id)
        return Response(LineAnswerSerializer(line).data, status=201)


class DonationAddApi(_LineGivingApi):
    service = add_donation

    class InputSerializer(serializers.Serializer):
        line_id = serializers.UUIDField(help_text="The tablet's UUID for this line.")
        amount = AmountField()
        currency = CurrencyField()
        program = serializers.SlugField(allow_null=True, default=None, help_text=PROGRAM_HELP)

        def validate(self, data):
            data.pop("currency")
            return data

    @extend_schema(
        summary="Add a donation line (untaxed) for a program or unrestricted",
        request=InputSerializer,
        responses={201: LineAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return super().post(request, tab_id)


class RoundUpApi(_LineGivingApi):
    service = round_up

    class InputSerializer(serializers.Serializer):
        line_id = serializers.UUIDField(help_text="The tablet's UUID for this line.")
        program = serializers.SlugField(allow_null=True, default=None, help_text=PROGRAM_HELP)

    @extend_schema(
        summary="Round the check up to the next dollar with a donation",
        request=InputSerializer,
        responses={201: LineAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return super().post(request, tab_id)


class MealCreditsAddApi(_LineGivingApi):
    service = add_meal_credits

    class InputSerializer(serializers.Serializer):
        line_id = serializers.UUIDField(help_text="The tablet's UUID for this line.")
        units = serializers.IntegerField(min_value=1, max_value=99)

    @extend_schema(
        summary="Buy meal credits forward (units of the policy's meal credit)",
        request=InputSerializer,
        responses={201: LineAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return super().post(request, tab_id)


class CommunityCreditPaymentApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        payment_id = serializers.UUIDField(help_text="The tablet's UUID for this payment.")
        units = serializers.IntegerField(min_value=1, max_value=99)

    @extend_schema(
        summary="Pay with community credits (up to their value); it closes once paid",
        request=InputSerializer,
        responses={201: PaymentApi.OutputSerializer, **errors(400, 402, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        payment = pay_community_credit(
            tab_id=tab_id, **data, staff=principal.staff, device=principal.device
        )
        payment = Payment.objects.select_related("created_by").get(id=payment.id)
        tab = Tab.objects.select_related("opened_by").get(id=tab_id)
        body = {"payment": payment, "tab": tab_header(tab)}
        return Response(PaymentApi.OutputSerializer(body).data, status=201)
