"""Post journal entries and reverse them.

`post_entry` is the single writer of journal entries. It validates the whole entry (and raises
a typed error naming the entry) before it writes anything, then, under the lock on the chain
head row, inserts the entry as a draft, adds its postings and flips it to posted with the next
seq and hash. The lock serializes posters on PostgreSQL; on SQLite, IMMEDIATE transactions do.
So the chain never forks and seq never has a gap; the database triggers check both again.
Its statements live in `store.py` (fixed SQL: this is the hot path), its rules in `rules.py`.

What needs no database (amounts, sides, balance, the canonical content) is checked first. On
PostgreSQL a usual entry then posts in one call (`store.post_new_entry`: new, open quarter,
postable accounts in their currency, no reversal, no bound at stake), one statement that needs
no transaction (nor savepoint) of its own; for anything else, and on SQLite, the two-step path
reads the state under the lock in a transaction, raises the typed error or posts.

Idempotency follows TigerBeetle: the entry id is the client's UUID. Posting the same id with
the same content returns the stored entry; with other content it raises EntryConflictError
naming the first field that differs.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from djmoney.money import Money

from ledger.chain import CanonicalEntry
from ledger.exceptions import (
    ClosedPeriodError,
    DuplicateSourceError,
    EntryConflictError,
    EntryNotFoundError,
    InvalidEntryError,
    TooFewPostingsError,
)
from ledger.models import EntryKind, JournalEntry, Side
from ledger.money import from_cents
from ledger.periods import Quarter, quarter_of
from ledger.selectors import canonical_of, entry_row
from ledger.services import store
from ledger.services.periods import period_row
from ledger.services.rules import (
    ENTRY_NOT_FOUND,
    canonical_content,
    check_bounds,
    check_currencies,
    check_postable,
    check_reversal_target,
    known_accounts,
)

UNKNOWN_KIND = "Entry {entry_id}: {kind!r} is not a kind of entry the ledger knows"
TOO_FEW_POSTINGS = "Entry {entry_id} needs at least two postings, got {count}"
CLOSED_PERIOD = "Entry {entry_id} is dated {date}, on or before the end of closed period {period}"
CONFLICT = "Entry {entry_id} already exists with a different {field} ({detail})"
DUPLICATE_SOURCE = "Entry {entry_id}: {kind} {source_ref!r} is already posted as entry {existing}"
KINDS = frozenset(EntryKind.values)
ENTRY_COLUMNS = [field.attname for field in JournalEntry._meta.concrete_fields]


@dataclass(frozen=True)
class Line:
    """One line of an entry as a caller submits it: an account name, a side and Money."""

    account: str
    side: str
    amount: Money
    memo: str = ""


def debit(account: str, amount: Money, memo: str = "") -> Line:
    return Line(account=account, side=Side.DEBIT, amount=amount, memo=memo)


def credit(account: str, amount: Money, memo: str = "") -> Line:
    return Line(account=account, side=Side.CREDIT, amount=amount, memo=memo)


def post_entry(
    *,
    entry_id: uuid.UUID,
    kind: str,
    lines: Sequence[Line],
    effective_date: datetime.date | None = None,
    memo: str = "",
    source_ref: str = "",
    reverses: uuid.UUID | None = None,
    created_by=None,
) -> JournalEntry:
    """Post one balanced entry, or return it if this id was already posted with this content.

    Atomic: all of the entry is written, in one transaction (the caller's, if it has one), or
    none of it. Raise InvalidEntryError (and its kin) for an entry that can never post,
    EntryConflictError when the id exists with other content, DuplicateSourceError,
    AlreadyReversedError, ClosedPeriodError, AccountNotPostableError or BalanceBoundError.
    """
    entry_id = uuid.UUID(str(entry_id))
    effective_date = effective_date or timezone.localdate()
    if kind not in KINDS:
        raise InvalidEntryError(UNKNOWN_KIND.format(entry_id=entry_id, kind=kind), kind=kind)
    if len(lines) < 2:
        raise TooFewPostingsError(
            TOO_FEW_POSTINGS.format(entry_id=entry_id, count=len(lines)), entry_id=entry_id
        )
    quarter = quarter_of(effective_date)
    canonical = canonical_content(entry_id, kind, effective_date, memo, source_ref, reverses, lines)
    content_json = canonical.content_json()
    fingerprint = canonical.fingerprint(content_json)
    recorded_at = timezone.now()
    created_by_id = created_by.pk if created_by is not None else None
    row = {  # the stored row's columns known before the chain-head lock
        "id": entry_id,
        "status": JournalEntry.Status.POSTED,
        "kind": kind,
        "effective_date": effective_date,
        "recorded_at": recorded_at,
        "memo": memo,
        "source_ref": source_ref,
        "reverses_id": reverses,
        "fingerprint": fingerprint,
        "created_by_id": created_by_id,
    }
    if reverses is None and store.posts_in_one_call():
        # One statement, atomic by itself: no transaction of its own (see post_new_entry).
        posted = store.post_new_entry(
            entry_id=entry_id,
            kind=kind,
            effective_date=effective_date,
            quarter_start=quarter.start_date,
            recorded_at=recorded_at,
            memo=memo,
            source_ref=source_ref,
            fingerprint=fingerprint,
            created_by_id=created_by_id,
            content_json=content_json,
            chain_parts=canonical.chain_parts(
                entry_id=str(entry_id),
                recorded_at=recorded_at,
                created_by=created_by_id,
                content_json=content_json,
            ),
        )
        if posted is not None:
            return _stored(
                row,
                seq=posted.seq,
                prev_hash=posted.prev_hash,
                hash=posted.hash,
                period_id=posted.period_id,
            )
    if transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction, no savepoint of our own (two statements saved on
        # every post of a sale): everything up to the write only reads and may raise a typed
        # error, which leaves nothing behind; the write dooms the caller's transaction if the
        # database refuses it, as a failed business event should.
        return _post_in_two_steps(row, lines, canonical, quarter)
    with transaction.atomic():
        return _post_in_two_steps(row, lines, canonical, quarter)


def _post_in_two_steps(
    row: dict, lines: Sequence[Line], canonical: CanonicalEntry, quarter: Quarter
) -> JournalEntry:
    """Read the state under the chain-head lock, raise the typed error or post the entry."""
    entry_id, effective_date, reverses = row["id"], row["effective_date"], row["reverses_id"]
    kind, source_ref = row["kind"], row["source_ref"]
    # One read under the lock: the accounts, and the head and entry state, so that a
    # concurrent poster of the same id is seen here.
    state = store.read_for_posting(
        entry_id=entry_id,
        account_names={line.account for line in lines},
        quarter_start=quarter.start_date,
        day=effective_date,
        kind=kind,
        source_ref=source_ref,
    )
    accounts = known_accounts(entry_id, lines, state.accounts)
    check_currencies(entry_id, canonical.postings, accounts)
    head_seq, head_hash = state.head_seq, state.head_hash
    if state.stored_fingerprint is not None:
        return _replay(entry_id, state.stored_fingerprint, row["fingerprint"], canonical)
    check_reversal_target(entry_id, reverses)
    if state.source_taken_by is not None:
        raise DuplicateSourceError(
            DUPLICATE_SOURCE.format(
                entry_id=entry_id, kind=kind, source_ref=source_ref, existing=state.source_taken_by
            ),
            entry_id=entry_id,
            existing=state.source_taken_by,
        )
    if state.closed_period is not None:
        raise ClosedPeriodError(
            CLOSED_PERIOD.format(
                entry_id=entry_id, date=effective_date, period=state.closed_period
            ),
            entry_id=entry_id,
            period=state.closed_period,
        )
    check_postable(entry_id, effective_date, accounts.values())
    check_bounds(entry_id, canonical.postings, accounts)
    period_id = state.period_id or period_row(quarter).id  # the first write, checks all passed

    seq = head_seq + 1
    entry_hash = canonical.chain_hash(
        prev_hash=head_hash,
        entry_id=str(entry_id),
        seq=seq,
        recorded_at=row["recorded_at"],
        created_by=row["created_by_id"],
    )
    with transaction.atomic(savepoint=False):  # all of it or, in any transaction, nothing
        store.insert_posted_entry(
            entry_id=entry_id,
            kind=kind,
            effective_date=effective_date,
            period_id=period_id,
            recorded_at=row["recorded_at"],
            memo=row["memo"],
            source_ref=source_ref,
            reverses=reverses,
            fingerprint=row["fingerprint"],
            created_by_id=row["created_by_id"],
            postings=[
                (accounts[p.account].id, p.side, p.amount, p.memo) for p in canonical.postings
            ],
            seq=seq,
            prev_hash=head_hash,
            entry_hash=entry_hash,
        )
    return _stored(row, seq=seq, prev_hash=head_hash, hash=entry_hash, period_id=period_id)


def _stored(row: dict, **written) -> JournalEntry:
    """The entry as the database now holds it, built the way a query result is (no refetch)."""
    stored = {**row, **written}
    return JournalEntry.from_db(DEFAULT_DB_ALIAS, None, [stored[f] for f in ENTRY_COLUMNS])


@transaction.atomic
def reverse_entry(
    *,
    entry_id: uuid.UUID,
    reverses: uuid.UUID,
    effective_date: datetime.date | None = None,
    memo: str = "",
    created_by=None,
) -> JournalEntry:
    """Post entry_id mirroring every posting of the entry it reverses (at most once).

    Raise EntryNotFoundError or AlreadyReversedError, and whatever post_entry raises.
    """
    original = (
        JournalEntry.objects.filter(id=reverses, status=JournalEntry.Status.POSTED)
        .prefetch_related("postings__account")
        .first()
    )
    if original is None:
        raise EntryNotFoundError(ENTRY_NOT_FOUND.format(entry_id=reverses), entry_id=reverses)
    mirror = {Side.DEBIT: Side.CREDIT, Side.CREDIT: Side.DEBIT}
    lines = [
        Line(
            account=posting.account.name,
            side=mirror[posting.side],
            amount=from_cents(posting.amount, posting.account.currency),
            memo=posting.memo,
        )
        for posting in original.postings.all()
    ]
    return post_entry(
        entry_id=entry_id,
        kind=EntryKind.REVERSAL,
        lines=lines,
        effective_date=effective_date,
        memo=memo or f"Reversal of entry {original.seq}",
        reverses=original.id,
        created_by=created_by,
    )


def _replay(
    entry_id: uuid.UUID, stored_fingerprint: str, fingerprint: str, submitted: CanonicalEntry
) -> JournalEntry:
    """Return the stored entry when the content is the same; else name the first difference."""
    if stored_fingerprint == fingerprint:
        return JournalEntry.objects.get(id=entry_id)
    difference = canonical_of(entry_row(entry_id)).first_difference(submitted)
    field, detail = difference or ("content", "fingerprint differs")
    raise EntryConflictError(
        CONFLICT.format(entry_id=entry_id, field=field, detail=detail),
        field=field,
        entry_id=entry_id,
    )
