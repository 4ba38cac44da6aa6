"""Routes of the reports: statements and the public transparency report."""

from django.urls import path

from reports import receipts

urlpatterns: list = [
    path("reports/receipts/<int:tab_id>.pdf", receipts.receipt_pdf, name="receipt-pdf"),
]
