"""Giving: round-ups and donations at the till, meal credits paid forward, redeemed and rolled
over, under both accounting settings of the policy."""

import datetime
import uuid
from decimal import Decimal

import pytest

from ledger.models import JournalEntry, Program
from ledger.selectors import account_balance
from ledger.services import credit, debit
from pos.models import Category, Item
from pos.services import checkout, giving, tabs
from tests.pos.conftest import venue  # noqa: F401 - the point of sale's test venue
from tests.treasury.conftest import make_policy, post, usd
from treasury.public import PayItForwardCounts, pay_it_forward_counts, quarter_earmark
from treasury.selectors.funds import fund
from treasury.services.meals import issue_meal_credits, redeem_meal_credits, roll_over_meal_credits

pytestmark = pytest.mark.django_db
FRIDGE_GIFTS = "Income:Donations:Restricted:CommunityFridge"
OWED = "Liabilities:PayItForward"
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def test_meal_credits_as_a_liability_issued_redeemed_and_rolled_over(people, policy):
    bought = datetime.date(2026, 1, 10)
    # A guest buys 3 credits at 10.00 on their check.
    lines = issue_meal_credits(source_ref="check-1", units=3, on=bought)
    post([debit("Assets:Stripe:Clearing", usd("30.00")), *lines], bought)
    assert account_balance(account=OWED) == usd("30.00")
    # Someone eats an 8.00 meal with one credit: 10.00 leaves the liability, the 2.00 the
    # meal did not use goes to the fridge fund, as stated when the credit was bought.
    served = redeem_meal_credits(source_ref="check-2", units=1, amount_cents=800, on=bought)
    post([*served, credit("Income:Sales:Food", usd("8.00"))], bought)
    assert account_balance(account=OWED) == usd("20.00")
    assert account_balance(account=FRIDGE_GIFTS) == usd("2.00")
    # 30 days later the 2 credits left roll to the fridge fund.
    assert roll_over_meal_credits(as_of=datetime.date(2026, 2, 8)) is None  # 29 days: not yet
    roll_over_meal_credits(as_of=datetime.date(2026, 2, 9))
    assert account_balance(account=OWED) == usd("0.00")
    assert account_balance(account=FRIDGE_GIFTS) == usd("22.00")
    assert pay_it_forward_counts(start=Q1[0], end=Q1[1]) == PayItForwardCounts(
        issued=3, redeemed=1, rolled_over=2, outstanding=0
    )
    # The meal served is a sale of food; the credits bought never were.
    assert quarter_earmark(period="2026Q1").qualifying_net_sales == usd("8.00")


def test_meal_credits_as_a_restricted_gift_released_when_a_meal_is_served(people):
    make_policy(people["board"], pay_it_forward_mode="restricted")
    bought = datetime.date(2026, 1, 10)
    lines = issue_meal_credits(source_ref="check-1", units=2, on=bought)
    post([debit("Assets:Stripe:Clearing", usd("20.00")), *lines], bought)
    fridge = fund(_fridge(), as_of=bought)
    # 20.00 restricted to the fridge, but promised to meals: none of it is available yet.
    assert (fridge.restricted, fridge.reserved, fridge.available) == (2000, 2000, 0)
    served = redeem_meal_credits(source_ref="check-2", units=1, amount_cents=1000, on=bought)
    post([*served, credit("Income:Sales:Food", usd("10.00"))], bought)
    # The program bought the meal (program expense) and its restriction is released.
    assert account_balance(account="Expenses:Programs:CommunityFridge") == usd("10.00")
    assert account_balance(account="NetAssets:WithDonorRestrictions:CommunityFridge") == usd(
        "-10.00"
    )
    roll_over_meal_credits(as_of=datetime.date(2026, 2, 9))
    # Rolled over: the money is in the fridge fund already, so only the units move and the
    # 10.00 left becomes available to the fridge.
    fridge = fund(_fridge(), as_of=datetime.date(2026, 2, 9))
    assert (fridge.restricted, fridge.reserved, fridge.available) == (1000, 0, 1000)
    assert pay_it_forward_counts(start=Q1[0], end=Q1[1]) == PayItForwardCounts(
        issued=2, redeemed=1, rolled_over=1, outstanding=0
    )
    assert not JournalEntry.objects.filter(source_ref__startswith="meal-rollover:").exists()


def _fridge():
    return Program.objects.get(slug="community-fridge")


