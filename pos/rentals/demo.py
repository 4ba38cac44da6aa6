"""The demo venue's games floor: dart boards and shuffleboard tables, their rate plans and
happy hours. Idempotent, like the rest of the demo (pos.demo.load_demo_venue calls it)."""

import datetime
from decimal import Decimal

from djmoney.money import Money

from pos.rentals.models import RatePlan, RateRule, Resource
from pos.rentals.services.catalog import create_resource_type

GAMES_TAX = Decimal("0.08250")

PLANS = [
    # Each plan: its name, its kind and its fields, amounts in dollars.
    ("House rate", "per_time", {"rate_per_hour": "10.00", "is_default": True}),
    ("Dart boards by the hour", "per_time",
     {"rate_per_hour": "12.00", "increment_minutes": 5, "grace_minutes": 3,
      "minimum_charge": "3.00"}),
    ("Shuffleboard by the hour", "per_time",
     {"rate_per_hour": "20.00", "increment_minutes": 15, "minimum_charge": "5.00",
      "cap_per_session": "60.00"}),
    ("Darts per game", "per_game", {"price_per_game": "2.00"}),
    ("Shuffleboard half hour, prepaid", "prepaid_block",
     {"block_minutes": 30, "block_price": "9.00"}),
]  # fmt: skip

TYPES = [
    # name, account component, plan, equipment, pieces, price of a missing piece
    ("Dart boards", "Darts", "Dart boards by the hour", "darts", 6, "3.00"),
    ("Shuffleboard tables", "Shuffleboard", "Shuffleboard by the hour", "pucks", 8, "4.00"),
]

RESOURCES = [
    # name, type, its own plan (overrides the type's) or None
    ("Dart board 1", "Dart boards", None),
    ("Dart board 2", "Dart boards", None),
    ("Dart board 3", "Dart boards", "Darts per game"),
    ("Shuffleboard table 1", "Shuffleboard tables", None),
    ("Shuffleboard table 2", "Shuffleboard tables", "Shuffleboard half hour, prepaid"),
]

RULES = [
    # name, type, weekdays, start, end, hourly rate in force, priority
    ("Shuffleboard happy hour", "Shuffleboard tables", "01234", "17:00", "19:00", "12.00", 10),
    ("Darts happy hour", "Dart boards", "01234", "16:00", "18:00", "8.00", 10),
    ("Late-night darts", "Dart boards", "45", "22:00", "01:00", "10.00", 5),
]


def load_game_floor() -> None:
    """Create what is missing of the games floor."""
    plans = {}
    for name, kind, fields in PLANS:
        values = {k: Money(v, "USD") if isinstance(v, str) else v for k, v in fields.items()}
        plans[name], _ = RatePlan.objects.get_or_create(
            name=name, defaults={"kind": kind, **values}
        )
    types = {}
    for order, (name, component, plan, equipment, pieces, price) in enumerate(TYPES):
        types[name] = create_resource_type(
            name=name, account_component=component, tax_rate=GAMES_TAX, rate_plan=plans[plan],
            equipment_name=equipment, equipment_count=pieces,
            missing_equipment_price=Money(price, "USD"), sort_order=order,
        )  # fmt: skip
    for order, (name, type_name, plan) in enumerate(RESOURCES):
        Resource.objects.get_or_create(
            name=name,
            defaults={"type": types[type_name], "rate_plan": plans.get(plan), "sort_order": order},
        )
    for name, type_name, weekdays, start, end, rate, priority in RULES:
        RateRule.objects.get_or_create(
            name=name,
            defaults={
                "resource_type": types[type_name], "weekdays": weekdays,
                "start_time": datetime.time.fromisoformat(start),
                "end_time": datetime.time.fromisoformat(end), "kind": "fixed_price",
                "amount": Money(rate, "USD"), "priority": priority,
            },
        )  # fmt: skip
