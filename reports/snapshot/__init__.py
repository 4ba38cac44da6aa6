"""The quarterly report's snapshot: built once from the closed quarter, sealed, then rendered.

- `builder.py` reads the ledger (and the treasury's public read API) into one JSON document.
- `seal.py` writes it as canonical JSON and computes the seal; `verify_seal` checks one.
- `sections.py` turns a snapshot into the tables that the page, the PDF and the CSV zip show.
- `charts.py` draws its charts as SVG with real text (pygal).
"""
