"""The quarterly close as a checklist that can be re-run until it is done.

Steps, in order (each one records who did it and when, or why it failed):

1. cut-off: the quarter has ended (locking it sooner would refuse the sales of its remaining
   days), every registered cut-off check passes (the point of sale registers "all drawers
   closed" and "all checks closed"), and no draft entry is left in the ledger.
2. reconciliations: every registered reconciliation passes (checks by tender against the
   ledger, drawer variances listed), and the ledger's own facts hold: card clearing and tips
   payable are not negative, and the meal credits owed equal the outstanding credits of the
   unit sub-ledger. Their balances are noted.
3. closing entry: the quarter's income and expenses carried to net assets in one entry dated
   the quarter's last day (restricted gifts to the program's restricted net assets, the rest
   to undesignated net assets).
4. earmark top-up: the floor accrued for every day of the quarter, then the top-up to
   max(floor, share), split by largest remainder.
5. snapshots and lock: under the chain-head lock, any income or expense that arrived after
   the closing entry is closed too, then `ledger.services.close_period` writes the balance
   snapshots and locks the quarter. From then on the ledger refuses any entry dated in it.

Each step runs in its own transaction together with its checklist row, so an interrupted
close leaves every step either done or not; `run_close` starts at the first step not done.
The postings are idempotent too (fixed entry ids from source refs), so a retry never posts
twice. A failed step keeps its reason and is retried by the next run.
"""

import datetime
import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from ledger.exceptions import LedgerError
from ledger.models import Account, EntryKind, JournalEntry, Period, Program
from ledger.money import format_cents, to_cents
from ledger.periods import Quarter, quarter_named
from ledger.selectors import account_balance
from ledger.services import Line, close_period, credit, debit, post_entry
from ledger.services.store import lock_chain_head
from treasury import accounts
from treasury.close import cutoff_checks, reconciliations
from treasury.exceptions import CloseStepError, InvalidInputError, TreasuryError
from treasury.models import CloseRun, CloseStep, TreasuryPolicy
from treasury.roles import TREASURER, require_role
from treasury.selectors.ledger_facts import activity_by_account
from treasury.selectors.meals import credits_outstanding_value
from treasury.services import entry_id_for, usd
from treasury.services.earmarks import accrue_earmarks, post_top_up

STEPS = [
    ("cutoff", "Cut-off: drawers and checks closed"),
    ("reconciliations", "Reconciliations: card clearing, drawers, tips payable"),
    ("closing_entry", "Closing entry: income and expenses to net assets"),
    ("earmark_top_up", "Earmark accrual and top-up"),
    ("snapshots_lock", "Balance snapshots and lock"),
]
STEP_TITLES = dict(STEPS)
ALREADY_CLOSED = "{period} was closed on {at}"
DRAFTS_LEFT = "{count} draft ledger entries are dated in the quarter"
NOT_ENDED = "{period} runs until {end}; close it once that day's business is done"
NEGATIVE = "{account} is {balance} at the quarter's end; it cannot be negative"
MEALS_OFF = "Meal credits owed are {owed} in the ledger but {credits} in the unit sub-ledger"
LIABILITY = TreasuryPolicy.PayItForwardMode.LIABILITY


def _restricted_targets() -> dict[str, str]:
    return {accounts.restricted_income(p): accounts.restricted(p) for p in Program.objects.all()}


def closing_lines(quarter: Quarter) -> list[Line]:
    """Lines that bring every income and expense account's quarter activity to zero."""
    activity = activity_by_account(
        start=quarter.start_date, end=quarter.end_date, roots=["Income", "Expenses"]
    )
    return _closing_lines(activity)


def _closing_lines(activity: dict[str, int]) -> list[Line]:
    targets = _restricted_targets()
    lines: list[Line] = []
    into: dict[str, int] = {}  # net-asset account -> cents carried in (credit-positive)
    for name, net in sorted(activity.items()):  # net is debit-positive
        lines.append(credit(name, usd(net)) if net > 0 else debit(name, usd(-net)))
        target = targets.get(name, accounts.UNDESIGNATED)
        into[target] = into.get(target, 0) - net
    for name, cents in sorted(into.items()):
        if cents > 0:
            lines.append(credit(name, usd(cents)))
        elif cents < 0:
            lines.append(debit(name, usd(-cents)))
    return lines


