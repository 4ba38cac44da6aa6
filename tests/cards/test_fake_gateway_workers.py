"""Demo card payments on a server with several worker processes (gunicorn), as bench/load.py
runs it: each worker holds its own in-memory FakeGateway, so what the fake names must be unique
across instances, or two workers' card fees collide in the ledger and the second payment fails.

Fees (2.7% + 5 cents, half-up): $12.99 burger -> $0.40; $4.87 fries -> $0.18.
"""

import datetime
import uuid

import pytest

from ledger.models import EntryKind, JournalEntry
from ledger.verification import verify_ledger
from pos import gateway as gateway_module
from pos.models import Tab
from pos.services.checkout import pay_card
from tests.cards.conftest import check_with
from tests.pos.conftest import usd

pytestmark = pytest.mark.django_db


def pay_by_card(venue, item, amount: str) -> Tab:
    tab = check_with(venue, item)
    pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount),
             staff=venue.cashier, device=venue.tablet)  # fmt: skip
    tab.refresh_from_db()
    return tab


def test_card_checks_paid_on_two_workers_each_post_their_own_fee(venue, fake):
    first = pay_by_card(venue, venue.burger, "12.99")
    gateway_module._gateways.clear()  # the next request lands on another worker: its own fake
    second = pay_by_card(venue, venue.fries, "4.87")

    assert (first.status, second.status) == (Tab.Status.CLOSED, Tab.Status.CLOSED)
    fees = JournalEntry.objects.filter(kind=EntryKind.PAYMENT_FEE).order_by("seq")
    assert [entry.postings.get(side="D").amount for entry in fees] == [40, 18]
    assert verify_ledger().ok


def test_two_fakes_never_name_two_things_alike():
    from pos.cards.fake_gateway import FakeGateway

    one, two = FakeGateway(), FakeGateway()
    charges = [
        gateway.charge(attempt_id=uuid.uuid4(), amount=1000, currency="usd")
        for gateway in (one, two)
    ]
    txns = {gateway.payment(c.reference).balance_transaction for gateway, c in
            zip((one, two), charges, strict=True)}  # fmt: skip
    payouts = {
        gateway.create_payout(arrival_date=datetime.date(2026, 3, 2)) for gateway in (one, two)
    }
    events = {gateway.events[0]["id"] for gateway in (one, two)}
    assert (len(txns), len(payouts), len(events)) == (2, 2, 2)
