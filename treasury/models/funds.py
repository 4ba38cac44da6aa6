"""Donations, the meal-credit unit sub-ledger and the impact figures of each quarter."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ledger.models import Program


class Donation(models.Model):
    """A gift: unrestricted, or restricted by the donor to one program."""

    class Source(models.TextChoices):
        TREASURER = "treasurer", "Entered by the treasurer"
        POS = "pos", "At the point of sale"

    id = models.UUIDField(primary_key=True)
    program = models.ForeignKey(
        Program, null=True, blank=True, related_name="+", on_delete=models.PROTECT,
        help_text="The program the donor restricted it to; empty for unrestricted.",
    )  # fmt: skip
    amount = models.BigIntegerField()
    received_on = models.DateField()
    source = models.CharField(max_length=9, choices=Source)
    donor_note = models.CharField(max_length=255, blank=True, help_text="Private.")
    ledger_entry_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
        on_delete=models.PROTECT,
    )  # fmt: skip

    class Meta:
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                name="treasury_donation_amount_positive", condition=Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"Donation {self.amount} on {self.received_on}"


class MealCreditMovement(models.Model):
    """Meal credits in units: issued (bought forward), redeemed (a meal served), rolled over.

    Nothing here names or marks the guest who ate: a redemption is a count and a date.
    """

    class Kind(models.TextChoices):
        ISSUED = "issued", "Issued"
        REDEEMED = "redeemed", "Redeemed"
        ROLLED_OVER = "rolled_over", "Rolled over to the fund"

    kind = models.CharField(max_length=11, choices=Kind)
    units = models.PositiveIntegerField()
    unit_cents = models.BigIntegerField()
    on = models.DateField()
    mode = models.CharField(max_length=10, help_text="The accounting setting it was made under.")
    source_ref = models.CharField(max_length=120, unique=True, help_text="What made it; once.")

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                name="treasury_mealcredit_positive", condition=Q(units__gt=0, unit_cents__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.units} {self.get_kind_display()} on {self.on}"


class ImpactFigure(models.Model):
    """A figure the treasurer enters per quarter and program (meals served, workshops held)."""

    period = models.CharField(max_length=8)
    program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    label = models.CharField(max_length=80)
    value = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["period", "program__allocation_order", "label"]
        constraints = [
            models.UniqueConstraint(
                name="treasury_impact_once", fields=["period", "program", "label"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.label}: {self.value}"