def _cutoff(quarter: Quarter, user) -> str:
    # Locking a quarter that is still running would refuse every sale of its remaining days.
    if timezone.localdate() <= quarter.end_date:
        raise CloseStepError(NOT_ENDED.format(period=quarter.name, end=quarter.end_date))
    problems = []
    for name, check in cutoff_checks().items():
        problems += [f"{name}: {problem}" for problem in check(quarter)]
    drafts = JournalEntry.objects.filter(
        status=JournalEntry.Status.DRAFT, effective_date__lte=quarter.end_date
    ).count()
    if drafts:
        problems.append(DRAFTS_LEFT.format(count=drafts))
    if problems:
        raise CloseStepError("; ".join(problems))
    return f"Checked: {', '.join(cutoff_checks()) or 'no registered checks'}; no drafts."


def _reconciliations(quarter: Quarter, user) -> str:
    problems, notes = [], []
    for name, check in reconciliations().items():
        found, said = check(quarter)
        problems += [f"{name}: {problem}" for problem in found]
        notes += [f"{name}: {note}" for note in said]
    for name in (accounts.STRIPE_CLEARING, accounts.TIPS_PAYABLE):
        balance = to_cents(account_balance(account=name, as_of=quarter.end_date))
        if balance < 0:
            problems.append(NEGATIVE.format(account=name, balance=format_cents(balance)))
        notes.append(f"{name} {format_cents(balance)}")
    owed = to_cents(account_balance(account=accounts.PAY_IT_FORWARD, as_of=quarter.end_date))
    credits = credits_outstanding_value(mode=LIABILITY, as_of=quarter.end_date)
    if owed != credits:
        problems.append(MEALS_OFF.format(owed=format_cents(owed), credits=format_cents(credits)))
    notes.append(f"{accounts.PAY_IT_FORWARD} {format_cents(owed)} = meal credits outstanding")
    cash = account_balance(account=accounts.CASH, as_of=quarter.end_date)
    notes.append(f"{accounts.CASH} {format_cents(to_cents(cash))}")
    if problems:
        raise CloseStepError("; ".join(problems))
    return "; ".join(notes)


def _closing_entry(quarter: Quarter, user) -> str:
    source_ref = f"close:{quarter.name}"
    lines = closing_lines(quarter)
    if JournalEntry.objects.filter(kind=EntryKind.CLOSING, source_ref=source_ref).exists():
        return "Posted before this run."
    if not lines:
        return "Nothing to close: no income or expense in the quarter."
    entry = post_entry(
        entry_id=entry_id_for(source_ref), kind=EntryKind.CLOSING,
        effective_date=quarter.end_date, memo=f"Closing entry {quarter.name}",
        source_ref=source_ref, lines=lines, created_by=user,
    )  # fmt: skip
    return f"Entry #{entry.seq}: {len(lines)} lines."


def _earmark_top_up(quarter: Quarter, user) -> str:
    accrued = accrue_earmarks(day=quarter.end_date, user=user)
    top_up = post_top_up(period=quarter.name, user=user)
    said = f"{len(accrued)} daily accruals caught up; "
    return said + (f"top-up entry #{top_up.seq}." if top_up else "no top-up due.")


def _snapshots_lock(quarter: Quarter, user) -> str:
    lock_chain_head()  # nothing posts between the last look at the quarter and its lock
    activity = activity_by_account(
        start=quarter.start_date, end=quarter.end_date, roots=["Income", "Expenses"]
    )
    closed_so_far = JournalEntry.objects.filter(
        kind=EntryKind.CLOSING, source_ref__startswith=f"close:{quarter.name}"
    )
    residual = _residual(quarter, activity, closed_so_far)
    said = ""
    if residual:
        source_ref = f"close:{quarter.name}:{closed_so_far.count() + 1}"
        post_entry(
            entry_id=entry_id_for(source_ref), kind=EntryKind.CLOSING,
            effective_date=quarter.end_date, memo=f"Closing entry {quarter.name} (late postings)",
            source_ref=source_ref, lines=_closing_lines(residual), created_by=user,
        )  # fmt: skip
        said = f"Closed {len(residual)} accounts that moved after the closing entry. "
        if post_top_up(period=quarter.name, user=user) is not None:
            said += "Topped up the earmark for them. "
    period = close_period(period=quarter.name, closed_by=user)
    return said + (
        f"{period.snapshots.count()} balance snapshots; locked at chain seq {period.head_seq}."
    )


