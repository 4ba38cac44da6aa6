"""Properties: no sequence of posts, replays, conflicts and reversals can corrupt the ledger.

A hypothesis state machine drives `post_entry`, `reverse_entry` and `close_period` with random
sequences of operations and keeps a model of what the ledger must hold: the entries that
posted (by id, with their content and seq), which entries are reversed, which (kind,
source_ref) pairs are taken and whether 2026Q1 is closed. Each operation is either:

- a balanced entry of 2-6 lines with random cent amounts and dates in 2026Q1..Q2 (sometimes
  with a source_ref that another entry may already hold, sometimes dated in a closed quarter);
- an unbalanced entry, under a new id or an id already posted: always UnbalancedEntryError;
- a replay of a posted id with identical content: the stored entry comes back, nothing new;
- a replay of a posted id with one field changed: EntryConflictError naming that field;
- a reversal of a posted entry (AlreadyReversedError the second time), or of an id that was
  never posted (EntryNotFoundError);
- closing 2026Q1 (PeriodError the second time).

The model predicts the set of rules each operation breaks. An operation that breaks none must
succeed; one that breaks some must raise one of those errors and change nothing. After every
step the ledger must hold exactly the model's entries, each with the seq it got when it
posted, and their postings, and keep every non-empty source_ref unique per kind. After every
step that changed it, it must also verify (`verify_ledger`: gapless seq, unbroken chain,
balanced entries, chain head, snapshots, trial balance) and its trial balance must balance and
equal the model's per-account sums to the cent.

Each example runs inside its own savepoint, rolled back at its end, so every example starts
from an empty ledger (checked when the machine starts).
"""

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ledger import exceptions
from ledger.models import JournalEntry, Period, Posting
from ledger.selectors import trial_balance
from ledger.services import Line, close_period, post_entry, reverse_entry
from ledger.verification import verify_ledger
from tests.conftest import usd

pytestmark = pytest.mark.django_db

# Real chart accounts without a balance bound (the cash drawers and the safe have one).
ACCOUNTS = (
    "Assets:Stripe:Clearing",
    "Assets:Bank:Checking",
    "Liabilities:SalesTax:Payable",
    "Liabilities:Tips:Payable",
    "Income:Sales:Food",
    "Income:Rentals:Games",
    "Expenses:Supplies",
    "NetAssets:WithoutDonorRestrictions:Undesignated",
)
KINDS = ("sale", "refund", "adjustment")
SOURCE_REFS = ("", "order-1", "order-1", "order-2")
MEMOS = ("", "table 4", "walk-in")
FIRST_DAY = datetime.date(2026, 1, 1)
Q1_END = datetime.date(2026, 3, 31)
LAST_DAY = datetime.date(2026, 6, 30)
MIRROR = {"D": "C", "C": "D"}


def cents_to_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class Spec:
    """What one post asks for: the model's copy of an entry's content, amounts in cents."""

    kind: str
    effective_date: datetime.date
    memo: str
    source_ref: str
    reverses: uuid.UUID | None
    lines: tuple[tuple[str, str, int], ...]  # (account, side, cents)

    def post(self, entry_id: uuid.UUID) -> JournalEntry:
        return post_entry(
            entry_id=entry_id,
            kind=self.kind,
            effective_date=self.effective_date,
            memo=self.memo,
            source_ref=self.source_ref,
            reverses=self.reverses,
            lines=[Line(a, side, usd(cents_to_text(c))) for a, side, c in self.lines],
        )


@st.composite
def balanced_lines(draw) -> tuple[tuple[str, str, int], ...]:
    """2-6 lines, at least one on each side, whose debits equal their credits."""
    size = draw(st.integers(2, 6))
    debit_count = draw(st.integers(1, size - 1))
    debits = draw(st.lists(st.integers(1, 500_000), min_size=debit_count, max_size=debit_count))
    total = sum(debits)
    credit_count = min(size - debit_count, total)
    cuts: list[int] = []
    if credit_count > 1:
        cuts = sorted(
            draw(
                st.sets(
                    st.integers(1, total - 1), min_size=credit_count - 1, max_size=credit_count - 1
                )
            )
        )
    bounds = [0, *cuts, total]
    credits = [high - low for low, high in pairwise(bounds)]
    account = st.sampled_from(ACCOUNTS)
    lines = [(draw(account), "D", cents) for cents in debits]
    lines += [(draw(account), "C", cents) for cents in credits]
    return tuple(draw(st.permutations(lines)))


