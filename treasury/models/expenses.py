"""Vendor bills (the venue's real costs) and bank statement lines to match against them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from treasury.models.disbursements import Attachment, Disbursement


class Bill(models.Model):
    """A vendor bill: an expense by nature (its account) and function, owed until paid.

    Spending on the programs goes through disbursements, so a bill is a venue cost: management
    and general or fundraising.
    """

    class Function(models.TextChoices):
        MANAGEMENT_GENERAL = "management_general", "Management and general"
        FUNDRAISING = "fundraising", "Fundraising"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"

    id = models.UUIDField(primary_key=True)
    vendor = models.CharField(max_length=120)
    reference = models.CharField(max_length=60, blank=True)
    account = models.CharField(max_length=255, help_text="The nature: an expense or stock account.")
    function = models.CharField(max_length=20, choices=Function)
    amount = models.BigIntegerField()
    bill_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4, choices=Status, default=Status.OPEN)
    receipt = models.ForeignKey(
        Attachment, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    entry_id = models.UUIDField(unique=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_entry_id = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-bill_date", "vendor"]
        constraints = [
            models.CheckConstraint(name="treasury_bill_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="treasury_bill_paid_has_entry",
                condition=Q(status="open") | Q(payment_entry_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.reference}".strip()


class BankLine(models.Model):
    """One line of an imported bank statement; matched to what explains it, or not yet."""

    statement = models.CharField(max_length=120, help_text="The imported file's name.")
    fingerprint = models.CharField(max_length=64, unique=True, help_text="Re-imports are no-ops.")
    posted_on = models.DateField()
    description = models.CharField(max_length=255)
    amount = models.BigIntegerField(help_text="Cents; money in is positive.")
    bill = models.OneToOneField(
        Bill, null=True, blank=True, related_name="bank_line", on_delete=models.PROTECT
    )
    disbursement = models.OneToOneField(
        Disbursement, null=True, blank=True, related_name="bank_line", on_delete=models.PROTECT
    )
    entry_id = models.UUIDField(
        null=True, blank=True, help_text="A ledger entry it matches (a deposit, a payout)."
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
        on_delete=models.PROTECT,
    )  # fmt: skip
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["posted_on", "id"]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.description} {self.amount}"

    @property
    def is_matched(self) -> bool:
        return bool(self.bill_id or self.disbursement_id or self.entry_id)
