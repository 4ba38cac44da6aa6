"""Tables: the one shape every statement and every report section takes before it is shown.

A `Table` is a title, typed columns and rows of plain values (text, integer counts, or money as
integer cents). The same table renders as an HTML `<table>` (templates/reports/_table.html) and
as CSV (`table_csv`), so a page and its CSV can never disagree. Money is written to CSV as a
decimal string with two places ("1234.56"), never through a float.
"""

import csv
import io
from dataclasses import dataclass, field

from ledger.money import format_cents

TEXT = "text"
CENTS = "cents"
COUNT = "count"
PERCENT = "percent"  # a decimal string such as "12.5", already rounded by whoever made it


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    footer: tuple | None = None  # a totals row, same shape as a row
    note: str = ""
    meta: dict = field(default_factory=dict)

    def column(self, key: str) -> int:
        """Return the index of the column called key."""
        return [column.key for column in self.columns].index(key)


def cell_text(value, kind: str) -> str:
    """Return a cell as CSV writes it: cents as "1234.56", counts as digits, None as ""."""
    if value is None:
        return ""
    if kind == CENTS:
        return format_cents(value)
    return str(value)


def table_csv(table: Table) -> str:
    """Return the table as CSV text with a header row (and its totals row last)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.label for column in table.columns])
    rows = [*table.rows, table.footer] if table.footer else table.rows
    for row in rows:
        writer.writerow(
            [
                cell_text(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return buffer.getvalue()
