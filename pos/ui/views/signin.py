"""Signing in: the tablet once (its token), then staff by PIN; switching staff; locking."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pos.apis.permissions import FLOOR_ROLES
from pos.exceptions import PosError
from pos.models import SignIn, StaffMember
from pos.services.activity import record_sign_in
from pos.services.devices import device_for_token
from pos.services.staff import verify_pin
from pos.ui import session
from pos.ui.session import device_required

UNKNOWN_DEVICE = "That tablet token is not known, or the tablet was retired."


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def home(request: HttpRequest) -> HttpResponse:
    """Send the tablet to where it stands: device sign-in, PIN, or the tabs."""
    if session.current_device(request) is None:
        return redirect("ui:device-sign-in")
    if session.current_staff(request) is None:
        return redirect("ui:pin")
    return redirect("ui:tabs")


def device_sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        device = device_for_token(request.POST.get("token", "").strip())
        record_sign_in(
            kind=SignIn.Kind.DEVICE,
            outcome=SignIn.Outcome.WRONG if device is None else SignIn.Outcome.OK,
            device=device,
            address=request.META.get("REMOTE_ADDR") or None,
        )
        if device is None:
            error = UNKNOWN_DEVICE
        else:
            session.sign_in_device(request, device)
            return redirect(_next(request, reverse("ui:pin")))
    request.device = session.current_device(request)
    context = {"error": error, "next": _next(request, "")}
    return render(request, "pos/ui/device.html", context, status=400 if error else 200)


@device_required
def pin_sign_in(request: HttpRequest) -> HttpResponse:
    """Tap your name, type your PIN: signed in (or switched) in two taps."""
    staff_list = StaffMember.objects.filter(is_active=True, role__in=FLOOR_ROLES)
    raw = request.POST.get("staff") or request.GET.get("staff") or ""
    chosen = staff_list.filter(id=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    error = ""
    if request.method == "POST" and chosen is not None:
        try:
            staff = verify_pin(
                staff_id=chosen.id, pin=request.POST.get("pin", ""), device=request.device
            )
        except PosError as failure:
            error = failure.message
        else:
            session.sign_in_staff(request, staff)
            return redirect(_next(request, reverse("ui:tabs")))
    context = {
        "staff_list": staff_list,
        "chosen": chosen,
        "error": error,
        "next": _next(request, ""),
    }
    return render(request, "pos/ui/pin.html", context, status=403 if error else 200)


@require_POST
def lock_screen(request: HttpRequest) -> HttpResponse:
    """Sign the staff member out (the tablet stays signed in); the browser refuses this while
    lines wait in its offline queue."""
    session.lock(request)
    return redirect("ui:pin")
