"""Corrections are reversing entries: every posting mirrored, linked, at most once."""

import datetime
import uuid

import pytest

from ledger import exceptions
from ledger.models import JournalEntry
from ledger.selectors import account_balance, trial_balance
from ledger.services import credit, debit, post_entry, reverse_entry
from tests.conftest import Q1_DAY, usd

pytestmark = pytest.mark.django_db


def test_a_reversal_mirrors_every_posting_and_zeroes_the_balances():
    sale = post_entry(
        entry_id=uuid.uuid4(),
        kind="sale",
        effective_date=Q1_DAY,
        lines=[
            debit("Assets:Stripe:Clearing", usd("21.68")),
            credit("Income:Sales:Food", usd("20.00")),
            credit("Liabilities:SalesTax:Payable", usd("1.68")),
        ],
    )
    reversal_id = uuid.uuid4()

    reversal = reverse_entry(
        entry_id=reversal_id, reverses=sale.id, effective_date=datetime.date(2026, 2, 15)
    )

    assert reversal.kind == "reversal"
    assert reversal.reverses_id == sale.id
    assert sale.reversed_by == reversal
    assert reversal.memo == "Reversal of entry 1"
    assert [(p.account.name, p.side, p.amount) for p in reversal.postings.order_by("id")] == [
        ("Assets:Stripe:Clearing", "C", 2168),
        ("Income:Sales:Food", "D", 2000),
        ("Liabilities:SalesTax:Payable", "D", 168),
    ]
    assert account_balance(account="Assets:Stripe:Clearing") == usd("0.00")
    assert account_balance(account="Income:Sales:Food", as_of=Q1_DAY) == usd("20.00")
    assert trial_balance().balanced


def test_an_entry_is_reversed_at_most_once_and_replays_are_idempotent():
    sale = post_entry(
        entry_id=uuid.uuid4(),
        kind="sale",
        effective_date=Q1_DAY,
        lines=[debit("Assets:Stripe:Clearing", usd("5")), credit("Income:Sales:Food", usd("5"))],
    )
    reversal_id = uuid.uuid4()
    first = reverse_entry(entry_id=reversal_id, reverses=sale.id, effective_date=Q1_DAY)

    assert reverse_entry(entry_id=reversal_id, reverses=sale.id, effective_date=Q1_DAY) == first
    with pytest.raises(exceptions.AlreadyReversedError) as caught:
        reverse_entry(entry_id=uuid.uuid4(), reverses=sale.id, effective_date=Q1_DAY)
    assert f"already reversed by entry {reversal_id}" in caught.value.message
    assert JournalEntry.objects.count() == 2


def test_reversing_an_unknown_entry_is_refused():
    missing = uuid.uuid4()
    with pytest.raises(exceptions.EntryNotFoundError, match=f"Entry {missing} does not exist"):
        reverse_entry(entry_id=uuid.uuid4(), reverses=missing)
