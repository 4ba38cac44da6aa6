"""Reports: the quarterly transparency report and its published versions.

Design overview
---------------
- `Report`: one version of one quarter's public report. The treasurer drafts it (the plain-
  language summary in English and Spanish, and for a correction the errata note) and previews
  it; a board member other than the drafter approves it; publishing builds the snapshot from
  the closed quarter, seals it and freezes the row. A correction is a new version of the same
  quarter that supersedes the previous one; every published version stays readable.
- The snapshot is stored as the exact canonical JSON text that was sealed; the seal covers its
  SHA-256, the ledger's chain head at the quarter's close, and the previous published seal, so
  seals form a chain across all publications (`/transparency/seals.json`).
- A published row is final: triggers on SQLite and PostgreSQL (`reports/triggers.py`, installed
  by migration) refuse any UPDATE or DELETE of it, and the services refuse first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

GENESIS_SEAL = "0" * 64


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved by the board"
        PUBLISHED = "published", "Published"

    period = models.CharField(max_length=8, help_text="The quarter, like 2026Q1.")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=9, choices=Status, default=Status.DRAFT)
    summary_en = models.TextField(help_text="The treasurer's plain-language summary (English).")
    summary_es = models.TextField(blank=True, help_text="The same summary in Spanish.")
    errata = models.TextField(blank=True, help_text="What a correction changed, and why.")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.TextField(blank=True, help_text="The sealed canonical JSON, verbatim.")
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    ledger_head_seq = models.BigIntegerField(null=True, blank=True)
    ledger_head_hash = models.CharField(max_length=64, blank=True)
    previous_seal = models.CharField(max_length=64, blank=True)
    seal = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["period", "version"]
        constraints = [
            models.UniqueConstraint(
                name="reports_report_one_version", fields=["period", "version"]
            ),
            models.UniqueConstraint(
                name="reports_report_seal_unique", fields=["seal"], condition=~Q(seal="")
            ),
            models.CheckConstraint(
                name="reports_report_status_valid",
                condition=Q(status__in=["draft", "approved", "published"]),
            ),
            models.CheckConstraint(
                name="reports_report_published_is_sealed",
                condition=~Q(status="published")
                | (~Q(seal="") & ~Q(snapshot="") & Q(published_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version} ({self.status})"

    @property
    def slug(self) -> str:
        """The quarter as it appears in URLs: 2026q1."""
        return self.period.lower()
