"""Tablets and who works on them: device tokens and signed staff tokens.

- A `Device` authenticates with a random token that only the tablet keeps; the database stores
  its SHA-256 (`token_hash`), so a copy of the database cannot act as a tablet.
- A staff member signs in on a device with a PIN (`pos.services.staff.verify_pin`, which
  counts failures and locks out) and gets a staff token: Django's signing (HMAC with
  SECRET_KEY, timestamped) of {staff id, device id}. It is valid for STAFF_TOKEN_LIFETIME on
  that device only and needs no table; deactivating the staff member or the device ends it.
- `last_seen_at` is written at most once per SEEN_EVERY, not on every request.
- A lost or stolen tablet is retired (`retire_device`, the admin's "Retire" action): its
  token is refused from the next request on.
"""

import datetime
import hashlib
import secrets

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pos.models import Device, Drawer, Role, StaffMember
from pos.services.activity import record
from pos.services.staff import require_role

STAFF_TOKEN_SALT = "pos.staff-token"  # noqa: S105 (a namespace; SECRET_KEY signs)
STAFF_TOKEN_LIFETIME = datetime.timedelta(hours=12)
SEEN_EVERY = datetime.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register_device(
    *, name: str, station: str = "", drawer: Drawer | None = None
) -> tuple[Device, str]:
    """Create a device and return it with its token (shown once; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        name=name, station=station, drawer=drawer, token_hash=token_hash(token)
    )
    return device, token


def device_for_token(token: str) -> Device | None:
    """Return the active device this token belongs to, or None."""
    return Device.objects.filter(token_hash=token_hash(token), is_active=True).first()


def touch_device(device: Device) -> None:
    """Record that the device was seen now, at most once per SEEN_EVERY."""
    now = timezone.now()
    if device.last_seen_at is not None and now - device.last_seen_at < SEEN_EVERY:
        return
    Device.objects.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - SEEN_EVERY), id=device.id
    ).update(last_seen_at=now)
    device.last_seen_at = now


def issue_staff_token(*, staff: StaffMember, device: Device) -> tuple[str, datetime.datetime]:
    """Return a staff token bound to this device, and when it expires."""
    token = signing.dumps({"staff": staff.id, "device": device.id}, salt=STAFF_TOKEN_SALT)
    return token, timezone.now() + STAFF_TOKEN_LIFETIME


def staff_for_token(token: str, *, device: Device) -> StaffMember | None:
    """Return the active staff member signed in by this token on this device, or None."""
    try:
        claims = signing.loads(token, salt=STAFF_TOKEN_SALT, max_age=STAFF_TOKEN_LIFETIME)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(claims, dict) or claims.get("device") != device.id:
        return None
    return (
        StaffMember.objects.select_related("user")
        .filter(id=claims.get("staff"), is_active=True)
        .first()
    )


def retire_device(*, device: Device, by: StaffMember) -> None:
    """Retire a tablet: its token, its staff tokens and its screen sessions stop working at once.

    Every check of a device token or a tablet session reads `is_active` (device_for_token,
    pos.ui.session.current_device), so nothing is cached to invalidate. Only a manager or an
    admin retires a device. Raise PermissionDeniedError.
    """
    require_role(by, (Role.MANAGER,), action="retire a tablet")
    with transaction.atomic():
        Device.objects.filter(id=device.id).update(is_active=False)
        record(action="device.retire", staff=by, device=device, name=device.name)
    device.is_active = False
