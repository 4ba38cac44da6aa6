"""Worked stories of the earmark: floor against share, a loss quarter, daily accrual, top-up.

Policy of the fixture: floor 5 % of qualifying net sales, share 40 % of the venue's
surplus, split 60 / 40 between the community fridge and skill-share.
"""

import datetime

import pytest

from ledger.chart import install_chart
from ledger.models import Account, JournalEntry, Program
from ledger.selectors import account_balance
from ledger.services import credit, debit
from tests.treasury.conftest import make_policy, post, sell, spend, usd
from treasury.accounts import ensure_treasury_accounts
from treasury.public import quarter_earmark
from treasury.services.earmarks import accrue_earmarks, post_top_up

FRIDGE = "NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge"
SKILLS = "NetAssets:WithoutDonorRestrictions:BoardDesignated:SkillShare"
pytestmark = pytest.mark.django_db


def test_the_floor_wins_when_the_surplus_is_thin(policy):
    sell("10000.00")
    spend("9500.00")
    earmark = quarter_earmark(period="2026Q1")
    # Floor 5 % x 10,000 = 500; surplus 500, share 40 % x 500 = 200; designation 500.
    assert earmark.qualifying_net_sales == usd("10000.00")
    assert earmark.surplus == usd("500.00")
    assert (earmark.floor, earmark.share, earmark.designation) == (
        usd("500.00"), usd("200.00"), usd("500.00"),
    )  # fmt: skip
    assert [(p.slug, p.amount) for p in earmark.by_program] == [
        ("community-fridge", usd("300.00")), ("skill-share", usd("200.00")),
    ]  # fmt: skip
    assert "the sales floor: $500.00" in earmark.plain_words


def test_the_share_wins_when_the_surplus_is_large(policy):
    sell("10000.00")
    spend("5000.00")
    earmark = quarter_earmark(period="2026Q1")
    # Floor 500; surplus 5,000, share 40 % = 2,000; designation 2,000 split 1,200 / 800.
    assert (earmark.floor, earmark.share, earmark.designation) == (
        usd("500.00"), usd("2000.00"), usd("2000.00"),
    )  # fmt: skip
    assert [p.amount for p in earmark.by_program] == [usd("1200.00"), usd("800.00")]


def test_a_loss_quarter_designates_the_floor_only(policy):
    sell("10000.00")
    spend("12000.00")
    earmark = quarter_earmark(period="2026Q1")
    assert earmark.surplus == usd("-2000.00")
    assert (earmark.floor, earmark.share, earmark.designation) == (
        usd("500.00"), usd("0.00"), usd("500.00"),
    )  # fmt: skip


def test_tax_tips_donations_pay_it_forward_and_program_spending_are_left_out(policy):
    day = datetime.date(2026, 2, 10)
    post([
        debit("Assets:Stripe:Clearing", usd("140.00")),
        credit("Income:Sales:Food", usd("100.00")),
        credit("Liabilities:SalesTax:Payable", usd("8.25")),
        credit("Liabilities:Tips:Payable", usd("11.75")),
        credit("Income:Donations:Unrestricted", usd("10.00")),
        credit("Liabilities:PayItForward", usd("10.00")),
    ], day)  # fmt: skip
    # A comp: 20.00 of food at menu price given away, income and expense both at 20.00.
    post([debit("Expenses:Comps", usd("20.00")), credit("Income:Sales:Food", usd("20.00"))], day)
    spend("30.00", account="Expenses:Programs:CommunityFridge")
    earmark = quarter_earmark(period="2026Q1")
    # Qualifying: food 120 less the 20 comp = 100. Surplus: 120 income - 20 comps = 100.
    assert earmark.qualifying_net_sales == usd("100.00")
    assert earmark.surplus == usd("100.00")


