"""The demo venue, with somebody of every role ready to call the API.

`actors` loads the demo venue (`manage.py demo`: menu, staff of every role, drawers, tablets,
the game floor, the treasury's groups and policy), opens the bar drawer and a tab with lines,
and signs each role in twice over: on the bar tablet (Device + X-Staff-Token headers, the point
of sale's API) and with a Django session and its CSRF cookie (the treasury's API). An `Actor`
carries the headers and cookies to send as that person.
"""

import io
import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils.crypto import get_random_string

from pos.demo import DEVICES, STAFF
from pos.models import Device, Drawer, Item, StaffMember
from pos.services.devices import issue_staff_token
from pos.services.drawers import open_drawer
from pos.services.tabs import add_line, open_tab

BAR_TABLET_TOKEN = next(token for name, *_, token in DEVICES if name == "Bar tablet")
USERNAME_OF_ROLE = {role: username for username, _, role, _, _ in reversed(STAFF)}
ROLES = ["cashier", "manager", "treasurer", "board", "admin"]
FLOAT = {"2000": 5, "1000": 3, "500": 2, "100": 8, "25": 8}  # $150.00


@dataclass(frozen=True)
class Actor:
    role: str
    staff: StaffMember
    headers: dict[str, str]
    cookies: dict[str, str]


def sign_in(role: str, device: Device) -> Actor:
    """Both sign-ins of the staff member with this role: tablet tokens and a web session."""
    staff = StaffMember.objects.select_related("user").get(user__username=USERNAME_OF_ROLE[role])
    staff_token, _ = issue_staff_token(staff=staff, device=device)
    web = Client()
    web.force_login(staff.user)
    csrf = get_random_string(32)
    return Actor(
        role=role,
        staff=staff,
        headers={
            "Authorization": f"Device {BAR_TABLET_TOKEN}",
            "X-Staff-Token": staff_token,
            "X-CSRFToken": csrf,
        },
        cookies={
            settings.SESSION_COOKIE_NAME: web.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
        },
    )


@pytest.fixture
def actors(db) -> dict[str, Actor]:
    """The demo venue, an open bar drawer and tab, and an Actor per role."""
    cache.clear()  # PIN and other throttles count in the cache
    call_command("demo", stdout=io.StringIO())
    device = Device.objects.get(name="Bar tablet")
    cashier = StaffMember.objects.get(user__username=USERNAME_OF_ROLE["cashier"])
    open_drawer(
        session_id=uuid.uuid4(),
        drawer_id=Drawer.objects.get(devices=device).id,
        count=FLOAT,
        staff=cashier,
        device=device,
    )
    tab = open_tab(client_id=uuid.uuid4(), name="Sam", staff=cashier, device=device)
    for item in Item.objects.filter(modifier_groups__isnull=True, min_age=0)[:3]:
        add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=item.id, staff=cashier, device=device)
    assert get_user_model().objects.filter(groups__name="treasurer").exists()
    return {role: sign_in(role, device) for role in ROLES}
