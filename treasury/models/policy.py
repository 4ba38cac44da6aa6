"""The treasury policy: earmark percentages, program weights and the settings of the funds."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ledger.models import Program


class TreasuryPolicy(models.Model):
    """One version of the policy; versions are never edited, a change is a new version."""

    class PayItForwardMode(models.TextChoices):
        LIABILITY = "liability", "A liability until the meal is served"
        RESTRICTED = "restricted", "A restricted contribution, released when the meal is served"

    version = models.PositiveIntegerField(unique=True)
    effective_from = models.DateField(unique=True)
    floor_percent = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Percent of qualifying net sales."
    )
    share_percent = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Percent of the venue's operating surplus."
    )
    dual_approval_cents = models.BigIntegerField(
        help_text="A disbursement of at least this many cents needs two approvals."
    )
    pay_it_forward_mode = models.CharField(max_length=10, choices=PayItForwardMode)
    meal_credit_cents = models.BigIntegerField(help_text="The price of one meal credit.")
    rollover_days = models.PositiveIntegerField(
        help_text="Unredeemed meal credits roll to the community fridge & pantry after this."
    )
    rollover_program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    note = models.TextField(blank=True, help_text="Why this version.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.CheckConstraint(
                name="treasury_policy_percents_valid",
                condition=Q(floor_percent__gte=0, floor_percent__lte=100)
                & Q(share_percent__gte=0, share_percent__lte=100),
            ),
            models.CheckConstraint(
                name="treasury_policy_amounts_positive",
                condition=Q(dual_approval_cents__gt=0, meal_credit_cents__gt=0),
            ),
            models.CheckConstraint(
                name="treasury_policy_mode_valid",
                condition=Q(pay_it_forward_mode__in=["liability", "restricted"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Policy v{self.version} from {self.effective_from}"


class ProgramWeight(models.Model):
    """A program's board-set weight in a policy version's split of the designation."""

    policy = models.ForeignKey(TreasuryPolicy, related_name="weights", on_delete=models.PROTECT)
    program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    weight = models.PositiveIntegerField()

    class Meta:
        ordering = ["program__allocation_order", "program_id"]
        constraints = [
            models.UniqueConstraint(name="treasury_weight_once", fields=["policy", "program"]),
        ]

    def __str__(self) -> str:
        return f"{self.program} x{self.weight}"