dates = st.dates(FIRST_DAY, LAST_DAY)


@st.composite
def specs(draw) -> Spec:
    return Spec(
        kind=draw(st.sampled_from(KINDS)),
        effective_date=draw(dates),
        memo=draw(st.sampled_from(MEMOS)),
        source_ref=draw(st.sampled_from(SOURCE_REFS)),
        reverses=None,
        lines=draw(balanced_lines()),
    )


# How a conflicting replay changes the stored content, and the field the error must name.
CHANGES = ("kind", "effective_date", "source_ref", "memo", "amount", "account", "postings")


def changed(spec: Spec, change: str, cents: int) -> Spec:
    """Return spec with one thing changed, still a valid balanced entry."""
    if change == "kind":
        return replace(spec, kind="adjustment" if spec.kind != "adjustment" else "sale")
    if change == "effective_date":
        step = datetime.timedelta(days=1 if spec.effective_date < LAST_DAY else -1)
        return replace(spec, effective_date=spec.effective_date + step)
    if change == "source_ref":
        return replace(spec, source_ref=spec.source_ref + "-edited")
    if change == "memo":
        return replace(spec, memo=spec.memo + " (edited)")
    lines = list(spec.lines)
    if change == "amount":
        # Raise the first line and the first line on the other side alike: still balanced.
        account, side, amount = lines[0]
        lines[0] = (account, side, amount + cents)
        other = next(i for i, line in enumerate(lines) if line[1] != side)
        lines[other] = (lines[other][0], lines[other][1], lines[other][2] + cents)
    elif change == "account":
        account, side, amount = lines[0]
        lines[0] = (next(a for a in ACCOUNTS if a != account), side, amount)
    else:  # postings: two more lines
        lines += [(ACCOUNTS[0], "D", cents), (ACCOUNTS[1], "C", cents)]
    return replace(spec, lines=tuple(lines))


