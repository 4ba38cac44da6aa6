"""Small counts of people helped are hidden, with complementary suppression."""

import datetime

from reports.snapshot import public_sections
from reports.snapshot.suppression import Cell, suppress
from tests.reports.conftest import usd
from treasury.public import PublicDisbursement


def test_a_lone_small_cell_hides_the_next_smallest_and_the_total():
    rows, totals = suppress([Cell("groceries", 12, 60000), Cell("utility bill", 3, 45000),
                             Cell("rent", 7, 140000)])  # fmt: skip
    shown = {row["key"]: (row["count"], row["total"]) for row in rows}
    assert shown == {"groceries": (12, 60000), "utility bill": (None, None), "rent": (None, None)}
    assert totals == {"count": 22, "total": 245000, "suppressed": False}


def test_two_small_cells_hide_themselves_only():
    rows, totals = suppress([Cell("a", 2, 100), Cell("b", 4, 200), Cell("c", 9, 900)])
    assert [row["count"] for row in rows] == [None, None, 9]
    assert totals["count"] == 15


def test_a_small_grand_total_is_hidden_and_zero_is_shown():
    rows, totals = suppress([Cell("a", 0, 0), Cell("b", 3, 300)])
    assert [row["count"] for row in rows] == [0, None]
    assert totals == {"count": None, "total": None, "suppressed": True}


def test_individuals_are_counted_never_named():
    paid = [
        PublicDisbursement("community-fridge", "individual", "", "utility bill", "Help",
                           usd("50.00"), datetime.date(2026, 2, day))
        for day in range(1, 4)
    ] + [
        PublicDisbursement("community-fridge", "vendor", "Corner Grocer", "groceries",
                           "Fridge restock", usd("60.00"), datetime.date(2026, 2, 10)),
    ]  # fmt: skip
    section = public_sections.disbursement_section(paid)
    assert [(d["payee"], d["amount"]) for d in section["itemised"]] == [("Corner Grocer", 6000)]
    assert section["individuals"] == [
        {"key": "utility bill", "count": None, "total": None, "suppressed": True}
    ]
    assert section["individuals_total"] == {"count": None, "total": None, "suppressed": True}
