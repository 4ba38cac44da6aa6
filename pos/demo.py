"""The demo venue: a real-looking menu, games, staff for every role, drawers and tablets.

`load_demo_venue()` is idempotent: it creates what is missing and resets the demo PINs, so
`manage.py demo` can run on every `make run`. Demo tablets use fixed tokens so their sign-ins
can be printed; a real venue registers its tablets with fresh random tokens instead.
"""

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from djmoney.money import Money

from pos.models import (
    Category,
    Device,
    Drawer,
    Item,
    Modifier,
    ModifierGroup,
    PriceRule,
    StaffMember,
)
from pos.rentals.demo import load_game_floor
from pos.services.staff import set_pin
from treasury.demo import load_demo_treasury

FOOD_TAX = Decimal("0.08250")
ALCOHOL_TAX = Decimal("0.10250")  # sales tax plus the mixed-beverage tax
NO_TAX = Decimal("0")

CATEGORIES = [
    # name, kind, income account, cogs account, inventory account, tax rate
    ("Food", "food", "Income:Sales:Food", "Expenses:CostOfGoodsSold:Food",
     "Assets:Inventory:Food", FOOD_TAX),
    ("Drinks", "drinks", "Income:Sales:NonAlcoholicDrinks", "Expenses:CostOfGoodsSold:Drinks",
     "Assets:Inventory:Drinks", FOOD_TAX),
    ("Beer, wine & cocktails", "alcohol", "Income:Sales:Alcohol",
     "Expenses:CostOfGoodsSold:Alcohol", "Assets:Inventory:Alcohol", ALCOHOL_TAX),
    ("Games", "games", "Income:Rentals:Games", "", "", FOOD_TAX),
    ("Events", "events", "Income:Events", "", "", FOOD_TAX),
    ("Merchandise", "merchandise", "Income:Sales:Merchandise",
     "Expenses:CostOfGoodsSold:Merchandise", "Assets:Inventory:Merchandise", FOOD_TAX),
    # Giving (pos.services.giving): untaxed donations and meal credits paid forward.
    ("Donations", "giving", "Income:Donations:Unrestricted", "", "", NO_TAX),
    ("Donations: community fridge", "giving", "Income:Donations:Restricted:CommunityFridge",
     "", "", NO_TAX),
    ("Donations: skill-share", "giving", "Income:Donations:Restricted:SkillShare", "", "", NO_TAX),
    ("Meals paid forward", "giving", "Liabilities:PayItForward", "", "", NO_TAX),
]  # fmt: skip

MODIFIER_GROUPS = {
    # name: (required, min, max, [(modifier, price delta)])
    "Doneness": (True, 1, 1, [("Medium rare", "0"), ("Medium", "0"), ("Well done", "0")]),
    "Burger extras": (False, 0, 3, [("Bacon", "2.00"), ("Cheddar", "1.00"), ("Avocado", "1.50")]),
    "Wing sauce": (True, 1, 1, [("Buffalo", "0"), ("BBQ", "0"), ("Lemon pepper", "0")]),
    "Salad protein": (False, 0, 1, [("Grilled chicken", "4.00"), ("Salmon", "6.00")]),
    "Ice": (False, 0, 1, [("No ice", "0"), ("Light ice", "0")]),
    "Spirit upgrade": (False, 0, 1, [("Top shelf", "3.00")]),
}

