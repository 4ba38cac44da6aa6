"""The demo venue's people, one per role, with every credential that role gets.

`demo` loads the venue (`manage.py demo`): staff with PINs and web sign-ins, tablets with
known tokens, the treasurer and board groups. `people` maps each role of the access matrix to
its demo member (the cashier has no web sign-in in the demo; `anonymous` is nobody).
"""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command

from pos.demo import DEVICES, STAFF
from pos.models import StaffMember

API = "/api/v1/"
BAR_TABLET = DEVICES[0][3]
GRILL_TABLET = DEVICES[1][3]
PINS = {username: pin for username, _, _, pin, _ in STAFF}
PASSWORDS = {username: password for username, _, _, _, password in STAFF}
ROLE_MEMBER = {
    "cashier": "casey",
    "manager": "morgan",
    "treasurer": "treasurer",
    "board": "riley",
    "admin": "admin",
}
ROLES = ("anonymous", *ROLE_MEMBER)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the API's PIN throttle counts live in the cache


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed at exit)


def member(username: str) -> StaffMember:
    return StaffMember.objects.select_related("user").get(user__username=username)


def sign_in(client, token: str, staff: StaffMember, pin: str):
    """POST /api/v1/auth/pin on the tablet with this token."""
    return client.post(
        API + "auth/pin",
        {"staff_id": staff.id, "pin": pin},
        content_type="application/json",
        headers={"Authorization": f"Device {token}"},
    )
