"""Giving on the pay screen, through Django's test client: a round-up for the program the guest
chose, and a community-credit payment that reads on the receipt like any other tender."""

import uuid

import pytest

from ledger.models import JournalEntry
from pos.models import Item, Tab, TabLine
from tests.ui.test_session import open_tab, tablet  # noqa: F401 - the signed-in bar tablet

pytestmark = pytest.mark.django_db


def _add(client, tab_id: int, name: str) -> None:
    item = Item.objects.get(name=name)
    response = client.post(f"/tablet/tabs/{tab_id}/lines",
                           {"line_id": uuid.uuid4(), "item_id": item.id})  # fmt: skip
    assert response.status_code == 200


def test_a_round_up_for_the_fridge_adds_one_donation_line(tablet):  # noqa: F811
    tab_id = open_tab(tablet)
    _add(tablet, tab_id, "Fries")  # 4.50 + 8.25 % tax 0.37 = 4.87
    page = tablet.get(f"/tablet/tabs/{tab_id}/pay")
    assert b"Round up to the next dollar for" in page.content
    line_id = uuid.uuid4()
    for _ in range(2):  # a retried tap adds nothing more
        response = tablet.post(f"/tablet/tabs/{tab_id}/round-up",
                               {"line_id": line_id, "program": "community-fridge"})  # fmt: skip
        assert response.status_code == 302
    donation = TabLine.objects.get(tab_id=tab_id, category__kind="giving")
    assert (donation.id, donation.unit_price) == (line_id, 13)
    # The check is now a whole 5.00: the pay screen no longer offers to round it up.
    page = tablet.get(f"/tablet/tabs/{tab_id}/pay")
    assert b"Round up to the next dollar for" not in page.content


def test_a_meal_paid_forward_is_spent_as_a_community_credit_like_any_tender(tablet):  # noqa: F811
    buyer = open_tab(tablet, name="Kim")
    _add(tablet, buyer, "Meal paid forward")
    paid = tablet.post(f"/tablet/tabs/{buyer}/pay/card",
                       {"payment_id": uuid.uuid4(), "amount": "10.00", "tip": ""})  # fmt: skip
    assert paid.status_code == 302
    guest = open_tab(tablet, name="Table 3")
    _add(tablet, guest, "Fries")
    payment_id = uuid.uuid4()
    response = tablet.post(f"/tablet/tabs/{guest}/pay/credit",
                           {"payment_id": payment_id, "units": "1"})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/tablet/tabs/{guest}/receipt?paid={payment_id}"
    tab = Tab.objects.get(id=guest)
    assert tab.status == Tab.Status.CLOSED
    assert JournalEntry.objects.filter(id=tab.ledger_entry_id).exists()
    receipt = tablet.get(response["Location"]).content.decode()
    assert "Community credit" in receipt
    assert "4.87" in receipt


def test_community_credits_must_be_a_whole_number(tablet):  # noqa: F811
    tab_id = open_tab(tablet)
    _add(tablet, tab_id, "Fries")
    response = tablet.post(f"/tablet/tabs/{tab_id}/pay/credit",
                           {"payment_id": uuid.uuid4(), "units": "0.5"})  # fmt: skip
    assert response.status_code == 400
    assert b"whole number" in response.content
