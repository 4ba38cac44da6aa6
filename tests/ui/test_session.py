"""The tablet screens' server side, through Django's test client: sign-in, auto-lock, and the
line endpoint the offline queue relies on (one line per UUID, whatever the retries)."""

import datetime
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from pos.models import Item, StaffMember, Tab, TabLine
from tests.ui.screens import BAR_TABLET, PINS, qty

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(client):
    """A test client signed in as the bar tablet with Casey on it."""
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.post("/tablet/device", {"token": BAR_TABLET})
    casey = StaffMember.objects.get(display_name="Casey")
    response = client.post("/tablet/pin", {"staff": casey.id, "pin": PINS["Casey"]})
    assert response.status_code == 302
    return client


def open_tab(client, name="Sam") -> int:
    response = client.post("/tablet/tabs", {"client_id": uuid.uuid4(), "name": name})
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_an_unknown_tablet_token_is_refused(client, db):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.post("/tablet/device", {"token": "not-a-token"})
    assert response.status_code == 400
    assert b"That tablet token is not known" in response.content
    assert client.get("/tablet/tabs")["Location"] == "/tablet/device"


def test_a_wrong_pin_is_refused_and_counted(client, db):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.post("/tablet/device", {"token": BAR_TABLET})
    casey = StaffMember.objects.get(display_name="Casey")
    response = client.post("/tablet/pin", {"staff": casey.id, "pin": "0000"})
    assert response.status_code == 403
    assert b"That PIN is not right for Casey" in response.content
    casey.refresh_from_db()
    assert casey.failed_pin_attempts == 1


def test_the_screen_locks_after_five_idle_minutes(tablet):
    assert tablet.get("/tablet/tabs").status_code == 200
    later = timezone.now() + datetime.timedelta(minutes=5, seconds=1)
    with time_machine.travel(later):
        response = tablet.get("/tablet/tabs")
    assert response.status_code == 302
    assert response["Location"] == "/tablet/pin?next=%2Ftablet%2Ftabs"
    # The tablet itself stays signed in: only the PIN is asked again.
    assert tablet.get("/tablet/pin").status_code == 200


def test_switching_staff_keeps_the_tablet_signed_in(tablet):
    assert tablet.post("/tablet/lock")["Location"] == "/tablet/pin"
    assert tablet.get("/tablet/tabs")["Location"].startswith("/tablet/pin")
    jordan = StaffMember.objects.get(display_name="Jordan")
    response = tablet.post("/tablet/pin", {"staff": jordan.id, "pin": PINS["Jordan"]})
    assert response["Location"] == "/tablet/tabs"


def test_a_line_posted_twice_with_one_uuid_is_added_once(tablet):
    tab_id = open_tab(tablet)
    fries = Item.objects.get(name="Fries")
    line_id = uuid.uuid4()
    for _ in range(3):  # the answer was lost twice: the tablet sent it again
        response = tablet.post(
            f"/tablet/tabs/{tab_id}/lines", {"line_id": line_id, "item_id": fries.id}
        )
        assert response.status_code == 200
    assert list(TabLine.objects.filter(tab_id=tab_id).values_list("id", "name")) == [
        (line_id, "Fries")
    ]
    assert qty(1, "Fries").encode() in response.content


def test_the_same_uuid_with_another_item_is_refused_in_words(tablet):
    tab_id = open_tab(tablet)
    fries, rings = Item.objects.get(name="Fries"), Item.objects.get(name="Onion rings")
    line_id = uuid.uuid4()
    tablet.post(f"/tablet/tabs/{tab_id}/lines", {"line_id": line_id, "item_id": fries.id})
    response = tablet.post(
        f"/tablet/tabs/{tab_id}/lines", {"line_id": line_id, "item_id": rings.id}
    )
    assert f"Line {line_id} already exists with different content".encode() in response.content
    assert TabLine.objects.filter(tab_id=tab_id).count() == 1


def test_an_86d_item_added_from_a_stale_screen_is_refused(tablet):
    tab_id = open_tab(tablet)
    fries = Item.objects.get(name="Fries")
    tablet.post(f"/tablet/items/{fries.id}/stock", {"out_of_stock": "true"})
    response = tablet.post(
        f"/tablet/tabs/{tab_id}/lines", {"line_id": uuid.uuid4(), "item_id": fries.id}
    )
    assert b"Fries is out of stock (86&#x27;d)" in response.content
    assert not TabLine.objects.filter(tab_id=tab_id).exists()
    stock = tablet.get("/tablet/stock")
    assert f'data-out="{fries.id}"'.encode() in stock.content


def test_repeat_round_adds_the_last_bar_round_once_per_tap(tablet):
    tab_id = open_tab(tablet)
    soda, lager = Item.objects.get(name="Soda"), Item.objects.get(name="Draft lager")
    tablet.post(f"/tablet/tabs/{tab_id}/lines", {"line_id": uuid.uuid4(), "item_id": soda.id})
    tablet.post(
        f"/tablet/tabs/{tab_id}/lines",
        {"line_id": uuid.uuid4(), "item_id": lager.id, "age_confirmed": "true"},
    )
    tablet.post(f"/tablet/tabs/{tab_id}/send")
    round_id = uuid.uuid4()
    for _ in range(2):  # a double tap, or a retry, with the same round id
        tablet.post(f"/tablet/tabs/{tab_id}/repeat", {"round_id": round_id})
    names = sorted(Tab.objects.get(id=tab_id).lines.values_list("name", flat=True))
    assert names == ["Draft lager", "Draft lager", "Soda", "Soda"]
