"""A small venue for point-of-sale tests: a grill, a bar, a dart board, staff and a tablet."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money

from pos.models import (
    Category,
    Device,
    Drawer,
    DrawerSession,
    Item,
    Modifier,
    ModifierGroup,
    PriceRule,
    StaffMember,
)
from pos.services.staff import set_pin

FOOD_TAX = Decimal("0.08250")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def make_staff(username: str, role: str, pin: str) -> StaffMember:
    user = get_user_model().objects.create_user(username=username)
    staff = StaffMember.objects.create(user=user, display_name=username.title(), role=role)
    set_pin(staff=staff, pin=pin)
    return staff


@pytest.fixture
def venue(db):
    """Categories, items, modifiers, a happy hour, staff, a drawer with an open session."""
    food = Category.objects.create(
        name="Food", kind="food", income_account="Income:Sales:Food",
        cogs_account="Expenses:CostOfGoodsSold:Food", inventory_account="Assets:Inventory:Food",
        tax_rate=FOOD_TAX,
    )  # fmt: skip
    alcohol = Category.objects.create(
        name="Beer & wine", kind="alcohol", income_account="Income:Sales:Alcohol",
        cogs_account="Expenses:CostOfGoodsSold:Alcohol",
        inventory_account="Assets:Inventory:Alcohol", tax_rate=Decimal("0.10000"),
    )  # fmt: skip
    games = Category.objects.create(
        name="Games", kind="games", income_account="Income:Rentals:Games", tax_rate=FOOD_TAX
    )
    doneness = ModifierGroup.objects.create(name="Doneness", required=True, max_choices=1)
    medium = Modifier.objects.create(group=doneness, name="Medium")
    Modifier.objects.create(group=doneness, name="Well done")
    extras = ModifierGroup.objects.create(name="Extras", max_choices=2)
    bacon = Modifier.objects.create(group=extras, name="Bacon", price_delta=usd("2.00"))
    burger = Item.objects.create(
        category=food, name="Burger", price=usd("12.00"), unit_cost=usd("4.10"), station="grill"
    )
    burger.modifier_groups.set([doneness, extras])
    fries = Item.objects.create(
        category=food, name="Fries", price=usd("4.50"), unit_cost=usd("0.90"), station="grill"
    )
    beer = Item.objects.create(
        category=alcohol, name="Lager", price=usd("6.00"), unit_cost=usd("1.50"), station="bar",
        min_age=21,
    )  # fmt: skip
    darts = Item.objects.create(category=games, name="Dart board, 1 hour", price=usd("10.00"))
    happy_hour = PriceRule.objects.create(
        name="Happy hour", weekdays="01234", start_time=datetime.time(16),
        end_time=datetime.time(18), category=alcohol, kind="amount_off", amount=usd("1.00"),
    )  # fmt: skip
    cashier = make_staff("casey", "cashier", "1111")
    manager = make_staff("morgan", "manager", "2222")
    drawer = Drawer.objects.create(name="Bar drawer", account="Assets:Cash:Drawer1")
    tablet = Device.objects.create(
        name="Bar tablet", station="bar", token_hash="0" * 64, drawer=drawer
    )
    session = DrawerSession.objects.create(
        id=uuid.uuid4(), drawer=drawer, opened_by=cashier, opened_at=timezone.now(),
        opening_float=0,
    )  # fmt: skip
    return type("Venue", (), {
        "food": food, "alcohol": alcohol, "games": games, "burger": burger, "fries": fries,
        "beer": beer, "darts": darts, "medium": medium, "bacon": bacon, "happy_hour": happy_hour,
        "cashier": cashier, "manager": manager, "tablet": tablet, "drawer": drawer,
        "session": session,
    })  # fmt: skip
