"""Tenders on a check, and refunds against a closed one. Amounts are integer cents."""

from django.db import models
from django.db.models import Q

from pos.models.staff import Device, StaffMember
from pos.models.tabs import Tab, TabLine


class Tender(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    # A deposit taken earlier (a party booking's) spent on the check: Liabilities:CustomerDeposits.
    DEPOSIT = "deposit", "Deposit credit"
    # A meal paid forward by another guest (treasury.services.meals): on the tablet and the
    # receipt it is a payment like any other, and nothing records who ate.
    CREDIT = "credit", "Community credit"


class Payment(models.Model):
    """One tender applied to a check; `id` is the tablet's payment-attempt UUID."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the reader"
        CAPTURED = "captured", "Paid"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True)
    tab = models.ForeignKey(Tab, related_name="payments", on_delete=models.PROTECT)
    tender = models.CharField(max_length=7, choices=Tender)
    amount = models.BigIntegerField(help_text="Cents applied to the check, tip excluded.")
    tip = models.BigIntegerField(default=0)
    tendered = models.BigIntegerField(default=0, help_text="Cash handed over, in cents.")
    change = models.BigIntegerField(default=0)
    status = models.CharField(max_length=9, choices=Status)
    gateway_reference = models.CharField(max_length=255, blank=True)
    drawer_session = models.ForeignKey(
        "pos.DrawerSession", null=True, blank=True, related_name="payments",
        on_delete=models.PROTECT,
    )  # fmt: skip
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="pos_payment_amounts_valid",
                condition=Q(amount__gt=0, tip__gte=0, tendered__gte=0, change__gte=0),
            ),
            models.CheckConstraint(
                name="pos_payment_cash_has_drawer",
                condition=~Q(tender="cash") | Q(drawer_session__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tender_display()} {self.amount} on {self.tab_id}"


class Refund(models.Model):
    """Money given back against a closed check, for chosen lines, to its original tender."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the gateway"
        COMPLETED = "completed", "Refunded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True)
    status = models.CharField(max_length=9, choices=Status, default=Status.PENDING)
    tab = models.ForeignKey(Tab, related_name="refunds", on_delete=models.PROTECT)
    tender = models.CharField(max_length=7, choices=Tender)
    subtotal = models.BigIntegerField()
    tax = models.BigIntegerField()
    reason = models.CharField(max_length=60)
    gateway_reference = models.CharField(max_length=255, blank=True)
    drawer_session = models.ForeignKey(
        "pos.DrawerSession", null=True, blank=True, related_name="refunds",
        on_delete=models.PROTECT,
    )  # fmt: skip
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    approved_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    business_date = models.DateField()
    ledger_entry_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="pos_refund_amounts_valid", condition=Q(subtotal__gt=0, tax__gte=0)
            )
        ]

    def __str__(self) -> str:
        return f"Refund {self.id} of check {self.tab_id}"

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, related_name="lines", on_delete=models.PROTECT)
    line = models.ForeignKey(TabLine, related_name="refund_lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    amount = models.BigIntegerField(help_text="Cents refunded for this line, before tax.")
    tax = models.BigIntegerField(default=0, help_text="Cents of sales tax refunded with it.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="pos_refundline_positive",
                condition=Q(quantity__gt=0, amount__gt=0, tax__gte=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.line.name}"
