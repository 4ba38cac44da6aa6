"""The one module that imports WeasyPrint: HTML in, a tagged and reproducible PDF out.

Every PDF the project makes (receipts, the transparency report, statements) goes through
`render_pdf`, so each one gets the same guarantees:

- tagged for accessibility (PDF/UA-1 by default): give the HTML a `lang` and a `<title>`;
- it can fetch only the project's own static files (and inline `data:` URLs): templates refer
  to `STATIC_ORIGIN + "pos/receipt.css"` and the like, and any other address is refused, so a
  value typed by a user can never make the server fetch a URL;
- the same input gives the same bytes: the PDF identifier is derived from the content, and no
  timestamp is written unless the HTML carries one;
- files can be attached inside the PDF (the transparency report carries its sealed JSON).
"""

import datetime
import hashlib
import logging
import mimetypes
from dataclasses import dataclass

import weasyprint
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger(__name__)

# A base URL that names no real host: relative URLs in the templates resolve under it.
STATIC_ORIGIN = "https://tillshare.invalid/static/"


# An attachment's dates default to this fixed moment: WeasyPrint would write the current time,
# and then the same input would no longer give the same bytes.
FIXED_ATTACHMENT_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class PdfAttachment:
    filename: str
    content: bytes
    description: str = ""
    created: datetime.datetime = FIXED_ATTACHMENT_TIME


class StaticOnlyFetcher(URLFetcher):
    """Serve STATIC_ORIGIN paths from the static-file finders and data: URLs; refuse the rest."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_ORIGIN):
            relative = url.removeprefix(STATIC_ORIGIN).split("?")[0].split("#")[0]
            found = finders.find(relative) if ".." not in relative.split("/") else None
            if found:
                with open(found, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        logger.warning("PDF rendering refused to fetch %s", url)
        raise URLFetchingError(f"Only the project's static files can be fetched, not {url}")


def render_pdf(
    html: str,
    *,
    attachments: tuple[PdfAttachment, ...] = (),
    variant: str = "pdf/ua-1",
) -> bytes:
    """Render an HTML document to PDF bytes (tagged, static files only, reproducible)."""
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    document = weasyprint.HTML(
        string=html, base_url=STATIC_ORIGIN, url_fetcher=StaticOnlyFetcher(allow_redirects=False)
    )
    return document.write_pdf(
        pdf_variant=variant,
        pdf_identifier=identifier,
        attachments=[
            weasyprint.Attachment(
                string=attachment.content,
                name=attachment.filename,
                description=attachment.description,
                created=attachment.created,
                modified=attachment.created,
            )
            for attachment in attachments
        ],
    )
