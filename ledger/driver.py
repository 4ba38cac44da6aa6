"""A cursor straight to the database driver, for hot paths written in fixed SQL.

Django's cursor wrapper costs about 30 us a call on these machines (its wrappers, error
translation and, on SQLite, a regex from %s to ? on every call): about as long as SQLite takes
to run one short statement. So unless statements are being recorded (DEBUG, assertNumQueries,
the benchmarks' counts) or wrapped (connection.execute_wrapper), `driver_cursor` hands out the
driver's cursor, on the same connection and transaction; its errors still become Django's, and
a transaction already broken is still refused. The ledger's posting path
(ledger.services.store) and the point of sale's paying path (pos.sql) both use it.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper


class DriverCursor:
    """The driver's cursor, taking Django's %s marks (SQLite's driver wants ?)."""

    def __init__(self, cursor, qmark: bool) -> None:
        self.cursor, self.qmark = cursor, qmark

    def execute(self, sql: str, params: Sequence) -> None:
        self.cursor.execute(sql.replace("%s", "?") if self.qmark else sql, params)

    def fetchone(self):
        return self.cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self.cursor.fetchall()

    def nextset(self):
        return self.cursor.nextset()

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount


@contextmanager
def driver_cursor(db: BaseDatabaseWrapper) -> Iterator:
    """Django's cursor while statements are recorded or wrapped, else the driver's own."""
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            yield cursor
        return
    db.ensure_connection()
    db.validate_no_broken_transaction()
    cursor = db.connection.cursor()
    try:
        with db.wrap_database_errors:
            yield DriverCursor(cursor, qmark=db.vendor == "sqlite")
    finally:
        cursor.close()
