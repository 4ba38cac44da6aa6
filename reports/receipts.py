"""The receipt of a check as a PDF (80 mm wide), for the staff signed in on a tablet.

The words and figures come from `pos.ui.receipts.receipt_context`, the same as the tablet's
printable HTML receipt, including the aid line and the QR code to the transparency page;
`reports.pdf.render_pdf` makes it a tagged PDF that can fetch only the project's static files.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from pos.ui.receipts import receipt_context
from pos.ui.session import staff_required
from reports.pdf import render_pdf


@staff_required
def receipt_pdf(request: HttpRequest, tab_id: int) -> HttpResponse:
    html = render_to_string("pos/ui/receipt_pdf.html", receipt_context(request, tab_id))
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{tab_id}.pdf"'
    return response
