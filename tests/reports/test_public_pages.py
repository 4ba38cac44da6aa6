"""The public pages answer without signing in, in English and Spanish; the statements do not."""

import json
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db


def test_the_public_pages_need_no_sign_in(client, published):
    assert client.get("/transparency/").status_code == 200
    page = client.get("/transparency/2026q1/")
    assert page.status_code == 200
    assert "$970.00" in page.content.decode()
    assert client.get("/transparency/2026q1.json").content == published.snapshot.encode()
    assert client.get("/transparency/2026q1.pdf").content.startswith(b"%PDF")
    assert client.get("/transparency/2026q1.zip").content.startswith(b"PK")
    seals = client.get("/transparency/seals.json").json()["seals"]
    assert [s["seal"] for s in seals] == [published.seal]
    assert client.get("/transparency/2025q4/").status_code == 404


def test_an_earlier_version_stays_at_its_own_address(client, published, closed_quarter):
    publish(closed_quarter, errata="Corrected the summary.")
    old = client.get("/transparency/2026q1/v1/")
    assert old.status_code == 200
    assert "version 2" in old.content.decode()  # it points to the version that replaced it
    assert client.get("/transparency/2026q1/v1.json").content == published.snapshot.encode()
    assert "Corrected the summary." in client.get("/transparency/2026q1/").content.decode()


def test_the_report_reads_in_spanish(client, published):
    page = client.get("/transparency/2026q1/?lang=es").content.decode()
    assert 'lang="es"' in page
    assert "De un vistazo" in page
    assert "El local obtuvo un excedente" in page
    assert "$970.00" in page
    # The choice is remembered.
    assert "De un vistazo" in client.get("/transparency/2026q1/").content.decode()


def test_the_statements_are_for_staff_only(client, closed_quarter):
    assert client.get("/reports/statements/activities/").status_code == 302
    client.force_login(closed_quarter["treasurer"])
    for name in ("activities", "financial-position", "functional-expenses", "trial-balance",
                 "general-ledger", "sales-by-category", "sales-by-item", "sales-by-hour",
                 "sales-tax", "tips-by-staff", "z-reports"):  # fmt: skip
        query = "?start=2026-01-01&end=2026-03-31"
        assert client.get(f"/reports/statements/{name}/{query}").status_code == 200, name
        assert client.get(f"/reports/statements/{name}.csv{query}").status_code == 200, name


def test_verify_report_passes_on_the_download_and_fails_on_a_changed_number(
    client, published, tmp_path
):
    path = tmp_path / "2026q1.json"
    path.write_bytes(client.get("/transparency/2026q1.json").content)
    call_command("verify_report", str(path))
    assert (
        subprocess.run(["sha256sum", str(path)], capture_output=True, text=True).stdout.split()[0]
        == published.snapshot_sha256
    )
    changed = json.loads(path.read_text())
    changed["at_a_glance"]["surplus"] += 100  # one dollar more surplus
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(
        json.dumps(changed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    with pytest.raises(CommandError, match="not among the published seals"):
        call_command("verify_report", str(tampered))
    seals = tmp_path / "seals.json"
    seals.write_bytes(client.get("/transparency/seals.json").content)
    call_command("verify_report", str(path), seals=str(seals))


def test_verify_report_fails_on_a_download_rewritten_with_the_same_figures(
    client, published, tmp_path
):
    original = client.get("/transparency/2026q1.json").content
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(original), indent=2, sort_keys=True))
    with pytest.raises(CommandError, match=r"not in canonical form \(it was re-written\)"):
        call_command("verify_report", str(pretty))
    # One byte of the canonical text changed in place: a digit of the first amount.
    edited = bytearray(original)
    at = original.index(b'"amount":') + len(b'"amount":')
    edited[at] = ord("9") if edited[at] != ord("9") else ord("8")
    tampered = tmp_path / "edited.json"
    tampered.write_bytes(bytes(edited))
    with pytest.raises(CommandError, match="not among the published seals"):
        call_command("verify_report", str(tampered))


def test_the_workflow_screen_drafts_approves_and_publishes(client, closed_quarter):
    people = closed_quarter
    client.force_login(people["treasurer"])
    assert "2026Q1" in client.get("/reports/transparency/").content.decode()
    client.post("/reports/transparency/", {"period": "2026Q1", "action": "draft",
                                           "summary_en": "A good quarter."})  # fmt: skip
    assert "A good quarter." in client.get("/reports/transparency/2026Q1/preview/").content.decode()
    refused = client.post("/reports/transparency/", {"period": "2026Q1", "action": "publish"},
                          follow=True)  # fmt: skip
    assert "must be approved by a board member" in refused.content.decode()
    client.force_login(people["board"])
    client.post("/reports/transparency/", {"period": "2026Q1", "action": "approve"})
    client.force_login(people["treasurer"])
    published = client.post("/reports/transparency/", {"period": "2026Q1", "action": "publish"},
                            follow=True)  # fmt: skip
    assert "Published with seal" in published.content.decode()
    assert client.get("/transparency/2026q1/").status_code == 200