class LedgerMachine(RuleBasedStateMachine):
    posted = Bundle("posted")

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        assert not JournalEntry.objects.exists(), "an example started on a non-empty ledger"
        self.entries: dict[uuid.UUID, Spec] = {}
        self.seqs: dict[uuid.UUID, int] = {}
        self.hashes: dict[uuid.UUID, str] = {}
        self.reversed_by: dict[uuid.UUID, uuid.UUID] = {}
        self.q1_closed = False
        self.verified: tuple[int, bool] | None = None  # the state last fully verified

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # The model ---------------------------------------------------------------------------

    def broken_rules(self, entry_id: uuid.UUID, spec: Spec) -> set[type[exceptions.LedgerError]]:
        """The errors a valid (balanced, known accounts) post of spec under entry_id may raise."""
        if entry_id in self.entries:
            return set() if self.entries[entry_id] == spec else {exceptions.EntryConflictError}
        broken: set[type[exceptions.LedgerError]] = set()
        if spec.reverses is not None and spec.reverses not in self.entries:
            broken.add(exceptions.EntryNotFoundError)
        if spec.reverses in self.reversed_by:
            broken.add(exceptions.AlreadyReversedError)
        taken = {(s.kind, s.source_ref) for s in self.entries.values() if s.source_ref}
        if spec.source_ref and (spec.kind, spec.source_ref) in taken:
            broken.add(exceptions.DuplicateSourceError)
        if self.q1_closed and spec.effective_date <= Q1_END:
            broken.add(exceptions.ClosedPeriodError)
        return broken

    def attempt(self, entry_id: uuid.UUID, spec: Spec, call=None) -> uuid.UUID | None:
        """Post spec (or run call); check the outcome against the model. Return a new id."""
        call = call or partial(spec.post, entry_id)
        broken = self.broken_rules(entry_id, spec)
        count = JournalEntry.objects.count()
        if broken:  # any other error, or none, fails the test
            with pytest.raises(tuple(broken)):
                call()
            assert JournalEntry.objects.count() == count
            return None
        entry = call()
        assert entry.id == entry_id
        if entry_id in self.entries:  # an identical replay: the stored entry, nothing new
            assert (entry.seq, entry.hash) == (self.seqs[entry_id], self.hashes[entry_id])
            assert JournalEntry.objects.count() == count
            return None
        assert entry.seq == len(self.entries) + 1
        assert JournalEntry.objects.count() == count + 1
        self.entries[entry_id] = spec
        self.seqs[entry_id] = entry.seq
        self.hashes[entry_id] = entry.hash
        if spec.reverses is not None:
            self.reversed_by[spec.reverses] = entry_id
        return entry_id

    def expected_net_cents(self) -> dict[str, int]:
        net: dict[str, int] = defaultdict(int)
        for spec in self.entries.values():
            for account, side, cents in spec.lines:
                net[account] += cents if side == "D" else -cents
        return {account: cents for account, cents in net.items() if cents}

    def reversal_spec(self, target: uuid.UUID, day: datetime.date) -> Spec:
        original = self.entries.get(target)
        lines = tuple((a, MIRROR[side], c) for a, side, c in original.lines) if original else ()
        memo = f"Reversal of entry {self.seqs[target]}" if original else ""
        return Spec("reversal", day, memo, "", target, lines)

    # Rules -------------------------------------------------------------------------------

    @initialize(
        target=posted, posts=st.lists(st.tuples(st.uuids(), specs()), min_size=1, max_size=5)
    )
    def post_a_few_first(self, posts):
        posted = [self.attempt(entry_id, spec) for entry_id, spec in posts]
        return multiple(*(entry_id for entry_id in posted if entry_id is not None))

    @rule(target=posted, entry_id=st.uuids(), spec=specs())
    def post_balanced(self, entry_id, spec):
        posted = self.attempt(entry_id, spec)
        return multiple() if posted is None else posted

    @rule(
        entry_id=st.one_of(st.uuids(), posted),
        spec=specs(),
        line=st.integers(0, 5),
        cents=st.integers(1, 10_000),
    )
    def post_unbalanced(self, entry_id, spec, line, cents):
        lines = list(spec.lines)
        account, side, amount = lines[line % len(lines)]
        lines[line % len(lines)] = (account, side, amount + cents)
        unbalanced = replace(spec, lines=tuple(lines))
        count = JournalEntry.objects.count()

        with pytest.raises(exceptions.UnbalancedEntryError):
            unbalanced.post(entry_id)

        assert JournalEntry.objects.count() == count

    @rule(entry_id=posted, through_reverse_entry=st.booleans())
    def replay_identical(self, entry_id, through_reverse_entry):
        spec = self.entries[entry_id]
        if spec.reverses is not None and through_reverse_entry:
            call = partial(
                reverse_entry,
                entry_id=entry_id,
                reverses=spec.reverses,
                effective_date=spec.effective_date,
            )
        else:
            call = None
        assert self.attempt(entry_id, spec, call) is None

    @rule(entry_id=posted, change=st.sampled_from(CHANGES), cents=st.integers(1, 10_000))
    def replay_conflicting(self, entry_id, change, cents):
        stored = self.entries[entry_id]
        spec = changed(stored, change, cents)
        count = JournalEntry.objects.count()

        with pytest.raises(exceptions.EntryConflictError) as caught:
            spec.post(entry_id)

        assert caught.value.field == change
        assert JournalEntry.objects.count() == count

    @rule(target=posted, reversal_id=st.uuids(), original=posted, day=dates)
    def reverse(self, reversal_id, original, day):
        spec = self.reversal_spec(original, day)
        call = partial(reverse_entry, entry_id=reversal_id, reverses=original, effective_date=day)
        posted = self.attempt(reversal_id, spec, call)
        return multiple() if posted is None else posted

    @precondition(lambda self: self.reversed_by)
    @rule(reversal_id=st.uuids(), data=st.data())
    def reverse_a_reversed_entry_again(self, reversal_id, data):
        original = data.draw(st.sampled_from(sorted(self.reversed_by, key=str)))
        count = JournalEntry.objects.count()

        with pytest.raises(exceptions.AlreadyReversedError) as caught:
            reverse_entry(entry_id=reversal_id, reverses=original, effective_date=LAST_DAY)

        assert caught.value.extra["reversal"] == str(self.reversed_by[original])
        assert JournalEntry.objects.count() == count

    @rule(reversal_id=st.uuids(), missing=st.uuids(), day=dates)
    def reverse_an_entry_never_posted(self, reversal_id, missing, day):
        if missing in self.entries:
            return
        with pytest.raises(exceptions.EntryNotFoundError):
            reverse_entry(entry_id=reversal_id, reverses=missing, effective_date=day)

    @rule()
    def close_q1(self):
        if self.q1_closed:
            with pytest.raises(exceptions.PeriodError, match="already closed"):
                close_period(period="2026Q1")
            return
        period = close_period(period="2026Q1")
        self.q1_closed = True
        assert period.head_seq == len(self.entries)

    # What must hold after every step -----------------------------------------------------

    @invariant()
    def ledger_equals_the_model(self):
        """Every step: the entries (id and seq), their postings, sources and 2026Q1's state.

        After a step that changed the ledger (a post, a reversal, a close) also recompute it
        all with verify_ledger and the trial balance; a step that changed nothing leaves the
        same rows, which the checks here see (and keeps the run fast on PostgreSQL).
        """
        rows = list(JournalEntry.objects.values_list("id", "seq", "status", "kind", "source_ref"))
        assert {entry_id: seq for entry_id, seq, *_ in rows} == self.seqs
        assert {status for _, _, status, *_ in rows} <= {JournalEntry.Status.POSTED}
        assert sorted(seq for _, seq, *_ in rows) == list(range(1, len(self.entries) + 1))
        sources = Counter((kind, ref) for *_, kind, ref in rows if ref)
        assert all(count == 1 for count in sources.values()), sources
        lines = sum(len(spec.lines) for spec in self.entries.values())
        assert Posting.objects.count() == lines
        q1 = Period.objects.filter(name="2026Q1").first()
        assert (q1 is not None and q1.status == Period.Status.CLOSED) == self.q1_closed

        state = (len(self.entries), self.q1_closed)
        if state != self.verified:
            self.ledger_verifies_and_balances_to_the_cent()
            self.verified = state

    def ledger_verifies_and_balances_to_the_cent(self):
        report = verify_ledger()
        assert report.ok, report.problem
        assert (report.entries, report.head_seq) == (len(self.entries), len(self.entries))
        assert report.closed_periods == int(self.q1_closed)
        balance = trial_balance()
        assert balance.balanced
        net = {row.account: row.net_cents for row in balance.rows if row.net_cents}
        assert net == self.expected_net_cents()


