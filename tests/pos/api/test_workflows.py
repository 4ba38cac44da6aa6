"""Worked examples through the API: a night at the bar, request by request.

Tax on food is 8.25%, on alcohol 10%, rounded half-up once per check and rate.
"""

import uuid

import pytest

from ledger.models import JournalEntry
from ledger.verification import verify_ledger
from pos.gateway import get_gateway
from pos.models import Tab, TabLine
from tests.pos.api.conftest import new_id, tab_with

pytestmark = pytest.mark.django_db


def add(tablet, tab_id, item, **fields):
    return tablet.post(f"tabs/{tab_id}/lines", {"line_id": new_id(), "item_id": item.id, **fields})


def open_tab(tablet, **fields):
    response = tablet.post("tabs", {"client_id": new_id(), "name": "Sam", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_card_sale_with_a_tip_from_first_line_to_ledger(tablet, venue):
    """Burger (medium) $12 + fries $4.50 = $16.50; tax 8.25% -> $1.36; total $17.86; $3 tip."""
    tab = open_tab(tablet, table="7")
    assert (tab["status"], tab["version"], tab["figures"]["total"]) == ("open", 1, "0.00")
    burger = add(tablet, tab["id"], venue.burger, modifier_ids=[venue.medium.id], note="no onion")
    assert (burger.status_code, burger.json()["currency"]) == (201, "USD")
    assert (burger.json()["unit_price"], burger.json()["modifiers"][0]["name"]) == (
        "12.00",
        "Medium",
    )
    assert add(tablet, tab["id"], venue.fries).status_code == 201

    detail = tablet.get(f"tabs/{tab['id']}").json()
    assert detail["figures"] == {
        "subtotal": "16.50",
        "discounts": "0.00",
        "comps": "0.00",
        "tax": "1.36",
        "total": "17.86",
        "paid": "0.00",
        "due": "17.86",
    }
    assert [line["sent"] for line in detail["lines"]] == [False, False]
    assert detail["lines"][0]["added_by"]["id"] == venue.cashier.id
    assert detail["lines"][0]["device_id"] == tablet.device.id

    paid = tablet.post(
        f"tabs/{tab['id']}/payments",
        {"payment_id": new_id(), "tender": "card", "amount": "17.86", "tip": "3.00"},
    )

    assert paid.status_code == 201, paid.json()
    body = paid.json()
    assert (body["payment"]["status"], body["payment"]["tip"]) == ("captured", "3.00")
    assert (body["tab"]["status"], body["tab"]["figures"]["due"]) == ("closed", "0.00")
    closed = Tab.objects.get(id=tab["id"])
    assert closed.closed_by == venue.cashier
    assert JournalEntry.objects.get(id=closed.ledger_entry_id).status == "posted"
    assert verify_ledger().ok


def test_cash_with_change_needs_the_tablets_drawer(tablet, venue):
    tab, _ = tab_with(venue, venue.fries)  # $4.87
    paid = tablet.post(
        f"tabs/{tab.id}/payments",
        {"payment_id": new_id(), "tender": "cash", "amount": "4.87", "tendered": "10.00"},
    )
    assert paid.status_code == 201
    assert (paid.json()["payment"]["change"], paid.json()["tab"]["status"]) == ("5.13", "closed")

    venue.drawer.devices.update(drawer=None)
    other, _ = tab_with(venue, venue.fries)
    refused = tablet.post(
        f"tabs/{other.id}/payments", {"payment_id": new_id(), "tender": "cash", "amount": "4.87"}
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "drawer_error")


def test_a_declined_card_is_402_and_leaves_the_check_open(tablet, venue):
    tab, _ = tab_with(venue, venue.fries)
    attempt = new_id()
    get_gateway().decline_attempts.add(uuid.UUID(attempt))

    response = tablet.post(
        f"tabs/{tab.id}/payments", {"payment_id": attempt, "tender": "card", "amount": "4.87"}
    )

    assert response.status_code == 402
    assert response.json()["code"] == "payment_declined"
    assert tablet.get(f"tabs/{tab.id}").json()["figures"]["due"] == "4.87"


def test_split_a_tab_then_pay_each_part_evenly(tablet, venue):
    tab = open_tab(tablet)
    burger = add(tablet, tab["id"], venue.burger, modifier_ids=[venue.medium.id]).json()
    fries = add(tablet, tab["id"], venue.fries).json()

    split = tablet.post(
        f"tabs/{tab['id']}/split", {"new_client_id": new_id(), "line_ids": [fries["id"]]}
    )

    assert split.status_code == 201
    new_tab = split.json()
    assert (new_tab["name"], [line["name"] for line in new_tab["lines"]]) == ("Sam", ["Fries"])
    assert [line["id"] for line in tablet.get(f"tabs/{tab['id']}").json()["lines"]] == [
        burger["id"]
    ]
    # $12 burger + $0.99 tax = $12.99 in three parts
    even = tablet.get(f"tabs/{tab['id']}/even-split", parts=3).json()
    assert (even["due"], even["parts"]) == ("12.99", ["4.33", "4.33", "4.33"])
    for part in even["parts"]:
        paid = tablet.post(
            f"tabs/{tab['id']}/payments",
            {"payment_id": new_id(), "tender": "card", "amount": part},
        )
        assert paid.status_code == 201
    assert paid.json()["tab"]["status"] == "closed"


def test_an_86d_item_cannot_be_added_until_it_is_back(tablet, venue):
    tab = open_tab(tablet)
    assert tablet.post(f"items/{venue.fries.id}/stock", {"out_of_stock": True}).status_code == 200
    menu = tablet.get("catalog").json()
    fries = next(i for c in menu["categories"] for i in c["items"] if i["name"] == "Fries")
    assert (fries["out_of_stock"], fries["price"]) == (True, "4.50")

    refused = add(tablet, tab["id"], venue.fries)

    assert (refused.status_code, refused.json()["code"]) == (409, "item_unavailable")
    assert refused.json()["details"] == {"item": str(venue.fries.id)}
    tablet.post(f"items/{venue.fries.id}/stock", {"out_of_stock": False})
    assert add(tablet, tab["id"], venue.fries).status_code == 201


def test_the_age_check_is_asked_once_per_tab(tablet, venue):
    tab = open_tab(tablet)

    asked = add(tablet, tab["id"], venue.beer)
    assert (asked.status_code, asked.json()["code"]) == (409, "age_check_required")
    assert add(tablet, tab["id"], venue.beer, age_confirmed=True).status_code == 201
    assert add(tablet, tab["id"], venue.beer).status_code == 201

    assert tablet.get(f"tabs/{tab['id']}").json()["age_checked"] is True
    assert Tab.objects.get(id=tab["id"]).age_checked_by == venue.cashier


def test_voiding_a_sent_line_needs_a_managers_pin(tablet, venue):
    tab = open_tab(tablet)
    burger = add(tablet, tab["id"], venue.burger, modifier_ids=[venue.medium.id]).json()
    fries = add(tablet, tab["id"], venue.fries).json()
    assert tablet.post(f"lines/{fries['id']}/void", {"reason": "changed mind"}).status_code == 200
    sent = tablet.post(f"tabs/{tab['id']}/send")
    assert [t["station"] for t in sent.json()["tickets"]] == ["grill"]
    ticket = tablet.get("tickets", station="grill", open=1).json()[0]
    assert ticket["lines"][0]["name"] == "Burger"
    assert ticket["lines"][0]["modifiers"] == ["Medium"]

    void = f"lines/{burger['id']}/void"
    no_pin = tablet.post(void, {"reason": "wrong order"})
    assert (no_pin.status_code, no_pin.json()["code"]) == (403, "manager_approval_required")
    cashier = tablet.post(
        void, {"reason": "wrong order", "approval": {"staff_id": venue.cashier.id, "pin": "1111"}}
    )
    assert (cashier.status_code, cashier.json()["code"]) == (403, "permission_denied")
    wrong = tablet.post(
        void, {"reason": "wrong order", "approval": {"staff_id": venue.manager.id, "pin": "0000"}}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (403, "pin_rejected")
    venue.manager.refresh_from_db()
    assert venue.manager.failed_pin_attempts == 1  # counted although the void was refused

    approved = tablet.post(
        void, {"reason": "wrong order", "approval": {"staff_id": venue.manager.id, "pin": "2222"}}
    )

    assert approved.status_code == 200
    assert approved.json()["voided"] is True
    assert approved.json()["void_approved_by"]["id"] == venue.manager.id
    assert approved.json()["voided_by"]["id"] == venue.cashier.id
    cancel = tablet.get("tickets", station="grill").json()[-1]
    assert (cancel["kind"], cancel["lines"][0]["line_id"]) == ("cancel", burger["id"])
    assert tablet.get(f"tabs/{tab['id']}").json()["figures"]["total"] == "0.00"


def test_a_comp_needs_a_manager_and_a_small_discount_does_not(tablet, venue):
    """Fries $4.50 comped, darts $10 less 10%: $9.00 + 8.25% tax ($0.7425) = $9.74."""
    tab = open_tab(tablet)
    fries = add(tablet, tab["id"], venue.fries).json()
    add(tablet, tab["id"], venue.darts)
    comp = {
        "adjustment_id": new_id(),
        "kind": "comp",
        "line_id": fries["id"],
        "percent": "100",
        "reason": "slow kitchen",
    }
    refused = tablet.post(f"tabs/{tab['id']}/adjustments", comp)
    assert (refused.status_code, refused.json()["code"]) == (403, "manager_approval_required")
    approved = tablet.post(
        f"tabs/{tab['id']}/adjustments",
        {**comp, "approval": {"staff_id": venue.manager.id, "pin": "2222"}},
    )
    assert approved.status_code == 201
    assert approved.json()["approved_by"]["id"] == venue.manager.id
    discount = tablet.post(
        f"tabs/{tab['id']}/adjustments",
        {"adjustment_id": new_id(), "kind": "discount", "percent": "10", "reason": "regular"},
    )
    assert (discount.status_code, discount.json()["approved_by"]) == (201, None)

    figures = tablet.get(f"tabs/{tab['id']}").json()["figures"]
    assert (figures["comps"], figures["discounts"], figures["total"]) == ("4.50", "1.00", "9.74")
    due = tablet.post(f"tabs/{tab['id']}/close")
    assert (due.status_code, due.json()["code"]) == (409, "payment_error")


def test_a_fully_comped_check_closes_without_payment(tablet, venue):
    tab = open_tab(tablet)
    add(tablet, tab["id"], venue.darts)
    tablet.post(
        f"tabs/{tab['id']}/adjustments",
        {
            "adjustment_id": new_id(),
            "kind": "comp",
            "percent": "100",
            "reason": "broken board",
            "approval": {"staff_id": venue.manager.id, "pin": "2222"},
        },
    )

    closed = tablet.post(f"tabs/{tab['id']}/close")

    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["figures"]["total"]) == ("closed", "0.00")
    assert JournalEntry.objects.filter(kind="sale").count() == 1


def test_renaming_with_a_stale_version_is_409(tablet, manager_tablet):
    tab = open_tab(tablet)
    first = tablet.post(f"tabs/{tab['id']}/rename", {"version": 1, "name": "Sam", "table": "4"})
    assert (first.status_code, first.json()["version"]) == (200, 2)

    stale = manager_tablet.post(f"tabs/{tab['id']}/rename", {"version": 1, "name": "Samuel"})

    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert stale.json()["details"] == {"version": "2"}


def test_transfer_lines_and_merge_tabs(tablet, venue):
    sam, alex = open_tab(tablet), open_tab(tablet, name="Alex")
    fries = add(tablet, sam["id"], venue.fries).json()
    add(tablet, sam["id"], venue.darts)

    moved = tablet.post(
        f"tabs/{sam['id']}/transfer", {"line_ids": [fries["id"]], "to_tab_id": alex["id"]}
    )
    assert moved.status_code == 200
    assert [line["name"] for line in moved.json()["lines"]] == ["Fries"]
    foreign = tablet.post(
        f"tabs/{alex['id']}/transfer",
        {
            "line_ids": [str(TabLine.objects.filter(tab_id=sam["id"]).get().id)],
            "to_tab_id": sam["id"] + 1000,
        },
    )
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")

    merged = tablet.post(f"tabs/{sam['id']}/merge", {"into_tab_id": alex["id"]})

    assert merged.status_code == 200
    assert sorted(line["name"] for line in merged.json()["lines"]) == [
        "Dart board, 1 hour",
        "Fries",
    ]
    source = tablet.get(f"tabs/{sam['id']}").json()
    assert (source["status"], source["merged_into_id"]) == ("voided", alex["id"])
    assert [t["id"] for t in tablet.get("tabs").json()] == [alex["id"]]
    assert [t["id"] for t in tablet.get("tabs", status="voided").json()] == [sam["id"]]


def test_a_line_keeps_its_own_discount_when_moved_and_loses_it_when_voided(tablet, venue):
    """Fries $4.50 - 10% = $4.05; tax 8.25% = 0.334 -> $0.33; $4.38 wherever the fries go."""
    tab, other = open_tab(tablet), open_tab(tablet, name="Alex")
    fries = add(tablet, tab["id"], venue.fries).json()
    tablet.post(
        f"tabs/{tab['id']}/adjustments",
        {
            "adjustment_id": new_id(),
            "kind": "discount",
            "percent": "10",
            "reason": "regular",
            "line_id": fries["id"],
        },
    )

    move = tablet.post(
        f"tabs/{tab['id']}/transfer", {"line_ids": [fries["id"]], "to_tab_id": other["id"]}
    )
    assert move.status_code == 200
    assert tablet.get(f"tabs/{tab['id']}").json()["figures"]["total"] == "0.00"
    assert tablet.get(f"tabs/{other['id']}").json()["figures"]["total"] == "4.38"

    void = tablet.post(f"lines/{fries['id']}/void", {"reason": "changed mind"})
    assert void.status_code == 200
    assert tablet.get(f"tabs/{other['id']}").json()["figures"]["total"] == "0.00"
