"""Reads from the ledger: balances and the trial balance.

A balance as of a date is the cumulative debit and credit totals of the latest closed quarter
that ends on or before that date (its `BalanceSnapshot` rows, written once at the close) plus
the postings dated after that quarter's end. Postings carry their entry's date and are indexed
by it, so the cost of a balance follows the number of accounts and the postings of the open
quarters, not the length of history. Only posted entries count.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from django.db import connection
from django.db.models import Q
from djmoney.money import Money

from ledger.chain import CanonicalEntry, CanonicalPosting
from ledger.models import Account, BalanceSnapshot, EntryKind, JournalEntry, Period, Posting, Side
from ledger.money import from_cents
from ledger.periods import quarter_named

Totals = dict[int, tuple[int, int]]  # account id -> (debit cents, credit cents)


def cumulative_totals(
    *, as_of: datetime.date | None = None, account_ids: list[int] | None = None
) -> Totals:
    """Return each account's debit and credit totals over all postings dated up to as_of."""
    snapshot_period = (
        Period.objects.filter(status=Period.Status.CLOSED)
        .filter(end_date__lte=as_of if as_of else datetime.date.max)
        .order_by("-end_date")
        .first()
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    after = None
    if snapshot_period is not None:
        snapshots = BalanceSnapshot.objects.filter(period=snapshot_period)
        if account_ids is not None:
            snapshots = snapshots.filter(account_id__in=account_ids)
        for account_id, debits, credits in snapshots.values_list("account_id", "debits", "credits"):
            totals[account_id] = [debits, credits]
        after = snapshot_period.end_date
    for account_id, debits, credits in posting_totals(
        after=after, through=as_of, account_ids=account_ids
    ):
        totals[account_id][0] += debits
        totals[account_id][1] += credits
    return {account_id: (d, c) for account_id, (d, c) in totals.items()}


def activity_totals(*, start: datetime.date, end: datetime.date) -> Totals:
    """Return each account's debits and credits dated in [start, end], closing entries left out.

    The difference of two cumulative totals (so a closed quarter is read from its snapshots,
    not from its postings), less the few closing entries of the range: those move a quarter's
    income and expenses into net assets and are not activity.
    """
    closing = cumulative_totals(as_of=end)
    opening = cumulative_totals(as_of=start - datetime.timedelta(days=1))
    moves: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for account_id, (debits, credits) in closing.items():
        before = opening.get(account_id, (0, 0))
        moves[account_id][0] += debits - before[0]
        moves[account_id][1] += credits - before[1]
    # The closing entries first (through the entry date index), then their postings: a join
    # from every posting of the range would read the whole range.
    closing_entries = JournalEntry.objects.filter(
        effective_date__gte=start,
        effective_date__lte=end,
        kind=EntryKind.CLOSING,
        status=JournalEntry.Status.POSTED,
    ).values("id")
    for account_id, side, amount in Posting.objects.filter(
        entry_id__in=closing_entries
    ).values_list("account_id", "side", "amount"):
        moves[account_id][0 if side == Side.DEBIT else 1] -= amount
    return {account_id: (d, c) for account_id, (d, c) in moves.items() if d or c}


def posting_totals(
    *,
    after: datetime.date | None,
    through: datetime.date | None,
    account_ids: list[int] | None,
) -> list[tuple[int, int, int]]:
    """Sum debits and credits per account over postings dated in (after, through].

    One table, read through the date index: postings of drafts are excluded by the tiny
    partial index of drafts rather than by joining every entry in history.
    """
    if account_ids is not None and not account_ids:
        return []
    conditions = ["entry_id NOT IN (SELECT id FROM ledger_journalentry WHERE status = 'draft')"]
    params: list = []
    if after is not None:
        conditions.append("effective_date > %s")
        params.append(connection.ops.adapt_datefield_value(after))
    if through is not None:
        conditions.append("effective_date <= %s")
        params.append(connection.ops.adapt_datefield_value(through))
    if account_ids is not None:
        conditions.append("account_id IN (" + ", ".join(["%s"] * len(account_ids)) + ")")
        params.extend(account_ids)
    # SQLite would group by walking the (account, date) index through all of history; the
    # unary plus stops that, so the date range is read through the date index instead.
    group_by = "+account_id" if connection.vendor == "sqlite" else "account_id"
    query = " ".join(
        [
            "SELECT account_id, SUM(CASE WHEN side = 'D' THEN amount ELSE 0 END),",
            "SUM(CASE WHEN side = 'C' THEN amount ELSE 0 END) FROM ledger_posting WHERE",
            " AND ".join(conditions),
            "GROUP BY",
            group_by,
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [(row[0], int(row[1]), int(row[2])) for row in cursor.fetchall()]


def account_balance(*, account: Account | str, as_of: datetime.date | None = None) -> Money:
    """Return the balance of an account and its sub-accounts, positive on its normal side."""
    if isinstance(account, str):
        account = Account.objects.get(name=account)
    subtree = Account.objects.filter(Q(id=account.id) | Q(name__startswith=account.name + ":"))
    totals = cumulative_totals(as_of=as_of, account_ids=list(subtree.values_list("id", flat=True)))
    debits = sum(d for d, _ in totals.values())
    credits = sum(c for _, c in totals.values())
    net = debits - credits if account.normal_side == Side.DEBIT else credits - debits
    return from_cents(net, account.currency)


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    root_type: str
    currency: str
    debit: Money  # the balance when it is a debit balance, else zero
    credit: Money  # the balance when it is a credit balance, else zero

    @property
    def net_cents(self) -> int:
        """Debit-positive balance in cents, as beancount signs it."""
        return int((self.debit.amount - self.credit.amount) * 100)


@dataclass(frozen=True)
class TrialBalance:
    start: datetime.date | None  # set for a period's activity; None for balances from inception
    end: datetime.date | None
    rows: list[TrialBalanceRow]
    totals: dict[str, tuple[Money, Money]]  # currency -> (total debits, total credits)

    @property
    def balanced(self) -> bool:
        return all(debits == credits for debits, credits in self.totals.values())


def trial_balance(
    *,
    as_of: datetime.date | None = None,
    period: str | None = None,
) -> TrialBalance:
    """Return every account's balance as of a date, or its activity over one period."""
    if period is not None:
        quarter = quarter_named(period)
        closing = cumulative_totals(as_of=quarter.end_date)
        opening = cumulative_totals(as_of=quarter.start_date - datetime.timedelta(days=1))
        activity = {}
        for account_id, (debits, credits) in closing.items():
            opening_debits, opening_credits = opening.get(account_id, (0, 0))
            activity[account_id] = (debits - opening_debits, credits - opening_credits)
        return _trial_balance(quarter.start_date, quarter.end_date, activity)
    return _trial_balance(None, as_of, cumulative_totals(as_of=as_of))


def _trial_balance(start, end, totals: Totals) -> TrialBalance:
    accounts = Account.objects.in_bulk([a for a, (d, c) in totals.items() if d or c])
    rows = []
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for account in sorted(accounts.values(), key=lambda a: a.name):
        debits, credits = totals[account.id]
        net = debits - credits
        rows.append(
            TrialBalanceRow(
                account=account.name,
                root_type=account.root_type,
                currency=account.currency,
                debit=from_cents(max(net, 0), account.currency),
                credit=from_cents(max(-net, 0), account.currency),
            )
        )
        sums[account.currency][0] += max(net, 0)
        sums[account.currency][1] += max(-net, 0)
    return TrialBalance(
        start=start,
        end=end,
        rows=rows,
        totals={
            currency: (from_cents(d, currency), from_cents(c, currency))
            for currency, (d, c) in sorted(sums.items())
        },
    )


@dataclass(frozen=True)
class PostingRow:
    account: str
    currency: str
    side: str
    amount: int
    memo: str
    effective_date: datetime.date


@dataclass(frozen=True)
class EntryRow:
    """A posted entry as stored, with its postings in order: the input of audits and exports."""

    id: uuid.UUID
    seq: int
    kind: str
    effective_date: datetime.date
    memo: str
    source_ref: str
    reverses_id: uuid.UUID | None
    recorded_at: datetime.datetime
    created_by_id: int | None
    prev_hash: str
    hash: str
    postings: list[PostingRow]


ENTRY_ROW_FIELDS = (
    "id", "seq", "kind", "effective_date", "memo", "source_ref", "reverses_id",
    "recorded_at", "created_by_id", "prev_hash", "hash",
)  # fmt: skip
POSTING_ROW_FIELDS = (
    "entry_id", "account__name", "account__currency", "side", "amount", "memo", "effective_date",
)  # fmt: skip


def posted_entries(
    *, start: datetime.date | None = None, end: datetime.date | None = None, chunk: int = 5000
) -> Iterator[EntryRow]:
    """Yield posted entries in seq order, optionally dated within [start, end], streaming.

    Entries and postings are read as two streams in the same order and merged, so memory stays
    flat however long the history is.
    """
    entries = JournalEntry.objects.filter(status=JournalEntry.Status.POSTED)
    postings = Posting.objects.filter(entry__status=JournalEntry.Status.POSTED)
    if start is not None:
        entries = entries.filter(effective_date__gte=start)
        postings = postings.filter(effective_date__gte=start)
    if end is not None:
        entries = entries.filter(effective_date__lte=end)
        postings = postings.filter(effective_date__lte=end)
    entry_rows = entries.order_by("seq").values_list(*ENTRY_ROW_FIELDS).iterator(chunk_size=chunk)
    posting_rows = (
        postings.order_by("entry__seq", "id")
        .values_list(*POSTING_ROW_FIELDS)
        .iterator(chunk_size=chunk)
    )
    groups = groupby(posting_rows, key=lambda row: row[0])
    pending = next(groups, None)
    for row in entry_rows:
        lines: list[PostingRow] = []
        if pending is not None and pending[0] == row[0]:
            lines = [PostingRow(*posting[1:]) for posting in pending[1]]
            pending = next(groups, None)
        yield EntryRow(*row, postings=lines)


def canonical_of(entry: EntryRow) -> CanonicalEntry:
    """Return the canonical content of a stored entry (what its fingerprint and hash cover)."""
    return CanonicalEntry(
        kind=entry.kind,
        effective_date=entry.effective_date,
        memo=entry.memo,
        source_ref=entry.source_ref,
        reverses=str(entry.reverses_id) if entry.reverses_id else None,
        postings=tuple(
            CanonicalPosting(p.account, p.side, p.amount, p.currency, p.memo)
            for p in entry.postings
        ),
    )


def entry_row(entry_id: uuid.UUID) -> EntryRow | None:
    """Return one posted entry as an EntryRow, or None."""
    row = (
        JournalEntry.objects.filter(id=entry_id, status=JournalEntry.Status.POSTED)
        .values_list(*ENTRY_ROW_FIELDS)
        .first()
    )
    if row is None:
        return None
    postings = (
        Posting.objects.filter(entry_id=entry_id).order_by("id").values_list(*POSTING_ROW_FIELDS)
    )
    return EntryRow(*row, postings=[PostingRow(*p[1:]) for p in postings])
