"""Recompute the ledger from its rows and report the first thing that does not hold.

Checks, in this order, reading the database without trusting any stored summary:
1. every posted entry in seq order: seq is 1, 2, 3, ... with no gap; prev_hash is the hash of
   the entry before; the hash recomputed from the entry's rows equals the stored hash; it has
   at least two postings, each positive, and balances per currency; no draft is left behind;
2. the chain head row matches the last entry;
3. every closed period's snapshots equal the sums of the postings up to its end;
4. the trial balance over all postings sums to zero per currency.

This is what catches a row altered with the triggers dropped: the chain no longer matches.
"""

from collections import defaultdict
from dataclasses import dataclass

from ledger.models import (
    GENESIS_HASH,
    BalanceSnapshot,
    ChainHead,
    JournalEntry,
    Period,
)
from ledger.selectors import (
    EntryRow,
    canonical_of,
    cumulative_totals,
    posted_entries,
    posting_totals,
)


@dataclass(frozen=True)
class VerificationReport:
    entries: int
    postings: int
    head_seq: int
    head_hash: str
    closed_periods: int
    problem: str | None  # the first failure, naming the entry; None when all is well

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        state = "OK" if self.ok else f"FAILED: {self.problem}"
        return (
            f"ledger {state} - {self.entries} entries, {self.postings} postings, "
            f"chain head seq {self.head_seq} {self.head_hash[:16]}, "
            f"{self.closed_periods} closed period(s) checked"
        )


class _Failure(Exception):
    pass


def verify_ledger() -> VerificationReport:
    """Return a report of the whole ledger: chain, balance, snapshots and trial balance."""
    counts = {"entries": 0, "postings": 0, "closed": 0}
    head = {"seq": 0, "hash": GENESIS_HASH}
    try:
        _verify_chain(counts, head)
        _verify_head(head)
        counts["closed"] = _verify_snapshots()
        _verify_trial_balance()
    except _Failure as failure:
        problem = str(failure)
    else:
        problem = None
    return VerificationReport(
        entries=counts["entries"],
        postings=counts["postings"],
        head_seq=head["seq"],
        head_hash=head["hash"],
        closed_periods=counts["closed"],
        problem=problem,
    )


def _verify_chain(counts: dict, head: dict) -> None:
    draft = JournalEntry.objects.filter(status=JournalEntry.Status.DRAFT).first()
    if draft is not None:
        raise _Failure(f"entry {draft.id} is a draft left in the ledger")
    for entry in posted_entries():
        _verify_entry(entry, head)
        counts["entries"] += 1
        counts["postings"] += len(entry.postings)


def _verify_entry(entry: EntryRow, head: dict) -> None:
    label = f"entry {entry.id} (seq {entry.seq})"
    if entry.seq != head["seq"] + 1:
        raise _Failure(f"{label}: seq {entry.seq} follows {head['seq']}; the sequence has a gap")
    if entry.prev_hash != head["hash"]:
        raise _Failure(f"{label}: prev_hash does not match the hash of seq {head['seq']}")
    if len(entry.postings) < 2:
        raise _Failure(f"{label}: has {len(entry.postings)} posting(s); at least two are needed")
    net: dict[str, int] = defaultdict(int)
    for posting in entry.postings:
        if posting.amount <= 0 or posting.side not in ("D", "C"):
            raise _Failure(f"{label}: a posting has side {posting.side!r}, amount {posting.amount}")
        if posting.effective_date != entry.effective_date:
            raise _Failure(f"{label}: a posting carries {posting.effective_date}, not its date")
        net[posting.currency] += posting.amount if posting.side == "D" else -posting.amount
    unbalanced = {currency: cents for currency, cents in net.items() if cents}
    if unbalanced:
        raise _Failure(f"{label}: does not balance ({unbalanced} cents)")
    recomputed = canonical_of(entry).chain_hash(
        prev_hash=entry.prev_hash,
        entry_id=str(entry.id),
        seq=entry.seq,
        recorded_at=entry.recorded_at,
        created_by=entry.created_by_id,
    )
    if recomputed != entry.hash:
        raise _Failure(f"{label}: its rows no longer match its hash; it was altered")
    head["seq"], head["hash"] = entry.seq, entry.hash


def _verify_head(head: dict) -> None:
    stored = ChainHead.objects.filter(id=1).first()
    stored_seq, stored_hash = (stored.seq, stored.hash) if stored else (0, GENESIS_HASH)
    if (stored_seq, stored_hash) != (head["seq"], head["hash"]):
        raise _Failure(f"chain head says seq {stored_seq}, but the last entry is seq {head['seq']}")


def _verify_snapshots() -> int:
    closed = list(Period.objects.filter(status=Period.Status.CLOSED).order_by("end_date"))
    for period in closed:
        stored = {
            s.account_id: (s.debits, s.credits)
            for s in BalanceSnapshot.objects.filter(period=period)
        }
        # Straight from the postings: no snapshot is trusted to check a snapshot.
        recomputed = {
            account_id: (debits, credits)
            for account_id, debits, credits in posting_totals(
                after=None, through=period.end_date, account_ids=None
            )
        }
        if stored != recomputed:
            accounts = sorted(set(stored.items()) ^ set(recomputed.items()))
            raise _Failure(
                f"period {period.name}: snapshot differs from its postings "
                f"(account id {accounts[0][0]})"
            )
    return len(closed)


def _verify_trial_balance() -> None:
    totals = cumulative_totals()
    debits = sum(d for d, _ in totals.values())
    credits = sum(c for _, c in totals.values())
    if debits != credits:
        raise _Failure(f"trial balance does not sum to zero: debits {debits}, credits {credits}")
