"""reports.pdf: tagged, reproducible PDFs that can reach only the project's static files."""

import io
import subprocess

import pytest
from pypdf import PdfReader

from reports.pdf import PdfAttachment, StaticOnlyFetcher, render_pdf

HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page</title>
<link rel="stylesheet" href="https://attacker.example/steal.css"></head>
<body><h1>Surplus</h1><p>$1,234.56</p><img alt="" src="http://169.254.169.254/latest"></body></html>"""


def test_the_same_html_gives_the_same_bytes_with_the_attachment_inside():
    attachment = PdfAttachment("snapshot.json", b'{"total": 123456}', "The sealed snapshot")
    first = render_pdf(HTML, attachments=(attachment,))
    second = render_pdf(HTML, attachments=(attachment,))
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    assert reader.attachments == {"snapshot.json": [b'{"total": 123456}']}
    assert "$1,234.56" in reader.pages[0].extract_text()


def test_the_pdf_is_tagged(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(render_pdf(HTML))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout


@pytest.mark.parametrize(
    "url",
    [
        "https://attacker.example/steal.css",
        "file:///etc/passwd",
        "https://tillshare.invalid/static/../../settings.py",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(Exception, match="Only the project's static files"):
        StaticOnlyFetcher().fetch(url)
