"""A small games floor: shuffleboard tables and dart boards, their plans, a happy hour, staff,
a tablet with an open drawer, and a tab. The clock is set with time-machine."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from djmoney.money import Money

from pos.models import Device, Drawer, DrawerSession
from pos.rentals.models import RatePlan, RateRule, Resource
from pos.rentals.services.catalog import create_resource_type
from pos.services.tabs import open_tab
from tests.pos.conftest import make_staff

VENUE = ZoneInfo("America/Chicago")
TAX = Decimal("0.08250")
TUESDAY = datetime.date(2026, 2, 10)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def local(hour: int, minute: int = 0, day: datetime.date = TUESDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VENUE)


@pytest.fixture
def clock():
    """Move the server's clock: clock.at(17, 30) or clock.at(local(...))."""
    travellers = []

    class Clock:
        def at(self, hour_or_moment, minute: int = 0, day: datetime.date = TUESDAY):
            moment = (
                hour_or_moment
                if isinstance(hour_or_moment, datetime.datetime)
                else local(hour_or_moment, minute, day)
            )
            if travellers:
                travellers.pop().stop()
            traveller = time_machine.travel(moment, tick=False)
            traveller.start()
            travellers.append(traveller)
            return moment

    yield Clock()
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def floor(db):
    shuffle_plan = RatePlan.objects.create(
        name="Shuffleboard hourly", rate_per_hour=usd("20.00"), increment_minutes=15
    )
    darts_plan = RatePlan.objects.create(name="Darts hourly", rate_per_hour=usd("12.00"))
    RatePlan.objects.create(name="House rate", rate_per_hour=usd("10.00"), is_default=True)
    shuffleboard = create_resource_type(
        name="Shuffleboard tables", account_component="Shuffleboard", tax_rate=TAX,
        rate_plan=shuffle_plan, equipment_name="pucks", equipment_count=8,
        missing_equipment_price=usd("4.00"),
    )  # fmt: skip
    darts = create_resource_type(
        name="Dart boards", account_component="Darts", tax_rate=TAX, rate_plan=darts_plan,
        equipment_name="darts", equipment_count=6, missing_equipment_price=usd("3.00"),
    )  # fmt: skip
    RateRule.objects.create(
        name="Happy hour", weekdays="01234", start_time=datetime.time(17),
        end_time=datetime.time(19), resource_type=shuffleboard, kind="fixed_price",
        amount=usd("12.00"), priority=10,
    )  # fmt: skip
    table1 = Resource.objects.create(type=shuffleboard, name="Shuffleboard 1")
    table2 = Resource.objects.create(type=shuffleboard, name="Shuffleboard 2")
    board1 = Resource.objects.create(type=darts, name="Dart board 1")
    cashier = make_staff("casey", "cashier", "1111")
    manager = make_staff("morgan", "manager", "2222")
    drawer = Drawer.objects.create(name="Bar drawer", account="Assets:Cash:Drawer1")
    tablet = Device.objects.create(name="Bar tablet", station="bar", token_hash="0" * 64,
                                   drawer=drawer)  # fmt: skip
    drawer_session = DrawerSession.objects.create(
        id=uuid.uuid4(), drawer=drawer, opened_by=cashier, opened_at=timezone.now(),
        opening_float=0,
    )  # fmt: skip
    return type("Floor", (), {
        "shuffleboard": shuffleboard, "darts": darts, "table1": table1, "table2": table2,
        "board1": board1, "cashier": cashier, "manager": manager, "tablet": tablet,
        "drawer": drawer, "drawer_session": drawer_session, "shuffle_plan": shuffle_plan,
    })  # fmt: skip


@pytest.fixture
def new_tab(floor):
    def make(name: str = "Sam"):
        return open_tab(client_id=uuid.uuid4(), name=name, staff=floor.cashier,
                        device=floor.tablet)  # fmt: skip

    return make
