"""Sums of ledger activity the treasury's rules are written in (pos-free ledger facts).

Activity over a date range leaves out the closing entries, so a quarter's income and
expenses read the same before and after the close carried them to net assets.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, Sum, When

from ledger.models import Account, EntryKind, JournalEntry, Posting, Side
from ledger.selectors import activity_totals


def subtree(names: Iterable[str]) -> Q:
    """Match accounts named, or below, any of names."""
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(account__name=name) | Q(account__name__startswith=f"{name}:")
    return condition


def net_activity(
    *,
    start: datetime.date,
    end: datetime.date,
    accounts: Iterable[str],
    credit_positive: bool,
    exclude: Iterable[str] = (),
    include_closing: bool = False,
) -> int:
    """Cents moved through accounts (and their sub-accounts) dated in [start, end]."""
    postings = Posting.objects.filter(
        subtree(accounts),
        entry__status=JournalEntry.Status.POSTED,
        effective_date__range=(start, end),
    )
    excluded = list(exclude)
    if excluded:
        postings = postings.exclude(subtree(excluded))
    if not include_closing:
        postings = postings.exclude(entry__kind=EntryKind.CLOSING)
    totals = postings.aggregate(
        debits=Sum(Case(When(side=Side.DEBIT, then="amount"), default=0,
                        output_field=IntegerField())),
        credits=Sum(Case(When(side=Side.CREDIT, then="amount"), default=0,
                         output_field=IntegerField())),
    )  # fmt: skip
    debits, credits = int(totals["debits"] or 0), int(totals["credits"] or 0)
    return credits - debits if credit_positive else debits - credits


def activity_by_account(
    *, start: datetime.date, end: datetime.date, roots: Iterable[str]
) -> dict[str, int]:
    """Debit-positive net per account under roots in [start, end], closing entries left out."""
    roots = tuple(roots)
    names = dict(Account.objects.values_list("id", "name"))
    return {
        names[account_id]: debits - credits
        for account_id, (debits, credits) in activity_totals(start=start, end=end).items()
        if debits != credits
        and any(names[account_id] == r or names[account_id].startswith(f"{r}:") for r in roots)
    }


def entries_with_source_prefix(*, kind: str, prefix: str, start: datetime.date, end: datetime.date):
    """Posted entries of a kind whose source_ref starts with prefix, dated in [start, end]."""
    return JournalEntry.objects.filter(
        status=JournalEntry.Status.POSTED,
        kind=kind,
        source_ref__startswith=prefix,
        effective_date__range=(start, end),
    )
