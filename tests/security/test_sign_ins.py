"""PIN guessing is locked out (per staff member and per tablet), tablets can be retired at
once, and every sign-in, refused or not, is in an audit trail that managers read in the admin.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from pos.exceptions import PermissionDeniedError
from pos.models import Activity, Device, SignIn
from pos.services.devices import retire_device
from pos.services.staff import verify_pin
from tests.security.conftest import API, BAR_TABLET, GRILL_TABLET, PASSWORDS, PINS, member, sign_in

pytestmark = pytest.mark.django_db

SATURDAY_NIGHT = datetime.datetime(2026, 3, 14, 21, 0, tzinfo=datetime.UTC)


def outcomes(**filters) -> list[str]:
    return list(
        SignIn.objects.filter(**filters).order_by("at", "id").values_list("outcome", flat=True)
    )


def test_five_wrong_pins_lock_a_member_out_until_the_lock_expires(demo, client):
    casey = member("casey")
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        for _ in range(5):
            assert sign_in(client, BAR_TABLET, casey, "0000").status_code == 403
        during = sign_in(client, BAR_TABLET, casey, PINS["casey"])
    assert during.status_code == 403
    assert "locked out" in during.json()["message"]  # the right PIN is refused while locked

    with time_machine.travel(
        SATURDAY_NIGHT + datetime.timedelta(minutes=4, seconds=59), tick=False
    ):
        assert sign_in(client, BAR_TABLET, casey, PINS["casey"]).status_code == 403
    with time_machine.travel(SATURDAY_NIGHT + datetime.timedelta(minutes=5, seconds=1), tick=False):
        after = sign_in(client, BAR_TABLET, casey, PINS["casey"])
    assert after.status_code == 200

    bar = Device.objects.get(name="Bar tablet")
    assert outcomes(staff=casey) == ["wrong"] * 5 + ["locked", "locked", "ok"]
    assert set(SignIn.objects.filter(staff=casey).values_list("device", "kind")) == {
        (bar.id, "pin")
    }


def test_wrong_pins_spread_over_staff_lock_the_tablet_not_the_venue(demo, client):
    """Ten wrong PINs on one tablet, two per person (nobody reaches their own limit of five),
    lock that tablet's PIN pad for ten minutes from the first; other tablets still work."""
    guessed = [member(name) for name in ("casey", "jordan", "morgan", "admin", "treasurer")]
    with time_machine.travel(SATURDAY_NIGHT, tick=False) as traveller:
        for person in guessed * 2:
            assert sign_in(client, BAR_TABLET, person, "0000").status_code == 403
            traveller.shift(datetime.timedelta(seconds=30))
        # 21:05 now: the right PIN of someone never guessed at is refused on this tablet...
        refused = sign_in(client, BAR_TABLET, member("riley"), PINS["riley"])
        # ...and accepted on another one.
        elsewhere = sign_in(client, GRILL_TABLET, member("riley"), PINS["riley"])
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("Too many wrong PINs on this tablet")
    assert elsewhere.status_code == 200
    assert all(
        person.failed_pin_attempts == 2 for person in (member(p.user.username) for p in guessed)
    )

    # The first wrong PIN (21:00:00) leaves the ten-minute window at 21:10:00.
    with time_machine.travel(
        SATURDAY_NIGHT + datetime.timedelta(minutes=10, seconds=1), tick=False
    ):
        assert sign_in(client, BAR_TABLET, member("riley"), PINS["riley"]).status_code == 200
    assert outcomes(staff=member("riley")) == ["throttled", "ok", "ok"]


def test_a_managers_approval_pin_counts_against_the_tablet_it_was_typed_on(demo):
    bar = Device.objects.get(name="Bar tablet")
    morgan = member("morgan")
    with pytest.raises(Exception, match="not right"):
        verify_pin(staff_id=morgan.id, pin="0000", device=bar, kind=SignIn.Kind.APPROVAL)
    assert list(SignIn.objects.values_list("kind", "outcome", "device", "staff")) == [
        ("approval", "wrong", bar.id, morgan.id)
    ]


