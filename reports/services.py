"""Writes of the reports app: draft -> board approval -> publish, with versions and errata.

- `draft_report`: the treasurer writes (or rewrites) the summary of a quarter's next version.
  A draft of a quarter that already has a published version is a correction: it needs an
  errata note, and publishing it supersedes the previous version, which stays readable.
- `approve_report`: a board member who did not draft it approves the draft as previewed.
- `publish_report`: builds the snapshot from the closed quarter, writes it as canonical JSON,
  seals it (its digest, the ledger head at the close, the previous seal) and freezes the row.

Roles are Django groups, the same the treasury uses: "treasurer" drafts and publishes, "board"
approves. Publishing takes a lock on the latest published row, so two publications can never
chain onto the same previous seal (the unique seal and version constraints are the backstop).
"""

from django.db import transaction
from django.utils import timezone

from reports.models import GENESIS_SEAL, Report
from reports.snapshot.builder import build_snapshot
from reports.snapshot.seal import canonical_bytes, compute_seal, sha256_hex

TREASURER = "treasurer"
BOARD = "board"

NOT_ALLOWED = "{user} may not {action}: it needs the {role} role"
ALREADY_PUBLISHED = "{report} is published and final: draft a correction instead"
NEEDS_ERRATA = "{period} is already published: a correction needs an errata note"
SAME_PERSON = "The board member who approves a report cannot be the one who drafted it"
NOT_APPROVED = "{report} must be approved by a board member before it is published"
NO_DRAFT = "There is no draft of {period} to {action}"


class ReportError(Exception):
    """A report workflow rule was broken; the message says which."""


def _require(user, role: str, action: str) -> None:
    if user is None or not user.groups.filter(name=role).exists():
        raise ReportError(NOT_ALLOWED.format(user=user, action=action, role=role))


def _open_version(period: str) -> Report | None:
    return (
        Report.objects.select_for_update()
        .filter(period=period)
        .exclude(status=Report.Status.PUBLISHED)
        .first()
    )


@transaction.atomic
def draft_report(
    *, period: str, summary_en: str, summary_es: str = "", errata: str = "", drafted_by
) -> Report:
    """Create or rewrite the quarter's unpublished version. Raise ReportError."""
    _require(drafted_by, TREASURER, "draft a report")
    published = Report.objects.filter(period=period, status=Report.Status.PUBLISHED)
    if published.exists() and not errata.strip():
        raise ReportError(NEEDS_ERRATA.format(period=period))
    report = _open_version(period)
    if report is None:
        report = Report(period=period, version=published.count() + 1)
    # Rewriting a draft (or an approved one) sends it back for approval.
    report.status = Report.Status.DRAFT
    report.summary_en, report.summary_es, report.errata = summary_en, summary_es, errata
    report.drafted_by, report.drafted_at = drafted_by, timezone.now()
    report.approved_by = report.approved_at = None
    report.save()
    return report


@transaction.atomic
def approve_report(*, period: str, approved_by) -> Report:
    """Approve the quarter's draft as a board member who did not draft it. Raise ReportError."""
    _require(approved_by, BOARD, "approve a report")
    report = _open_version(period)
    if report is None:
        raise ReportError(NO_DRAFT.format(period=period, action="approve"))
    if report.drafted_by_id == approved_by.id:
        raise ReportError(SAME_PERSON)
    report.status = Report.Status.APPROVED
    report.approved_by, report.approved_at = approved_by, timezone.now()
    report.save(update_fields=["status", "approved_by", "approved_at"])
    return report


@transaction.atomic
def publish_report(*, period: str, published_by) -> Report:
    """Build, seal and publish the quarter's approved version. Raise ReportError, SnapshotError."""
    _require(published_by, TREASURER, "publish a report")
    report = _open_version(period)
    if report is None:
        raise ReportError(NO_DRAFT.format(period=period, action="publish"))
    if report.status != Report.Status.APPROVED:
        raise ReportError(NOT_APPROVED.format(report=report))
    last = (
        Report.objects.select_for_update()
        .filter(status=Report.Status.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )
    previous_seal = last.seal if last else GENESIS_SEAL
    superseded = (
        Report.objects.filter(period=period, status=Report.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    now = timezone.now()
    snapshot = build_snapshot(
        period=period,
        version=report.version,
        published_on=timezone.localdate(now),
        summary_en=report.summary_en,
        summary_es=report.summary_es,
        errata=report.errata,
        supersedes=None
        if superseded is None
        else {"version": superseded.version, "seal": superseded.seal},
        previous_seal=previous_seal,
        approved_on=timezone.localdate(report.approved_at),
    )
    data = canonical_bytes(snapshot)
    inputs = snapshot["seal_inputs"]
    report.snapshot = data.decode("utf-8")
    report.snapshot_sha256 = sha256_hex(data)
    report.ledger_head_seq = inputs["ledger_head_seq"]
    report.ledger_head_hash = inputs["ledger_head_hash"]
    report.previous_seal = previous_seal
    report.seal = compute_seal(
        snapshot_sha256=report.snapshot_sha256,
        ledger_head_seq=report.ledger_head_seq,
        ledger_head_hash=report.ledger_head_hash,
        previous_seal=previous_seal,
    )
    report.status = Report.Status.PUBLISHED
    report.published_by, report.published_at = published_by, now
    report.save()
    return report
