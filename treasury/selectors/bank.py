"""Suggested matches for bank statement lines.

Money out (a negative line) is suggested against bills paid, or disbursements paid, for the
same amount within a week of the line's date; money in against ledger entries that debit the
bank for the same amount within a week (deposits of cash, card payouts, gifts).
"""

import datetime
from dataclasses import dataclass

from ledger.models import JournalEntry, Posting
from treasury import accounts
from treasury.models import BankLine, Bill, Disbursement

WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "bill", "disbursement" or "entry"
    key: str
    label: str


def suggestions(line: BankLine) -> list[Suggestion]:
    """Likely explanations of an unmatched line, best first (closest date)."""
    low, high = line.posted_on - WINDOW, line.posted_on + WINDOW
    found: list[tuple[int, Suggestion]] = []
    if line.amount < 0:
        for bill in Bill.objects.filter(amount=-line.amount, paid_on__range=(low, high),
                                        bank_line__isnull=True):  # fmt: skip
            found.append(
                (
                    abs((bill.paid_on - line.posted_on).days),
                    Suggestion("bill", str(bill.id), f"Bill {bill} paid {bill.paid_on}"),
                )
            )
        for item in Disbursement.objects.filter(
            amount=-line.amount, paid_on__range=(low, high), bank_line__isnull=True
        ):
            found.append(
                (
                    abs((item.paid_on - line.posted_on).days),
                    Suggestion(
                        "disbursement", str(item.id), f"{item.public_title} paid {item.paid_on}"
                    ),
                )
            )
    else:
        taken = set(BankLine.objects.exclude(entry_id=None).values_list("entry_id", flat=True))
        postings = Posting.objects.filter(
            account__name=accounts.BANK,
            side="D",
            amount=line.amount,
            effective_date__range=(low, high),
            entry__status=JournalEntry.Status.POSTED,
        ).select_related("entry")
        for posting in postings:
            if posting.entry_id in taken:
                continue
            found.append(
                (
                    abs((posting.effective_date - line.posted_on).days),
                    Suggestion(
                        "entry", str(posting.entry_id), f"#{posting.entry.seq} {posting.entry.memo}"
                    ),
                )
            )
    return [suggestion for _, suggestion in sorted(found, key=lambda pair: pair[0])]  # fmt: skip


def bank_lines() -> list[tuple[BankLine, list[Suggestion]]]:
    lines = BankLine.objects.select_related("bill", "disbursement")
    return [(line, [] if line.is_matched else suggestions(line)) for line in lines]
