"""Tabs (the checks guests pay), their lines, discounts and comps, and preparation tickets.

Amounts on these rows are integer cents, like the ledger's; `Money` appears at the services'
and the API's edges.
"""

from django.db import models
from django.db.models import Q

from pos.models.catalog import Category, Item
from pos.models.staff import Device, StaffMember


class Tab(models.Model):
    """A tab opened by name, table or both, and the check it becomes; `id` is the check number."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        VOIDED = "voided", "Voided"

    client_id = models.UUIDField(unique=True, help_text="The tablet's UUID for this check.")
    name = models.CharField(max_length=60, blank=True)
    table = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=6, choices=Status, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every header change.")
    opened_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    opened_at = models.DateTimeField()
    age_checked_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    age_checked_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, related_name="merged_from", on_delete=models.PROTECT
    )
    closed_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    business_date = models.DateField(null=True, blank=True, help_text="Set at close.")
    ledger_entry_id = models.UUIDField(null=True, blank=True, unique=True)
    closings = models.PositiveSmallIntegerField(
        default=0, help_text="How many times it was closed (a manager may reopen it)."
    )
    # Totals frozen at close, in cents, for reports that must not recompute history.
    subtotal = models.BigIntegerField(default=0)
    discounts = models.BigIntegerField(default=0)
    tax = models.BigIntegerField(default=0)
    tips = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0, help_text="subtotal - discounts + tax (no tips).")

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                name="pos_tab_named_or_tabled", condition=~Q(name="") | ~Q(table="")
            ),
            models.CheckConstraint(
                name="pos_tab_status_valid", condition=Q(status__in=["open", "closed", "voided"])
            ),
            models.CheckConstraint(
                name="pos_tab_closed_has_entry",
                condition=~Q(status="closed") | Q(ledger_entry_id__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "business_date"], name="pos_tab_status_idx")]

    def __str__(self) -> str:
        label = " / ".join(
            part for part in (self.name, self.table and f"table {self.table}") if part
        )
        return f"Check {self.id} ({label})"


class TabLine(models.Model):
    """One line of a check, appended with the tablet's UUID; its price is fixed when added."""

    id = models.UUIDField(primary_key=True, help_text="The tablet's UUID for this line.")
    tab = models.ForeignKey(Tab, related_name="lines", on_delete=models.PROTECT)
    item = models.ForeignKey(Item, related_name="+", on_delete=models.PROTECT)
    category = models.ForeignKey(Category, related_name="+", on_delete=models.PROTECT)
    name = models.CharField(max_length=80)
    station = models.CharField(max_length=5, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.BigIntegerField(help_text="Cents, after any price rule, with modifiers.")
    list_price = models.BigIntegerField(help_text="Cents, the menu price with modifiers.")
    unit_cost = models.BigIntegerField(help_text="Standard cost in cents, for cost of goods.")
    tax_rate = models.DecimalField(
        max_digits=7, decimal_places=5, help_text="The category's sales tax when it was added."
    )
    price_rule = models.CharField(max_length=60, blank=True, help_text="The happy hour applied.")
    modifiers = models.JSONField(default=list, help_text="[{id, name, delta}] as chosen.")
    note = models.CharField(max_length=140, blank=True)
    added_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    added_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=60, blank=True)
    voided_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    void_approved_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(name="pos_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="pos_line_prices_not_negative",
                condition=Q(unit_price__gte=0, list_price__gte=0, unit_cost__gte=0),
            ),
            models.CheckConstraint(
                name="pos_line_void_has_reason",
                condition=Q(voided_at__isnull=True)
                | (~Q(void_reason="") & Q(voided_by__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"

    @property
    def amount(self) -> int:
        """Cents charged for this line before discounts and tax."""
        return self.quantity * self.unit_price


class Adjustment(models.Model):
    """A discount or a comp, on one line or the whole check, with its reason and approver."""

    class Kind(models.TextChoices):
        DISCOUNT = "discount", "Discount"
        COMP = "comp", "Comp"

    id = models.UUIDField(primary_key=True)
    tab = models.ForeignKey(Tab, related_name="adjustments", on_delete=models.PROTECT)
    line = models.ForeignKey(
        TabLine, null=True, blank=True, related_name="adjustments", on_delete=models.PROTECT
    )
    kind = models.CharField(max_length=8, choices=Kind)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.BigIntegerField(null=True, blank=True, help_text="Cents off, if not a percent.")
    reason = models.CharField(max_length=60)
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    approved_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="pos_adjustment_percent_or_amount",
                condition=Q(
                    percent__isnull=False, amount__isnull=True, percent__gt=0, percent__lte=100
                )
                | Q(percent__isnull=True, amount__isnull=False, amount__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.reason})"


class Ticket(models.Model):
    """What the bar or the grill must make (or stop making): sent lines, grouped per station."""

    class Kind(models.TextChoices):
        ORDER = "order", "Order"
        CANCEL = "cancel", "Cancel"

    tab = models.ForeignKey(Tab, related_name="tickets", on_delete=models.PROTECT)
    station = models.CharField(max_length=5)
    kind = models.CharField(max_length=6, choices=Kind)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ticket {self.id} for {self.station}"


class TicketLine(models.Model):
    ticket = models.ForeignKey(Ticket, related_name="lines", on_delete=models.PROTECT)
    line = models.ForeignKey(TabLine, related_name="ticket_lines", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(name="pos_ticketline_once", fields=["ticket", "line"])
        ]

    def __str__(self) -> str:
        return f"{self.ticket}: {self.line}"
