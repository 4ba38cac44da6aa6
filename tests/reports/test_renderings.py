"""Tie-out: every figure on the page, in the PDF's text and in the CSV zip equals the snapshot."""

import csv
import io
import json
import subprocess
import zipfile

import pytest
from django.utils import translation
from pypdf import PdfReader

from ledger.money import format_cents
from reports.rendering import render_html, render_report_pdf, render_zip
from reports.snapshot import charts, sections
from reports.templatetags.report_format import money

pytestmark = pytest.mark.django_db


def _seal(report):
    return {"snapshot_sha256": report.snapshot_sha256, "seal": report.seal}


def _money_figures(snapshot: dict) -> set[int]:
    with translation.override("en"):
        tables = sections.all_tables(snapshot)
    return {
        value
        for table in tables
        for row in (*table.rows, *([table.footer] if table.footer else []))
        for value, column in zip(row, table.columns, strict=True)
        if column.kind == "cents" and value is not None
    }


def test_the_page_shows_every_money_figure_of_the_snapshot(published):
    snapshot = json.loads(published.snapshot)
    with translation.override("en"):
        html = render_html(snapshot_text=published.snapshot, seal=_seal(published))
    figures = _money_figures(snapshot)
    assert {97000, 15000, 8000, 6000, 103000} <= figures
    with translation.override("en"):
        for cents in figures:
            assert money(cents) in html, cents
    assert published.seal in html
    assert published.snapshot_sha256 in html


def test_the_pdf_text_shows_the_figures_and_carries_the_snapshot(published, tmp_path):
    pdf = render_report_pdf(snapshot_text=published.snapshot, seal=_seal(published))
    assert pdf == render_report_pdf(snapshot_text=published.snapshot, seal=_seal(published))
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for cents in (154000, 97000, 15000, 6000, 8000, 5000, 103000, 95000):
        assert money(cents) in text, cents
    assert reader.attachments == {"2026q1.json": [published.snapshot.encode()]}
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    assert int(info.stdout.split("Pages:")[1].split()[0]) >= 2  # running headers need pages


def test_the_csv_zip_equals_the_snapshot(published):
    snapshot = json.loads(published.snapshot)
    archive = zipfile.ZipFile(io.BytesIO(render_zip(snapshot_text=published.snapshot)))
    assert archive.read("snapshot.json").decode() == published.snapshot
    rollforward = list(csv.DictReader(io.StringIO(archive.read("rollforward.csv").decode())))
    fridge = rollforward[0]
    assert fridge["Program"] == "Community fridge & pantry"
    assert fridge["Closing"] == format_cents(snapshot["rollforward"][0]["closing"]) == "80.00"
    assert rollforward[-1]["Program"] == "Total"
    assert rollforward[-1]["Closing"] == "130.00"
    glance = list(csv.reader(io.StringIO(archive.read("at-a-glance.csv").decode())))
    assert ["Venue operating surplus", "970.00"] in glance
    assert render_zip(snapshot_text=published.snapshot) == render_zip(
        snapshot_text=published.snapshot
    )


def test_the_waterfall_stacks_each_step_on_where_the_flow_stands(published):
    """The worked quarter's bars start at: revenue 0, costs hang from the 970.00 surplus,
    surplus 0, earmarked 0, held from earlier quarters and the 40.00 of gifts float on the
    150.00 earmarked, disbursed hangs from the 130.00 held at the end, which rises from 0."""
    snapshot = json.loads(published.snapshot)
    steps = sections.flow_steps(snapshot)
    flow = sections.money_flow(snapshot)

    bases = charts.waterfall_bases([amount for _, amount in flow.rows], [k for *_, k in steps])

    assert [amount for _, amount in flow.rows] == [150000, 53000, 97000, 15000, 0, 4000, 6000,
                                                   13000]  # fmt: skip
    assert bases == [0, 97000, 0, 0, 15000, 15000, 13000, 0]


def test_a_report_sealed_under_schema_version_1_renders_its_own_flow(published):
    """A published report renders from the bytes it was sealed with, whatever the code that
    builds new ones has become: version 1 ended the flow at earmarked - disbursed."""
    snapshot = json.loads(published.snapshot)
    flow = snapshot["money_flow"]
    snapshot["schema_version"] = 1
    del snapshot["earmark"]["policy_effective_from"]
    snapshot["money_flow"] = {
        **{key: flow[key] for key in ("venue_revenue", "venue_costs", "surplus", "earmarked")},
        "disbursed": 6000, "held_from_quarter": 9000,
    }  # fmt: skip
    with translation.override("en"):
        html = render_html(snapshot_text=json.dumps(snapshot), seal=_seal(published))
        rows = sections.money_flow(snapshot).rows

    assert rows[-2:] == (("Disbursed", 6000), ("Held for later", 9000))
    assert "the part disbursed and the part held for later" in html
    assert "(policy version 1): 5 % of qualifying net sales" in html  # no first day kept


def test_the_earmark_policy_reads_in_the_reports_language(published):
    """The worked quarter: floor 5 % x $1,500.00 = $75.00, share 40 % x $970.00 = $388.00;
    the share wins. The Spanish page says it in Spanish, not in the treasury's English."""
    snapshot = json.loads(published.snapshot)
    assert snapshot["earmark"]["policy_effective_from"] == "2026-01-01"
    with translation.override("en"):
        english = render_html(snapshot_text=published.snapshot, seal=_seal(published))
    with translation.override("es"):
        spanish = render_html(snapshot_text=published.snapshot, seal=_seal(published))

    assert "(policy version 1, in force since Jan. 1, 2026)" in english
    assert "so the share is 40 % x $970.00 = $388.00." in english
    assert "The designation is the surplus share: $388.00, rounded half up" in english
    assert "vigente desde el 1 de enero de 2026" in spanish
    assert "La asignación es la parte del excedente: $388.00" in spanish
    assert "Each quarter the board" not in spanish
