"""Concurrency: many threads posting at once never fork the chain, skip a seq or duplicate.

Each test commits for real (`transaction=True`) and runs 8 threads, each with its own database
connection, each `post_entry` call its own transaction. On PostgreSQL posters queue on the
chain-head row lock (SELECT ... FOR UPDATE); on SQLite (a WAL file, IMMEDIATE transactions,
a 30 s busy timeout) on the database's one write lock. The same tests run on both.

1. 8 workers post 500 entries each, and collide on purpose:
   - each neighbouring pair of workers posts the same 40 ids with the same content, one
     position apart in their order: each id becomes exactly one entry, and both workers get
     it back with the same seq (the second post is an idempotent replay);
   - all 8 workers post an entry for each of 4 shared source_refs under their own ids and
     amounts: exactly one per source_ref posts, the 7 others get DuplicateSourceError.
   Then: posted entries are exactly the distinct ids expected (8 x 416 own + 8 x 40 shared
   + 4 contended = 3652), seq runs 1..3652 with no gap, every prev_hash is the hash of the
   entry before, the chain head is the last entry, `verify_ledger` is clean, and the trial
   balance balances and equals the sums of the entries that posted, to the cent.
2. 8 workers pay out of cash drawer 1 at once, 5 x $7.00 each, against a $100.00 float:
   exactly 14 payouts fit ($98.00), the other 26 get BalanceBoundError, the drawer ends at
   $2.00 and its running balance never goes below zero in seq order.

3. 8 workers reverse the same sale at once under their own ids: exactly one reversal posts,
   the other 7 get AlreadyReversedError.
4. 7 workers post entries dated in 2026Q1 while an 8th closes 2026Q1: every entry posted
   before the close is in its snapshot and chain head, every post after it gets
   ClosedPeriodError, and nothing slips in between.

Any other error in a worker (a lock timeout, a serialization failure, a unique violation on
seq) fails the test with the worker's traceback: nothing here retries.
"""

import datetime
import random
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.db import connection

from ledger import exceptions
from ledger.models import GENESIS_HASH, BalanceSnapshot, ChainHead, JournalEntry, Period, Posting
from ledger.selectors import account_balance, trial_balance
from ledger.services import Line, close_period, credit, debit, post_entry, reverse_entry
from ledger.verification import verify_ledger
from tests.conftest import usd

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

WORKERS = 8
PER_WORKER = 500
SHARED_PER_PAIR = 40
CONTENDED_REFS = 4
OWN_PER_WORKER = PER_WORKER - 2 * SHARED_PER_PAIR - CONTENDED_REFS  # 416
CONTENDED_AT = (5, 125, 245, 365)  # positions in every worker's order (never 12j or 12j + 1)
NAMESPACE = uuid.UUID("6f1d3c9e-0c3b-4a53-9d0e-6a2f4b1d7c11")

TENDERS = ("Assets:Stripe:Clearing", "Assets:Bank:Checking")
INCOME = (
    "Income:Sales:Food",
    "Income:Sales:NonAlcoholicDrinks",
    "Income:Rentals:Games",
    "Liabilities:SalesTax:Payable",
    "Liabilities:Tips:Payable",
)


@dataclass(frozen=True)
class Planned:
    entry_id: uuid.UUID
    effective_date: datetime.date
    source_ref: str
    lines: tuple[tuple[str, str, int], ...]  # (account, side, cents)

    def post(self) -> JournalEntry:
        return post_entry(
            entry_id=self.entry_id,
            kind="sale",
            effective_date=self.effective_date,
            source_ref=self.source_ref,
            lines=[
                Line(account, side, usd(f"{cents // 100}.{cents % 100:02d}"))
                for account, side, cents in self.lines
            ],
        )


def planned(label: str, source_ref: str = "") -> Planned:
    """A sale whose id and content follow from label alone: 1 tender, 1-3 credit lines."""
    rng = random.Random(label)
    credits = [
        (account, "C", rng.randint(1, 20_000)) for account in rng.sample(INCOME, rng.randint(1, 3))
    ]
    tender = (rng.choice(TENDERS), "D", sum(cents for _, _, cents in credits))
    return Planned(
        entry_id=uuid.uuid5(NAMESPACE, label),
        effective_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 180)),
        source_ref=source_ref,
        lines=(tender, *credits),
    )


def shared(pair: int, number: int) -> Planned:
    """Entry number of the ids shared by workers pair and pair + 1 (mod 8)."""
    return planned(f"shared-{pair}-{number}")


def contended(ref: int, worker: int) -> Planned:
    return planned(f"contended-{ref}-worker-{worker}", source_ref=f"order-contended-{ref}")


