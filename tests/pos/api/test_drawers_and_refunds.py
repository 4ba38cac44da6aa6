"""Worked examples through the API: the grill drawer's shift, its reports, and a refund.

The grill drawer opens on a $150.00 float from the safe. Fries cost $4.50 + 8.25% tax = $4.87.
"""

import pytest

from pos.models import DrawerSession, Refund
from pos.services.tabs import send_to_preparation
from tests.pos.api.conftest import FLOAT_150, grill_drawer, new_id, new_tablet, tab_with
from tests.pos.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def grill(venue, clock):
    drawer = grill_drawer()
    tablet = new_tablet(staff=venue.cashier, pin="1111", drawer=drawer)
    return drawer, tablet


def approval(venue):
    return {"staff_id": venue.manager.id, "pin": "2222"}


def test_a_shift_from_float_to_blind_close(grill, venue, manager_tablet):
    drawer, tablet = grill
    opened = tablet.post(f"drawers/{drawer.id}/open", {"session_id": new_id(), "count": FLOAT_150})
    assert opened.status_code == 201, opened.json()
    session = opened.json()
    assert (session["status"], session["opening_float"], session["expected"]) == (
        "open",
        "150.00",
        None,
    )
    again = tablet.post(f"drawers/{drawer.id}/open", {"session_id": new_id(), "count": {}})
    assert (again.status_code, again.json()["code"]) == (409, "drawer_error")

    tab = tablet.post("tabs", {"client_id": new_id(), "name": "Sam"}).json()
    tablet.post(f"tabs/{tab['id']}/lines", {"line_id": new_id(), "item_id": venue.fries.id})
    paid = tablet.post(
        f"tabs/{tab['id']}/payments",
        {"payment_id": new_id(), "tender": "cash", "amount": "4.87", "tendered": "5.00"},
    )
    assert paid.json()["payment"]["change"] == "0.13"

    moves = f"drawer-sessions/{session['id']}/movements"
    change = {"movement_id": new_id(), "kind": "paid_in", "amount": "20.00", "reason": "change"}
    assert tablet.post(moves, change).status_code == 201
    ice = {
        "movement_id": new_id(),
        "kind": "paid_out",
        "amount": "12.50",
        "reason": "ice",
        "account": "Expenses:Supplies",
    }
    refused = tablet.post(moves, ice)
    assert (refused.status_code, refused.json()["code"]) == (403, "manager_approval_required")
    paid_out = tablet.post(moves, {**ice, "approval": approval(venue)})
    assert paid_out.status_code == 201
    assert (paid_out.json()["amount"], paid_out.json()["approved_by"]["id"]) == (
        "12.50",
        venue.manager.id,
    )
    no_sale = tablet.post(
        moves,
        {
            "movement_id": new_id(),
            "kind": "no_sale",
            "reason": "jammed",
            "approval": approval(venue),
        },
    )
    assert (no_sale.status_code, no_sale.json()["amount"]) == (201, "0.00")

    report = f"drawer-sessions/{session['id']}/report"
    assert tablet.get(report).status_code == 403  # a cashier counts blind
    x_report = manager_tablet.get(report).json()
    assert (x_report["final"], x_report["expected_cash"]) == (False, "162.37")
    treasurer = new_tablet(staff=make_staff("terry", "treasurer", "5555"), pin="5555")
    assert treasurer.get(report).json()["expected_cash"] is None

    # $150 + $4.87 + $20 - $12.50 = $162.37, counted $162.00: 37 cents short
    count = {"10000": 1, "2000": 3, "100": 2}
    closed = tablet.post(f"drawer-sessions/{session['id']}/close", {"count": count})

    assert closed.status_code == 200, closed.json()
    assert (closed.json()["counted"], closed.json()["expected"], closed.json()["variance"]) == (
        "162.00",
        "162.37",
        "-0.37",
    )
    assert DrawerSession.objects.get(id=session["id"]).closed_by == venue.cashier
    z_report = manager_tablet.get(report).json()
    assert (z_report["final"], z_report["variance"]) == (True, "-0.37")
    late = tablet.post(moves, {**change, "movement_id": new_id()})
    assert (late.status_code, late.json()["code"]) == (409, "drawer_error")