def _residual(quarter: Quarter, activity: dict[str, int], closings) -> dict[str, int]:
    """Income and expense still open after the closing entries posted so far."""
    closed: dict[str, int] = {}
    for entry in closings.prefetch_related("postings__account"):
        for posting in entry.postings.all():
            if posting.account.root_type in (Account.RootType.INCOME, Account.RootType.EXPENSE):
                sign = 1 if posting.side == "D" else -1
                closed[posting.account.name] = closed.get(posting.account.name, 0) + sign * (
                    posting.amount
                )
    names = set(activity) | set(closed)
    return {n: activity.get(n, 0) + closed.get(n, 0) for n in names
            if activity.get(n, 0) + closed.get(n, 0)}  # fmt: skip


STEP_FUNCTIONS: dict[str, Callable[[Quarter, object], str]] = {
    "cutoff": _cutoff,
    "reconciliations": _reconciliations,
    "closing_entry": _closing_entry,
    "earmark_top_up": _earmark_top_up,
    "snapshots_lock": _snapshots_lock,
}


@transaction.atomic
def start_close(*, period: str, user=None) -> CloseRun:
    """Return the close run of a quarter with its checklist, creating it on first use."""
    if user is not None:
        require_role(user, TREASURER, action="close a quarter")
    try:
        quarter = quarter_named(period)
    except ValueError as error:
        raise InvalidInputError(str(error), period=period) from error
    run, created = CloseRun.objects.get_or_create(
        period=quarter.name, defaults={"started_by": user, "started_at": timezone.now()}
    )
    if created:
        CloseStep.objects.bulk_create(
            CloseStep(run=run, name=name, position=position)
            for position, (name, _) in enumerate(STEPS, 1)
        )
    return run


def run_close(*, period: str, user=None, on_step: Callable | None = None) -> CloseRun:
    """Run the steps not done yet, in order, stopping at the first that fails.

    Return the run (its steps say what happened). `on_step(step)` is told after each step.
    """
    run = start_close(period=period, user=user)
    quarter = quarter_named(run.period)
    for step in run.steps.order_by("position"):
        if step.status == CloseStep.Status.DONE:
            continue
        ok = _run_step(step.id, quarter, user)
        step.refresh_from_db()
        if on_step is not None:
            on_step(step)
        if not ok:
            return run
    if run.status != CloseRun.Status.DONE:
        run.status = CloseRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
    return run


def _run_step(step_id: int, quarter: Quarter, user) -> bool:
    """Run one step in its own transaction; on failure record why in another. Return success."""
    try:
        with transaction.atomic():
            step = CloseStep.objects.select_for_update().get(id=step_id)
            if step.status == CloseStep.Status.DONE:
                return True  # a concurrent run did it
            detail = STEP_FUNCTIONS[step.name](quarter, user)
            step.status = CloseStep.Status.DONE
            step.detail = detail
            step.attempts += 1
            step.done_by = user
            step.done_at = timezone.now()
            step.save()
        return True
    except (TreasuryError, LedgerError) as error:
        with transaction.atomic():
            step = CloseStep.objects.select_for_update().get(id=step_id)
            step.status = CloseStep.Status.FAILED
            step.detail = error.message
            step.attempts += 1
            step.done_by = user
            step.done_at = timezone.now()
            step.save()
        return False


ERRATA_INTO_CLOSED = "{period} is not closed: correct it directly with a reversing entry"


@transaction.atomic
def post_correction(
    *, correction_id: uuid.UUID, period: str, lines: list[Line], note: str, user,
    effective_date: datetime.date | None = None,
) -> JournalEntry:  # fmt: skip
    """Correct a closed quarter in the next open one: an adjustment with an errata note."""
    require_role(user, TREASURER, action="post a correction")
    closed = Period.objects.filter(name=period, status=Period.Status.CLOSED).first()
    if closed is None:
        raise InvalidInputError(ERRATA_INTO_CLOSED.format(period=period))
    if not note.strip():
        raise InvalidInputError("Say what is corrected and why: the errata note is published")
    day = effective_date or max(timezone.localdate(), closed.end_date + datetime.timedelta(1))
    return post_entry(
        entry_id=correction_id, kind=EntryKind.ADJUSTMENT, effective_date=day,
        memo=f"Errata {period}: {note.strip()}"[:255], lines=lines, created_by=user,
        source_ref=f"errata:{period}:{correction_id}",
    )  # fmt: skip
