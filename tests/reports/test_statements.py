"""The treasurer's statements for a date range, from the worked quarter."""

import datetime

import pytest

from reports.statements.ledger_statements import (
    functional_expenses,
    statement_of_activities,
)
from reports.tables import table_csv
from tests.reports.conftest import post_worked_quarter

pytestmark = pytest.mark.django_db
Q1 = {"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 3, 31)}


def test_the_statement_of_activities_splits_by_restriction(people):
    post_worked_quarter()
    table = statement_of_activities(**Q1)
    rows = {row[1]: row[2:] for row in table.rows}
    assert rows["Sales · Food"] == (100000, 0, 100000)
    assert rows["Donations · Restricted · Community fridge"] == (0, 4000, 4000)
    assert rows["Net assets released from restrictions"] == (0, 0, 0)
    assert rows["Total revenue and support"] == (150000, 4000, 154000)
    assert rows["Total expenses"] == (59000, 0, 59000)
    assert rows["Change in net assets"] == (91000, 4000, 95000)
    assert rows["Net assets, end"] == (91000, 4000, 95000)
    csv_text = table_csv(table)
    assert "Change in net assets,910.00,40.00,950.00" in csv_text


def test_functional_expenses_by_nature_and_function(people):
    post_worked_quarter()
    figures = functional_expenses(**Q1)
    assert figures.program_total == 6000
    assert figures.total == 59000
    assert str(figures.ratio()) == "10.2"  # 60 / 590
    rows = dict(figures.rows)
    assert rows["Program assistance and supplies"] == (6000, 0, 0, 0)
    assert rows["Rent"] == (0, 0, 20000, 0)
    # Each account in words, as the public report prints it (not Expenses:CostOfGoodsSold:Food).
    assert rows["Cost of goods sold · Food"] == (0, 0, 30000, 0)
    assert rows["Card fees"] == (0, 0, 3000, 0)