def test_a_manager_retires_a_tablet_in_the_admin_and_its_token_is_refused_at_once(demo, client):
    casey = member("casey")
    token = sign_in(client, BAR_TABLET, casey, PINS["casey"]).json()["staff_token"]
    headers = {"Authorization": f"Device {BAR_TABLET}", "X-Staff-Token": token}
    screen = Client()
    screen.post("/tablet/device", {"token": BAR_TABLET})
    screen.post("/tablet/pin", {"staff": casey.id, "pin": PINS["casey"]})
    assert client.get(API + "tabs", headers=headers).status_code == 200
    assert screen.get("/tablet/tabs").status_code == 200
    bar = Device.objects.get(name="Bar tablet")

    manager = Client()
    assert manager.login(username="morgan", password=PASSWORDS["morgan"])
    response = manager.post(
        "/admin/pos/device/", {"action": "retire", "_selected_action": [bar.id]}, follow=True
    )

    assert response.status_code == 200
    assert b"Retired Bar tablet." in response.content
    refused = client.get(API + "tabs", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (401, "authentication_failed")
    assert sign_in(client, BAR_TABLET, casey, PINS["casey"]).status_code == 401
    assert screen.get("/tablet/tabs")["Location"] == "/tablet/device"
    retired = Activity.objects.get(action="device.retire")
    assert (retired.staff, retired.device) == (member("morgan"), bar)


def test_only_managers_and_admins_retire_tablets(demo):
    bar = Device.objects.get(name="Bar tablet")
    for name in ("casey", "treasurer", "riley"):
        with pytest.raises(PermissionDeniedError):
            retire_device(device=bar, by=member(name))
    assert Device.objects.get(name="Bar tablet").is_active
    treasurer = Client()
    treasurer.force_login(member("treasurer").user)
    response = treasurer.post(
        "/admin/pos/device/", {"action": "retire", "_selected_action": [bar.id]}
    )
    assert response.status_code == 403
    assert Device.objects.get(name="Bar tablet").is_active


def test_tablet_and_web_sign_ins_are_recorded_success_and_failure(demo, client):
    client.post("/tablet/device", {"token": "stolen-guess"}, REMOTE_ADDR="203.0.113.7")
    client.post("/tablet/device", {"token": BAR_TABLET}, REMOTE_ADDR="203.0.113.7")
    web = Client()
    web.post(
        "/admin/login/", {"username": "treasurer", "password": "guess"}, REMOTE_ADDR="198.51.100.2"
    )
    web.post(
        "/admin/login/",
        {"username": "treasurer", "password": PASSWORDS["treasurer"]},
        REMOTE_ADDR="198.51.100.2",
    )

    bar = Device.objects.get(name="Bar tablet")
    rows = SignIn.objects.order_by("id").values_list(
        "kind", "outcome", "device", "staff", "username", "address"
    )
    assert list(rows) == [
        ("device", "wrong", None, None, "", "203.0.113.7"),
        ("device", "ok", bar.id, None, "", "203.0.113.7"),
        ("web", "wrong", None, None, "treasurer", "198.51.100.2"),
        ("web", "ok", None, member("treasurer").id, "treasurer", "198.51.100.2"),
    ]
    assert all(row.at is not None for row in SignIn.objects.all())


def test_managers_and_admins_read_the_audit_trail_in_the_admin_and_nobody_edits_it(demo, client):
    sign_in(client, BAR_TABLET, member("casey"), "0000")
    row = SignIn.objects.get(kind="pin")
    for name, listed in (("morgan", 200), ("admin", 200), ("treasurer", 403), ("riley", 403)):
        reader = Client()
        reader.force_login(member(name).user)
        for page in ("/admin/pos/signin/", "/admin/pos/activity/"):
            assert reader.get(page).status_code == listed, (name, page)
        if listed == 200:
            assert b"Wrong PIN, password or token" in reader.get("/admin/pos/signin/").content
        assert reader.get("/admin/pos/signin/add/").status_code == 403
        assert (
            reader.post(f"/admin/pos/signin/{row.id}/delete/", {"post": "yes"}).status_code == 403
        )
        assert (
            reader.post(f"/admin/pos/signin/{row.id}/change/", {"outcome": "ok"}).status_code == 403
        )
    row.refresh_from_db()
    assert row.outcome == "wrong"
    assert timezone.is_aware(row.at)
