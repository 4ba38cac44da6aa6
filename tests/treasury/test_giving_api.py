"""Giving at the till through the API: a round-up, a donation line, meal credits bought forward
and a community-credit payment, each idempotent and each landing in the check's one entry."""

import uuid

import pytest

from pos.models import Tab
from tests.pos.api.conftest import _fresh_throttles, clock, new_id, tab_with, tablet  # noqa: F401
from tests.pos.conftest import venue  # noqa: F401
from tests.treasury.test_giving import FRIDGE_GIFTS, OWED, _postings, till  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_round_up_is_one_donation_line_however_often_the_tablet_retries(till, tablet):  # noqa: F811
    tab, _ = tab_with(till, till.fries)
    body = {"line_id": new_id(), "program": "community-fridge"}
    first = tablet.post(f"tabs/{tab.id}/round-up", body, key="round-up-1")
    again = tablet.post(f"tabs/{tab.id}/round-up", body, key="round-up-1")
    # Fries 4.50 + 8.25 % tax 0.37 = 4.87: rounding up to 5.00 gives 0.13 to the fridge.
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["unit_price"] == "0.13"
    other = dict(body, program=None)
    assert tablet.post(f"tabs/{tab.id}/round-up", other, key="round-up-1").status_code == 409

    paid = tablet.post(f"tabs/{tab.id}/payments", {"payment_id": new_id(), "tender": "cash",
                       "amount": "5.00", "currency": "USD"})  # fmt: skip
    assert paid.status_code == 201
    assert ("C", FRIDGE_GIFTS, 13) in _postings(Tab.objects.get(id=tab.id))


def test_a_donation_line_names_a_bad_amount_or_program(till, tablet):  # noqa: F811
    tab, _ = tab_with(till, till.fries)
    path = f"tabs/{tab.id}/donations"
    for amount in ("-1.00", "0", "1.005", "abc"):
        answer = tablet.post(path, {"line_id": new_id(), "amount": amount, "currency": "USD"})
        assert answer.status_code == 400, amount
        assert "amount" in answer.json()["details"], amount
    unknown = tablet.post(path, {"line_id": new_id(), "amount": "2.50", "currency": "USD",
                                 "program": "no-such-program"})  # fmt: skip
    assert unknown.status_code in (400, 404)
    assert "no-such-program" in unknown.json()["message"]
    given = tablet.post(path, {"line_id": new_id(), "amount": "2.50", "currency": "USD"})
    assert given.status_code == 201
    assert given.json()["unit_price"] == "2.50"


def test_meal_credits_bought_then_spent_as_a_community_credit(till, tablet):  # noqa: F811
    buyer, _ = tab_with(till)
    bought = tablet.post(f"tabs/{buyer.id}/meal-credits", {"line_id": new_id(), "units": 2})
    assert bought.status_code == 201
    cash = {"payment_id": new_id(), "tender": "cash", "amount": "20.00", "currency": "USD"}
    assert tablet.post(f"tabs/{buyer.id}/payments", cash).status_code == 201
    assert _postings(Tab.objects.get(id=buyer.id)) == [
        ("C", OWED, 2000),
        ("D", "Assets:Cash:Drawer1", 2000),
    ]

    guest, _ = tab_with(till, till.fries)
    payment_id = str(uuid.uuid4())
    paid = tablet.post(f"tabs/{guest.id}/community-credit", {"payment_id": payment_id,
                       "units": 1})  # fmt: skip
    assert paid.status_code == 201
    # It answers like any payment: tender "credit", the 4.87 due, the check closed.
    assert paid.json()["payment"]["tender"] == "credit"
    assert paid.json()["payment"]["amount"] == "4.87"
    assert Tab.objects.get(id=guest.id).status == Tab.Status.CLOSED
    none_left = tablet.post(f"tabs/{guest.id}/community-credit", {"payment_id": new_id(),
                            "units": 1})  # fmt: skip
    assert none_left.status_code in (402, 409)
