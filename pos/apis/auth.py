"""Signing in on a tablet with a PIN, who is signed in, and a no-op for health and benchmarks.

`POST /auth/pin` needs only the device's token. The PIN check (pos.services.staff.verify_pin)
counts failures and locks the staff member out after POS_PIN_MAX_ATTEMPTS; on top of that the
endpoint is rate-limited per device, so one tablet cannot try PINs of many staff quickly. It
takes no Idempotency-Key: a sign-in changes nothing to replay, and its answer is a credential
that is never stored.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from pos.apis.base import PosApi, StaffRefSerializer, errors, object_id
from pos.apis.permissions import AnyStaff, OnDevice
from pos.authentication import DeviceAuthentication
from pos.services.devices import issue_staff_token
from pos.services.staff import verify_pin


class PinThrottle(SimpleRateThrottle):
    """PIN attempts per device."""

    scope = "pin"
    rate = "20/min"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.auth.device.id}


class DeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    station = serializers.CharField()
    drawer_id = serializers.IntegerField(allow_null=True)


class PinSignInApi(PosApi):
    authentication_classes = [DeviceAuthentication]
    permission_classes = [OnDevice]
    throttle_classes = [PinThrottle]

    class InputSerializer(serializers.Serializer):
        staff_id = object_id()
        pin = serializers.RegexField(r"^[0-9]{4,8}$", error_messages={"invalid": "4 to 8 digits"})

    class OutputSerializer(serializers.Serializer):
        staff_token = serializers.CharField(help_text="Send as X-Staff-Token on this tablet.")
        expires_at = serializers.DateTimeField()
        staff = StaffRefSerializer()

    @extend_schema(
        summary="Sign in on this tablet with a staff PIN",
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(400, 404, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        staff = verify_pin(**serializer.validated_data, device=request.auth.device)
        token, expires_at = issue_staff_token(staff=staff, device=request.auth.device)
        return Response(
            self.OutputSerializer(
                {"staff_token": token, "expires_at": expires_at, "staff": staff}
            ).data
        )


class MeApi(PosApi):
    permission_classes = [AnyStaff]

    class OutputSerializer(serializers.Serializer):
        staff = StaffRefSerializer()
        device = DeviceSerializer()

    @extend_schema(
        summary="Who is signed in, on which tablet", responses={200: OutputSerializer, **errors()}
    )
    def get(self, request: Request) -> Response:
        principal = request.auth
        return Response(
            self.OutputSerializer({"staff": principal.staff, "device": principal.device}).data
        )


class PingApi(PosApi):
    permission_classes = [AnyStaff]

    class OutputSerializer(serializers.Serializer):
        ok = serializers.BooleanField()
        currency = serializers.CharField()

    @extend_schema(summary="Authenticated no-op", responses={200: OutputSerializer, **errors()})
    def get(self, request: Request) -> Response:
        return Response({"ok": True, "currency": settings.DEFAULT_CURRENCY})