def test_random_operations_never_unbalance_duplicate_gap_or_break_the_chain():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_the_model_predicts_a_worked_example():
    """The model's helpers on one hand-checked sequence, so the machine's oracle is trusted."""
    machine = LedgerMachine()
    try:
        sale = Spec(
            "sale",
            datetime.date(2026, 2, 14),
            "table 4",
            "order-1",
            None,
            (
                ("Assets:Stripe:Clearing", "D", 2484),
                ("Income:Sales:Food", "C", 2200),
                ("Liabilities:SalesTax:Payable", "C", 184),
                ("Liabilities:Tips:Payable", "C", 100),
            ),
        )
        sale_id, reversal_id = uuid.uuid4(), uuid.uuid4()
        assert machine.attempt(sale_id, sale) == sale_id
        assert machine.broken_rules(uuid.uuid4(), sale) == {exceptions.DuplicateSourceError}
        assert machine.broken_rules(sale_id, sale) == set()
        assert machine.broken_rules(sale_id, changed(sale, "memo", 1)) == {
            exceptions.EntryConflictError
        }
        machine.ledger_equals_the_model()

        machine.close_q1()
        reversal = machine.reversal_spec(sale_id, datetime.date(2026, 4, 2))
        call = partial(
            reverse_entry,
            entry_id=reversal_id,
            reverses=sale_id,
            effective_date=datetime.date(2026, 4, 2),
        )
        assert machine.attempt(reversal_id, reversal, call) == reversal_id
        machine.ledger_equals_the_model()
        assert machine.broken_rules(uuid.uuid4(), replace(reversal, memo="again")) == {
            exceptions.AlreadyReversedError
        }
        assert machine.broken_rules(uuid.uuid4(), replace(sale, source_ref="")) == {
            exceptions.ClosedPeriodError
        }
        assert machine.expected_net_cents() == {}
        assert machine.seqs == {sale_id: 1, reversal_id: 2}
    finally:
        machine.teardown()
