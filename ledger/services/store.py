"""The fixed SQL statements of the posting path.

`post_entry` is the hottest write in the system: every sale, refund, fee and payout goes
through it. Through the ORM it spent most of its time compiling queries (about 1 ms each on
these 2-core machines, ten of them per entry), so it runs these few fixed statements on
Django's own connection and cursor instead: same transaction, same triggers, values adapted by
Django's backend operations. Everything else in the ledger uses the ORM.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import connection

from ledger.models import GENESIS_HASH, JournalEntry


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    currency: str
    is_placeholder: bool
    opened_on: datetime.date
    closed_on: datetime.date | None
    bound: str


def accounts_named(names: set[str]) -> dict[str, AccountRow]:
    """Return the accounts with these names, by name."""
    # Only "%s" marks are formatted into the statement; the names travel as parameters.
    placeholders = ", ".join(["%s"] * len(names))
    query = "SELECT id, name, currency, is_placeholder, opened_on, closed_on, bound "
    query += f"FROM ledger_account WHERE name IN ({placeholders})"
    with connection.cursor() as cursor:
        cursor.execute(query, sorted(names))
        rows = cursor.fetchall()
    return {
        row[1]: AccountRow(
            id=row[0],
            name=row[1],
            currency=row[2],
            is_placeholder=bool(row[3]),
            opened_on=_date(row[4]),
            closed_on=_date(row[5]),
            bound=row[6],
        )
        for row in rows
    }


@dataclass(frozen=True)
class PostingState:
    """What post_entry needs to know, read in one statement under the chain-head lock."""

    head_seq: int
    head_hash: str
    stored_fingerprint: str | None  # the entry id is already posted with this content
    period_id: int | None  # the row of the entry date's quarter, if it exists yet
    closed_period: str | None  # the latest closed period ending on or after the entry date


def lock_chain_head() -> tuple[int, str]:
    """Lock the chain head row (created on first use) and return its (seq, hash)."""
    state = lock_for_posting(entry_id=None, quarter_start=None, day=None)
    return state.head_seq, state.head_hash


def lock_for_posting(
    *, entry_id: uuid.UUID | None, quarter_start: datetime.date | None, day: datetime.date | None
) -> PostingState:
    """Lock the chain head, then read the head, the entry's state and the periods at once.

    On PostgreSQL the lock is SELECT ... FOR UPDATE, in its own statement: concurrent posters
    queue there, and the read that follows takes a fresh snapshot, so it sees what the poster
    before them committed. (In one statement the subqueries would keep the snapshot taken
    before the wait, and a concurrent poster of the same id would be missed.) SQLite has no
    row locks; its IMMEDIATE transactions already hold the database's one write lock.
    """
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            cursor.execute("SELECT id FROM ledger_chainhead WHERE id = 1 FOR UPDATE")
            if cursor.fetchone() is None:
                # No head row, so no lock: create the row, then take the lock on it. Reading
                # on without the lock would let two posters take the same seq.
                _create_chain_head()
                return lock_for_posting(entry_id=entry_id, quarter_start=quarter_start, day=day)
        cursor.execute(
            "SELECT h.seq, h.hash, "
            "(SELECT fingerprint FROM ledger_journalentry WHERE id = %s AND status = 'posted'), "
            "(SELECT id FROM ledger_period WHERE start_date = %s), "
            "(SELECT name FROM ledger_period WHERE status = 'closed' AND end_date >= %s "
            "ORDER BY end_date DESC LIMIT 1) "
            "FROM ledger_chainhead h WHERE h.id = 1",
            [
                _uuid(entry_id) if entry_id else None,
                _db_date(quarter_start) if quarter_start else None,
                _db_date(day) if day else None,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        _create_chain_head()
        return lock_for_posting(entry_id=entry_id, quarter_start=quarter_start, day=day)
    return PostingState(*row)


def _create_chain_head() -> None:
    """Create the head row before the first entry ever; a concurrent creator makes it a no-op."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_chainhead (id, seq, hash) VALUES (1, 0, %s) "
            "ON CONFLICT (id) DO NOTHING",
            [GENESIS_HASH],
        )


def insert_posted_entry(
    *,
    entry_id: uuid.UUID,
    kind: str,
    effective_date: datetime.date,
    period_id: int,
    recorded_at: datetime.datetime,
    memo: str,
    source_ref: str,
    reverses: uuid.UUID | None,
    fingerprint: str,
    created_by_id: int | None,
    postings: list[tuple[int, str, int, str]],
    seq: int,
    prev_hash: str,
    entry_hash: str,
) -> None:
    """Insert the entry as a draft, add its postings, post it and advance the chain head.

    The database checks the flip to posted (balance, seq, chain link, accounts, period).
    """
    db_id, db_day = _uuid(entry_id), _db_date(effective_date)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, period_id, "
            "recorded_at, memo, source_ref, reverses_id, fingerprint, prev_hash, hash, "
            "created_by_id) VALUES (%s, NULL, 'draft', %s, %s, %s, %s, %s, %s, %s, %s, '', '', %s)",
            [
                db_id,
                kind,
                db_day,
                period_id,
                connection.ops.adapt_datetimefield_value(recorded_at),
                memo,
                source_ref,
                _uuid(reverses) if reverses else None,
                fingerprint,
                created_by_id,
            ],
        )
        cursor.executemany(
            "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, memo) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (db_id, account_id, side, amount, db_day, posting_memo)
                for account_id, side, amount, posting_memo in postings
            ],
        )
        post = (
            "UPDATE ledger_journalentry SET status = 'posted', seq = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s"
        )
        if connection.vendor == "postgresql":
            # One round trip instead of two: post the entry and advance the head together.
            post_and_advance = " ".join(
                [
                    "WITH posted AS (",
                    post,
                    "RETURNING seq, hash) UPDATE ledger_chainhead",
                    "SET seq = posted.seq, hash = posted.hash",
                    "FROM posted WHERE ledger_chainhead.id = 1",
                ]
            )
            cursor.execute(post_and_advance, [seq, prev_hash, entry_hash, db_id])
        else:
            cursor.execute(post, [seq, prev_hash, entry_hash, db_id])
            cursor.execute(
                "UPDATE ledger_chainhead SET seq = %s, hash = %s WHERE id = 1", [seq, entry_hash]
            )


def _uuid(value: uuid.UUID):
    return JournalEntry._meta.pk.get_db_prep_value(value, connection)


def _db_date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _date(value) -> datetime.date | None:
    """Read a date column: SQLite returns ISO text, PostgreSQL a date."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
