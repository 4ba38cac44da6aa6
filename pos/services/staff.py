"""Staff PINs: setting one, checking one with a lockout, and manager approval.

A PIN check writes (failed attempts, lockout), so it runs in its own transaction before the
business action it unlocks: a refused action must not roll back the count of failed PINs.
Services that need a manager take `approved_by`, a StaffMember whose PIN was checked here.

Every check writes a `SignIn` row (the audit trail), in the same transaction as the count.
Guessing spread over many staff members (each locked out on their own after
POS_PIN_MAX_ATTEMPTS) is stopped per tablet: after POS_PIN_DEVICE_MAX_FAILURES wrong PINs on
one device within POS_PIN_DEVICE_WINDOW_MINUTES, every PIN typed on it is refused until the
oldest of them leaves the window. The count lives in the database, so it holds across server
processes (unlike the API's cache-based throttle, which only slows a burst).
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from pos.exceptions import ApprovalRequiredError, NotFoundError, PermissionDeniedError, PinError
from pos.models import Device, Role, SignIn, StaffMember
from pos.services.activity import record_sign_in

PIN_REJECTED = "That PIN is not right for {staff}"
PIN_LOCKED = "{staff} is locked out after too many wrong PINs; try again after {until:%H:%M}"
DEVICE_LOCKED = "Too many wrong PINs on this tablet; try again after {until:%H:%M}"
APPROVAL_REQUIRED = "A manager must approve: {action}"
NOT_A_MANAGER = "{staff} is not a manager and cannot approve: {action}"
ROLE_REQUIRED = "{staff} cannot {action}"


def set_pin(*, staff: StaffMember, pin: str) -> None:
    """Store a new PIN (4 to 8 digits), hashed."""
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise PinError("A PIN is 4 to 8 digits")
    staff.pin_hash = make_password(pin)
    staff.failed_pin_attempts = 0
    staff.locked_until = None
    staff.save(update_fields=["pin_hash", "failed_pin_attempts", "locked_until"])


def verify_pin(
    *, staff_id: int, pin: str, device: Device | None = None, kind: str = SignIn.Kind.PIN
) -> StaffMember:
    """Return the staff member if the PIN is theirs. Raise PinError (the failure is counted).

    `device` is the tablet it was typed on (its PIN pad locks after too many wrong PINs);
    `kind` says why: a sign-in or a manager's approval (SignIn.Kind).
    """
    staff, refusal = _check_pin(staff_id, pin, device, kind)
    if refusal:
        raise PinError(refusal)
    return staff


@transaction.atomic(durable=True)
def _check_pin(
    staff_id: int, pin: str, device: Device | None, kind: str
) -> tuple[StaffMember, str]:
    """Check the PIN and save the attempt; return (staff, reason it was refused or "")."""
    staff = StaffMember.objects.select_for_update().filter(id=staff_id, is_active=True).first()
    if staff is None:
        raise NotFoundError(f"No active staff member {staff_id}")
    now = timezone.now()

    def audit(outcome: str) -> None:
        record_sign_in(at=now, kind=kind, outcome=outcome, staff=staff, device=device)

    if device is not None and (until := _device_locked_until(device, now)) is not None:
        audit(SignIn.Outcome.THROTTLED)
        return staff, DEVICE_LOCKED.format(until=timezone.localtime(until))
    if staff.locked_until and staff.locked_until > now:
        audit(SignIn.Outcome.LOCKED)
        until = timezone.localtime(staff.locked_until)
        return staff, PIN_LOCKED.format(staff=staff.display_name, until=until)
    if check_password(pin, staff.pin_hash):
        if staff.failed_pin_attempts:
            staff.failed_pin_attempts = 0
            staff.save(update_fields=["failed_pin_attempts"])
        audit(SignIn.Outcome.OK)
        return staff, ""
    audit(SignIn.Outcome.WRONG)
    staff.failed_pin_attempts += 1
    if staff.failed_pin_attempts >= settings.POS_PIN_MAX_ATTEMPTS:
        staff.locked_until = now + datetime.timedelta(minutes=settings.POS_PIN_LOCKOUT_MINUTES)
        staff.failed_pin_attempts = 0
    staff.save(update_fields=["failed_pin_attempts", "locked_until"])
    return staff, PIN_REJECTED.format(staff=staff.display_name)


def _device_locked_until(device: Device, now: datetime.datetime) -> datetime.datetime | None:
    """When the tablet's PIN pad opens again, or None if it is open now."""
    window = datetime.timedelta(minutes=settings.POS_PIN_DEVICE_WINDOW_MINUTES)
    limit = settings.POS_PIN_DEVICE_MAX_FAILURES
    recent = list(
        SignIn.objects.filter(
            device=device, outcome=SignIn.Outcome.WRONG, at__gt=now - window, at__lte=now
        )
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window  # the oldest counted failure leaves the window then


def require_manager(approved_by: StaffMember | None, *, action: str) -> StaffMember:
    """Return the approving manager. Raise ApprovalRequiredError or PermissionDeniedError."""
    if approved_by is None:
        raise ApprovalRequiredError(APPROVAL_REQUIRED.format(action=action), action=action)
    if not approved_by.is_manager:
        raise PermissionDeniedError(
            NOT_A_MANAGER.format(staff=approved_by.display_name, action=action), action=action
        )
    return approved_by


def require_role(staff: StaffMember, roles: tuple[str, ...], *, action: str) -> None:
    """Raise PermissionDeniedError unless staff has one of the roles (admins always do)."""
    if staff.role not in roles and staff.role != Role.ADMIN:
        raise PermissionDeniedError(ROLE_REQUIRED.format(staff=staff.display_name, action=action))
