"""Refunds against a closed check: chosen lines and quantities, to the original tender.

A manager approves every refund (`approval`, checked by the service). Card refunds go through
the gateway without a database lock held, in durable transactions of their own, so this view
runs outside the request's transaction (pos.idempotency, atomic=False); `refund_id` makes the
refund itself happen once.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import (
    IDEMPOTENCY_KEY,
    ApprovalSerializer,
    PosActionApi,
    StaffRefSerializer,
    errors,
)
from pos.apis.fields import CentsField, CurrencyOutputField
from pos.apis.permissions import FloorStaff
from pos.models import Refund
from pos.models.payments import Tender
from pos.services.refunds import refund_lines

MAX_LINES = 200
LINE_TWICE = "Name each line once, with the quantity to refund"


class RefundLineInputSerializer(serializers.Serializer):
    line_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=99)


class RefundLineOutputSerializer(serializers.Serializer):
    line_id = serializers.UUIDField()
    quantity = serializers.IntegerField()
    amount = CentsField(help_text="Refunded before tax.")
    tax = CentsField()


class RefundApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # refund_lines commits around the gateway call

    class InputSerializer(serializers.Serializer):
        refund_id = serializers.UUIDField(help_text="The tablet's UUID for this refund.")
        lines = RefundLineInputSerializer(many=True, min_length=1, max_length=MAX_LINES)
        reason = serializers.CharField(max_length=60)
        tender = serializers.ChoiceField(
            choices=Tender.choices,
            allow_null=True,
            default=None,
            help_text="Needed only when the check was paid by both cash and card.",
        )
        approval = ApprovalSerializer(help_text="A manager's PIN: every refund needs one.")

        def validate_lines(self, lines: list[dict]) -> list[dict]:
            # refund_lines checks each entry against what is left, not against its twins.
            if len({line["line_id"] for line in lines}) != len(lines):
                raise serializers.ValidationError(LINE_TWICE)
            return lines

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        tab_id = serializers.IntegerField()
        status = serializers.CharField()
        tender = serializers.CharField()
        currency = CurrencyOutputField()
        subtotal = CentsField()
        tax = CentsField()
        total = CentsField()
        reason = serializers.CharField()
        lines = RefundLineOutputSerializer(many=True)
        created_by = StaffRefSerializer()
        approved_by = StaffRefSerializer()
        device_id = serializers.IntegerField()
        created_at = serializers.DateTimeField()
        business_date = serializers.DateField()

    @extend_schema(
        summary="Refund lines of a closed check (a manager approves)",
        request=InputSerializer,
        responses={201: OutputSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        data["lines"] = [(line["line_id"], line["quantity"]) for line in data["lines"]]
        refund = refund_lines(tab_id=tab_id, **data, staff=principal.staff, device=principal.device)
        refund = (
            Refund.objects.select_related("created_by", "approved_by")
            .prefetch_related("lines")
            .get(id=refund.id)
        )
        return Response(self.OutputSerializer(refund).data, status=201)
