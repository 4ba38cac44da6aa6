"""Base views of the point-of-sale API and what their schemas share.

`PosApi`: a signed-in staff member on a tablet (pos.authentication), JSON only.
`PosActionApi`: a POST that changes something, in this order:

1. a stored answer to its Idempotency-Key is replayed (or 409 for another body),
2. the body is validated by the view's InputSerializer (400 before anything runs),
3. an `approval` {staff_id, pin} is checked by `verify_pin` in its own transaction, so a
   wrong PIN is counted even when the action is then refused; the approving StaffMember is
   handed to the view as data["approved_by"] and the service decides whether it suffices,
4. the view's `perform()` calls its service; with a key, inside pos.idempotency's
   transaction (or, `atomic = False`, before it: services with durable transactions).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pos.authentication import StaffAuthentication
from pos.idempotency import KEY_HEADER, IdempotentRequest, run_unkeyed
from pos.models import Device, SignIn, StaffMember
from pos.services.staff import verify_pin

NO_SUCH_ENDPOINT = "There is no API endpoint {path}"
MAX_ID = 2**63 - 1  # a BIGINT; larger numbers are refused as input, never sent to the database

IDEMPOTENCY_KEY = OpenApiParameter(
    KEY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "A unique key (a UUID) per intended action. A retry with the same key and body gets "
        "the first answer back (header Idempotent-Replayed: true); the same key with another "
        "body answers 409 idempotency_key_reused."
    ),
)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. tab_not_open.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.DictField(help_text="Per-field messages, or details of the error.")


def errors(*statuses: int) -> dict[int, type[serializers.Serializer]]:
    """The documented error answers of an endpoint (401 and 403 always apply)."""
    return dict.fromkeys(sorted({401, 403, *statuses}), ErrorSerializer)


def object_id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ApprovalSerializer(serializers.Serializer):
    """A manager's approval: their staff id and PIN, typed on this tablet."""

    staff_id = object_id()
    pin = serializers.RegexField(r"^[0-9]{4,8}$", error_messages={"invalid": "4 to 8 digits"})


class NoInputSerializer(serializers.Serializer):
    """The body of an action that needs none (any JSON object is accepted and ignored)."""


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    role = serializers.CharField()


class PosAutoSchema(AutoSchema):
    """Names a view's nested serializers after it: TabsApi.InputSerializer -> TabsInput."""

    def get_serializer_name(self, serializer, direction) -> str:
        view_name, _, name = type(serializer).__qualname__.rpartition(".")
        if view_name.endswith("Api"):
            return view_name.removesuffix("Api") + name
        return super().get_serializer_name(serializer, direction)


class PosApi(APIView):
    """A staff member signed in on a tablet; JSON in and out."""

    authentication_classes = [StaffAuthentication]
    parser_classes = [JSONParser]
    schema = PosAutoSchema()


class PosActionApi(PosApi):
    """A POST that changes something: validated, approved, idempotent (see the module doc)."""

    InputSerializer: type[serializers.Serializer]
    atomic = True

    def act(self, request: Request, **kwargs) -> Response:
        idempotent = IdempotentRequest.from_request(request)
        if idempotent is not None and (stored := idempotent.replay()) is not None:
            return stored
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "approval" in serializer.fields:
            data["approved_by"] = approver(data.pop("approval", None), device=request.auth.device)

        def action() -> Response:  # may run twice (pos.idempotency): give perform() a copy
            return self.perform(request, dict(data), **kwargs)

        if idempotent is None:
            return run_unkeyed(action)
        return idempotent.run(action, view=self, atomic=self.atomic)

    def perform(self, request: Request, data: dict, **kwargs) -> Response:
        raise NotImplementedError


@extend_schema(exclude=True)
class NoSuchEndpointApi(APIView):
    """Any other path under /api/v1/: a JSON 404 (before authentication, nothing to hide)."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request: Request, *args, **kwargs) -> None:
        raise NotFound(NO_SUCH_ENDPOINT.format(path=request.path))


def approver(approval: dict | None, *, device: Device) -> StaffMember | None:
    """Return the staff member whose PIN approves the action. Raise PinError (counted)."""
    if approval is None:
        return None
    return verify_pin(
        staff_id=approval["staff_id"], pin=approval["pin"], device=device, kind=SignIn.Kind.APPROVAL
    )
