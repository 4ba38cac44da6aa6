"""simulate plays games: rental income lands on each resource type's account, deposits clear."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos.rentals.models import Deposit, RentalSession, Segment

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 1, 9)


def test_a_simulated_weekend_bills_games_by_resource_type():
    call_command("demo", stdout=StringIO())
    call_command("simulate", "--days", "2", "--seed", "1", "--start", FRIDAY.isoformat(),
                 stdout=StringIO())  # fmt: skip
    assert RentalSession.objects.exists()
    assert not RentalSession.objects.exclude(status="stopped").exists()
    assert Segment.objects.filter(reason="rate change").exists()  # happy hours crossed
    for account in ("Income:Rentals:Games:Darts", "Income:Rentals:Games:Shuffleboard"):
        assert account_balance(account=account).amount > 0
    # Every deposit was returned, kept or spent: the liability is back to nothing.
    assert not Deposit.objects.filter(status="held").exists()
    assert account_balance(account="Liabilities:CustomerDeposits").amount == 0
    assert verify_ledger().ok