@pytest.fixture
def till(venue, people, policy):  # noqa: F811 - the imported fixture
    """The test venue with Giving items (untaxed) and the treasury's policy."""
    for name, account, item, price in (
        # A donation line takes the amount given; the item's price is only its default.
        ("Donations", "Income:Donations:Unrestricted", "Donation", "1.00"),
        ("Donations: community fridge", FRIDGE_GIFTS, "Donation to the fridge", "1.00"),
        ("Meals paid forward", OWED, "Meal paid forward", "10.00"),
    ):
        category = Category.objects.create(name=name, kind="giving", income_account=account,
                                           tax_rate=Decimal(0))  # fmt: skip
        Item.objects.create(category=category, name=item, price=usd(price))
    return venue


def _check(till, *items):
    tab = tabs.open_tab(client_id=uuid.uuid4(), name="Sam", table="", staff=till.cashier,
                        device=till.tablet)  # fmt: skip
    for item in items:
        tabs.add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=item.id, staff=till.cashier,
                      device=till.tablet)  # fmt: skip
    return tab


def _postings(tab):
    tab.refresh_from_db()
    entry = JournalEntry.objects.get(id=tab.ledger_entry_id)
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def test_a_round_up_at_the_till_is_a_gift_to_the_chosen_program(till):
    tab = _check(till, till.fries)
    # Fries 4.50 + 8.25 % tax 0.37 = 4.87; rounded up to 5.00 with 0.13 for the fridge.
    line = giving.round_up(tab_id=tab.id, line_id=uuid.uuid4(), program="community-fridge",
                           staff=till.cashier, device=till.tablet)  # fmt: skip
    assert line.unit_price == 13
    checkout.pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("5.00"),
                      tendered=usd("5.00"), staff=till.cashier, device=till.tablet)  # fmt: skip
    assert _postings(tab) == sorted(
        [
            ("C", FRIDGE_GIFTS, 13),
            ("C", "Assets:Inventory:Food", 90),
            ("C", "Income:Sales:Food", 450),
            ("C", "Liabilities:SalesTax:Payable", 37),
            ("D", "Assets:Cash:Drawer1", 500),
            ("D", "Expenses:CostOfGoodsSold:Food", 90),
        ]
    )


def test_meal_credits_bought_and_used_at_the_till(till):
    buyer = _check(till)
    giving.add_meal_credits(tab_id=buyer.id, line_id=uuid.uuid4(), units=2, staff=till.cashier,
                            device=till.tablet)  # fmt: skip
    checkout.pay_cash(tab_id=buyer.id, payment_id=uuid.uuid4(), amount=usd("20.00"),
                      tendered=usd("20.00"), staff=till.cashier, device=till.tablet)  # fmt: skip
    assert _postings(buyer) == [("C", OWED, 2000), ("D", "Assets:Cash:Drawer1", 2000)]
    guest = _check(till, till.fries)
    payment = giving.pay_community_credit(tab_id=guest.id, payment_id=uuid.uuid4(), units=1,
                                          staff=till.cashier, device=till.tablet)  # fmt: skip
    # The credit pays the 4.87 due, like any tender; the 5.13 it did not use goes to the fridge.
    assert (payment.tender, payment.amount) == ("credit", 487)
    assert _postings(guest) == sorted(
        [
            ("C", FRIDGE_GIFTS, 513),
            ("C", "Assets:Inventory:Food", 90),
            ("C", "Income:Sales:Food", 450),
            ("C", "Liabilities:SalesTax:Payable", 37),
            ("D", "Expenses:CostOfGoodsSold:Food", 90),
            ("D", OWED, 1000),
        ]
    )
    today = guest.business_date
    assert pay_it_forward_counts(start=today, end=today) == PayItForwardCounts(
        issued=2, redeemed=1, rolled_over=0, outstanding=1
    )


def test_meal_credits_bought_at_the_till_under_the_restricted_setting(till, people):
    make_policy(people["board"], effective_from=datetime.date(2026, 1, 2),
                pay_it_forward_mode="restricted")  # fmt: skip
    buyer = _check(till)
    giving.add_meal_credits(tab_id=buyer.id, line_id=uuid.uuid4(), units=1, staff=till.cashier,
                            device=till.tablet)  # fmt: skip
    checkout.pay_cash(tab_id=buyer.id, payment_id=uuid.uuid4(), amount=usd("10.00"),
                      tendered=usd("10.00"), staff=till.cashier, device=till.tablet)  # fmt: skip
    # The price lands in the fridge's restricted gifts; the liability nets to nothing.
    assert account_balance(account=OWED) == usd("0.00")
    assert account_balance(account=FRIDGE_GIFTS) == usd("10.00")
