"""The quarterly close as a checklist: one run per quarter, one row per step."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CloseRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "In progress"
        DONE = "done", "Closed"

    period = models.CharField(max_length=8, unique=True)
    status = models.CharField(max_length=7, choices=Status, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
        on_delete=models.PROTECT,
    )  # fmt: skip
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period"]

    def __str__(self) -> str:
        return f"Close of {self.period}"


class CloseStep(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "To do"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(CloseRun, related_name="steps", on_delete=models.PROTECT)
    name = models.CharField(max_length=30)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=7, choices=Status, default=Status.PENDING)
    detail = models.TextField(blank=True, help_text="What it did, or why it failed.")
    attempts = models.PositiveSmallIntegerField(default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
        on_delete=models.PROTECT,
    )  # fmt: skip
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(name="treasury_closestep_once", fields=["run", "name"]),
            models.CheckConstraint(
                name="treasury_closestep_done_has_who",
                condition=~Q(status="done") | Q(done_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run.period} {self.name}: {self.status}"
