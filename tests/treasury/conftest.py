"""A treasury for tests: a treasurer, two board members, a requester, a policy, helpers."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from djmoney.money import Money

from ledger.services import credit, debit, post_entry
from treasury.accounts import ensure_treasury_accounts
from treasury.services.policy import set_policy

Q1_START = datetime.date(2026, 1, 1)
Q1_END = datetime.date(2026, 3, 31)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def make_user(username: str, group: str | None = None):
    user = get_user_model().objects.create_user(username=username)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def people(db):
    """treasurer, board (two members) and a program coordinator without a treasury role."""
    ensure_treasury_accounts()
    return {
        "treasurer": make_user("taylor", "treasurer"),
        "board": make_user("riley", "board"),
        "board2": make_user("dana", "board"),
        "coordinator": make_user("sam"),
    }


def make_policy(user, **overrides):
    values = {
        "effective_from": Q1_START,
        "floor_percent": Decimal("5"),
        "share_percent": Decimal("40"),
        "weights": {"community-fridge": 60, "skill-share": 40},
        "dual_approval_cents": 50000,
        "pay_it_forward_mode": "liability",
        "meal_credit_cents": 1000,
        "rollover_days": 30,
        "rollover_program": "community-fridge",
    }
    values.update(overrides)
    return set_policy(user=user, **values)


@pytest.fixture
def policy(people):
    return make_policy(people["board"])


def post(lines, day=datetime.date(2026, 2, 10), kind="sale"):
    return post_entry(entry_id=uuid.uuid4(), kind=kind, effective_date=day, lines=lines)


def sell(amount: str, day=datetime.date(2026, 2, 10), income="Income:Sales:Food"):
    """A sale paid by card: card clearing against income."""
    return post([debit("Assets:Stripe:Clearing", usd(amount)), credit(income, usd(amount))], day)


def spend(amount: str, account="Expenses:Rent", day=datetime.date(2026, 2, 11)):
    """A venue cost paid from the bank."""
    return post(
        [debit(account, usd(amount)), credit("Assets:Bank:Checking", usd(amount))],
        day,
        kind="adjustment",
    )
