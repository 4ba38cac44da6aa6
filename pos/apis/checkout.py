"""Paying a tab: discounts and comps, cash and card payments, closing.

A payment applies `amount` to the check (a tip on top); the check closes, with its ledger
entry, when payments cover it. Cash needs the tablet's drawer open (409 drawer_error); cash
`tendered` defaults to the exact amount. A declined card answers 402 payment_declined and
leaves the check open. Payments are idempotent by `payment_id`; card payments run outside the
request's transaction (pos.idempotency, atomic=False) because the gateway is never called
while a database lock is held.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.money import format_cents
from pos.apis.base import (
    IDEMPOTENCY_KEY,
    ApprovalSerializer,
    NoInputSerializer,
    PosActionApi,
    errors,
)
from pos.apis.fields import ONE_CENT, AmountField, CurrencyField, CurrencyOutputField
from pos.apis.outputs import (
    AdjustmentAnswerSerializer,
    PaymentSerializer,
    TabHeaderSerializer,
    TabSerializer,
    describe_tab,
    tab_header,
)
from pos.apis.permissions import FloorStaff
from pos.models import Adjustment, Payment, Tab
from pos.models.payments import Tender
from pos.services.checkout import (
    DISCOUNT_SHAPE,
    add_adjustment,
    close_tab,
    pay_card,
    pay_cash,
    reopen_tab,
)

CASH_ONLY = "Only a cash payment has an amount tendered"


class AdjustmentAddApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        adjustment_id = serializers.UUIDField(help_text="The tablet's UUID for it.")
        kind = serializers.ChoiceField(choices=Adjustment.Kind.choices)
        line_id = serializers.UUIDField(
            allow_null=True, default=None, help_text="A line, or none for the whole check."
        )
        percent = serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=ONE_CENT, max_value=100, required=False
        )
        amount = AmountField(required=False)
        currency = CurrencyField()
        reason = serializers.CharField(max_length=60)
        approval = ApprovalSerializer(
            required=False, help_text="A manager's PIN: comps and big discounts need one."
        )

        def validate(self, data):
            if ("percent" in data) == ("amount" in data):
                raise serializers.ValidationError(DISCOUNT_SHAPE)
            data.pop("currency")
            return data

    @extend_schema(
        summary="Discount or comp a line or the whole check, with a reason code",
        request=InputSerializer,
        responses={201: AdjustmentAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        adjustment = add_adjustment(
            tab_id=tab_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        adjustment = Adjustment.objects.select_related("created_by", "approved_by").get(
            id=adjustment.id
        )
        return Response(AdjustmentAnswerSerializer(adjustment).data, status=201)


class PaymentApi(PosActionApi):
    permission_classes = [FloorStaff]
    atomic = False  # pay_card commits around the gateway call (see the module docstring)

    class InputSerializer(serializers.Serializer):
        payment_id = serializers.UUIDField(help_text="The tablet's UUID for this attempt.")
        tender = serializers.ChoiceField(choices=Tender.choices)
        amount = AmountField(help_text="Applied to the check, tip excluded.")
        tip = AmountField(allow_zero=True, required=False)
        tendered = AmountField(required=False, help_text="Cash handed over (cash only).")
        currency = CurrencyField()

        def validate(self, data):
            if "tendered" in data and data["tender"] != Tender.CASH:
                raise serializers.ValidationError({"tendered": CASH_ONLY})
            data.pop("currency")
            return data

    class OutputSerializer(serializers.Serializer):
        currency = CurrencyOutputField()
        payment = PaymentSerializer()
        tab = TabHeaderSerializer()

    @extend_schema(
        summary="Pay (part of) a check in cash or by card; it closes once paid",
        request=InputSerializer,
        responses={201: OutputSerializer, **errors(400, 402, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        if data.pop("tender") == Tender.CASH:
            tip = data.get("tip")
            exact = data["amount"] + tip if tip is not None else data["amount"]
            data["tendered"] = data.get("tendered", exact)
            payment = pay_cash(
                tab_id=tab_id, **data, staff=principal.staff, device=principal.device
            )
        else:
            payment = pay_card(
                tab_id=tab_id, **data, staff=principal.staff, device=principal.device
            )
        standing = getattr(payment, "standing", None)
        if standing is None:  # a payment replayed, or still on the card reader: read it all
            payment = Payment.objects.select_related("created_by").get(id=payment.id)
            tab = Tab.objects.select_related("opened_by").get(id=tab_id)
            header = tab_header(tab)
        else:  # the service left the check as it stands (see checkout.Standing)
            tab = payment.tab
            for row, field in ((payment, "created_by"), (tab, "opened_by")):
                if getattr(row, f"{field}_id") == principal.staff.id:
                    setattr(row, field, principal.staff)  # loaded by authentication already
            header = tab_header(tab, standing.figures, paid=standing.paid)
        return Response(payment_answer(payment, header), status=201)


# The paying answer is built by hand: DRF's serializers cost about as much as the rest of the
# request's Python (each renders by deep-copying its fields, then a call per value), and this
# answer closes most checks. It is exactly what PaymentApi.OutputSerializer renders, which the
# schema documents; tests/pos/api/test_statements.py holds the two equal.
_WHEN = serializers.DateTimeField()  # local time, ISO 8601, as every answer shows it


def payment_answer(payment: Payment, header: dict) -> dict:
    """PaymentApi's answer: the payment and the check's header (pos.apis.outputs.tab_header)."""
    figures = header["figures"]
    return {
        "currency": settings.DEFAULT_CURRENCY,
        "payment": {
            "id": str(payment.id),
            "tab_id": payment.tab_id,
            "tender": str(payment.tender),
            "status": str(payment.status),
            "amount": format_cents(payment.amount),
            "tip": format_cents(payment.tip),
            "tendered": format_cents(payment.tendered),
            "change": format_cents(payment.change),
            "created_by": _staff(payment.created_by),
            "device_id": payment.device_id,
            "created_at": _WHEN.to_representation(payment.created_at),
        },
        "tab": {
            "id": header["id"],
            "client_id": str(header["client_id"]),
            "name": header["name"],
            "table": header["table"],
            "status": str(header["status"]),
            "version": header["version"],
            "opened_by": _staff(header["opened_by"]),
            "device_id": header["device_id"],
            "opened_at": _WHEN.to_representation(header["opened_at"]),
            "age_checked": header["age_checked"],
            "merged_into_id": header["merged_into_id"],
            "closed_at": _WHEN.to_representation(header["closed_at"]),
            "business_date": header["business_date"] and header["business_date"].isoformat(),
            "currency": settings.DEFAULT_CURRENCY,
            "figures": {name: format_cents(cents) for name, cents in figures.items()},
        },
    }


def _staff(staff) -> dict:
    return {"id": staff.id, "display_name": staff.display_name, "role": staff.role}


class TabCloseApi(PosActionApi):
    permission_classes = [FloorStaff]
    InputSerializer = NoInputSerializer

    @extend_schema(
        summary="Close a check its payments cover (a fully comped one needs none)",
        request=None,
        responses={200: TabSerializer, **errors(404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        close_tab(tab_id=tab_id, staff=request.auth.staff, device=request.auth.device)
        return Response(TabSerializer(describe_tab(tab_id)).data)


class TabReopenApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=120)
        approval = ApprovalSerializer(help_text="A manager's PIN: reopening needs one.")

    @extend_schema(
        summary="Reopen a closed check (a manager approves; its sale entry is reversed)",
        request=InputSerializer,
        responses={200: TabSerializer, **errors(400, 403, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        reopen_tab(tab_id=tab_id, **data, staff=request.auth.staff, device=request.auth.device)
        return Response(TabSerializer(describe_tab(tab_id)).data)
