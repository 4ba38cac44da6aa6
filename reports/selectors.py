"""Reads of the reports app: published versions, the current one per quarter, the seal chain."""

import json

from reports.models import Report


def published() -> list[Report]:
    """Every published version, newest quarter first, then newest version first."""
    return list(
        Report.objects.filter(status=Report.Status.PUBLISHED).order_by("-period", "-version")
    )


def current_versions() -> list[Report]:
    """The latest published version of each quarter, newest quarter first."""
    seen: set[str] = set()
    result = []
    for report in published():
        if report.period not in seen:
            seen.add(report.period)
            result.append(report)
    return result


def published_version(*, period: str, version: int | None = None) -> Report | None:
    """The given published version of a quarter, or its latest; None if there is none."""
    reports = Report.objects.filter(period=period, status=Report.Status.PUBLISHED)
    if version is not None:
        reports = reports.filter(version=version)
    return reports.order_by("-version").first()


def open_version(*, period: str) -> Report | None:
    """The quarter's draft or approved version, if any."""
    return Report.objects.filter(period=period).exclude(status=Report.Status.PUBLISHED).first()


def seals() -> list[dict]:
    """The seal chain in publication order: what /transparency/seals.json lists."""
    return [
        {
            "period": r.period,
            "version": r.version,
            "published_at": r.published_at.isoformat(),
            "snapshot_sha256": r.snapshot_sha256,
            "ledger_head_seq": r.ledger_head_seq,
            "ledger_head_hash": r.ledger_head_hash,
            "previous_seal": r.previous_seal,
            "seal": r.seal,
        }
        for r in Report.objects.filter(status=Report.Status.PUBLISHED).order_by(
            "published_at", "id"
        )
    ]


def given_since_opening() -> int | None:
    """Cents given to the programs since opening, per the newest published snapshot."""
    latest = current_versions()
    if not latest:
        return None
    return json.loads(latest[0].snapshot)["at_a_glance"]["given_since_opening"]
