"""Routes of the reports app: the public transparency pages and the staff-only statements."""

from django.urls import path

from reports import receipts
from reports.views import public, staff

SLUG = "<slug:slug>"
VERSION = "v<int:version>"

urlpatterns = [
    path("transparency/", public.index, name="transparency-index"),
    path("transparency/seals.json", public.seals, name="transparency-seals"),
    path(f"transparency/{SLUG}/", public.report_page, name="transparency-report"),
    path(f"transparency/{SLUG}.pdf", public.report_pdf, name="transparency-pdf"),
    path(f"transparency/{SLUG}.json", public.report_json, name="transparency-json"),
    path(f"transparency/{SLUG}.zip", public.report_zip, name="transparency-zip"),
    path(f"transparency/{SLUG}/{VERSION}/", public.report_page, name="transparency-version"),
    path(f"transparency/{SLUG}/{VERSION}.pdf", public.report_pdf, name="transparency-version-pdf"),
    path(
        f"transparency/{SLUG}/{VERSION}.json", public.report_json, name="transparency-version-json"
    ),
    path(f"transparency/{SLUG}/{VERSION}.zip", public.report_zip, name="transparency-version-zip"),
    path("reports/receipts/<int:tab_id>.pdf", receipts.receipt_pdf, name="receipt-pdf"),
    path("reports/statements/", staff.statements_index, name="statements"),
    path("reports/statements/<slug:name>/", staff.statement, name="statement"),
    path("reports/statements/<slug:name>.csv", staff.statement_csv, name="statement-csv"),
    path("reports/transparency/", staff.workflow, name="report-workflow"),
    path("reports/transparency/<str:period>/preview/", staff.preview, name="report-preview"),
]