ITEMS = [
    # category, name, price, unit cost, station, min age, modifier groups
    ("Food", "Classic burger", "13.00", "4.20", "grill", 0, ["Doneness", "Burger extras"]),
    ("Food", "Veggie burger", "12.50", "3.60", "grill", 0, ["Burger extras"]),
    ("Food", "Crispy chicken sandwich", "12.00", "3.40", "grill", 0, []),
    ("Food", "Fish tacos (3)", "13.50", "4.00", "grill", 0, []),
    ("Food", "Wings (10)", "14.00", "4.50", "grill", 0, ["Wing sauce"]),
    ("Food", "Loaded nachos", "11.00", "3.10", "grill", 0, []),
    ("Food", "Fries", "4.50", "0.90", "grill", 0, []),
    ("Food", "Sweet potato fries", "5.50", "1.20", "grill", 0, []),
    ("Food", "Onion rings", "6.00", "1.30", "grill", 0, []),
    ("Food", "Mozzarella sticks", "8.00", "2.20", "grill", 0, []),
    ("Food", "Caesar salad", "9.50", "2.40", "grill", 0, ["Salad protein"]),
    ("Food", "Kids grilled cheese", "6.50", "1.50", "grill", 0, []),
    ("Food", "Kids chicken tenders", "7.50", "2.10", "grill", 0, []),
    ("Food", "Soft pretzel", "7.00", "1.60", "grill", 0, []),
    ("Food", "Brownie sundae", "7.50", "2.00", "grill", 0, []),
    ("Drinks", "Soda", "3.00", "0.40", "bar", 0, ["Ice"]),
    ("Drinks", "Lemonade", "3.50", "0.60", "bar", 0, ["Ice"]),
    ("Drinks", "Iced tea", "3.00", "0.35", "bar", 0, ["Ice"]),
    ("Drinks", "Root beer float", "5.50", "1.20", "bar", 0, []),
    ("Drinks", "Coffee", "2.50", "0.30", "bar", 0, []),
    ("Drinks", "Kids milk", "2.00", "0.40", "bar", 0, []),
    ("Drinks", "Sparkling water", "2.50", "0.50", "bar", 0, []),
    ("Drinks", "Mocktail of the day", "6.50", "1.40", "bar", 0, ["Ice"]),
    ("Beer, wine & cocktails", "Draft lager", "6.00", "1.40", "bar", 21, []),
    ("Beer, wine & cocktails", "Local IPA", "7.00", "1.70", "bar", 21, []),
    ("Beer, wine & cocktails", "Oatmeal stout", "7.00", "1.80", "bar", 21, []),
    ("Beer, wine & cocktails", "Dry cider", "7.00", "1.90", "bar", 21, []),
    ("Beer, wine & cocktails", "House red", "8.00", "2.20", "bar", 21, []),
    ("Beer, wine & cocktails", "House white", "8.00", "2.10", "bar", 21, []),
    ("Beer, wine & cocktails", "Margarita", "10.00", "2.60", "bar", 21, ["Ice", "Spirit upgrade"]),
    ("Beer, wine & cocktails", "Old fashioned", "11.00", "3.00", "bar", 21, ["Spirit upgrade"]),
    ("Beer, wine & cocktails", "Pitcher of lager", "20.00", "5.00", "bar", 21, []),
    ("Beer, wine & cocktails", "Hard seltzer", "6.50", "1.80", "bar", 21, []),
    ("Games", "Dart board 1 (1 hour)", "12.00", "0", "", 0, []),
    ("Games", "Dart board 2 (1 hour)", "12.00", "0", "", 0, []),
    ("Games", "Dart board 3 (1 hour)", "12.00", "0", "", 0, []),
    ("Games", "Shuffleboard table 1 (1 hour)", "15.00", "0", "", 0, []),
    ("Games", "Shuffleboard table 2 (1 hour)", "15.00", "0", "", 0, []),
    ("Events", "Birthday party package", "150.00", "0", "", 0, []),
    ("Events", "Private room (1 hour)", "50.00", "0", "", 0, []),
    ("Merchandise", "Co-op T-shirt", "22.00", "9.00", "", 0, []),
    ("Merchandise", "Sticker", "3.00", "0.50", "", 0, []),
    ("Merchandise", "Dart set", "25.00", "12.00", "", 0, []),
    # A donation line takes the amount given (pos.services.giving); the price is a default.
    ("Donations", "Donation", "1.00", "0", "", 0, []),
    ("Donations: community fridge", "Donation to the community fridge", "1.00", "0", "", 0, []),
    ("Donations: skill-share", "Donation to skill-share workshops", "1.00", "0", "", 0, []),
    ("Meals paid forward", "Meal paid forward", "10.00", "0", "", 0, []),  # the policy's price
]

PRICE_RULES = [
    # name, weekdays, start, end, category or item name, kind, value, priority
    ("Happy hour", "01234", "16:00", "18:00", ("category", "Beer, wine & cocktails"),
     "amount_off", "1.00", 10),
    ("Late-night fries", "45", "22:00", "01:00", ("item", "Fries"), "percent_off", "50", 20),
]  # fmt: skip