def test_a_big_variance_needs_a_manager_to_close(grill, venue):
    drawer, tablet = grill
    session = tablet.post(
        f"drawers/{drawer.id}/open", {"session_id": new_id(), "count": FLOAT_150}
    ).json()
    close = f"drawer-sessions/{session['id']}/close"

    short = tablet.post(close, {"count": {"10000": 1}})
    assert (short.status_code, short.json()["code"]) == (403, "manager_approval_required")
    approved = tablet.post(close, {"count": {"10000": 1}, "approval": approval(venue)})
    assert (approved.status_code, approved.json()["variance"]) == (200, "-50.00")
    assert approved.json()["variance_approved_by"]["id"] == venue.manager.id


@pytest.mark.parametrize(
    ("count", "field"),
    [({"300": 1}, None), ({"2000": -1}, "count"), ({"2000": "five"}, "count"), ([5], "count")],
)
def test_a_bad_count_is_400(grill, count, field):
    drawer, tablet = grill
    response = tablet.post(f"drawers/{drawer.id}/open", {"session_id": new_id(), "count": count})

    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")
    if field:
        assert field in response.json()["details"]
    assert not DrawerSession.objects.filter(drawer=drawer).exists()


def test_the_printable_report_takes_tablet_headers_or_a_session_login(
    venue, manager_tablet, tablet, client
):
    page = f"/pos/drawers/sessions/{venue.session.id}/report"

    by_tablet = manager_tablet.client.get(page, headers=manager_tablet.headers)
    assert by_tablet.status_code == 200
    assert b"Bar drawer" in by_tablet.content
    assert tablet.client.get(page, headers=tablet.headers).status_code == 403  # a cashier
    assert client.get(page).status_code == 403  # nobody signed in
    bad = client.get(page, headers={"Authorization": "Device nope"})
    assert bad.status_code == 401
    client.force_login(venue.manager.user)
    assert client.get(page).status_code == 200
    assert client.get(f"/pos/drawers/sessions/{new_id()}/report").status_code == 404


def test_a_refund_needs_a_manager_and_goes_back_to_the_card(tablet, venue):
    tab, (fries, _) = tab_with(venue, venue.fries, venue.darts)  # $14.50 + $1.20 = $15.70
    tablet.post(
        f"tabs/{tab.id}/payments", {"payment_id": new_id(), "tender": "card", "amount": "15.70"}
    )
    body = {
        "refund_id": new_id(),
        "lines": [{"line_id": str(fries.id), "quantity": 1}],
        "reason": "cold",
    }

    no_pin = tablet.post(f"tabs/{tab.id}/refunds", body)
    assert (no_pin.status_code, no_pin.json()["code"]) == (400, "invalid_input")
    assert "approval" in no_pin.json()["details"]
    cashier = tablet.post(
        f"tabs/{tab.id}/refunds",
        {**body, "approval": {"staff_id": venue.cashier.id, "pin": "1111"}},
    )
    assert (cashier.status_code, cashier.json()["code"]) == (403, "permission_denied")

    refund = tablet.post(f"tabs/{tab.id}/refunds", {**body, "approval": approval(venue)})

    assert refund.status_code == 201, refund.json()
    answer = refund.json()
    assert (answer["status"], answer["tender"], answer["total"]) == ("completed", "card", "4.87")
    assert answer["lines"] == [
        {"line_id": str(fries.id), "quantity": 1, "amount": "4.50", "tax": "0.37"}
    ]
    assert answer["approved_by"]["id"] == venue.manager.id
    too_many = tablet.post(
        f"tabs/{tab.id}/refunds", {**body, "refund_id": new_id(), "approval": approval(venue)}
    )
    assert (too_many.status_code, too_many.json()["code"]) == (409, "refund_error")
    assert Refund.objects.count() == 1


def test_an_open_check_cannot_be_refunded(tablet, venue):
    tab, (fries,) = tab_with(venue, venue.fries)
    send_to_preparation(tab_id=tab.id, staff=venue.cashier)

    response = tablet.post(
        f"tabs/{tab.id}/refunds",
        {
            "refund_id": new_id(),
            "lines": [{"line_id": str(fries.id), "quantity": 1}],
            "reason": "cold",
            "approval": approval(venue),
        },
    )

    assert (response.status_code, response.json()["code"]) == (409, "refund_error")
