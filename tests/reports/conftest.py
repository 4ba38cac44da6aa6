"""A worked quarter for the report tests, posted through the ledger's service.

2026Q1, in dollars:
- food sold by card 1,000.00 (+ 80.00 sales tax), alcohol sold for cash 500.00;
- cost of the food 300.00, card fees 30.00, rent 200.00;
- earmarked: 100.00 to the community fridge, 50.00 to skill-share;
- a gift of 40.00 restricted to the fridge;
- a fridge restock paid to a grocer, 60.00, releasing 60.00 of the fridge's designation.
So venue revenue 1,500.00, venue costs 530.00, surplus 970.00, earmarked 150.00, disbursed
60.00; the fridge fund closes at 0 + 100 + 40 - 60 = 80.00 and skill-share at 50.00.
Total assets 1,030.00 = sales tax owed 80.00 + net assets 950.00.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from djmoney.money import Money

from ledger.services import close_period, credit, debit, post_entry
from treasury.accounts import ensure_treasury_accounts
from treasury.services.policy import set_policy

DAY = datetime.date(2026, 2, 10)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def post(kind: str, lines, day: datetime.date = DAY) -> None:
    post_entry(entry_id=uuid.uuid4(), kind=kind, effective_date=day, lines=lines)


def make_user(username: str, group: str):
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def people(db):
    return {
        "treasurer": make_user("taylor", "treasurer"),
        "board": make_user("riley", "board"),
        "board2": make_user("dana", "board"),
    }


def post_worked_quarter() -> None:
    post("sale", [debit("Assets:Stripe:Clearing", usd("1080.00")),
                  credit("Income:Sales:Food", usd("1000.00")),
                  credit("Liabilities:SalesTax:Payable", usd("80.00"))])  # fmt: skip
    post("sale", [debit("Assets:Cash:Drawer1", usd("500.00")),
                  credit("Income:Sales:Alcohol", usd("500.00"))])  # fmt: skip
    post("adjustment", [debit("Expenses:CostOfGoodsSold:Food", usd("300.00")),
                        credit("Assets:Inventory:Food", usd("300.00"))])  # fmt: skip
    post("payment_fee", [debit("Expenses:CardFees", usd("30.00")),
                         credit("Assets:Stripe:Clearing", usd("30.00"))])  # fmt: skip
    post("adjustment", [debit("Expenses:Rent", usd("200.00")),
                        credit("Assets:Bank:Checking", usd("200.00"))])  # fmt: skip
    post("designation", [
        debit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("150.00")),
        credit("NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge", usd("100.00")),
        credit("NetAssets:WithoutDonorRestrictions:BoardDesignated:SkillShare", usd("50.00")),
    ])  # fmt: skip
    gift = "Income:Donations:Restricted:CommunityFridge"
    post("adjustment", [debit("Assets:Bank:Checking", usd("40.00")), credit(gift, usd("40.00"))])
    post("payout", [
        debit("Expenses:Programs:CommunityFridge", usd("60.00")),
        credit("Assets:Bank:Checking", usd("60.00")),
        debit("NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge", usd("60.00")),
        credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("60.00")),
    ])  # fmt: skip


def post_closing_entry() -> None:
    """What the treasury's close posts: the quarter's income and expenses into net assets."""
    post("closing", [
        debit("Income:Sales:Food", usd("1000.00")),
        debit("Income:Sales:Alcohol", usd("500.00")),
        debit("Income:Donations:Restricted:CommunityFridge", usd("40.00")),
        credit("Expenses:CostOfGoodsSold:Food", usd("300.00")),
        credit("Expenses:CardFees", usd("30.00")),
        credit("Expenses:Rent", usd("200.00")),
        credit("Expenses:Programs:CommunityFridge", usd("60.00")),
        credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("910.00")),
        credit("NetAssets:WithDonorRestrictions:CommunityFridge", usd("40.00")),
    ], day=datetime.date(2026, 3, 31))  # fmt: skip


def close_worked_quarter(people, *, with_closing_entry: bool = False) -> None:
    """The worked 2026Q1, with the treasury's policy, closed through the ledger's service."""
    ensure_treasury_accounts()
    set_policy(
        user=people["board"],
        effective_from=datetime.date(2026, 1, 1),
        floor_percent=Decimal("5"),
        share_percent=Decimal("40"),
        weights={"community-fridge": 60, "skill-share": 40},
        dual_approval_cents=50000,
        pay_it_forward_mode="liability",
        meal_credit_cents=1000,
        rollover_days=30,
        rollover_program="community-fridge",
    )
    post_worked_quarter()
    if with_closing_entry:
        post_closing_entry()
    close_period(period="2026Q1")


@pytest.fixture
def closed_quarter(people):
    close_worked_quarter(people)
    return people


@pytest.fixture
def closed_quarter_factory(people):
    def make(*, with_closing_entry: bool):
        close_worked_quarter(people, with_closing_entry=with_closing_entry)
        return publish(people)

    return make


def publish(people, period: str = "2026Q1", errata: str = ""):
    from reports import services

    services.draft_report(
        period=period,
        summary_en="The venue earned a surplus and the fridge was restocked.",
        summary_es="El local obtuvo un excedente y se reabasteció el refrigerador.",
        errata=errata,
        drafted_by=people["treasurer"],
    )
    services.approve_report(period=period, approved_by=people["board"])
    return services.publish_report(period=period, published_by=people["treasurer"])


@pytest.fixture
def published(closed_quarter):
    return publish(closed_quarter)
