"""ledger.driver: the hot paths' fixed statements are prepared on PostgreSQL, once each.

Django turns psycopg's prepared statements off unless the connection's prepare_threshold is
set (config.settings sets one that only an explicit prepare reaches); then the driver's
statements are parsed and planned on every call, which this test would catch.
"""

import pytest
from django.db import connection

from ledger.driver import driver_cursor

pytestmark = pytest.mark.django_db

PROBE = "SELECT count(*) FROM ledger_account WHERE name = %s"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server-side prepared statements")


def prepared_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["SELECT count(*) FROM ledger_account WHERE name = $1%"])  # fmt: skip
        return cursor.fetchone()[0]


def test_a_driver_statement_is_prepared_once_and_reused():
    for name in ("Assets:Cash:Safe", "Income:Sales:Food", "Assets:Cash:Safe"):
        with driver_cursor(connection) as cursor:
            cursor.execute(PROBE, [name])
            assert cursor.fetchone() == (1,)

    assert prepared_count() == 1


def test_the_orm_binds_on_the_client_and_prepares_nothing():
    for name in ("Assets:Cash:Safe", "Income:Sales:Food") * 3:
        with connection.cursor() as cursor:
            cursor.execute(PROBE, [name])

    assert prepared_count() == 0
