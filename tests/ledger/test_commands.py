"""The ledger's commands: trial_balance as a table, and clear errors for bad arguments."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import post_sale

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_trial_balance_prints_a_balanced_table():
    post_sale(total="1234.56", effective_date=datetime.date(2026, 1, 10))
    post_sale(total="0.44", tender="Assets:Cash:Drawer1", effective_date=datetime.date(2026, 4, 2))

    lines = run("trial_balance", "--as-of", "2026-03-31").splitlines()

    assert lines == [
        "Trial balance, balances as of 2026-03-31",
        "Account                          Debit          Credit",
        "Assets:Stripe:Clearing        1,234.56",
        "Income:Sales:Food                             1,234.56",
        "Total USD                     1,234.56        1,234.56",
        "Balanced.",
    ]


def test_trial_balance_over_a_period():
    post_sale(total="5.00", effective_date=datetime.date(2026, 1, 10))
    post_sale(total="7.00", effective_date=datetime.date(2026, 4, 10))

    out = run("trial_balance", "--period", "2026Q2")

    assert out.startswith("Trial balance, activity 2026-04-01 to 2026-06-30\n")
    assert "Total USD                         7.00            7.00" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trial_balance", "--as-of", "31/03/2026"], "Invalid isoformat string"),
        (["trial_balance", "--period", "Q1-2026"], "not a period name like 2026Q1"),
        (["trial_balance", "--as-of", "2026-03-31", "--period", "2026Q1"], "not both"),
        (["export_beancount", "-", "--period", "2026Q9"], "not a period name like 2026Q1"),
    ],
)
def test_bad_arguments_get_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
