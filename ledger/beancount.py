"""Write the ledger as a beancount file, for `bean-check` and `bean-query` to audit.

Pure Python: the project never imports beancount (GPL); tests and operators run its tools as
subprocesses on the file this writes.

- Options: USD, and "NetAssets" as the name of the equity root.
- Every account is opened (parents too, roots excepted: beancount has them built in) on its
  open date, and closed accounts are closed.
- Every posting has an explicit amount with exactly two decimals: debits positive, credits
  negative; entry metadata `seq`, `entry-id`, `hash`, `kind`.
- At the end of every closed period, each balance-sheet account open then gets a balance
  assertion with tolerance `~ 0.00` (beancount tolerates a cent by default otherwise), dated
  the day after, because beancount checks a balance at the start of its date.
- A single period's export starts with one "opening balances" transaction carrying every
  account's balance the day before, so its assertions and totals hold on their own.
"""

import datetime
from collections import defaultdict
from typing import TextIO

from django.utils import timezone

from ledger.models import Account, BalanceSnapshot, Period
from ledger.money import format_cents
from ledger.periods import quarter_named
from ledger.selectors import EntryRow, cumulative_totals, posted_entries

BALANCE_SHEET_ROOTS = ("Assets", "Liabilities", "NetAssets")
ONE_DAY = datetime.timedelta(days=1)


def write_beancount(out: TextIO, *, period: str | None = None) -> int:
    """Write the whole ledger, or one period, to out. Return the number of entries written."""
    start = end = None
    if period is not None:
        quarter = quarter_named(period)
        start, end = quarter.start_date, quarter.end_date
    # beancount's roots (Assets, Income, ...) exist implicitly and cannot be named alone.
    accounts = [a for a in Account.objects.order_by("name") if ":" in a.name]
    by_id = {account.id: account for account in accounts}
    out.write(
        f"; Tillshare ledger export, written {timezone.now().isoformat(timespec='seconds')}\n"
    )
    out.write(f"; period: {period or 'all'}\n")
    out.write('option "title" "Tillshare ledger"\n')
    out.write('option "operating_currency" "USD"\n')
    out.write('option "name_equity" "NetAssets"\n\n')
    for account in accounts:
        out.write(f"{account.opened_on} open {account.name} {account.currency}\n")
    out.write("\n")

    if start is not None:
        _write_opening(out, start, by_id)
    written = 0
    for entry in posted_entries(start=start, end=end):
        _write_entry(out, entry)
        written += 1
    # beancount orders directives by date, so the assertions may follow every entry.
    for closed in _assertion_periods(start, end):
        _write_assertions(out, closed, accounts)

    for account in accounts:
        if account.closed_on is not None:
            out.write(f"{account.closed_on} close {account.name}\n")
    return written


def _write_entry(out: TextIO, entry: EntryRow) -> None:
    out.write(f'{entry.effective_date} * "{_text(entry.memo or entry.kind)}"\n')
    out.write(f"  seq: {entry.seq}\n")
    out.write(f'  entry-id: "{entry.id}"\n')
    out.write(f'  hash: "{entry.hash}"\n')
    out.write(f'  kind: "{entry.kind}"\n')
    if entry.source_ref:
        out.write(f'  source-ref: "{_text(entry.source_ref)}"\n')
    if entry.reverses_id:
        out.write(f'  reverses: "{entry.reverses_id}"\n')
    for posting in entry.postings:
        signed = posting.amount if posting.side == "D" else -posting.amount
        out.write(f"  {posting.account}  {format_cents(signed, posting.currency)} ")
        out.write(f"{posting.currency}\n")
        if posting.memo:
            out.write(f'    memo: "{_text(posting.memo)}"\n')
    out.write("\n")


def _write_opening(out: TextIO, start: datetime.date, by_id: dict[int, Account]) -> None:
    """Carry every account's balance on the day before start in as one balanced transaction."""
    totals = cumulative_totals(as_of=start - ONE_DAY)
    lines = [
        (by_id[account_id], debits - credits)
        for account_id, (debits, credits) in totals.items()
        if debits != credits
    ]
    if not lines:
        return
    out.write(f'{start} * "Opening balances carried from {start - ONE_DAY}" #opening\n')
    for account, net in sorted(lines, key=lambda line: line[0].name):
        out.write(f"  {account.name}  {format_cents(net, account.currency)} {account.currency}\n")
    out.write("\n")


def _assertion_periods(start, end) -> list[Period]:
    periods = Period.objects.filter(status=Period.Status.CLOSED).order_by("end_date")
    if start is not None:
        periods = periods.filter(end_date__gte=start, end_date__lte=end)
    return list(periods)


def _write_assertions(out: TextIO, period: Period, accounts: list[Account]) -> None:
    """Assert every balance-sheet account (with its sub-accounts) at the period's end."""
    day = period.end_date + ONE_DAY
    net: dict[int, int] = {
        snapshot.account_id: snapshot.debits - snapshot.credits
        for snapshot in BalanceSnapshot.objects.filter(period=period)
    }
    rolled_up: dict[str, int] = defaultdict(int)
    for account in accounts:
        cents = net.get(account.id, 0)
        parts = account.name.split(":")
        for depth in range(1, len(parts) + 1):
            rolled_up[":".join(parts[:depth])] += cents
    out.write(f"; {period.name} closed: chain head seq {period.head_seq} {period.head_hash}\n")
    for account in accounts:
        open_then = account.opened_on <= day and (
            account.closed_on is None or account.closed_on >= day
        )
        if account.name.split(":")[0] in BALANCE_SHEET_ROOTS and open_then:
            amount = format_cents(rolled_up[account.name], account.currency)
            out.write(f"{day} balance {account.name}  {amount} ~ 0.00 {account.currency}\n")
    out.write("\n")


def _text(value: str) -> str:
    """Quote-safe, one-line text for a beancount string."""
    return " ".join(value.replace("\\", "\\\\").replace('"', '\\"').split())
