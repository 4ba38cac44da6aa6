"""The game-rentals API: a tablet plays the worked example, takes deposits, books a party."""

import uuid

import pytest
from django.core.cache import cache

from pos.rentals.models import RentalSession
from tests.pos.api.conftest import new_id, new_tablet
from tests.rentals.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(floor):
    cache.clear()  # PIN throttle counts live in the cache
    return new_tablet(staff=floor.cashier, pin="1111", drawer=floor.drawer)


def open_tab(tablet, name="Sam") -> int:
    response = tablet.post("tabs", {"client_id": new_id(), "name": name})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_worked_example_through_the_api(floor, clock, tablet):
    clock.at(16, 50)
    tab_id = open_tab(tablet)
    session_id = new_id()
    body = {"session_id": session_id, "resource_id": floor.table1.id, "tab_id": tab_id}
    started = tablet.post("rentals/sessions", body, key="start-1")
    assert started.status_code == 201, started.content
    replay = tablet.post("rentals/sessions", body, key="start-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    other = tablet.post("rentals/sessions", {**body, "players": 3}, key="start-1")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    clock.at(17, 30)
    assert tablet.post(f"rentals/sessions/{session_id}/pause", key="p").status_code == 200
    clock.at(17, 40)
    assert tablet.post(f"rentals/sessions/{session_id}/resume").status_code == 200
    clock.at(18, 7)
    running = tablet.get(f"rentals/sessions/{session_id}").json()
    assert (running["status"], running["charge"], running["currency"]) == (
        "running",
        "16.33",
        "USD",
    )
    stopped = tablet.post(f"rentals/sessions/{session_id}/stop", {"equipment_returned": 8})
    answer = stopped.json()
    assert [
        (s["reason"], s["rate"], s["minutes"], s["amount"], s["paused"]) for s in answer["segments"]
    ] == [
        ("start", "20.00", "10.00", "3.33", False),
        ("rate change", "12.00", "30.00", "6.00", False),
        ("pause", "12.00", "10.00", "0.00", True),
        ("resume", "12.00", "27.00", "5.40", False),
    ]
    assert (answer["billed_seconds"], answer["rounding"], answer["charge"]) == (
        4500,
        "1.60",
        "16.33",
    )
    assert answer["line_id"] == session_id
    check = tablet.get(f"tabs/{tab_id}").json()
    assert [(line["name"], line["amount"]) for line in check["lines"]] == [
        ("Shuffleboard 1: 1h15 billed", "16.33")
    ]


def test_the_board_shows_status_elapsed_and_running_charge(floor, clock, tablet):
    clock.at(12, 0)
    tab_id = open_tab(tablet)
    session_id = new_id()
    tablet.post("rentals/sessions", {"session_id": session_id, "resource_id": floor.board1.id,
                                     "tab_id": tab_id})  # fmt: skip
    clock.at(12, 25)
    board = {row["resource"]["name"]: row for row in tablet.get("rentals/board").json()}
    darts = board["Dart board 1"]
    assert (darts["status"], darts["session"]["played_seconds"], darts["session"]["charge"]) == (
        "in_use", 1500, "5.00",
    )  # fmt: skip
    assert board["Shuffleboard 1"]["session"] is None


def test_clear_errors_never_a_500(floor, clock, tablet):
    clock.at(12, 0)
    tab_id = open_tab(tablet)
    start = {"session_id": new_id(), "resource_id": floor.table1.id, "tab_id": tab_id}
    assert tablet.post("rentals/sessions", start).status_code == 201
    busy = tablet.post("rentals/sessions", {**start, "session_id": new_id()})
    assert (busy.status_code, busy.json()["code"]) == (409, "resource_busy")
    bad = tablet.post("rentals/sessions", {**start, "session_id": "nope", "players": 0})
    assert (bad.status_code, sorted(bad.json()["details"])) == (400, ["players", "session_id"])
    missing = tablet.post("rentals/sessions", {**start, "session_id": new_id(),
                                                "resource_id": 999999})  # fmt: skip
    assert missing.status_code == 404
    assert tablet.post(f"rentals/sessions/{uuid.uuid4()}/stop").status_code == 404
    assert tablet.get("rentals/sessions/not-a-uuid").status_code == 404
    assert tablet.post("rentals/deposits", {"deposit_id": new_id(), "kind": "cash",
                                            "amount": "10.00"}).status_code == 400  # fmt: skip


def test_manager_time_adjustment_needs_the_managers_pin(floor, clock, tablet):
    clock.at(12, 0)
    tab_id = open_tab(tablet)
    session_id = new_id()
    tablet.post("rentals/sessions", {"session_id": session_id, "resource_id": floor.board1.id,
                                     "tab_id": tab_id})  # fmt: skip
    clock.at(12, 50)
    body = {"adjustment_id": new_id(), "minutes": -20, "reason": "board light broken"}
    refused = tablet.post(f"rentals/sessions/{session_id}/adjustments", body)
    assert (refused.status_code, refused.json()["code"]) == (403, "manager_approval_required")
    approval = {"staff_id": floor.manager.id, "pin": "2222"}
    done = tablet.post(f"rentals/sessions/{session_id}/adjustments", {**body, "approval": approval})
    assert (done.status_code, done.json()["charge"], done.json()["adjustment_seconds"]) == (
        200, "6.00", -1200,
    )  # fmt: skip


def test_deposits_and_a_booking_through_the_api(floor, clock, tablet):
    clock.at(11, 0)
    booking_id = new_id()
    booking = {"booking_id": booking_id, "name": "Birthday", "starts_at": local(18).isoformat(),
               "ends_at": local(20).isoformat(), "resource_ids": [floor.table2.id]}  # fmt: skip
    assert tablet.post("rentals/bookings", booking).status_code == 201
    listed = tablet.get("rentals/bookings").json()
    assert [(b["name"], b["resources"], b["status"]) for b in listed] == [
        ("Birthday", ["Shuffleboard 2"], "booked")
    ]
    clash = tablet.post("rentals/bookings", {**booking, "booking_id": new_id(),
                                             "starts_at": local(19).isoformat(),
                                             "ends_at": local(21).isoformat()})  # fmt: skip
    assert (clash.status_code, clash.json()["code"]) == (409, "booking_conflict")
    deposit_id = new_id()
    taken = tablet.post(
        "rentals/deposits",
        {"deposit_id": deposit_id, "kind": "cash", "amount": "50.00", "booking_id": booking_id},
    )
    assert (taken.status_code, taken.json()["status"], taken.json()["amount"]) == (
        201, "held", "50.00",
    )  # fmt: skip
    assert [d["id"] for d in tablet.get("rentals/deposits").json()] == [deposit_id]
    clock.at(18, 0)
    arrived = tablet.post(f"rentals/bookings/{booking_id}/arrive", {"tab_client_id": new_id()})
    tab_id = arrived.json()["tab_id"]
    session_id = new_id()
    tablet.post("rentals/sessions", {"session_id": session_id, "resource_id": floor.table2.id,
                                     "tab_id": tab_id})  # fmt: skip
    clock.at(19, 0)
    tablet.post(f"rentals/sessions/{session_id}/stop")
    paid = tablet.post(f"rentals/deposits/{deposit_id}/apply", {"payment_id": new_id()})
    assert (paid.status_code, paid.json()["tender"], paid.json()["amount"]) == (
        201, "deposit", "12.99",
    )  # fmt: skip
    assert tablet.get(f"tabs/{tab_id}").json()["status"] == "closed"
    returned = tablet.post(f"rentals/deposits/{deposit_id}/return", key="return-1")
    assert (returned.json()["status"], returned.json()["remaining"]) == ("returned", "37.01")
    hold_id = new_id()
    hold = tablet.post(
        "rentals/deposits",
        {"deposit_id": hold_id, "kind": "card_hold", "amount": "20.00", "session_id": session_id},
    )
    assert hold.json()["status"] == "held"
    keep = {"reason": "darts lost", "approval": {"staff_id": floor.manager.id, "pin": "2222"}}
    kept = tablet.post(f"rentals/deposits/{hold_id}/forfeit", keep)
    assert (kept.status_code, kept.json()["status"]) == (200, "forfeited")
    assert RentalSession.objects.get(id=session_id).status == "stopped"


def test_a_resource_goes_out_of_order_and_back(floor, clock, tablet):
    clock.at(12, 0)
    path = f"rentals/resources/{floor.board1.id}/status"
    vague = tablet.post(path, {"out_of_order": True})
    assert (vague.status_code, vague.json()["code"]) == (400, "invalid_input")
    broken = tablet.post(path, {"out_of_order": True, "reason": "light broken"})
    assert (broken.status_code, broken.json()["status"]) == (200, "out_of_order")
    tab_id = open_tab(tablet)
    refused = tablet.post("rentals/sessions", {"session_id": new_id(), "tab_id": tab_id,
                                               "resource_id": floor.board1.id})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (409, "resource_busy")
    assert tablet.post(path, {"out_of_order": False}).json()["status"] == "free"
    assert tablet.post("rentals/resources/9999999999999999999/status").status_code == 404
