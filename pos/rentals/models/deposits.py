"""Deposits (cash, card hold, ID held) and party bookings with their reserved slots.

Amounts are integer cents. No identity-document data is ever stored: "ID held" is a flag.
"""

from django.db import models
from django.db.models import Q

from pos.models import Device, DrawerSession, StaffMember, Tab
from pos.rentals.models.catalog import Resource
from pos.rentals.models.sessions import RentalSession


class Booking(models.Model):
    """A party's reservation of one or more resources for a time slot; `id` is the tablet's."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        NO_SHOW = "no_show", "No-show"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=60)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=9, choices=Status, default=Status.BOOKED)
    tab = models.ForeignKey(
        Tab, null=True, blank=True, related_name="bookings", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                name="rentals_booking_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            ),
            models.CheckConstraint(
                name="rentals_booking_status_valid",
                condition=Q(status__in=["booked", "arrived", "no_show", "cancelled"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingSlot(models.Model):
    """One resource held by a booking. Two active slots of one resource never overlap: a
    PostgreSQL exclusion constraint (btree_gist, tstzrange &&) or a SQLite trigger, created by
    this app's migrations (rentals_bookingslot_no_overlap)."""

    booking = models.ForeignKey(Booking, related_name="slots", on_delete=models.PROTECT)
    resource = models.ForeignKey(Resource, related_name="slots", on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="False once cancelled or a no-show.")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                name="rentals_bookingslot_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            ),
        ]
        indexes = [models.Index(fields=["resource", "starts_at"], name="rentals_slot_idx")]

    def __str__(self) -> str:
        return f"{self.resource} for {self.booking}"


class Deposit(models.Model):
    """Security for a game or a booking; `id` is the tablet's UUID.

    Cash: a Liabilities:CustomerDeposits balance until it is returned, forfeited (to
    Income:Other:Forfeits) or spent on the party's check (`applied`). Card hold: an
    authorization through the gateway, cancelled on return, captured on forfeit before
    `hold_expires_at`. ID held: a flag, no money and no ID data.
    """

    class Kind(models.TextChoices):
        CASH = "cash", "Cash"
        CARD_HOLD = "card_hold", "Card hold"
        ID_HELD = "id_held", "ID held"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the card reader"
        HELD = "held", "Held"
        APPLIED = "applied", "Spent on the check"
        RETURNED = "returned", "Returned"
        FORFEITED = "forfeited", "Forfeited"
        DECLINED = "declined", "Declined"

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=9, choices=Kind)
    status = models.CharField(max_length=9, choices=Status)
    amount = models.BigIntegerField(default=0)
    applied = models.BigIntegerField(default=0, help_text="Cents spent on the check so far.")
    session = models.ForeignKey(
        RentalSession, null=True, blank=True, related_name="deposits", on_delete=models.PROTECT
    )
    booking = models.ForeignKey(
        Booking, null=True, blank=True, related_name="deposits", on_delete=models.PROTECT
    )
    tab = models.ForeignKey(
        Tab,
        null=True,
        blank=True,
        related_name="deposits",
        on_delete=models.PROTECT,
        help_text="The check the deposit is a credit on (a party that arrived).",
    )
    drawer_session = models.ForeignKey(
        DrawerSession, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    gateway_reference = models.CharField(max_length=255, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    taken_at = models.DateTimeField()
    settled_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=120, blank=True, help_text="Why it was forfeited.")

    class Meta:
        ordering = ["-taken_at"]
        constraints = [
            models.CheckConstraint(
                name="rentals_deposit_amount_matches_kind",
                condition=Q(kind="id_held", amount=0) | (~Q(kind="id_held") & Q(amount__gt=0)),
            ),
            models.CheckConstraint(
                name="rentals_deposit_applied_within_amount",
                condition=Q(applied__gte=0, applied__lte=models.F("amount")),
            ),
            models.CheckConstraint(
                name="rentals_deposit_cash_has_drawer",
                condition=~Q(kind="cash") | Q(drawer_session__isnull=False),
            ),
            models.CheckConstraint(
                name="rentals_deposit_for_something",
                condition=Q(session__isnull=False) | Q(booking__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} deposit {self.id}"

    @property
    def remaining(self) -> int:
        """Cents still held (neither spent on the check nor settled)."""
        return self.amount - self.applied
