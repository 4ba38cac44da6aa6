"""What can be rented and what it costs: resource types, resources, rate plans, time rules."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField

from pos.models import Category, Item, PriceRule


class RatePlan(models.Model):
    """How a resource is charged: by time, per game, or by prepaid block."""

    class Kind(models.TextChoices):
        PER_TIME = "per_time", "Per time"
        PER_GAME = "per_game", "Per game"
        PREPAID_BLOCK = "prepaid_block", "Prepaid block"

    class Rounding(models.TextChoices):
        UP = "up", "Up"
        NEAREST = "nearest", "To the nearest"
        DOWN = "down", "Down"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=13, choices=Kind, default=Kind.PER_TIME)
    rate_per_hour = MoneyField(max_digits=8, decimal_places=2, default_currency="USD", default=0)
    increment_minutes = models.PositiveSmallIntegerField(
        default=1,
        choices=[(1, "1 minute"), (5, "5 minutes"), (15, "15 minutes"), (30, "30 minutes")],
    )
    rounding = models.CharField(max_length=7, choices=Rounding, default=Rounding.UP)
    grace_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="A session this short costs nothing."
    )
    minimum_charge = MoneyField(max_digits=8, decimal_places=2, default_currency="USD", default=0)
    cap_per_session = MoneyField(
        max_digits=8, decimal_places=2, default_currency="USD", null=True, blank=True
    )
    cap_per_day = MoneyField(
        max_digits=8, decimal_places=2, default_currency="USD", null=True, blank=True,
        help_text="At most this for a tab's sessions on one resource type in a business day.",
    )  # fmt: skip
    per_player = models.BooleanField(default=False, help_text="The hourly rate is per player.")
    price_per_game = MoneyField(max_digits=8, decimal_places=2, default_currency="USD", default=0)
    block_minutes = models.PositiveSmallIntegerField(
        default=0, choices=[(0, "None"), (30, "30 minutes"), (60, "60 minutes")]
    )
    block_price = MoneyField(max_digits=8, decimal_places=2, default_currency="USD", default=0)
    is_default = models.BooleanField(default=False, help_text="Used when nothing else applies.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                name="rentals_rateplan_one_default",
                fields=["is_default"],
                condition=Q(is_default=True),
            ),
            models.CheckConstraint(
                name="rentals_rateplan_increment_valid",
                condition=Q(increment_minutes__in=[1, 5, 15, 30]),
            ),
            models.CheckConstraint(
                name="rentals_rateplan_rounding_valid",
                condition=Q(rounding__in=["up", "nearest", "down"]),
            ),
            models.CheckConstraint(
                name="rentals_rateplan_priced_for_its_kind",
                condition=Q(kind="per_time", rate_per_hour__gt=0)
                | Q(kind="per_game", price_per_game__gt=0)
                | Q(kind="prepaid_block", block_minutes__in=[30, 60], block_price__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RateRule(models.Model):
    """A time rule (a happy hour): on some weekdays, in a window, another hourly rate."""

    name = models.CharField(max_length=60)
    weekdays = models.CharField(max_length=7, help_text="Monday=0 ... Sunday=6, e.g. 01234.")
    start_time = models.TimeField()
    end_time = models.TimeField(help_text="Before start_time: the window runs past midnight.")
    resource_type = models.ForeignKey(
        "rentals.ResourceType",
        null=True,
        blank=True,
        related_name="rate_rules",
        on_delete=models.CASCADE,
        help_text="Empty: every resource type.",
    )
    kind = models.CharField(max_length=12, choices=PriceRule.Kind)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = MoneyField(
        max_digits=8,
        decimal_places=2,
        default_currency="USD",
        null=True,
        blank=True,
        help_text="Hourly rate (fixed price) or amount off the hourly rate.",
    )
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(
                name="rentals_raterule_value_matches_kind",
                condition=Q(kind="percent_off", percent__gt=0, percent__lte=100)
                | (Q(kind__in=["amount_off", "fixed_price"]) & Q(amount__gt=0)),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResourceType(models.Model):
    """A kind of game (dart boards, shuffleboard tables), with its own income account."""

    name = models.CharField(max_length=60, unique=True)
    account_component = models.CharField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Za-z0-9-]*$")],
        help_text="Its component under Income:Rentals:Games, e.g. Darts.",
    )
    income_account = models.CharField(max_length=255, unique=True)
    category = models.OneToOneField(Category, related_name="+", on_delete=models.PROTECT)
    item = models.OneToOneField(
        Item,
        related_name="+",
        on_delete=models.PROTECT,
        help_text="What its sessions' tab lines point at (not sold from the menu).",
    )
    rate_plan = models.ForeignKey(
        RatePlan, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    equipment_name = models.CharField(max_length=30, blank=True, help_text='e.g. "darts".')
    equipment_count = models.PositiveSmallIntegerField(
        default=0, help_text="Handed out with each session."
    )
    missing_equipment_price = MoneyField(
        max_digits=8,
        decimal_places=2,
        default_currency="USD",
        default=0,
        help_text="Charged per piece not returned.",
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One dart board or shuffleboard table."""

    class Status(models.TextChoices):
        FREE = "free", "Free"
        IN_USE = "in_use", "In use"
        PAUSED = "paused", "Paused"
        RESERVED = "reserved", "Reserved"
        OUT_OF_ORDER = "out_of_order", "Out of order"

    type = models.ForeignKey(ResourceType, related_name="resources", on_delete=models.PROTECT)
    name = models.CharField(max_length=60, unique=True)
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.FREE,
        help_text="Free, in use, paused or out of order; reserved is read from the bookings.",
    )
    rate_plan = models.ForeignKey(
        RatePlan,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        help_text="Overrides its type's plan.",
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                name="rentals_resource_status_valid",
                condition=Q(status__in=["free", "in_use", "paused", "out_of_order"]),
            )
        ]

    def __str__(self) -> str:
        return self.name
