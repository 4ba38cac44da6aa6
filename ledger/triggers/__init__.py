"""Ledger invariants written as database triggers, for SQLite and for PostgreSQL.

The services check every rule first and raise typed errors; these triggers are the backstop
that no path can bypass: not `QuerySet.update()`, not `bulk_create()`, not raw SQL in a shell.

The rules, with the same names on both vendors (the error message starts with the rule name):
- ledger_entry_insert_as_draft: an entry is inserted as a draft, without seq. PostgreSQL also
  takes an entry inserted as posted once its postings are in place (ledger_post_entry writes
  the usual entry so, to write its row once): that insert gets every check of posting below.
- ledger_entry_balanced: it becomes posted only with at least two postings whose debits equal
  its credits per currency.
- ledger_entry_seq_gapless / ledger_entry_chain_linked: when posted it takes the next seq and
  its prev_hash is the hash of the entry before it.
- ledger_entry_posted_is_final / ledger_posting_frozen_when_posted / ledger_posting_immutable:
  a posted entry and its postings are never updated or deleted, and a posted entry takes no
  new postings; postings are never updated.
- ledger_account_postable / ledger_period_closed: at posting, no line may go to a placeholder
  account, to an account outside its open dates, or be dated on or before a closed period's end.
- ledger_account_history_frozen: an account with postings keeps its name, currency, type and
  side, stays postable, and its open dates keep covering its postings.
- ledger_posting_date_matches_entry: the date a posting carries is its entry's date.
- ledger_chain_head_follows: posting an entry moves the chain head row to its seq and hash, in
  the same statement, so the head never lags the entries (and post_entry saves a statement).
  SQLite has a trigger of that name; on PostgreSQL the entry guard moves the head itself.
- ledger_period_closed_is_final, ledger_snapshot_written_once: closes and snapshots are final.
- PostgreSQL only: TRUNCATE is refused, and a deferred check at COMMIT refuses to leave a draft.

The PostgreSQL entry guard runs its statements with generic plans (plan_cache_mode), for the
reason ledger/functions.py gives.

On PostgreSQL the rules for a new posting (frozen when posted, date matches entry) run once per
INSERT statement, not once per row: an AFTER INSERT ... FOR EACH STATEMENT trigger takes the
chain-head lock, then checks every row the statement inserted (its transition table) in one
query, and a statement with one bad row is refused as a whole. A posting whose entry does not
exist yet passes: ledger_post_entry inserts the postings before their entry, whose insert checks
them. Row by row, a post of five lines took the lock and read its entry five times. Updates and
deletes of postings keep a BEFORE ... FOR EACH ROW trigger.

Django's SQLite schema editor rebuilds a table for many ALTERs and the rebuild drops the
table's triggers, so a migration that alters a ledger table must call `install` again; a test
checks that every trigger in `SQLITE_TRIGGERS` / `POSTGRESQL_TRIGGERS` exists.

The statements live in `sqlite.py` and `postgresql.py`; installing and checking them, here.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

from ledger.triggers.postgresql import POSTGRESQL, POSTGRESQL_TRIGGERS, RETIRED_POSTGRESQL_TRIGGERS
from ledger.triggers.sqlite import SQLITE, SQLITE_TRIGGERS


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or re-create) every ledger trigger on this connection's database."""
    uninstall(connection)
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every ledger trigger (migrations backwards, and tests that wipe the ledger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name, table in POSTGRESQL_TRIGGERS + RETIRED_POSTGRESQL_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name, _ in RETIRED_POSTGRESQL_TRIGGERS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the names of the ledger triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_%'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT t.tgname || ' ON ' || c.relname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE 'ledger_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def expected(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the trigger names `installed` must report on this vendor."""
    if connection.vendor == "sqlite":
        return set(SQLITE_TRIGGERS)
    return {f"{name} ON {table}" for name, table in POSTGRESQL_TRIGGERS}