def worker_plan(worker: int) -> list[Planned]:
    """500 posts: shared ids at 12j (with the next worker) and 12j + 1 (with the previous
    one), the contended source_refs at CONTENDED_AT, the worker's own entries elsewhere."""
    slots: dict[int, Planned] = {}
    for number in range(SHARED_PER_PAIR):
        slots[12 * number] = shared(worker, number)
        slots[12 * number + 1] = shared((worker - 1) % WORKERS, number)
    for ref, position in enumerate(CONTENDED_AT):
        slots[position] = contended(ref, worker)
    own = iter(planned(f"own-{worker}-{number}") for number in range(OWN_PER_WORKER))
    return [slots[position] if position in slots else next(own) for position in range(PER_WORKER)]


def run_workers(task, plans: list[list]) -> tuple[list[list], list[str]]:
    """Run task(item) for each plan in its own thread, all starting together.

    Return each worker's outcomes, ("posted", entry) or (error code, None), in plan order,
    and the tracebacks of any error that is not a LedgerError.
    """
    barrier = threading.Barrier(len(plans))
    unexpected: list[str] = []

    def work(plan):
        outcomes = []
        try:
            barrier.wait(timeout=60)
            for item in plan:
                try:
                    outcomes.append(("posted", task(item)))
                except exceptions.LedgerError as error:
                    outcomes.append((error.code, None))
                except Exception:
                    unexpected.append(traceback.format_exc())
                    outcomes.append(("unexpected", None))
        finally:
            connection.close()
        return outcomes

    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        results = list(pool.map(work, plans))
    return results, unexpected


def net_cents(entries) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for entry in entries:
        for account, side, cents in entry.lines:
            net[account] += cents if side == "D" else -cents
    return {account: cents for account, cents in net.items() if cents}


def test_eight_workers_posting_500_entries_each_keep_one_gapless_unbroken_chain():
    plans = [worker_plan(worker) for worker in range(WORKERS)]
    assert all(len(plan) == PER_WORKER for plan in plans)

    results, unexpected = run_workers(Planned.post, plans)

    assert not unexpected, f"{len(unexpected)} unexpected error(s); first:\n{unexpected[0]}"
    seq_seen: dict[uuid.UUID, set[int]] = defaultdict(set)
    winners: dict[str, list[Planned]] = defaultdict(list)
    for plan, outcomes in zip(plans, results, strict=True):
        for item, (outcome, entry) in zip(plan, outcomes, strict=True):
            if item.source_ref:
                assert outcome in ("posted", "duplicate_source"), (item, outcome)
                if outcome == "posted":
                    winners[item.source_ref].append(item)
            else:
                assert outcome == "posted", (item, outcome)
            if entry is not None:
                assert entry.id == item.entry_id
                seq_seen[entry.id].add(entry.seq)
    # Every contended source_ref posted exactly once; the 7 other workers were refused.
    assert sorted(winners) == [f"order-contended-{ref}" for ref in range(CONTENDED_REFS)]
    assert all(len(items) == 1 for items in winners.values()), winners
    # A shared id came back to both of its workers as one entry with one seq.
    assert all(len(seqs) == 1 for seqs in seq_seen.values())

    expected = {item.entry_id: item for plan in plans for item in plan if not item.source_ref}
    expected.update((items[0].entry_id, items[0]) for items in winners.values())
    assert len(expected) == WORKERS * (OWN_PER_WORKER + SHARED_PER_PAIR) + CONTENDED_REFS == 3652

    rows = list(JournalEntry.objects.order_by("seq").values_list("id", "seq", "prev_hash", "hash"))
    assert {entry_id for entry_id, *_ in rows} == set(expected)
    assert len(rows) == 3652
    assert [seq for _, seq, _, _ in rows] == list(range(1, 3653))
    previous = GENESIS_HASH
    for entry_id, seq, prev_hash, entry_hash in rows:
        assert prev_hash == previous, f"seq {seq} ({entry_id}) does not link to seq {seq - 1}"
        assert seq_seen[entry_id] == {seq}
        previous = entry_hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (3652, previous)
    assert Posting.objects.count() == sum(len(item.lines) for item in expected.values())

    report = verify_ledger()
    assert report.ok, report.problem
    assert (report.entries, report.head_seq) == (3652, 3652)
    balance = trial_balance()
    assert balance.balanced
    assert {row.account: row.net_cents for row in balance.rows if row.net_cents} == net_cents(
        expected.values()
    )


