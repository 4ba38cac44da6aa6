"""Deposits (cash, card hold, ID held; return, forfeit, spend on the check) and bookings.

Card holds call the gateway with no database lock held, so those views run their service
before storing the Idempotency-Key's answer (atomic = False, as card payments do); the
services are idempotent by the deposit's UUID either way.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos import clock
from pos.apis.base import (
    IDEMPOTENCY_KEY,
    ApprovalSerializer,
    NoInputSerializer,
    PosActionApi,
    errors,
    object_id,
)
from pos.apis.fields import AmountField, CurrencyField
from pos.apis.outputs import PaymentSerializer
from pos.apis.permissions import FloorStaff, FloorStaffWrites
from pos.rentals.apis.outputs import RentalBookingSerializer, RentalDepositSerializer
from pos.rentals.models import Booking, Deposit
from pos.rentals.services import bookings, deposits

ONE_SUBJECT = "Give a session_id or a booking_id"
AMOUNT_FOR_MONEY = "A cash deposit or a card hold has an amount; an ID held has none"
LIST_LIMIT = 200


class RentalDepositsApi(PosActionApi):
    permission_classes = [FloorStaffWrites]
    atomic = False  # a card hold commits around the gateway call

    class InputSerializer(serializers.Serializer):
        deposit_id = serializers.UUIDField(help_text="The tablet's UUID for this deposit.")
        kind = serializers.ChoiceField(choices=Deposit.Kind.choices)
        amount = AmountField(required=False)
        currency = CurrencyField()
        session_id = serializers.UUIDField(required=False)
        booking_id = serializers.UUIDField(required=False)

        def validate(self, data):
            if ("session_id" in data) == ("booking_id" in data):
                raise serializers.ValidationError(ONE_SUBJECT)
            if ("amount" in data) == (data["kind"] == Deposit.Kind.ID_HELD):
                raise serializers.ValidationError({"amount": AMOUNT_FOR_MONEY})
            data.pop("currency")
            return data

    @extend_schema(
        summary="Deposits still held (cash, card holds, IDs), oldest first",
        responses={200: RentalDepositSerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        held = Deposit.objects.filter(status=Deposit.Status.HELD).order_by("taken_at")
        return Response(RentalDepositSerializer(held[:LIST_LIMIT], many=True).data)

    @extend_schema(
        summary="Take a deposit for a session or a booking: cash, a card hold, or an ID held",
        request=InputSerializer,
        responses={201: RentalDepositSerializer, **errors(400, 402, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        return self.act(request)

    def perform(self, request: Request, data: dict) -> Response:
        service = {
            Deposit.Kind.CASH: deposits.take_cash_deposit,
            Deposit.Kind.CARD_HOLD: deposits.hold_card,
            Deposit.Kind.ID_HELD: deposits.hold_id,
        }[data.pop("kind")]
        deposit = service(**data, staff=request.auth.staff, device=request.auth.device)
        return Response(RentalDepositSerializer(deposit).data, status=201)


class RentalDepositReturnApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # a card hold is cancelled through the gateway
    InputSerializer = NoInputSerializer

    @extend_schema(
        summary="Give a deposit back: the cash not spent, a card hold cancelled, the ID",
        request=None,
        responses={200: RentalDepositSerializer, **errors(404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, deposit_id) -> Response:
        return self.act(request, deposit_id=deposit_id)

    def perform(self, request: Request, data: dict, deposit_id) -> Response:
        deposit = deposits.return_deposit(
            deposit_id=deposit_id, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalDepositSerializer(deposit).data)


class RentalDepositForfeitApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # a card hold is captured through the gateway

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=120)
        approval = ApprovalSerializer(required=False, help_text="A manager's PIN: required.")

    @extend_schema(
        summary="Keep a deposit (to other income); a card hold is captured before it expires",
        request=InputSerializer,
        responses={200: RentalDepositSerializer, **errors(400, 402, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, deposit_id) -> Response:
        return self.act(request, deposit_id=deposit_id)

    def perform(self, request: Request, data: dict, deposit_id) -> Response:
        deposit = deposits.forfeit_deposit(
            deposit_id=deposit_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalDepositSerializer(deposit).data)


class RentalDepositApplyApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        payment_id = serializers.UUIDField(help_text="The tablet's UUID for the payment.")

    @extend_schema(
        summary="Spend a party's cash deposit on its check, up to what is due",
        request=InputSerializer,
        responses={201: PaymentSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, deposit_id) -> Response:
        return self.act(request, deposit_id=deposit_id)

    def perform(self, request: Request, data: dict, deposit_id) -> Response:
        payment = deposits.apply_deposit(
            deposit_id=deposit_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return Response(PaymentSerializer(payment).data, status=201)


class RentalBookingsApi(PosActionApi):
    permission_classes = [FloorStaffWrites]

    class InputSerializer(serializers.Serializer):
        booking_id = serializers.UUIDField(help_text="The tablet's UUID for this booking.")
        name = serializers.CharField(max_length=60)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        resource_ids = serializers.ListField(child=object_id(), min_length=1, max_length=20)

        def validate(self, data):
            if data["ends_at"] <= data["starts_at"]:
                raise serializers.ValidationError({"ends_at": "Ends after it starts"})
            return data

    @extend_schema(
        summary=f"Bookings not over yet, soonest first (at most {LIST_LIMIT})",
        responses={200: RentalBookingSerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        upcoming = Booking.objects.filter(ends_at__gt=clock.now()).exclude(
            status=Booking.Status.CANCELLED
        )
        return Response(RentalBookingSerializer(upcoming[:LIST_LIMIT], many=True).data)

    @extend_schema(
        summary="Book resources for a party (409 booking_conflict if any is taken then)",
        request=InputSerializer,
        responses={201: RentalBookingSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        return self.act(request)

    def perform(self, request: Request, data: dict) -> Response:
        booking = bookings.create_booking(
            **data, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalBookingSerializer(booking).data, status=201)


class RentalBookingArriveApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        tab_client_id = serializers.UUIDField(help_text="The tablet's UUID for the party's tab.")

    @extend_schema(
        summary="The party arrived: its tab opens and its cash deposit is a credit on it",
        request=InputSerializer,
        responses={200: RentalBookingSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, booking_id) -> Response:
        return self.act(request, booking_id=booking_id)

    def perform(self, request: Request, data: dict, booking_id) -> Response:
        booking = bookings.arrive(
            booking_id=booking_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalBookingSerializer(booking).data)


class RentalBookingNoShowApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # forfeiting a card hold captures it through the gateway

    class InputSerializer(serializers.Serializer):
        approval = ApprovalSerializer(required=False, help_text="A manager's PIN: required.")

    @extend_schema(
        summary="The party never came: the slots are freed and the deposits kept",
        request=InputSerializer,
        responses={200: RentalBookingSerializer, **errors(400, 402, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, booking_id) -> Response:
        return self.act(request, booking_id=booking_id)

    def perform(self, request: Request, data: dict, booking_id) -> Response:
        booking = bookings.no_show(
            booking_id=booking_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalBookingSerializer(booking).data)


class RentalBookingCancelApi(PosActionApi):
    permission_classes = [FloorStaff]
    InputSerializer = NoInputSerializer

    @extend_schema(
        summary="Cancel a booking: the slots are freed, deposits stay held until returned",
        request=None,
        responses={200: RentalBookingSerializer, **errors(404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, booking_id) -> Response:
        return self.act(request, booking_id=booking_id)

    def perform(self, request: Request, data: dict, booking_id) -> Response:
        booking = bookings.cancel_booking(
            booking_id=booking_id, staff=request.auth.staff, device=request.auth.device
        )
        return Response(RentalBookingSerializer(booking).data)
