"""Cash drawers: open a shift on a counted float, cash movements, the blind close, reports.

- Counts are {denomination in cents: pieces}, e.g. {"2000": 5, "100": 20} for five $20 notes
  and twenty $1 notes (pos.services.drawers checks them).
- The close is blind: nothing here shows expected cash before the count. The session answer
  carries `expected`, `counted` and `variance` only once the session is closed.
- Reports (X of an open shift, Z of a closed one) are for managers, the treasurer and admins;
  an X report leaves expected cash out for anyone but a manager (pos.reports).
- The printable HTML report (`drawer_report_page`, /pos/drawers/sessions/<id>/report) accepts
  either the tablet's headers (device + staff token, for printing from the tablet) or a Django
  session login (a browser), and the same roles.
"""

import uuid

from django.http import HttpRequest, HttpResponse
from djmoney.money import Money
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import (
    IDEMPOTENCY_KEY,
    ApprovalSerializer,
    PosActionApi,
    PosApi,
    StaffRefSerializer,
    errors,
)
from pos.apis.fields import AmountField, CentsField, CurrencyField, CurrencyOutputField
from pos.apis.permissions import REPORT_ROLES, FloorStaff, ReportReader
from pos.authentication import StaffAuthentication
from pos.models import CashMovement, DrawerSession
from pos.report_views import drawer_report_html
from pos.reports import drawer_report
from pos.services.drawers import close_drawer, open_drawer, record_cash_movement

REPORT_REFUSED = "Drawer reports are for managers, the treasurer and admins"
COUNT_HELP = 'Pieces per denomination in cents, e.g. {"2000": 5, "100": 20}.'


class PiecesField(serializers.IntegerField):
    """A number of notes or coins: a JSON integer, not true, 1.0, "12" or Arabic-Indic digits."""

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


def count_field(**kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=PiecesField(min_value=0, max_value=9999), help_text=COUNT_HELP, **kwargs
    )


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    drawer_id = serializers.IntegerField()
    drawer = serializers.CharField(source="drawer.name")
    status = serializers.CharField()
    currency = CurrencyOutputField()
    opened_by = StaffRefSerializer()
    opened_at = serializers.DateTimeField()
    opening_float = CentsField()
    opening_count = serializers.DictField(child=serializers.IntegerField())
    closed_by = StaffRefSerializer(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_count = serializers.DictField(child=serializers.IntegerField())
    counted = CentsField(allow_null=True, help_text="Set at close.")
    expected = CentsField(allow_null=True, help_text="Set at close (a blind count).")
    variance = CentsField(allow_null=True, help_text="counted - expected, set at close.")
    variance_approved_by = StaffRefSerializer(allow_null=True)


def session_answer(session_id: uuid.UUID, status: int = 200) -> Response:
    session = DrawerSession.objects.select_related(
        "drawer", "opened_by", "closed_by", "variance_approved_by"
    ).get(id=session_id)
    return Response(SessionSerializer(session).data, status=status)


class DrawerOpenApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        session_id = serializers.UUIDField(help_text="The tablet's UUID for this shift.")
        count = count_field()

    @extend_schema(
        summary="Open a drawer's shift with a counted float from the safe",
        request=InputSerializer,
        responses={201: SessionSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, drawer_id: int) -> Response:
        return self.act(request, drawer_id=drawer_id)

    def perform(self, request: Request, data: dict, drawer_id: int) -> Response:
        session = open_drawer(
            drawer_id=drawer_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return session_answer(session.id, status=201)


class CashMovementApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        movement_id = serializers.UUIDField(help_text="The tablet's UUID for this movement.")
        kind = serializers.ChoiceField(choices=CashMovement.Kind.choices)
        amount = AmountField(allow_zero=True, required=False, help_text="None for a no-sale.")
        currency = CurrencyField()
        reason = serializers.CharField(max_length=120)
        account = serializers.CharField(
            max_length=255, allow_blank=True, default="", help_text="The other ledger account."
        )
        approval = ApprovalSerializer(
            required=False, help_text="A manager's PIN: paid-outs and no-sales need one."
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        session_id = serializers.UUIDField()
        kind = serializers.CharField()
        currency = CurrencyOutputField()
        amount = CentsField()
        reason = serializers.CharField()
        account = serializers.CharField()
        created_by = StaffRefSerializer()
        approved_by = StaffRefSerializer(allow_null=True)
        created_at = serializers.DateTimeField()

    @extend_schema(
        summary="Paid in, paid out, drop to the safe, or no sale",
        request=InputSerializer,
        responses={201: OutputSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, session_id: uuid.UUID) -> Response:
        return self.act(request, session_id=session_id)

    def perform(self, request: Request, data: dict, session_id: uuid.UUID) -> Response:
        data.setdefault("amount", Money(0, data["currency"]))
        data.pop("currency")
        movement = record_cash_movement(
            session_id=session_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        movement = CashMovement.objects.select_related("created_by", "approved_by").get(
            id=movement.id
        )
        return Response(self.OutputSerializer(movement).data, status=201)


class DrawerCloseApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        count = count_field()
        approval = ApprovalSerializer(
            required=False, help_text="A manager's PIN: a large variance needs one."
        )

    @extend_schema(
        summary="Close a shift on its blind count; answers expected cash and the variance",
        request=InputSerializer,
        responses={200: SessionSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, session_id: uuid.UUID) -> Response:
        return self.act(request, session_id=session_id)

    def perform(self, request: Request, data: dict, session_id: uuid.UUID) -> Response:
        close_drawer(
            session_id=session_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return session_answer(session_id)


class DrawerReportApi(PosApi):
    permission_classes = [ReportReader]

    @extend_schema(
        summary="X report of an open shift, Z report of a closed one",
        description='pos.reports.DrawerReport as JSON; money as strings like "12.34".',
        responses={200: OpenApiTypes.OBJECT, **errors(404)},
    )
    def get(self, request: Request, session_id: uuid.UUID) -> Response:
        blind = not request.auth.staff.is_manager
        return Response(drawer_report(session_id=session_id, blind=blind).as_json())


def drawer_report_page(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """The printable report, for the tablet's headers or a Django session (see the docstring)."""
    try:
        signed_in = StaffAuthentication().authenticate(request)
    except APIException as error:
        return HttpResponse(str(error.detail), status=401, content_type="text/plain")
    if signed_in is not None:
        request.user = signed_in[0]
    if request.user.is_authenticated:  # anyone else is refused by drawer_report_html
        staff = getattr(request.user, "staff", None)
        if staff is None or staff.role not in REPORT_ROLES:
            return HttpResponse(REPORT_REFUSED, status=403, content_type="text/plain")
    return drawer_report_html(request, session_id)