def test_the_floor_accrues_daily_once_per_day_and_catches_up(policy):
    sell("1000.00", day=datetime.date(2026, 1, 5))
    sell("333.33", day=datetime.date(2026, 1, 6))
    first = accrue_earmarks(day=datetime.date(2026, 1, 5))
    # 5 % x 1,000 = 50.00 split 30.00 / 20.00, dated the 5th (days 1-4 had no sales).
    assert [entry.effective_date for entry in first] == [datetime.date(2026, 1, 5)]
    assert account_balance(account=FRIDGE) == usd("30.00")
    assert accrue_earmarks(day=datetime.date(2026, 1, 5)) == []  # idempotent per day
    accrue_earmarks(day=datetime.date(2026, 1, 6))
    # Quarter to date 5 % x 1,333.33 = 66.6665 -> 66.67 (half up): the 6th adds 16.67,
    # split 60 / 40 as 10.002 / 6.668 -> 10.00 + 6.67 (the larger remainder gets the cent).
    assert account_balance(account=FRIDGE) == usd("40.00")
    assert account_balance(account=SKILLS) == usd("26.67")


def test_a_refund_after_an_accrual_is_caught_up_the_next_day(policy):
    sell("1000.00", day=datetime.date(2026, 1, 5))
    accrue_earmarks(day=datetime.date(2026, 1, 5))
    post([debit("Income:Sales:Food", usd("200.00")),
          credit("Assets:Stripe:Clearing", usd("200.00"))], datetime.date(2026, 1, 6))  # fmt: skip
    accrue_earmarks(day=datetime.date(2026, 1, 6))
    # 5 % x 800 = 40: the 6th gives back 10.00, split 6.00 / 4.00.
    assert account_balance(account=FRIDGE) == usd("24.00")
    assert account_balance(account=SKILLS) == usd("16.00")


def test_rounding_across_three_programs_is_settled_by_the_top_up(people):
    Program.objects.create(name="Tool library", slug="tool-library",
                           account_component="ToolLibrary", allocation_order=9)  # fmt: skip
    install_chart(Account, Program)
    ensure_treasury_accounts()
    make_policy(people["board"], share_percent=0,
                weights={"community-fridge": 3, "skill-share": 3, "tool-library": 1})  # fmt: skip
    sell("100.00", day=datetime.date(2026, 1, 5))
    sell("100.00", day=datetime.date(2026, 1, 6))
    accrue_earmarks(day=datetime.date(2026, 1, 6))
    tools = "NetAssets:WithoutDonorRestrictions:BoardDesignated:ToolLibrary"
    # Each day 5.00 splits 3:3:1 as 2.14 + 2.14 + 0.72 (remainders 2, 2, 3 sevenths).
    balances = [account_balance(account=name) for name in (FRIDGE, SKILLS, tools)]
    assert balances == [usd("4.28"), usd("4.28"), usd("1.44")]
    # The quarter's 10.00 splits 4.29 + 4.28 + 1.43: the top-up moves one cent from the tool
    # library to the fridge; undesignated net assets are untouched.
    entry = post_top_up(period="2026Q1")
    moved = sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())
    assert moved == [("C", FRIDGE, 1), ("D", tools, 1)]
    balances = [account_balance(account=name) for name in (FRIDGE, SKILLS, tools)]
    assert balances == [usd("4.29"), usd("4.28"), usd("1.43")]
    assert sum(b.amount for b in balances) == quarter_earmark(period="2026Q1").designation.amount


def test_the_top_up_brings_the_quarter_to_the_share_and_posts_once(policy):
    sell("10000.00", day=datetime.date(2026, 1, 5))
    spend("5000.00", day=datetime.date(2026, 1, 6))
    accrue_earmarks(day=datetime.date(2026, 3, 31))
    assert account_balance(account=FRIDGE) == usd("300.00")  # 60 % of the 500 floor
    entry = post_top_up(period="2026Q1")
    assert entry.effective_date == datetime.date(2026, 3, 31)
    # Share 2,000: the top-up is 1,500, 900 to the fridge and 600 to skill-share.
    assert account_balance(account=FRIDGE) == usd("1200.00")
    assert account_balance(account=SKILLS) == usd("800.00")
    assert post_top_up(period="2026Q1") is None  # nothing more is due
    assert JournalEntry.objects.filter(source_ref__startswith="earmark-topup:").count() == 1
