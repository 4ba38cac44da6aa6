"""Quarter closes: snapshots, the lock date, ordering, and balances read through snapshots."""

import datetime
import uuid

import pytest
from django.test import override_settings

from ledger import exceptions
from ledger.models import BalanceSnapshot, ChainHead, Period
from ledger.periods import quarter_named, quarter_of
from ledger.selectors import account_balance, trial_balance
from ledger.services import close_period, reverse_entry
from tests.conftest import post_sale, usd

pytestmark = pytest.mark.django_db

MARCH_31 = datetime.date(2026, 3, 31)
APRIL_1 = datetime.date(2026, 4, 1)


def test_closing_a_quarter_snapshots_every_account_and_records_the_chain_head():
    post_sale(total="12.00", effective_date=datetime.date(2026, 1, 5))
    post_sale(total="8.50", effective_date=MARCH_31, income="Income:Sales:Alcohol")
    post_sale(total="3.00", effective_date=APRIL_1)  # next quarter: not in the snapshot

    period = close_period(period="2026Q1")

    assert period.status == Period.Status.CLOSED
    assert (period.head_seq, period.head_hash) == (3, ChainHead.objects.get().hash)
    snapshots = {
        s.account.name: (s.debits, s.credits)
        for s in BalanceSnapshot.objects.filter(period=period).select_related("account")
    }
    assert snapshots == {
        "Assets:Stripe:Clearing": (2050, 0),
        "Income:Sales:Food": (0, 1200),
        "Income:Sales:Alcohol": (0, 850),
    }


def test_after_a_close_nothing_is_dated_on_or_before_its_end():
    post_sale(effective_date=MARCH_31)
    close_period(period="2026Q1")

    with pytest.raises(exceptions.ClosedPeriodError) as caught:
        post_sale(effective_date=datetime.date(2026, 2, 1))
    assert "on or before the end of closed period 2026Q1" in caught.value.message
    with pytest.raises(exceptions.ClosedPeriodError):
        post_sale(effective_date=datetime.date(2025, 12, 31))
    assert post_sale(effective_date=APRIL_1).seq == 2


def test_a_correction_after_the_close_is_a_reversal_in_the_open_quarter():
    sale = post_sale(total="40.00", effective_date=MARCH_31)
    close_period(period="2026Q1")

    reversal = reverse_entry(entry_id=uuid.uuid4(), reverses=sale.id, effective_date=APRIL_1)

    assert reversal.period.name == "2026Q2"
    assert account_balance(account="Income:Sales:Food", as_of=MARCH_31) == usd("40.00")
    assert account_balance(account="Income:Sales:Food") == usd("0.00")


def test_quarters_close_in_order_and_once():
    post_sale(effective_date=datetime.date(2026, 1, 5))
    post_sale(effective_date=APRIL_1)

    with pytest.raises(exceptions.PeriodError, match="Close 2026Q1 before 2026Q2"):
        close_period(period="2026Q2")
    close_period(period="2026Q1")
    with pytest.raises(exceptions.PeriodError, match="Period 2026Q1 is already closed"):
        close_period(period="2026Q1")
    assert close_period(period="2026Q2").status == Period.Status.CLOSED


def test_balances_after_a_close_read_the_snapshot_plus_later_postings(django_assert_num_queries):
    for day in range(1, 31):
        post_sale(total="1.00", effective_date=datetime.date(2026, 1, day))
    close_period(period="2026Q1")
    post_sale(total="2.50", effective_date=APRIL_1)

    assert account_balance(account="Income:Sales:Food") == usd("32.50")
    assert account_balance(account="Income:Sales:Food", as_of=MARCH_31) == usd("30.00")
    # 1 closed period + 1 snapshot + 1 postings-after query, however long the history.
    with django_assert_num_queries(4):
        report = trial_balance()
    assert report.totals == {"USD": (usd("32.50"), usd("32.50"))}


def test_trial_balance_over_a_period_shows_its_activity_only():
    post_sale(total="10.00", effective_date=datetime.date(2026, 2, 1))
    close_period(period="2026Q1")
    post_sale(total="4.00", effective_date=datetime.date(2026, 5, 1))

    q2 = trial_balance(period="2026Q2")

    assert (q2.start, q2.end) == (APRIL_1, datetime.date(2026, 6, 30))
    assert {row.account: row.credit for row in q2.rows if row.credit} == {
        "Income:Sales:Food": usd("4.00")
    }
    assert q2.totals == {"USD": (usd("4.00"), usd("4.00"))}


@override_settings(LEDGER_FISCAL_YEAR_START_MONTH=7)
def test_fiscal_quarters_follow_the_configured_start_month():
    assert quarter_of(datetime.date(2026, 7, 1)).name == "2027Q1"
    assert quarter_of(datetime.date(2026, 6, 30)).name == "2026Q4"
    q3 = quarter_named("2027Q3")
    assert (q3.start_date, q3.end_date) == (datetime.date(2027, 1, 1), MARCH_31.replace(year=2027))


def test_period_names_are_validated():
    with pytest.raises(ValueError, match="not a period name like 2026Q1"):
        quarter_named("2026-Q5")
