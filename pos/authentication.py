"""How the API knows which tablet and which staff member is asking.

Two headers, two steps:

1. `Authorization: Device <token>` authenticates the tablet (`DeviceAuthentication`). On its
   own it only allows signing in: `POST /api/v1/auth/pin` trades a staff PIN for a staff token.
2. `X-Staff-Token: <token>` names the staff member working on that tablet now
   (`StaffAuthentication`, used by every other endpoint). The token is signed, expires after
   12 hours and is valid on the device it was issued to only (pos.services.devices).

After authentication `request.user` is the staff member's user and `request.auth` a
`PosPrincipal` with `.device` and `.staff`: every service call passes both on, so each action
records who did it and on which tablet. Roles are checked by the permission classes in
`pos.apis.permissions`, and again by services that need a manager's approval.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated

from pos.models import Device, StaffMember
from pos.services.devices import device_for_token, staff_for_token, touch_device

STAFF_TOKEN_HEADER = "X-Staff-Token"  # noqa: S105 (a header name, not a secret)
MALFORMED = "Send the tablet's token as: Authorization: Device <token>"
UNKNOWN_DEVICE = "This device token is not known, or the device was retired"
SIGN_IN_FIRST = f"Sign in on this tablet with a staff PIN, then send {STAFF_TOKEN_HEADER}"
SIGN_IN_EXPIRED = "Your sign-in has expired or belongs to another tablet; sign in again"


@dataclass(frozen=True)
class PosPrincipal:
    """Who is asking: the tablet, and the staff member signed in on it (None while signing in)."""

    device: Device
    staff: StaffMember | None


class DeviceAuthentication(BaseAuthentication):
    """`Authorization: Device <token>`: the tablet, with nobody signed in yet."""

    keyword = "Device"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(MALFORMED)
        try:
            token = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed(MALFORMED) from None
        device = device_for_token(token)
        if device is None:
            raise AuthenticationFailed(UNKNOWN_DEVICE)
        touch_device(device)
        return AnonymousUser(), PosPrincipal(device=device, staff=None)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class StaffAuthentication(DeviceAuthentication):
    """The device header plus `X-Staff-Token`: a staff member working on that tablet."""

    def authenticate(self, request):
        signed_in = super().authenticate(request)
        if signed_in is None:
            return None
        device = signed_in[1].device
        token = request.headers.get(STAFF_TOKEN_HEADER)
        if not token:
            raise NotAuthenticated(SIGN_IN_FIRST)
        staff = staff_for_token(token, device=device)
        if staff is None:
            raise AuthenticationFailed(SIGN_IN_EXPIRED)
        return staff.user, PosPrincipal(device=device, staff=staff)


class DeviceScheme(OpenApiAuthenticationExtension):
    target_class = DeviceAuthentication
    name = "device"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`: the tablet's token, issued when it was registered.",
        }


class StaffScheme(OpenApiAuthenticationExtension):
    """Both headers; the "device" scheme itself is registered by DeviceScheme (PIN sign-in)."""

    target_class = StaffAuthentication
    name = "staffToken"

    def get_security_requirement(self, auto_schema):
        return {"device": [], "staffToken": []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": STAFF_TOKEN_HEADER,
            "description": "The staff token from POST /api/v1/auth/pin (12 h, this tablet).",
        }
