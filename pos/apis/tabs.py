"""Tabs: list, open, read, rename, send to the bar and grill, transfer, merge, split.

Every write is a POST with the tablet's UUIDs (client_id, new_client_id) and an optional
Idempotency-Key (pos.apis.base). A rename carries the `version` the tablet saw: 409
stale_version when another tablet changed the tab since.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import (
    IDEMPOTENCY_KEY,
    NoInputSerializer,
    PosActionApi,
    PosApi,
    errors,
    object_id,
)
from pos.apis.fields import CentsField, CurrencyOutputField
from pos.apis.outputs import (
    TabHeaderSerializer,
    TabSerializer,
    TicketSerializer,
    describe_tab,
    tab_header,
    ticket_queryset,
)
from pos.apis.permissions import AnyStaff, FloorStaff, FloorStaffWrites
from pos.exceptions import NotFoundError
from pos.models import Station, Tab, TabLine
from pos.pricing import split_evenly
from pos.selectors import balance_due
from pos.services.tabs import (
    TAB_NOT_FOUND,
    merge_tabs,
    open_tab,
    rename_tab,
    send_to_preparation,
    split_by_lines,
    transfer_lines,
)

LIST_LIMIT = 200
MAX_LINES = 200
LINES_NOT_ON_TAB = "Some of those lines are not on check {tab}"


class TabsApi(PosActionApi):
    permission_classes = [FloorStaffWrites]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Tab.Status.choices, default=Tab.Status.OPEN)

    class InputSerializer(serializers.Serializer):
        client_id = serializers.UUIDField(help_text="The tablet's UUID for this tab.")
        name = serializers.CharField(max_length=60, allow_blank=True, default="")
        table = serializers.CharField(max_length=20, allow_blank=True, default="")

    @extend_schema(
        summary=f"Tabs by status, newest first (at most {LIST_LIMIT})",
        parameters=[FilterSerializer],
        responses={200: TabHeaderSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tabs = Tab.objects.filter(**query.validated_data).select_related("opened_by")
        headers = [tab_header(tab) for tab in tabs[:LIST_LIMIT]]
        return Response(TabHeaderSerializer(headers, many=True).data)

    @extend_schema(
        summary="Open a tab by name, table or both",
        request=InputSerializer,
        responses={201: TabSerializer, **errors(400, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        return self.act(request)

    def perform(self, request: Request, data: dict) -> Response:
        tab = open_tab(**data, staff=request.auth.staff, device=request.auth.device)
        return Response(TabSerializer(describe_tab(tab.id)).data, status=201)


class TabDetailApi(PosApi):
    permission_classes = [AnyStaff]

    @extend_schema(summary="A tab with its lines, adjustments, payments and figures",
                   responses={200: TabSerializer, **errors(404)})  # fmt: skip
    def get(self, request: Request, tab_id: int) -> Response:
        return Response(TabSerializer(describe_tab(tab_id)).data)


class TabRenameApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        name = serializers.CharField(max_length=60, allow_blank=True, default="")
        table = serializers.CharField(max_length=20, allow_blank=True, default="")

    @extend_schema(
        summary="Rename a tab or move it to another table (409 stale_version if changed since)",
        request=InputSerializer,
        responses={200: TabSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        rename_tab(tab_id=tab_id, **data, staff=request.auth.staff, device=request.auth.device)
        return Response(TabSerializer(describe_tab(tab_id)).data)


class TabSendApi(PosActionApi):
    permission_classes = [FloorStaff]

    InputSerializer = NoInputSerializer

    class OutputSerializer(serializers.Serializer):
        tickets = TicketSerializer(many=True)

    @extend_schema(
        summary="Send the unsent lines to the bar and the grill: one ticket per station",
        request=None,
        responses={200: OutputSerializer, **errors(404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        tickets = send_to_preparation(
            tab_id=tab_id, staff=request.auth.staff, device=request.auth.device
        )
        sent = ticket_queryset().filter(id__in=[ticket.id for ticket in tickets])
        return Response(self.OutputSerializer({"tickets": sent}).data)


class TicketListApi(PosApi):
    permission_classes = [AnyStaff]

    class FilterSerializer(serializers.Serializer):
        station = serializers.ChoiceField(choices=[Station.BAR, Station.GRILL], required=False)
        open = serializers.BooleanField(default=False, help_text="Only tickets not done yet.")

    @extend_schema(
        summary=f"Preparation tickets, oldest first (the latest {LIST_LIMIT})",
        parameters=[FilterSerializer],
        responses={200: TicketSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tickets = ticket_queryset().order_by("-created_at", "-id")
        if "station" in query.validated_data:
            tickets = tickets.filter(station=query.validated_data["station"])
        if query.validated_data["open"]:
            tickets = tickets.filter(done_at__isnull=True)
        latest = list(tickets[:LIST_LIMIT])[::-1]
        return Response(TicketSerializer(latest, many=True).data)


class TabTransferApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        line_ids = serializers.ListField(
            child=serializers.UUIDField(), min_length=1, max_length=MAX_LINES
        )
        to_tab_id = object_id()

    @extend_schema(
        summary="Move lines of this tab to another open tab; answers the other tab",
        request=InputSerializer,
        responses={200: TabSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        line_ids, to_tab_id = data["line_ids"], data["to_tab_id"]
        # The lines must be on this tab (or, for a retry, on the other one already).
        found = TabLine.objects.filter(id__in=line_ids, tab_id__in=[tab_id, to_tab_id]).count()
        if found != len(set(line_ids)):
            raise NotFoundError(LINES_NOT_ON_TAB.format(tab=tab_id))
        transfer_lines(
            line_ids=line_ids,
            to_tab_id=to_tab_id,
            staff=request.auth.staff,
            device=request.auth.device,
        )
        return Response(TabSerializer(describe_tab(to_tab_id)).data)


class TabMergeApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        into_tab_id = object_id()

    @extend_schema(
        summary="Merge this tab into another; this one ends voided; answers the other tab",
        request=InputSerializer,
        responses={200: TabSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        target = merge_tabs(
            source_id=tab_id,
            target_id=data["into_tab_id"],
            staff=request.auth.staff,
            device=request.auth.device,
        )
        return Response(TabSerializer(describe_tab(target.id)).data)


class TabSplitApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        new_client_id = serializers.UUIDField(help_text="The tablet's UUID for the new tab.")
        line_ids = serializers.ListField(
            child=serializers.UUIDField(), min_length=1, max_length=MAX_LINES
        )
        name = serializers.CharField(max_length=60, allow_blank=True, default="")
        table = serializers.CharField(max_length=20, allow_blank=True, default="")

    @extend_schema(
        summary="Split lines off into a new tab (same name and table unless given)",
        request=InputSerializer,
        responses={201: TabSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, tab_id: int) -> Response:
        return self.act(request, tab_id=tab_id)

    def perform(self, request: Request, data: dict, tab_id: int) -> Response:
        principal = request.auth
        new_tab = split_by_lines(
            tab_id=tab_id, **data, staff=principal.staff, device=principal.device
        )
        return Response(TabSerializer(describe_tab(new_tab.id)).data, status=201)


class EvenSplitApi(PosApi):
    permission_classes = [AnyStaff]

    class FilterSerializer(serializers.Serializer):
        parts = serializers.IntegerField(min_value=1, max_value=50)

    class OutputSerializer(serializers.Serializer):
        tab_id = serializers.IntegerField()
        currency = CurrencyOutputField()
        due = CentsField()
        parts = serializers.ListField(child=CentsField(), help_text="They add up to `due`.")

    @extend_schema(
        summary="Split what is due into N amounts differing by at most a cent",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **errors(400, 404)},
    )
    def get(self, request: Request, tab_id: int) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tab = Tab.objects.filter(id=tab_id).first()
        if tab is None:
            raise NotFoundError(TAB_NOT_FOUND.format(tab=tab_id))
        due = max(balance_due(tab), 0)
        parts = split_evenly(due, query.validated_data["parts"])
        data = {"tab_id": tab.id, "due": due, "parts": parts}
        return Response(self.OutputSerializer(data).data)
