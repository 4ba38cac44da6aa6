"""A cursor straight to the database driver, for hot paths written in fixed SQL.

Django's cursor wrapper costs about 30 us a call on these machines (its wrappers, error
translation and, on SQLite, a regex from %s to ? on every call): about as long as SQLite takes
to run one short statement. So unless statements are being recorded (DEBUG, assertNumQueries,
the benchmarks' counts) or wrapped (connection.execute_wrapper), `driver_cursor` hands out the
driver's cursor, on the same connection and transaction; its errors still become Django's, and
a transaction already broken is still refused. The ledger's posting path
(ledger.services.store) and the point of sale's paying path (pos.sql) both use it.

On PostgreSQL the driver's cursor binds parameters on the server and prepares each statement
once per connection: these are the same few fixed statements over and over, and PostgreSQL
otherwise parses and plans every one of them anew (Django's own cursor binds on the client and
never prepares, so that poolers in transaction mode keep working: Tillshare connects to
PostgreSQL directly). psycopg prepares nothing at all while the connection's prepare_threshold
is None, which is Django's default: config.settings sets a threshold no statement reaches, so
that exactly the statements asking here are prepared. A batch of several statements separated
by semicolons cannot be prepared; `driver_cursor(db, batch=True)` sends it through a
client-side binding cursor in one round trip.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper


class DriverCursor:
    """The driver's cursor, taking Django's %s marks (SQLite's driver wants ?)."""

    def __init__(self, cursor, *, qmark: bool = False, prepare: bool = False) -> None:
        self.cursor, self.qmark, self.prepare = cursor, qmark, prepare

    def execute(self, sql: str, params: Sequence) -> None:
        if self.qmark:
            self.cursor.execute(sql.replace("%s", "?"), params)
        elif self.prepare:
            self.cursor.execute(sql, params, prepare=True)
        else:
            self.cursor.execute(sql, params)

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
def driver_cursor(db: BaseDatabaseWrapper, *, batch: bool = False) -> Iterator:
    """Django's cursor while statements are recorded or wrapped, else the driver's own.

    batch: the statements will be batches of several statements (PostgreSQL: not prepared).
    """
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            yield cursor
        return
    db.ensure_connection()
    db.validate_no_broken_transaction()
    if db.vendor == "sqlite":
        cursor, wrapped = db.connection.cursor(), {"qmark": True}
    elif batch:
        cursor, wrapped = db.connection.cursor(), {}  # Django's factory: client-side binding
    else:
        cursor, wrapped = _server_binding_cursor(db), {"prepare": True}
    try:
        with db.wrap_database_errors:
            yield DriverCursor(cursor, **wrapped)
    finally:
        if wrapped.get("prepare") and not cursor.closed:
            setattr(db, IDLE_CURSOR, cursor)  # for the next statement on this connection
        else:
            cursor.close()


IDLE_CURSOR = "_driver_idle_cursor"


def _server_binding_cursor(db: BaseDatabaseWrapper):
    """A psycopg cursor binding on the server: the connection's idle one, or a new one.

    Making a cursor costs about a quarter of running a short prepared statement, so the one
    a statement used waits on the connection wrapper for the next; a statement that runs while
    it is in use (nested) gets its own. A cursor of an earlier connection is never reused.
    """
    from psycopg import Cursor  # server-side binding; only PostgreSQL needs psycopg

    cursor = getattr(db, IDLE_CURSOR, None)
    setattr(db, IDLE_CURSOR, None)
    if cursor is None or cursor.closed or cursor.connection is not db.connection:
        cursor = Cursor(db.connection)
    return cursor
