"""Lines of a tab: add one (priced now, happy hour included) and void one.

Adding is idempotent by the tablet's `line_id`. An age-restricted item asks once per tab:
409 age_check_required until a line comes with "age_confirmed": true (who confirmed is
recorded; no ID data is kept). An 86'd item is 409 item_unavailable. Voiding a line that was
already sent to the bar or grill needs a manager's `approval` (403
manager_approval_required without one) and makes a cancel ticket.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import IDEMPOTENCY_KEY, ApprovalSerializer, PosActionApi, errors, object_id
from pos.apis.outputs import LINE_RELATED, LineAnswerSerializer
from pos.apis.permissions import FloorStaff
from pos.exceptions import NotFoundError
from pos.models import TabLine
from pos.services.tabs import LINE_NOT_FOUND, add_line, void_line


class LineAddApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        line_id = serializers.UUIDField(help_text="The tablet's UUID for this line.")
        item_id = object_id()
        quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)
        modifier_ids = serializers.ListField(child=object_id(), max_length=20, default=list)
        note = serializers.CharField(max_length=140, allow_blank=True, default="")
        age_confirmed = serializers.BooleanField(
            default=False, help_text="The guest's age was checked (asked once per tab)."
        )

    @extend_schema(
        summary="Add a line to a tab",
        request=InputSerializer,
        responses={201: LineAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        line = add_line(tab_id=tab_id, **data, staff=principal.staff, device=principal.device)
        return Response(LineAnswerSerializer(line).data, status=201)


class LineVoidApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=60)
        approval = ApprovalSerializer(
            required=False, help_text="A manager's PIN: needed once the line was sent."
        )

    @extend_schema(
        summary="Void a line, with a reason",
        request=InputSerializer,
        responses={200: LineAnswerSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, line_id) -> Response:
        return self.act(request, line_id=line_id)

    def perform(self, request: Request, data: dict, line_id) -> Response:
        line = TabLine.objects.filter(id=line_id).first()
        if line is None:
            raise NotFoundError(LINE_NOT_FOUND.format(line=line_id))
        void_line(line_id=line_id, **data, staff=request.auth.staff, device=request.auth.device)
        voided = TabLine.objects.select_related(*LINE_RELATED).get(id=line_id)
        return Response(LineAnswerSerializer(voided).data)
