"""Draft -> board approval -> publish; a published version is final; corrections are versions."""

import json

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from reports import selectors, services
from reports.models import GENESIS_SEAL, Report
from reports.snapshot.seal import compute_seal, sha256_hex
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db
# SQLite aborts with IntegrityError; a PL/pgSQL RAISE EXCEPTION arrives as ProgrammingError.
DATABASE_REFUSED = (IntegrityError, InternalError, ProgrammingError)


def test_publishing_seals_the_snapshot_with_the_ledger_head_and_previous_seal(published):
    assert published.status == Report.Status.PUBLISHED
    assert published.snapshot_sha256 == sha256_hex(published.snapshot.encode())
    assert published.previous_seal == GENESIS_SEAL
    assert published.seal == compute_seal(
        snapshot_sha256=published.snapshot_sha256,
        ledger_head_seq=8,
        ledger_head_hash=published.ledger_head_hash,
        previous_seal=GENESIS_SEAL,
    )
    assert selectors.seals()[0]["seal"] == published.seal
    approval = json.loads(published.snapshot)["governance"]["report_approval"]
    on = timezone.localdate(published.approved_at).isoformat()
    assert approval == {"role": "board", "on": on}


def test_only_a_board_member_who_did_not_draft_may_approve(closed_quarter):
    people = closed_quarter
    with pytest.raises(services.ReportError, match="needs the treasurer role"):
        services.draft_report(period="2026Q1", summary_en="x", drafted_by=people["board"])
    services.draft_report(period="2026Q1", summary_en="x", drafted_by=people["treasurer"])
    with pytest.raises(services.ReportError, match="needs the board role"):
        services.approve_report(period="2026Q1", approved_by=people["treasurer"])
    people["treasurer"].groups.add(*people["board"].groups.all())
    with pytest.raises(services.ReportError, match="cannot be the one who drafted"):
        services.approve_report(period="2026Q1", approved_by=people["treasurer"])


def test_a_draft_is_published_only_after_approval_and_rewriting_it_needs_approval_again(
    closed_quarter,
):
    people = closed_quarter
    services.draft_report(period="2026Q1", summary_en="x", drafted_by=people["treasurer"])
    with pytest.raises(services.ReportError, match="must be approved"):
        services.publish_report(period="2026Q1", published_by=people["treasurer"])
    services.approve_report(period="2026Q1", approved_by=people["board"])
    services.draft_report(period="2026Q1", summary_en="y", drafted_by=people["treasurer"])
    with pytest.raises(services.ReportError, match="must be approved"):
        services.publish_report(period="2026Q1", published_by=people["treasurer"])


def test_a_correction_is_version_2_and_version_1_stays(published, closed_quarter):
    with pytest.raises(services.ReportError, match="needs an errata note"):
        services.draft_report(
            period="2026Q1", summary_en="again", drafted_by=closed_quarter["treasurer"]
        )
    second = publish(closed_quarter, errata="The summary named the wrong month.")
    assert second.version == 2
    snapshot = json.loads(second.snapshot)
    assert snapshot["supersedes"] == {"version": 1, "seal": published.seal}
    assert snapshot["errata"] == "The summary named the wrong month."
    assert second.previous_seal == published.seal
    assert selectors.published_version(period="2026Q1").version == 2
    assert selectors.published_version(period="2026Q1", version=1).seal == published.seal
    assert [s["version"] for s in selectors.seals()] == [1, 2]


def test_the_database_refuses_to_change_or_delete_a_published_report(published):
    with pytest.raises(DATABASE_REFUSED, match="published_is_final"), transaction.atomic():
        Report.objects.filter(id=published.id).update(summary_en="quietly changed")
    with pytest.raises(DATABASE_REFUSED, match="published_is_final"), transaction.atomic():
        Report.objects.filter(id=published.id).delete()
    refused = pytest.raises(DATABASE_REFUSED, match="published_is_final")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET snapshot = '' WHERE id = %s", [published.id])
    published.refresh_from_db()
    assert published.summary_en.startswith("The venue earned")


def test_the_trigger_set_is_installed():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"reports_report_published_no_update", "reports_report_published_no_delete"}
        if connection.vendor == "sqlite"
        else {"reports_report_published_is_final"}
    )
    assert expected <= names
