"""Tablets and staff: device tokens, PIN sign-in with lockout and rate limit, roles."""

import datetime

import pytest

from pos.apis.auth import PinThrottle
from pos.models import Device
from pos.services import devices
from tests.pos.api.conftest import API, Tablet, new_id, new_tablet
from tests.pos.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_a_cashier_signs_in_with_a_pin_and_the_api_knows_who_and_where(venue, clock):
    tablet = new_tablet(drawer=venue.drawer)

    response = tablet.sign_in(venue.cashier, "1111")

    assert response.status_code == 200
    body = response.json()
    assert body["staff"] == {"id": venue.cashier.id, "display_name": "Casey", "role": "cashier"}
    assert body["expires_at"].startswith("2026-02-18T")  # 12 hours after Tuesday 8 pm
    me = tablet.get("auth/me").json()
    assert me["staff"]["id"] == venue.cashier.id
    assert me["device"] == {
        "id": tablet.device.id,
        "name": tablet.device.name,
        "station": "bar",
        "drawer_id": venue.drawer.id,
    }
    assert tablet.get("ping").json() == {"ok": True, "currency": "USD"}


def test_five_wrong_pins_lock_the_staff_member_out(venue, clock):
    tablet = new_tablet()
    for _ in range(5):
        response = tablet.sign_in(venue.cashier, "9999")
        assert response.status_code == 403
        assert response.json()["code"] == "pin_rejected"

    locked = tablet.sign_in(venue.cashier, "1111")

    assert locked.status_code == 403
    assert locked.json()["code"] == "pin_rejected"
    assert "locked out" in locked.json()["message"]
    assert "X-Staff-Token" not in tablet.headers


def test_pin_attempts_are_rate_limited_per_device(venue, clock, monkeypatch):
    monkeypatch.setattr(PinThrottle, "rate", "3/min")
    tablet = new_tablet()
    for _ in range(3):
        assert tablet.sign_in(venue.manager, "0000").status_code == 403

    response = tablet.sign_in(venue.cashier, "1111")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response.headers
    assert new_tablet().sign_in(venue.cashier, "1111").status_code == 200  # another device


def test_a_pin_must_be_digits_and_the_staff_member_must_exist(venue, clock):
    tablet = new_tablet()
    short = tablet.post("auth/pin", {"staff_id": venue.cashier.id, "pin": "12a"})
    assert (short.status_code, short.json()["code"]) == (400, "invalid_input")
    assert short.json()["details"] == {"pin": ["4 to 8 digits"]}
    unknown = tablet.post("auth/pin", {"staff_id": 999999, "pin": "1111"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    venue.cashier.refresh_from_db()
    assert venue.cashier.failed_pin_attempts == 0


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "not_authenticated"),
        ({"Authorization": "Device"}, "authentication_failed"),
        ({"Authorization": "Device not-a-real-token"}, "authentication_failed"),
        ({"Authorization": "Bearer something"}, "not_authenticated"),
    ],
)
def test_requests_without_a_known_device_are_401(venue, client, headers, code):
    response = client.get(API + "catalog", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response.headers["WWW-Authenticate"] == 'Device realm="api"'


def test_a_device_without_a_signed_in_staff_member_can_only_sign_in(venue, clock):
    tablet = new_tablet()

    response = tablet.get("tabs")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "Sign in" in response.json()["message"]


def test_a_staff_token_works_on_its_own_tablet_only(tablet, venue):
    other = new_tablet()
    other.headers["X-Staff-Token"] = tablet.headers["X-Staff-Token"]

    response = other.get("tabs")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert tablet.get("tabs").status_code == 200


def test_a_staff_token_expires_and_ends_with_the_staff_member(tablet, venue, monkeypatch):
    venue.cashier.is_active = False
    venue.cashier.save()
    assert tablet.get("tabs").status_code == 401
    venue.cashier.is_active = True
    venue.cashier.save()
    monkeypatch.setattr(devices, "STAFF_TOKEN_LIFETIME", datetime.timedelta(seconds=-1))
    assert tablet.get("tabs").status_code == 401


def test_a_retired_device_is_refused(tablet):
    Device.objects.filter(id=tablet.device.id).update(is_active=False)

    assert tablet.get("ping").status_code == 401


def test_last_seen_is_written_at_most_once_a_minute(tablet, clock):
    first = Device.objects.get(id=tablet.device.id).last_seen_at
    assert first is not None
    clock(first + datetime.timedelta(seconds=30))
    tablet.get("ping")
    assert Device.objects.get(id=tablet.device.id).last_seen_at == first
    later = first + datetime.timedelta(minutes=2)
    clock(later)
    tablet.get("ping")
    assert Device.objects.get(id=tablet.device.id).last_seen_at == later


def test_only_the_hash_of_a_device_token_is_stored(venue):
    device, token = devices.register_device(name="Grill display", station="grill")

    assert device.token_hash == devices.token_hash(token) != token
    assert devices.device_for_token(token) == device
    assert Tablet(device, token).get("ping").status_code == 401  # nobody signed in


def test_roles_are_checked_on_the_server(venue, clock):
    board = make_staff("blair", "board", "3333")
    tablet = new_tablet(staff=board, pin="3333")

    refused = tablet.post("tabs", {"client_id": new_id(), "name": "Sam"})

    assert refused.status_code == 403
    assert refused.json() == {
        "code": "permission_denied",
        "message": "Blair (Board member) cannot do this",
        "details": {},
    }
    assert tablet.get("tabs").status_code == 200  # reading is fine
    assert tablet.get("catalog").status_code == 200
    stock = tablet.post(f"items/{venue.fries.id}/stock", {"out_of_stock": True})
    assert stock.status_code == 403  # 86 is the floor's call, as on the tablet screens


def test_a_staff_token_is_signed_and_cannot_be_forged(tablet, venue):
    token = tablet.headers["X-Staff-Token"]
    tablet.headers["X-Staff-Token"] = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    assert tablet.get("ping").status_code == 401
