"""The posting path's read stays indexed however many entries the ledger holds.

Its source lookup once repeated the partial unique index's condition in other words
("source_ref <> ''" for the index's NOT (source_ref = '')): SQLite then scanned every entry on
every post, and a post took 0.9 ms instead of 0.1 after a month of sales.
"""

import datetime
import uuid

import pytest
from django.db import connection

from ledger.models import JournalEntry
from ledger.services.store import READ_STATE
from tests.plans import full_scans

pytestmark = pytest.mark.django_db

GROWING = {"ledger_journalentry", "ledger_posting"}  # a row per entry, rows per entry


def test_the_read_before_a_post_scans_no_table_that_grows():
    names = ["Assets:Cash:Drawer1", "Income:Sales:Food"]
    params = [
        JournalEntry._meta.pk.get_db_prep_value(uuid.uuid4(), connection),
        datetime.date(2026, 10, 1),
        datetime.date(2026, 11, 27),
        "sale",
        "check:41",
        *names,
    ]

    assert full_scans(READ_STATE.format(names="%s, %s"), params) & GROWING == set()
