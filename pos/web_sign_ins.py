"""Web sign-ins (the admin's login form, used by the treasurer, the board, managers and admins)
in the audit trail, success and failure, with the address they came from.

Django's login view (django.contrib.auth) offers no other hook than its signals
`user_logged_in` and `user_login_failed`, so these receivers are connected in PosConfig.ready;
they only write the SignIn row (pos.services.activity.record_sign_in).
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from pos.models import SignIn, StaffMember
from pos.services.activity import record_sign_in


def _address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def signed_in(sender, request, user, **kwargs) -> None:
    record_sign_in(
        kind=SignIn.Kind.WEB,
        outcome=SignIn.Outcome.OK,
        staff=StaffMember.objects.filter(user=user).first(),
        username=user.get_username(),
        address=_address(request),
    )


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    record_sign_in(
        kind=SignIn.Kind.WEB,
        outcome=SignIn.Outcome.WRONG,
        username=str(credentials.get("username", "")),
        address=_address(request),
    )


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="pos.web_sign_ins.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="pos.web_sign_ins.failed")
