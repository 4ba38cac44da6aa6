"""Render a published snapshot: the page, the PDF, the CSV zip. Nothing here reads the ledger.

The page and the PDF share one template body (templates/reports/transparency/_body.html); the
PDF adds print CSS (running headers with the section title, page numbers, table headers that
repeat on every page) and carries the snapshot's exact bytes as an attachment. Rendering is a
pure function of the snapshot, the seal and the language, so the same inputs give the same
PDF bytes. The CSV zip holds one file per table, in English, with fixed timestamps.
"""

import datetime
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from reports.pdf import PdfAttachment, render_pdf
from reports.snapshot import charts, sections
from reports.snapshot.words import earmark_words
from reports.tables import table_csv
from reports.templatetags.report_format import money

ZIP_TIMESTAMP = (2000, 1, 1, 0, 0, 0)  # fixed, so the same snapshot zips to the same bytes


def report_context(*, snapshot_text: str, seal: dict, version_links=(), for_pdf=False) -> dict:
    """Return the template context for a snapshot (in the active language)."""
    snapshot = json.loads(snapshot_text)
    # Keys with underscores: templates cannot look up names with hyphens.
    tables = {table.key.replace("-", "_"): table for table in sections.all_tables(snapshot)}
    flow = tables["money_flow"]
    funds = tables["rollforward"]
    language = translation.get_language() or "en"
    summary = snapshot["summary"].get(language[:2]) or snapshot["summary"]["en"]
    steps = sections.flow_steps(snapshot)
    descriptions = (
        _(
            "Bars from left to right: the venue's revenue, its costs, the surplus left, the "
            "part earmarked for the programs, what the programs' funds held from earlier "
            "quarters, the gifts given for them, the part disbursed and what the funds hold at "
            "the quarter's end. The table below gives each figure."
        )
        if steps is sections.FLOW_STEPS
        else _(
            "Bars from left to right: the venue's revenue, its costs, the surplus left, the "
            "part earmarked for the programs, the part disbursed and the part held for later. "
            "The table below gives each figure."
        ),
        _(
            "For each program, the fund's balance at the start of the quarter beside its "
            "balance at the end. The table below gives each figure."
        ),
    )
    return {
        "snapshot": snapshot,
        "tables": tables,
        "summary": summary,
        "earmark_words": earmark_words(snapshot),
        "seal": seal,
        "for_pdf": for_pdf,
        "version_links": version_links,
        "charts": [
            {
                "svg": charts.waterfall(
                    flow, [kind for _key, _label, kind in steps], descriptions[0], money
                ),
                "description": descriptions[0],
                "table": flow,
            },
            {
                "svg": charts.program_funds(funds, descriptions[1], money),
                "description": descriptions[1],
                "table": funds,
            },
        ],
    }


def render_html(*, snapshot_text: str, seal: dict, version_links=(), downloads=None) -> str:
    """Render the public page; downloads maps pdf/json/zip to their URLs for the page's links."""
    context = report_context(snapshot_text=snapshot_text, seal=seal, version_links=version_links)
    return render_to_string("reports/transparency/report.html", {**context, "downloads": downloads})


def render_report_pdf(*, snapshot_text: str, seal: dict, language: str = "en") -> bytes:
    """Render the PDF (in the given language) with the snapshot JSON attached inside."""
    with translation.override(language):
        html = render_to_string(
            "reports/transparency/report_pdf.html",
            report_context(snapshot_text=snapshot_text, seal=seal, for_pdf=True),
        )
    snapshot = json.loads(snapshot_text)
    published = datetime.date.fromisoformat(snapshot["published_on"])
    attachment = PdfAttachment(
        f"{snapshot['period']['name'].lower()}.json",
        snapshot_text.encode("utf-8"),
        "The sealed snapshot of this report",
        created=datetime.datetime.combine(published, datetime.time.min, tzinfo=datetime.UTC),
    )
    return render_pdf(html, attachments=(attachment,))


def render_zip(*, snapshot_text: str) -> bytes:
    """Return a zip of the report's tables as CSV files, plus the snapshot JSON itself."""
    snapshot = json.loads(snapshot_text)
    buffer = io.BytesIO()
    with translation.override("en"), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for table in sections.all_tables(snapshot):
            info = zipfile.ZipInfo(f"{table.key}.csv", date_time=ZIP_TIMESTAMP)
            zf.writestr(info, table_csv(table))
        info = zipfile.ZipInfo("snapshot.json", date_time=ZIP_TIMESTAMP)
        zf.writestr(info, snapshot_text)
    return buffer.getvalue()
