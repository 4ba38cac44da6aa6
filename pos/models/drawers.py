"""Cash drawers, their sessions (one open at a time, by constraint) and cash movements."""

from django.db import models
from django.db.models import Q

from pos.models.staff import StaffMember


class Drawer(models.Model):
    name = models.CharField(max_length=40, unique=True)
    account = models.CharField(
        max_length=255, help_text="Its ledger account, e.g. Assets:Cash:Drawer1."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DrawerSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True)
    drawer = models.ForeignKey(Drawer, related_name="sessions", on_delete=models.PROTECT)
    status = models.CharField(max_length=6, choices=Status, default=Status.OPEN)
    opened_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    opened_at = models.DateTimeField()
    opening_float = models.BigIntegerField(help_text="Cents counted into the drawer at open.")
    opening_count = models.JSONField(default=dict, help_text="Denomination (cents) -> count.")
    closed_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_count = models.JSONField(default=dict)
    counted = models.BigIntegerField(null=True, blank=True)
    expected = models.BigIntegerField(null=True, blank=True)
    variance_approved_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # Two tablets pressing "open drawer" at once must not open two sessions.
            models.UniqueConstraint(
                name="pos_drawer_one_open_session", fields=["drawer"], condition=Q(status="open")
            ),
            models.CheckConstraint(
                name="pos_drawersession_float_not_negative", condition=Q(opening_float__gte=0)
            ),
            models.CheckConstraint(
                name="pos_drawersession_closed_is_counted",
                condition=Q(status="open")
                | Q(
                    closed_at__isnull=False,
                    closed_by__isnull=False,
                    counted__isnull=False,
                    expected__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drawer} session opened {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def variance(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


class CashMovement(models.Model):
    """Cash in or out of a drawer that is not a sale: paid in, paid out, drop to the safe."""

    class Kind(models.TextChoices):
        PAID_IN = "paid_in", "Paid in"
        PAID_OUT = "paid_out", "Paid out"
        DROP = "drop", "Drop to safe"
        NO_SALE = "no_sale", "No sale (drawer opened)"

    id = models.UUIDField(primary_key=True)
    session = models.ForeignKey(DrawerSession, related_name="movements", on_delete=models.PROTECT)
    kind = models.CharField(max_length=8, choices=Kind)
    amount = models.BigIntegerField(default=0)
    reason = models.CharField(max_length=120)
    account = models.CharField(max_length=255, blank=True, help_text="Other side in the ledger.")
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    approved_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="pos_cashmovement_amount_matches_kind",
                condition=Q(kind="no_sale", amount=0) | (~Q(kind="no_sale") & Q(amount__gt=0)),
            ),
            models.CheckConstraint(
                name="pos_cashmovement_account_when_money_leaves",
                condition=~Q(kind__in=["paid_out", "drop"]) | ~Q(account=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
