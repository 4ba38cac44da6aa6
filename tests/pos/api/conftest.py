"""A tablet to drive the API with: a registered device, a staff member signed in by PIN.

`tablet` is the bar tablet (its drawer is the venue's, with an open session) with the cashier
signed in; `manager_tablet` has the manager signed in. `Tablet.post(path, body, key=...)`
sends JSON to /api/v1/<path>, with an Idempotency-Key if given.
"""

import datetime
import itertools
import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ledger.services import credit, debit, post_entry
from pos.models import Drawer, StaffMember
from pos.services.devices import register_device
from pos.services.tabs import add_line, open_tab
from tests.pos.conftest import usd

API = "/api/v1/"
TUESDAY_EVENING = datetime.datetime(2026, 2, 17, 20, 0, tzinfo=timezone.get_default_timezone())
_names = itertools.count(1)


class Tablet:
    """One tablet: its own HTTP client, device token and (once signed in) staff token."""

    def __init__(self, device, token: str) -> None:
        self.device = device
        self.client = Client()
        self.headers = {"Authorization": f"Device {token}"}
        self.staff: StaffMember | None = None

    def sign_in(self, staff: StaffMember, pin: str):
        response = self.post("auth/pin", {"staff_id": staff.id, "pin": pin})
        if response.status_code == 200:
            self.headers["X-Staff-Token"] = response.json()["staff_token"]
            self.staff = staff
        return response

    def post(
        self,
        path: str,
        body=None,
        *,
        key: str | None = None,
        raw: str | None = None,
        content_type: str = "application/json",
    ):
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(API + path, data=data, content_type=content_type, headers=headers)

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self.headers)


def new_tablet(*, staff: StaffMember | None = None, pin: str = "", drawer: Drawer | None = None):
    """Register a device (on the drawer, if given) and sign the staff member in on it."""
    device, token = register_device(name=f"Tablet {next(_names)}", station="bar", drawer=drawer)
    tablet = Tablet(device, token)
    if staff is not None:
        assert tablet.sign_in(staff, pin).status_code == 200
    return tablet


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # PIN throttle counts live in the cache


@pytest.fixture
def clock(monkeypatch):
    """Set the server's clock (prices and business dates follow it): Tuesday 8 pm."""

    def set_clock(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_clock(TUESDAY_EVENING)
    return set_clock


@pytest.fixture
def tablet(venue, clock):
    return new_tablet(staff=venue.cashier, pin="1111", drawer=venue.drawer)


@pytest.fixture
def manager_tablet(venue, clock):
    return new_tablet(staff=venue.manager, pin="2222", drawer=venue.drawer)


def tab_with(venue, *items, name="Sam", **line_kwargs):
    """A tab opened through the services, with one line per item; returns (tab, lines)."""
    tab = open_tab(client_id=uuid.uuid4(), name=name, staff=venue.cashier, device=venue.tablet)
    lines = [
        add_line(
            tab_id=tab.id,
            line_id=uuid.uuid4(),
            item_id=item.id,
            staff=venue.cashier,
            device=venue.tablet,
            **line_kwargs,
        )
        for item in items
    ]
    return tab, lines


def new_id() -> str:
    return str(uuid.uuid4())


FLOAT_150 = {"2000": 5, "1000": 3, "500": 2, "100": 8, "25": 8}  # 100 + 30 + 10 + 8 + 2


def grill_drawer() -> Drawer:
    """The grill counter's drawer (no session yet), and $1,000.00 in the safe for its float."""
    post_entry(
        entry_id=uuid.uuid4(),
        kind="opening",
        effective_date=TUESDAY_EVENING.date(),
        lines=[
            debit("Assets:Cash:Safe", usd("1000.00")),
            credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("1000.00")),
        ],
    )
    return Drawer.objects.create(name="Grill drawer", account="Assets:Cash:Drawer2")
