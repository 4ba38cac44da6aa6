"""Rental sessions, their segments of time, and managers' time adjustments.

Times are the server's (pos.clock.now()), never a tablet's. Amounts are integer cents.
"""

from django.db import models
from django.db.models import Q

from pos.models import Device, StaffMember, Tab, TabLine
from pos.rentals.models.catalog import RatePlan, Resource


class RentalSession(models.Model):
    """A game played on a resource for a tab; `id` is the tablet's UUID."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped"

    id = models.UUIDField(primary_key=True)
    resource = models.ForeignKey(Resource, related_name="sessions", on_delete=models.PROTECT)
    tab = models.ForeignKey(Tab, related_name="rental_sessions", on_delete=models.PROTECT)
    status = models.CharField(max_length=7, choices=Status, default=Status.RUNNING)
    plan_kind = models.CharField(max_length=13, choices=RatePlan.Kind)
    plan = models.JSONField(help_text="The billing plan, frozen when the session started.")
    rates = models.JSONField(help_text="The rate table in force (pos.rentals.billing.RateTable).")
    players = models.PositiveSmallIntegerField(default=1)
    games = models.PositiveIntegerField(default=0, help_text="Games played (per-game plans).")
    blocks = models.PositiveSmallIntegerField(default=0, help_text="Prepaid blocks bought.")
    equipment_out = models.PositiveSmallIntegerField(default=0)
    equipment_returned = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    charge = models.BigIntegerField(null=True, blank=True, help_text="Cents, set at the stop.")
    line = models.OneToOneField(
        TabLine, null=True, blank=True, related_name="rental_session", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Two tablets starting the same board at once: exactly one insert succeeds.
            models.UniqueConstraint(
                name="rentals_session_one_active_per_resource",
                fields=["resource"],
                condition=Q(status__in=["running", "paused"]),
            ),
            models.CheckConstraint(
                name="rentals_session_status_valid",
                condition=Q(status__in=["running", "paused", "stopped"]),
            ),
            models.CheckConstraint(
                name="rentals_session_players_positive", condition=Q(players__gte=1)
            ),
            models.CheckConstraint(
                name="rentals_session_stopped_is_charged",
                condition=~Q(status="stopped")
                | Q(stopped_at__isnull=False, charge__isnull=False, charge__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} session {self.id}"


class Segment(models.Model):
    """A stretch of a session at one rate; a paused one costs nothing. `end` is empty while
    it runs; closing it cuts it at every rate change (pos.rentals.billing.rate_segments)."""

    class Reason(models.TextChoices):
        START = "start", "Start"
        RATE_CHANGE = "rate change", "Rate change"
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"
        PLAYERS = "players", "Players"
        TRANSFER = "transfer", "Transfer"

    session = models.ForeignKey(RentalSession, related_name="segments", on_delete=models.PROTECT)
    resource = models.ForeignKey(Resource, related_name="+", on_delete=models.PROTECT)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    rate = models.BigIntegerField(help_text="Cents per hour (per player with per-player plans).")
    label = models.CharField(max_length=60, help_text="Which rate: the rule or the plan.")
    players = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=11, choices=Reason)
    paused = models.BooleanField(default=False)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                name="rentals_segment_one_open_per_session",
                fields=["session"],
                condition=Q(end__isnull=True),
            ),
            models.CheckConstraint(
                name="rentals_segment_ordered",
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
            ),
            models.CheckConstraint(
                name="rentals_segment_rate_not_negative", condition=Q(rate__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.reason}" if self.end else self.reason


class TimeAdjustment(models.Model):
    """Time a manager added to (or took off) a session, with the reason."""

    id = models.UUIDField(primary_key=True)
    session = models.ForeignKey(RentalSession, related_name="adjustments", on_delete=models.PROTECT)
    seconds = models.IntegerField(help_text="Positive adds time, negative takes it off.")
    reason = models.CharField(max_length=120)
    staff = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    approved_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                name="rentals_timeadjustment_nonzero_with_reason",
                condition=~Q(seconds=0) & ~Q(reason=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.seconds:+d} s ({self.reason})"
