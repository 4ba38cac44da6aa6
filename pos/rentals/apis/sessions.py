"""The availability board and rental sessions: start, pause, resume, players, games, extend,
transfer, manager time adjustments, stop, and a session's bill.

Each action answers the whole session: its segments (start, end, rate, reason) and its charge,
running until the stop. Times are the server's; a tablet never sends one.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import (
    IDEMPOTENCY_KEY,
    ApprovalSerializer,
    NoInputSerializer,
    PosActionApi,
    PosApi,
    errors,
    object_id,
)
from pos.apis.permissions import AnyStaff, FloorStaff
from pos.exceptions import NotFoundError
from pos.rentals.apis.outputs import (
    RentalBoardRowSerializer,
    RentalSessionSerializer,
    describe_session,
)
from pos.rentals.models import RentalSession
from pos.rentals.selectors import availability_board
from pos.rentals.services import sessions
from pos.rentals.services.sessions import NOT_FOUND


def session_answer(session_id, status: int = 200) -> Response:
    session = RentalSession.objects.select_related("resource__type").filter(id=session_id).first()
    if session is None:
        raise NotFoundError(NOT_FOUND.format(session=session_id))
    return Response(RentalSessionSerializer(describe_session(session)).data, status=status)


class RentalBoardApi(PosApi):
    permission_classes = [AnyStaff]

    @extend_schema(
        summary="Every resource: status, elapsed time and running charge of its session",
        responses={200: RentalBoardRowSerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        return Response(RentalBoardRowSerializer(availability_board(), many=True).data)


class RentalSessionStartApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        session_id = serializers.UUIDField(help_text="The tablet's UUID for this session.")
        resource_id = object_id()
        tab_id = object_id(help_text="The tab the game is billed to.")
        players = serializers.IntegerField(min_value=1, max_value=50, default=1)

    @extend_schema(
        summary="Start timing a resource for a tab (409 resource_busy if it is taken)",
        request=InputSerializer,
        responses={201: RentalSessionSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        return self.act(request)

    def perform(self, request: Request, data: dict) -> Response:
        session = sessions.start_session(
            **data, staff=request.auth.staff, device=request.auth.device
        )
        return session_answer(session.id, status=201)


class RentalSessionDetailApi(PosApi):
    permission_classes = [AnyStaff]

    @extend_schema(
        summary="A session's bill: its segments and its charge (running until it stops)",
        responses={200: RentalSessionSerializer, **errors(404)},
    )
    def get(self, request: Request, session_id) -> Response:
        return session_answer(session_id)


class RentalSessionActionApi(PosActionApi):
    """A POST on one session that answers the session; `service` does the work."""

    permission_classes = [FloorStaff]
    InputSerializer = NoInputSerializer
    service = None

    def post(self, request: Request, session_id) -> Response:
        return self.act(request, session_id=session_id)

    def perform(self, request: Request, data: dict, session_id) -> Response:
        type(self).service(
            session_id=session_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return session_answer(session_id)


def _action(summary: str, input_serializer=None, statuses=(404, 409)):
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={200: RentalSessionSerializer, **errors(400, *statuses)},
        parameters=[IDEMPOTENCY_KEY],
    )


class RentalSessionPauseApi(RentalSessionActionApi):
    service = sessions.pause_session

    @_action("Pause the clock (a pause costs nothing)")
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionResumeApi(RentalSessionActionApi):
    service = sessions.resume_session

    @_action("Start the clock again after a pause")
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionPlayersApi(RentalSessionActionApi):
    service = sessions.set_players

    class InputSerializer(serializers.Serializer):
        players = serializers.IntegerField(min_value=1, max_value=50)

    @_action("Players join or leave: a new segment from now", InputSerializer)
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionGamesApi(RentalSessionActionApi):
    service = sessions.set_games

    class InputSerializer(serializers.Serializer):
        games = serializers.IntegerField(min_value=0, max_value=1000, help_text="The total.")

    @_action("Set the number of games played (per-game plans)", InputSerializer)
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionExtendApi(RentalSessionActionApi):
    service = sessions.extend_session

    class InputSerializer(serializers.Serializer):
        blocks = serializers.IntegerField(min_value=1, max_value=48, help_text="Blocks in all.")

    @_action("Extend a prepaid session: the number of blocks bought in all", InputSerializer)
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionTransferApi(RentalSessionActionApi):
    service = sessions.transfer_session

    class InputSerializer(serializers.Serializer):
        resource_id = object_id(help_text="A free resource; the time played moves with it.")

    @_action("Move the session to another resource", InputSerializer)
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionStopApi(RentalSessionActionApi):
    service = sessions.stop_session

    class InputSerializer(serializers.Serializer):
        equipment_returned = serializers.IntegerField(
            min_value=0, max_value=1000, required=False,
            help_text="Pieces handed back (darts, pucks); missing ones are charged.",
        )  # fmt: skip

    @_action("Stop the clock: the session becomes one line on its tab", InputSerializer)
    def post(self, request: Request, session_id) -> Response:
        return super().post(request, session_id)


class RentalSessionAdjustApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        adjustment_id = serializers.UUIDField(help_text="The tablet's UUID for it.")
        minutes = serializers.IntegerField(
            min_value=-1440, max_value=1440, help_text="Positive adds time, negative removes it."
        )
        reason = serializers.CharField(max_length=120)
        approval = ApprovalSerializer(required=False, help_text="A manager's PIN: required.")

    @extend_schema(
        summary="Add or take off time, with a reason and a manager's approval",
        request=InputSerializer,
        responses={200: RentalSessionSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, session_id) -> Response:
        return self.act(request, session_id=session_id)

    def perform(self, request: Request, data: dict, session_id) -> Response:
        sessions.adjust_time(
            session_id=session_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        return session_answer(session_id)


class RentalResourceStatusApi(PosActionApi):
    permission_classes = [FloorStaff]

    class InputSerializer(serializers.Serializer):
        out_of_order = serializers.BooleanField()
        reason = serializers.CharField(max_length=120, allow_blank=True, default="")

    @extend_schema(
        summary="Take a free resource out of order (with a reason), or put it back in service",
        request=InputSerializer,
        responses={200: RentalBoardRowSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, resource_id: int) -> Response:
        return self.act(request, resource_id=resource_id)

    def perform(self, request: Request, data: dict, resource_id: int) -> Response:
        sessions.set_out_of_order(
            resource_id=resource_id, **data, staff=request.auth.staff, device=request.auth.device
        )
        row = next(r for r in availability_board() if r.resource.id == resource_id)
        return Response(RentalBoardRowSerializer(row).data)
