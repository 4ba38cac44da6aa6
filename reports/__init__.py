"""Reports: the treasurer's statements and the quarterly transparency report.

Reports read the ledger (`ledger.selectors`), the point of sale (sales statements) and the
treasury's public read API (`treasury.public`); nothing imports reports back. The public report
is one sealed JSON snapshot (`reports.snapshot`) rendered as a page, a PDF and a CSV zip.
"""