def test_eight_workers_paying_out_of_one_drawer_cannot_take_it_below_zero():
    drawer = "Assets:Cash:Drawer1"
    day = datetime.date(2026, 2, 14)
    post_entry(
        entry_id=uuid.uuid4(),
        kind="adjustment",
        effective_date=day,
        memo="Float",
        lines=[debit(drawer, usd("100.00")), credit("Assets:Bank:Checking", usd("100.00"))],
    )

    def pay_out(entry_id: uuid.UUID) -> JournalEntry:
        return post_entry(
            entry_id=entry_id,
            kind="payout",
            effective_date=day,
            memo="Paid out for supplies",
            lines=[debit("Expenses:Supplies", usd("7.00")), credit(drawer, usd("7.00"))],
        )

    plans = [[uuid.uuid4() for _ in range(5)] for _ in range(WORKERS)]
    results, unexpected = run_workers(pay_out, plans)

    assert not unexpected, f"{len(unexpected)} unexpected error(s); first:\n{unexpected[0]}"
    outcomes = Counter(outcome for worker in results for outcome, _ in worker)
    assert outcomes == {"posted": 14, "balance_bound_exceeded": 26}
    assert account_balance(account=drawer) == usd("2.00")
    assert account_balance(account="Expenses:Supplies") == usd("98.00")
    running = 0
    drawer_postings = (
        Posting.objects.filter(account__name=drawer)
        .order_by("entry__seq")
        .values_list("entry__seq", "side", "amount")
    )
    for seq, side, amount in drawer_postings:
        running += amount if side == "D" else -amount
        assert running >= 0, f"drawer 1 at {running} cents after seq {seq}"
    assert running == 200
    assert JournalEntry.objects.count() == 15
    report = verify_ledger()
    assert report.ok, report.problem


def test_eight_workers_reversing_one_sale_at_once_post_exactly_one_reversal():
    sale = planned("sale-to-refund")
    sale.post()

    def refund(entry_id: uuid.UUID) -> JournalEntry:
        return reverse_entry(
            entry_id=entry_id, reverses=sale.entry_id, effective_date=datetime.date(2026, 6, 1)
        )

    results, unexpected = run_workers(refund, [[uuid.uuid4()] for _ in range(WORKERS)])

    assert not unexpected, f"{len(unexpected)} unexpected error(s); first:\n{unexpected[0]}"
    outcomes = Counter(outcome for worker in results for outcome, _ in worker)
    assert outcomes == {"posted": 1, "already_reversed": 7}
    assert JournalEntry.objects.count() == 2
    assert JournalEntry.objects.get(seq=2).reverses_id == sale.entry_id
    for account, _, _ in sale.lines:
        assert account_balance(account=account) == usd("0.00")
    report = verify_ledger()
    assert report.ok, report.problem


def test_closing_a_quarter_while_seven_workers_post_into_it_lets_nothing_slip_in():
    started = threading.Event()
    q1_day = datetime.date(2026, 3, 31)

    def post_until_closed(worker: int) -> list[str]:
        outcomes: list[str] = []
        # Post until refused three times: a fixed count could run out before the close lands on
        # a fast machine. The deadline only stops a broken close from hanging the run.
        deadline = time.monotonic() + 120
        number = 0
        while time.monotonic() < deadline:
            number += 1
            try:
                post_entry(
                    entry_id=uuid.uuid4(),
                    kind="sale",
                    effective_date=q1_day,
                    lines=[
                        debit("Assets:Stripe:Clearing", usd("1.00")),
                        credit("Income:Sales:Food", usd("1.00")),
                    ],
                )
                outcomes.append("posted")
            except exceptions.ClosedPeriodError:
                outcomes.append("closed_period")
                if outcomes.count("closed_period") == 3:
                    break
            if worker == 0 and number == 20:
                started.set()
        return outcomes

    def close_when_started(_worker: int) -> Period:
        assert started.wait(timeout=120)
        return close_period(period="2026Q1")

    def task(worker: int):
        return close_when_started(worker) if worker == WORKERS - 1 else post_until_closed(worker)

    results, unexpected = run_workers(task, [[worker] for worker in range(WORKERS)])

    assert not unexpected, f"{len(unexpected)} unexpected error(s); first:\n{unexpected[0]}"
    closed = results[-1][0][1]
    posters = [worker[0][1] for worker in results[:-1]]
    for outcomes in posters:
        # Each worker posted until the close, then was refused every time (no "posted" after).
        assert outcomes[-3:] == ["closed_period"] * 3, outcomes[-5:]
        first_refusal = outcomes.index("closed_period")
        assert set(outcomes[first_refusal:]) == {"closed_period"}
    posted = sum(outcomes.count("posted") for outcomes in posters)
    assert posted >= 21
    period = Period.objects.get(name="2026Q1")
    assert period.status == Period.Status.CLOSED
    assert (period.head_seq, period.head_hash) == (closed.head_seq, closed.head_hash)
    assert period.head_seq == posted == JournalEntry.objects.count()
    assert period.head_hash == JournalEntry.objects.get(seq=posted).hash
    snapshots = {
        s.account.name: (s.debits, s.credits)
        for s in BalanceSnapshot.objects.filter(period=period).select_related("account")
    }
    assert snapshots == {
        "Assets:Stripe:Clearing": (posted * 100, 0),
        "Income:Sales:Food": (0, posted * 100),
    }
    report = verify_ledger()
    assert report.ok, report.problem
    assert report.closed_periods == 1