STAFF = [
    # username, display name, role, PIN, password (for the web sign-in) or "" for PIN only
    ("casey", "Casey", "cashier", "1111", ""),
    ("jordan", "Jordan", "cashier", "3333", ""),
    ("morgan", "Morgan", "manager", "2222", "tillshare-manager"),
    ("treasurer", "Taylor", "treasurer", "4444", "tillshare-treasurer"),
    ("riley", "Riley", "board", "5555", "tillshare-board"),
    ("dana", "Dana", "board", "6666", "tillshare-board-2"),  # a second approver
    ("admin", "Alex", "admin", "9999", "tillshare-admin"),
]

DRAWERS = [("Bar drawer", "Assets:Cash:Drawer1"), ("Grill counter drawer", "Assets:Cash:Drawer2")]

DEVICES = [
    # name, station, drawer, demo token
    ("Bar tablet", "bar", "Bar drawer", "demo-bar-tablet"),
    ("Grill counter tablet", "grill", "Grill counter drawer", "demo-grill-tablet"),
    ("Kitchen display", "grill", None, "demo-kitchen-display"),
]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_demo_venue() -> dict[str, int]:
    """Create (or complete) the demo venue. Return how many rows of each kind exist."""
    categories = {}
    for order, (name, kind, income, cogs, inventory, tax) in enumerate(CATEGORIES):
        categories[name], _ = Category.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "income_account": income, "cogs_account": cogs,
                      "inventory_account": inventory, "tax_rate": tax, "sort_order": order},
        )  # fmt: skip
    groups = {}
    for name, (required, minimum, maximum, modifiers) in MODIFIER_GROUPS.items():
        groups[name], created = ModifierGroup.objects.get_or_create(
            name=name,
            defaults={"required": required, "min_choices": minimum, "max_choices": maximum},
        )
        if created:
            for modifier, delta in modifiers:
                Modifier.objects.create(group=groups[name], name=modifier, price_delta=usd(delta))
    items = {}
    for order, (category, name, price, cost, station, age, item_groups) in enumerate(ITEMS):
        items[name], created = Item.objects.get_or_create(
            category=categories[category],
            name=name,
            defaults={"price": usd(price), "unit_cost": usd(cost), "station": station,
                      "min_age": age, "sort_order": order},
        )  # fmt: skip
        if created:
            items[name].modifier_groups.set([groups[g] for g in item_groups])
    for name, weekdays, start, end, (scope, target), kind, value, priority in PRICE_RULES:
        PriceRule.objects.get_or_create(
            name=name,
            defaults={
                "weekdays": weekdays,
                "start_time": datetime.time.fromisoformat(start),
                "end_time": datetime.time.fromisoformat(end),
                "category": categories[target] if scope == "category" else None,
                "item": items[target] if scope == "item" else None,
                "kind": kind,
                "percent": Decimal(value) if kind == "percent_off" else None,
                "amount": usd(value) if kind != "percent_off" else None,
                "priority": priority,
            },
        )
    users = get_user_model()
    web_users_by_role: dict[str, list] = {}
    for username, display_name, role, pin, password in STAFF:
        user, _ = users.objects.get_or_create(username=username)
        user.first_name = display_name  # what the web screens greet them by
        user.is_staff = bool(password)
        user.is_superuser = role == "admin"
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        staff, _ = StaffMember.objects.get_or_create(
            user=user, defaults={"display_name": display_name, "role": role}
        )
        set_pin(staff=staff, pin=pin)
        if password:
            web_users_by_role.setdefault(role, []).append(user)
    load_demo_treasury(web_users_by_role)  # treasurer and board groups, the first policy
    drawers = {name: Drawer.objects.get_or_create(name=name, defaults={"account": account})[0]
               for name, account in DRAWERS}  # fmt: skip
    for name, station, drawer, token in DEVICES:
        Device.objects.update_or_create(
            name=name,
            defaults={"station": station, "drawer": drawers.get(drawer),
                      "token_hash": token_hash(token), "is_active": True},
        )  # fmt: skip
    load_game_floor()
    return {
        "categories": Category.objects.count(),
        "items": Item.objects.count(),
        "staff": StaffMember.objects.count(),
        "drawers": Drawer.objects.count(),
        "devices": Device.objects.count(),
    }


def usd(amount: str) -> Money:
    return Money(amount, "USD")
