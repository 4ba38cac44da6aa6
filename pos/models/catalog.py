"""The menu: categories (with their ledger accounts and tax), items, modifiers, happy hours."""

from django.db import models
from django.db.models import Q
from djmoney.models.fields import MoneyField


class Station(models.TextChoices):
    BAR = "bar", "Bar"
    GRILL = "grill", "Grill"
    NONE = "", "No preparation"


class Category(models.Model):
    class Kind(models.TextChoices):
        FOOD = "food", "Food"
        DRINKS = "drinks", "Non-alcoholic drinks"
        ALCOHOL = "alcohol", "Alcohol"
        GAMES = "games", "Game rentals"
        EVENTS = "events", "Events"
        MERCHANDISE = "merchandise", "Merchandise"
        # Donations, round-ups and meal credits paid forward: untaxed, never a sale.
        GIVING = "giving", "Giving"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    income_account = models.CharField(max_length=255, help_text="Ledger account credited.")
    cogs_account = models.CharField(max_length=255, blank=True, help_text="Cost of goods sold.")
    inventory_account = models.CharField(max_length=255, blank=True)
    tax_rate = models.DecimalField(
        max_digits=7, decimal_places=5, help_text="Sales tax as a fraction, e.g. 0.08250."
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                name="pos_category_tax_rate_range", condition=Q(tax_rate__gte=0, tax_rate__lt=1)
            ),
            models.CheckConstraint(
                name="pos_category_cogs_with_inventory",
                condition=Q(cogs_account="", inventory_account="")
                | (~Q(cogs_account="") & ~Q(inventory_account="")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ModifierGroup(models.Model):
    """Choices offered with an item, e.g. "Doneness" (required, exactly 1) or "Extras" (0-3)."""

    name = models.CharField(max_length=60)
    required = models.BooleanField(default=False)
    min_choices = models.PositiveSmallIntegerField(default=0)
    max_choices = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="pos_modifiergroup_choices_ordered",
                condition=Q(max_choices__gte=models.F("min_choices")) & Q(max_choices__gte=1),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Modifier(models.Model):
    group = models.ForeignKey(ModifierGroup, related_name="modifiers", on_delete=models.PROTECT)
    name = models.CharField(max_length=60)
    price_delta = MoneyField(max_digits=8, decimal_places=2, default_currency="USD", default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return f"{self.group}: {self.name}"


class Item(models.Model):
    category = models.ForeignKey(Category, related_name="items", on_delete=models.PROTECT)
    name = models.CharField(max_length=80)
    price = MoneyField(max_digits=10, decimal_places=2, default_currency="USD")
    unit_cost = MoneyField(
        max_digits=10, decimal_places=2, default_currency="USD", default=0,
        help_text="Standard cost of one unit, for cost of goods sold.",
    )  # fmt: skip
    station = models.CharField(max_length=5, choices=Station, blank=True)
    min_age = models.PositiveSmallIntegerField(default=0, help_text="21 for alcohol; 0 for none.")
    modifier_groups = models.ManyToManyField(ModifierGroup, blank=True, related_name="items")
    out_of_stock = models.BooleanField(default=False, help_text='"86\'d": cannot be sold.')
    stock_changed_by = models.ForeignKey(
        "pos.StaffMember", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    stock_changed_on = models.ForeignKey(
        "pos.Device", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    stock_changed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["category", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(name="pos_item_name_per_category", fields=["category", "name"]),
            models.CheckConstraint(name="pos_item_price_positive", condition=Q(price__gt=0)),
            models.CheckConstraint(
                name="pos_item_cost_not_negative", condition=Q(unit_cost__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceRule(models.Model):
    """A happy hour: on some weekdays, inside a time window, a lower price for an item or a
    category. Of the rules that apply when a line is added, the highest priority wins."""

    class Kind(models.TextChoices):
        PERCENT_OFF = "percent_off", "Percent off"
        AMOUNT_OFF = "amount_off", "Amount off"
        FIXED_PRICE = "fixed_price", "Fixed price"

    name = models.CharField(max_length=60)
    weekdays = models.CharField(
        max_length=7, help_text="Days it runs, Monday=0 ... Sunday=6, e.g. 01234 for weekdays."
    )
    start_time = models.TimeField()
    end_time = models.TimeField(help_text="Before start_time means the window runs past midnight.")
    item = models.ForeignKey(
        Item, null=True, blank=True, related_name="price_rules", on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, related_name="price_rules", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=12, choices=Kind)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = MoneyField(
        max_digits=10, decimal_places=2, default_currency="USD", null=True, blank=True
    )
    priority = models.IntegerField(default=0, help_text="Higher wins when rules overlap.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(
                name="pos_pricerule_one_scope",
                condition=Q(item__isnull=False, category__isnull=True)
                | Q(item__isnull=True, category__isnull=False),
            ),
            models.CheckConstraint(
                name="pos_pricerule_value_matches_kind",
                condition=Q(kind="percent_off", percent__gt=0, percent__lte=100)
                | (Q(kind__in=["amount_off", "fixed_price"]) & Q(amount__gt=0)),
            ),
        ]

    def __str__(self) -> str:
        return self.name
