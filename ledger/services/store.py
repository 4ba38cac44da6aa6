"""The fixed SQL statements of the posting path.

`post_entry` is the hottest write in the system: every sale, refund, fee and payout goes
through it. Through the ORM it spent most of its time compiling queries (about 1 ms each on
these 2-core machines, ten of them per entry), so it runs these few fixed statements on
Django's own connection and cursor instead: same transaction, same triggers, values adapted by
Django's backend operations. Everything else in the ledger uses the ORM.

On PostgreSQL the usual entry (new, in an open quarter, to postable accounts, no reversal, no
bound at stake) posts in ONE call, `post_new_entry`: the server-side function ledger_post_entry
(ledger/functions.py) locks, checks, writes and hashes, and answers nothing when the entry is
not that usual kind. Otherwise, and always on SQLite, a post is two steps: one read under the
chain-head lock (`read_for_posting`: the head, the entry's state and source, the periods and the
accounts) and one write (`insert_posted_entry`: the draft, its postings in one multi-row INSERT,
the flip to posted and the new head).

On PostgreSQL each step is ONE round trip: a batch cursor (`driver_cursor(db, batch=True)`)
binds parameters on the client and sends a parameterless query through the simple query
protocol, which runs several statements separated by semicolons (a prepared statement cannot
hold several). Round trips, not the statements themselves, dominate a post on a busy machine.
Under READ COMMITTED each of those statements still takes its own snapshot, which the lock
relies on (see `read_for_posting`). The one-call post is a single statement, prepared once per
connection. SQLite runs in-process and takes one statement per call. On both, the database
advances the chain head itself when an entry is posted (rule ledger_chain_head_follows, see
ledger/triggers/): no statement for it.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from ledger.driver import driver_cursor
from ledger.models import GENESIS_HASH, JournalEntry

LOCK_HEAD = "SELECT id FROM ledger_chainhead WHERE id = 1 FOR UPDATE"
# One row per account named (one row of NULL account columns when none is), each with the
# head and the entry's state; {names} becomes one %s mark per account name.
READ_STATE = (
    "SELECT h.seq, h.hash, "
    "(SELECT fingerprint FROM ledger_journalentry WHERE id = %s AND status = 'posted'), "
    "(SELECT id FROM ledger_period WHERE start_date = %s), "
    "(SELECT name FROM ledger_period WHERE status = 'closed' AND end_date >= %s "
    "ORDER BY end_date DESC LIMIT 1), "
    # The partial unique index's condition, repeated as the index states it: SQLite uses a
    # partial index only for a query that contains its condition word for word (with
    # "source_ref <> ''" it scanned every entry), PostgreSQL's generic plan only when it is there.
    "(SELECT id FROM ledger_journalentry WHERE kind = %s AND source_ref = %s "
    "AND NOT (source_ref = '') LIMIT 1), "
    "a.id, a.name, a.currency, a.is_placeholder, a.opened_on, a.closed_on, a.bound "
    "FROM ledger_chainhead h LEFT JOIN ledger_account a ON a.name IN ({names}) WHERE h.id = 1"
)
INSERT_DRAFT = (
    "INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, period_id, "
    "recorded_at, memo, source_ref, reverses_id, fingerprint, prev_hash, hash, created_by_id) "
    "VALUES (%s, NULL, 'draft', %s, %s, %s, %s, %s, %s, %s, %s, '', '', %s)"
)
INSERT_POSTINGS = (
    "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, memo) VALUES "
)
# The database moves the chain head along with this flip (rule ledger_chain_head_follows).
POST = (
    "UPDATE ledger_journalentry SET status = 'posted', seq = %s, prev_hash = %s, hash = %s "
    "WHERE id = %s"
)


# "SELECT * FROM", not "SELECT fn(...)": a row, or none, and statement counters see a table name.
POST_NEW = (
    "SELECT * FROM ledger_post_entry(%s::uuid, %s, %s::date, %s::date, %s::timestamptz, %s, %s, "
    "%s, %s, %s::json, %s, %s)"
)


@dataclass(frozen=True)
class PostedRow:
    """What ledger_post_entry wrote besides what the caller sent."""

    seq: int
    prev_hash: str
    hash: str
    period_id: int


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    currency: str
    is_placeholder: bool
    opened_on: datetime.date
    closed_on: datetime.date | None
    bound: str


@dataclass(frozen=True)
class PostingState:
    """What post_entry needs to know, read in one statement under the chain-head lock."""

    head_seq: int
    head_hash: str
    stored_fingerprint: str | None  # the entry id is already posted with this content
    period_id: int | None  # the row of the entry date's quarter, if it exists yet
    closed_period: str | None  # the latest closed period ending on or after the entry date
    source_taken_by: uuid.UUID | None  # the entry that already posted this kind and source
    accounts: dict[str, AccountRow]  # the accounts asked for that exist, by name


def lock_chain_head() -> tuple[int, str]:
    """Lock the chain head row (created on first use) and return its (seq, hash)."""
    state = read_for_posting(
        entry_id=None, account_names=(), quarter_start=None, day=None, kind="", source_ref=""
    )
    return state.head_seq, state.head_hash


def read_for_posting(
    *,
    entry_id: uuid.UUID | None,
    account_names: set[str] | tuple[()],
    quarter_start: datetime.date | None,
    day: datetime.date | None,
    kind: str,
    source_ref: str,
) -> PostingState:
    """Lock the chain head, then read the head, the entry's state, the periods and accounts.

    On PostgreSQL the lock is SELECT ... FOR UPDATE, in its own statement: concurrent posters
    queue there, and the read that follows takes a fresh snapshot, so it sees what the poster
    before them committed. (In one statement the subqueries would keep the snapshot taken
    before the wait, and a concurrent poster of the same id would be missed.) Both statements
    travel in one round trip. SQLite has no row locks; its IMMEDIATE transactions already hold
    the database's one write lock.
    """
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: each access through the proxy costs
    names = sorted(account_names)
    # Only "%s" marks are formatted into the statement; the names travel as parameters.
    read = READ_STATE.format(names=", ".join(["%s"] * len(names)) or "NULL")
    params = [
        _uuid(db, entry_id) if entry_id else None,
        db.ops.adapt_datefield_value(quarter_start),
        db.ops.adapt_datefield_value(day),
        kind,
        source_ref,
        *names,
    ]
    with driver_cursor(db, batch=True) as cursor:
        rows = _read_locked(db, cursor, read, params)
    if not rows:
        # No head row yet, so nothing was locked: create the row, then take the lock on it.
        # Reading on without the lock would let two posters take the same seq.
        _create_chain_head(db)
        return read_for_posting(
            entry_id=entry_id,
            account_names=account_names,
            quarter_start=quarter_start,
            day=day,
            kind=kind,
            source_ref=source_ref,
        )
    accounts = {
        row[7]: AccountRow(
            id=row[6],
            name=row[7],
            currency=row[8],
            is_placeholder=bool(row[9]),
            opened_on=_date(row[10]),
            closed_on=_date(row[11]),
            bound=row[12],
        )
        for row in rows
        if row[6] is not None
    }
    taken_by = rows[0][5]
    return PostingState(
        *rows[0][:5],
        source_taken_by=uuid.UUID(str(taken_by)) if taken_by is not None else None,
        accounts=accounts,
    )


def _read_locked(db: BaseDatabaseWrapper, cursor, read: str, params: list) -> list[tuple]:
    """Take the head lock (PostgreSQL), then run the read; [] when there is no head row."""
    if not db.features.has_select_for_update:
        cursor.execute(read, params)
        return cursor.fetchall()
    cursor.execute(f"{LOCK_HEAD}; {read}", params)
    if cursor.fetchone() is None:
        return []
    cursor.nextset()
    return cursor.fetchall()


def _create_chain_head(db: BaseDatabaseWrapper) -> None:
    """Create the head row before the first entry ever; a concurrent creator makes it a no-op."""
    with db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_chainhead (id, seq, hash) VALUES (1, 0, %s) "
            "ON CONFLICT (id) DO NOTHING",
            [GENESIS_HASH],
        )


def posts_in_one_call() -> bool:
    """Whether the database has ledger_post_entry (PostgreSQL) for `post_new_entry`."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def post_new_entry(
    *,
    entry_id: uuid.UUID,
    kind: str,
    effective_date: datetime.date,
    quarter_start: datetime.date,
    recorded_at: datetime.datetime,
    memo: str,
    source_ref: str,
    fingerprint: str,
    created_by_id: int | None,
    content_json: str,
    chain_parts: tuple[str, str],
) -> PostedRow | None:
    """Post a usual entry in one call on PostgreSQL; None if it needs the two-step path.

    content_json is `CanonicalEntry.content_json` (the lines travel in it) and chain_parts
    `CanonicalEntry.chain_parts`. None means nothing was written.

    The call is one statement, so it needs no transaction of its own: in autocommit it is its
    own transaction (one round trip, where BEGIN and COMMIT would make three), inside the
    caller's it joins that one. Either way it writes all of the entry or none of it.
    """
    params = [
        entry_id,
        kind,
        effective_date,
        quarter_start,
        recorded_at,
        memo,
        source_ref,
        fingerprint,
        created_by_id,
        content_json,
        *chain_parts,
    ]
    with driver_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(POST_NEW, params)
        row = cursor.fetchone()
    return PostedRow(*row) if row else None


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
    db = connections[DEFAULT_DB_ALIAS]
    db_id, db_day = _uuid(db, entry_id), db.ops.adapt_datefield_value(effective_date)
    entry_params = [
        db_id,
        kind,
        db_day,
        period_id,
        db.ops.adapt_datetimefield_value(recorded_at),
        memo,
        source_ref,
        _uuid(db, reverses) if reverses else None,
        fingerprint,
        created_by_id,
    ]
    insert_postings = INSERT_POSTINGS + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(postings))
    posting_params = []
    for account_id, side, amount, posting_memo in postings:
        posting_params += (db_id, account_id, side, amount, db_day, posting_memo)
    post_params = [seq, prev_hash, entry_hash, db_id]
    with driver_cursor(db, batch=True) as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"{INSERT_DRAFT}; {insert_postings}; {POST}",
                entry_params + posting_params + post_params,
            )
        else:
            cursor.execute(INSERT_DRAFT, entry_params)
            cursor.execute(insert_postings, posting_params)
            cursor.execute(POST, post_params)


def _uuid(db: BaseDatabaseWrapper, value: uuid.UUID):
    return JournalEntry._meta.pk.get_db_prep_value(value, db)


def _date(value) -> datetime.date | None:
    """Read a date column: SQLite returns ISO text, PostgreSQL a date."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
