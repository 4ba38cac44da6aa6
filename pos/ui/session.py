"""Who is using a tablet screen: the device (signed in once) and the staff member (by PIN).

The tablet screens reuse the API's credentials without sending them on every request:

- Device sign-in: someone types the tablet's token once (`pos.services.devices
  .device_for_token`, the same check as `Authorization: Device <token>`); the session keeps
  the device's id. Retiring the device (is_active=False) ends every session that names it.
- Staff sign-in: a PIN checked by `pos.services.staff.verify_pin` (failures are counted and
  lock the staff member out, as on the API). The session keeps the staff id and when they
  last did something; after LOCK_AFTER of inactivity the screen is locked and the next tap
  asks for a PIN again. The browser locks itself too (tillshare.js), except while lines wait
  in its offline queue: sign-out is blocked until they are sent.

Only the floor roles (cashier, manager, admin) sign in on a tablet, as on the API.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from pos.apis.permissions import FLOOR_ROLES
from pos.models import Device, StaffMember
from pos.services.devices import touch_device

DEVICE_KEY = "ui.device"
STAFF_KEY = "ui.staff"
SEEN_KEY = "ui.seen"
LOCK_AFTER = datetime.timedelta(minutes=5)
SEEN_EVERY = datetime.timedelta(seconds=20)


def sign_in_device(request: HttpRequest, device: Device) -> None:
    request.session.cycle_key()  # a fresh session id for a new credential
    request.session[DEVICE_KEY] = device.id
    request.session.pop(STAFF_KEY, None)


def sign_in_staff(request: HttpRequest, staff: StaffMember) -> None:
    request.session[STAFF_KEY] = staff.id
    request.session[SEEN_KEY] = timezone.now().timestamp()


def lock(request: HttpRequest) -> None:
    request.session.pop(STAFF_KEY, None)
    request.session.pop(SEEN_KEY, None)


def current_device(request: HttpRequest) -> Device | None:
    device_id = request.session.get(DEVICE_KEY)
    if device_id is None:
        return None
    device = Device.objects.filter(id=device_id, is_active=True).select_related("drawer").first()
    if device is not None:
        touch_device(device)
    return device


def current_staff(request: HttpRequest) -> StaffMember | None:
    """The signed-in staff member, unless the screen locked itself after LOCK_AFTER idle."""
    staff_id, seen = request.session.get(STAFF_KEY), request.session.get(SEEN_KEY)
    if staff_id is None or seen is None:
        return None
    if timezone.now().timestamp() - seen > LOCK_AFTER.total_seconds():
        lock(request)
        return None
    return StaffMember.objects.filter(id=staff_id, is_active=True, role__in=FLOOR_ROLES).first()


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request is told to load the page whole (HX-Redirect)."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def device_required(view: Callable) -> Callable:
    """The view runs for a signed-in tablet (request.device); others go to device sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.device = current_device(request)
        if request.device is None:
            return _go(request, reverse("ui:device-sign-in"))
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: Callable) -> Callable:
    """The view runs for a staff member signed in on the tablet (request.staff)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.device = current_device(request)
        if request.device is None:
            return _go(request, reverse("ui:device-sign-in"))
        request.staff = current_staff(request)
        if request.staff is None:
            here = request.htmx.current_url_abs_path if request.htmx else request.get_full_path()
            return _go(request, f"{reverse('ui:pin')}?{urlencode({'next': here or ''})}")
        now = timezone.now().timestamp()
        # Activity moves the lock timer; written at most every SEEN_EVERY, not on every tap
        # (each write is a session UPDATE in its own transaction).
        if now - request.session.get(SEEN_KEY, 0) >= SEEN_EVERY.total_seconds():
            request.session[SEEN_KEY] = now
        return view(request, *args, **kwargs)

    return wrapper
