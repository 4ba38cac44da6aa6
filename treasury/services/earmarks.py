"""Earmark entries: the daily accrual of the sales floor and the quarter's top-up.

A day's accrual brings the quarter's designations up to the floor on its qualifying net
sales to date: floor(quarter to date) - accrued before that day, split by the weights of the
policy in force that day. Working from the quarter to date, a refund or a late sale on an
earlier day is caught up by the next accrual, and the rounding happens once, not per day.
The entry's source_ref is `earmark-accrual:<day>`, so a day accrues at most once; days after
the last accrued one are accrued in order up to the day asked for (catching up missed days).

The top-up at the close brings each program's designation for the quarter to its part of the
quarter's designation (max(floor, share), split by largest remainder): it credits the
programs still short and, when daily rounding left one a cent or two ahead, debits it.
"""

import datetime

from django.db import transaction

from ledger.models import EntryKind, JournalEntry, Program
from ledger.periods import quarter_of
from ledger.services import Line, credit, debit, post_entry
from treasury import accounts
from treasury.allocation import largest_remainder
from treasury.selectors.earmarks import (
    ACCRUAL_PREFIX,
    TOPUP_PREFIX,
    designated_so_far,
    percent_of,
    policy_for,
    qualifying_net_sales,
    quarter_figures,
    weighted_programs,
)
from treasury.services import entry_id_for, usd


def _designation_lines(moves: list[tuple[object, int]], memo: str) -> list[Line]:
    """Lines moving cents between undesignated net assets and program funds (signed)."""
    lines = []
    for program, cents in moves:
        if cents > 0:
            lines.append(credit(accounts.designated(program), usd(cents), memo=memo))
        elif cents < 0:
            lines.append(debit(accounts.designated(program), usd(-cents), memo=memo))
    net = sum(cents for _, cents in moves)
    if net > 0:
        lines.insert(0, debit(accounts.UNDESIGNATED, usd(net), memo=memo))
    elif net < 0:
        lines.insert(0, credit(accounts.UNDESIGNATED, usd(-net), memo=memo))
    return lines


@transaction.atomic
def accrue_earmarks(*, day: datetime.date, user=None) -> list[JournalEntry]:
    """Accrue the sales floor for every day of day's quarter not yet accrued, up to day.

    Return the entries posted (none when every day is accrued or nothing changed).
    """
    quarter = quarter_of(day)
    last = (
        JournalEntry.objects.filter(
            status=JournalEntry.Status.POSTED,
            kind=EntryKind.DESIGNATION,
            source_ref__startswith=ACCRUAL_PREFIX,
            effective_date__range=(quarter.start_date, day),
        )
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    current = (last + datetime.timedelta(days=1)) if last else quarter.start_date
    posted = []
    while current <= day:
        entry = _accrue_day(quarter, current, user)
        if entry is not None:
            posted.append(entry)
        current += datetime.timedelta(days=1)
    return posted


def _accrue_day(quarter, day: datetime.date, user) -> JournalEntry | None:
    policy = policy_for(day)
    target = max(percent_of(qualifying_net_sales(quarter.start_date, day), policy.floor_percent), 0)
    accrued = designated_so_far(quarter, day - datetime.timedelta(days=1))
    delta = target - sum(accrued.values())
    if delta == 0:
        return None
    programs = weighted_programs(policy)
    split = largest_remainder(delta, [weight for _, weight in programs])
    source_ref = f"{ACCRUAL_PREFIX}{day.isoformat()}"
    memo = f"Earmark floor accrual {day} (policy v{policy.version})"
    return post_entry(
        entry_id=entry_id_for(source_ref),
        kind=EntryKind.DESIGNATION,
        effective_date=day,
        memo=memo,
        source_ref=source_ref,
        lines=_designation_lines([(p, c) for (p, _), c in zip(programs, split, strict=True)],
                                 memo),
        created_by=user,
    )  # fmt: skip


@transaction.atomic
def post_top_up(*, period: str, user=None) -> JournalEntry | None:
    """Post the quarter's top-up (dated its last day). Return it, or None when none is due.

    Running it again posts nothing unless the quarter's figures changed since.
    """
    figures = quarter_figures(period=period)
    moves = [
        (part.program, part.cents - figures.accrued.get(part.program.id, 0))
        for part in figures.parts
    ]
    # A program that no longer has a weight gives back what it was accrued this quarter.
    weighted = {part.program.id for part in figures.parts}
    for program in Program.objects.filter(id__in=[p for p in figures.accrued if p not in weighted]):
        moves.append((program, -figures.accrued[program.id]))
    if not any(cents for _, cents in moves):
        return None  # the programs hold their parts already: nothing is due
    # A later top-up (sales that arrived after the first, before the lock) gets its own ref.
    earlier = JournalEntry.objects.filter(
        kind=EntryKind.DESIGNATION, source_ref__startswith=f"{TOPUP_PREFIX}{period}"
    ).count()
    source_ref = f"{TOPUP_PREFIX}{period}" + (f":{earlier + 1}" if earlier else "")
    memo = f"Earmark top-up {period}: designation {usd(figures.designation)}"
    return post_entry(
        entry_id=entry_id_for(source_ref),
        kind=EntryKind.DESIGNATION,
        effective_date=figures.quarter.end_date,
        memo=memo,
        source_ref=source_ref,
        lines=_designation_lines(moves, memo),
        created_by=user,
    )
