"""The rules an entry must meet before the ledger writes it, each refusal a typed error that
names the entry (and the line or account at fault).

`canonical_content` needs no database: amounts positive, sides, balance per currency, and the
content whose SHA-256 is the entry's fingerprint. The others read what `post_entry` read under
the chain-head lock: the accounts named, in their currency, open and not placeholders; the entry
a reversal reverses; and bounded accounts (a drawer never holds less than nothing) after it.
The database's triggers check the same rules again (ledger/triggers/) for any other writer.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ledger.chain import CanonicalEntry, CanonicalPosting
from ledger.exceptions import (
    AccountNotPostableError,
    AlreadyReversedError,
    BalanceBoundError,
    CurrencyMismatchError,
    EntryNotFoundError,
    NonPositiveAmountError,
    UnbalancedEntryError,
    UnknownAccountError,
)
from ledger.models import Account, JournalEntry, Side
from ledger.money import format_cents, to_cents
from ledger.selectors import cumulative_totals
from ledger.services.store import AccountRow

if TYPE_CHECKING:  # posting imports this module
    from ledger.services.posting import Line

NON_POSITIVE_AMOUNT = "Entry {entry_id} line {line} ({account}): amount {amount} must be positive"
UNKNOWN_ACCOUNT = "Entry {entry_id} names unknown account(s): {names}"
CURRENCY_MISMATCH = "Entry {entry_id} line {line}: {account} holds {expected}, not {currency}"
UNBALANCED = "Entry {entry_id} does not balance in {currency}: debits {debits}, credits {credits}"
PLACEHOLDER_ACCOUNT = "Entry {entry_id}: {account} is a placeholder and takes no postings"
ACCOUNT_NOT_OPEN = "Entry {entry_id}: {account} is not open on {date} (open {opened} to {closed})"
ALREADY_REVERSED = "Entry {entry_id} is already reversed by entry {reversal}"
BOUND_EXCEEDED = "Entry {entry_id} would leave {account} at {balance}: {rule}"
ENTRY_NOT_FOUND = "Entry {entry_id} does not exist or is not posted"


def known_accounts(
    entry_id: uuid.UUID, lines: Sequence["Line"], accounts: dict[str, AccountRow]
) -> dict[str, AccountRow]:
    missing = sorted({line.account for line in lines} - accounts.keys())
    if missing:
        raise UnknownAccountError(
            UNKNOWN_ACCOUNT.format(entry_id=entry_id, names=", ".join(missing)),
            entry_id=entry_id,
            accounts=", ".join(missing),
        )
    return accounts


def canonical_content(
    entry_id, kind, effective_date, memo, source_ref, reverses, lines
) -> CanonicalEntry:
    """Validate amounts, sides and balance; return the entry's canonical content."""
    postings = []
    net: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for number, line in enumerate(lines, 1):
        cents = to_cents(line.amount)
        if cents <= 0:
            raise NonPositiveAmountError(
                NON_POSITIVE_AMOUNT.format(
                    entry_id=entry_id, line=number, account=line.account, amount=line.amount
                ),
                entry_id=entry_id,
                line=number,
            )
        currency = line.amount.currency.code
        side = Side(line.side)
        net[currency][0 if side == Side.DEBIT else 1] += cents
        postings.append(CanonicalPosting(line.account, side.value, cents, currency, line.memo))
    for currency, (debits, credits) in sorted(net.items()):
        if debits != credits:
            raise UnbalancedEntryError(
                UNBALANCED.format(
                    entry_id=entry_id,
                    currency=currency,
                    debits=format_cents(debits, currency),
                    credits=format_cents(credits, currency),
                ),
                entry_id=entry_id,
                currency=currency,
            )
    return CanonicalEntry(
        kind=str(kind),
        effective_date=effective_date,
        memo=memo,
        source_ref=source_ref,
        reverses=str(reverses) if reverses else None,
        postings=tuple(postings),
    )


def check_currencies(
    entry_id: uuid.UUID, postings: Sequence[CanonicalPosting], accounts: dict[str, AccountRow]
) -> None:
    for number, posting in enumerate(postings, 1):
        expected = accounts[posting.account].currency
        if posting.currency != expected:
            raise CurrencyMismatchError(
                CURRENCY_MISMATCH.format(
                    entry_id=entry_id,
                    line=number,
                    account=posting.account,
                    expected=expected,
                    currency=posting.currency,
                ),
                entry_id=entry_id,
                line=number,
            )


def check_reversal_target(entry_id: uuid.UUID, reverses: uuid.UUID | None) -> None:
    if reverses is None:
        return
    target = JournalEntry.objects.filter(id=reverses, status=JournalEntry.Status.POSTED).first()
    if target is None:
        raise EntryNotFoundError(ENTRY_NOT_FOUND.format(entry_id=reverses), entry_id=reverses)
    reversal = JournalEntry.objects.filter(reverses=target).values_list("id", flat=True).first()
    if reversal is not None:
        raise AlreadyReversedError(
            ALREADY_REVERSED.format(entry_id=reverses, reversal=reversal),
            entry_id=reverses,
            reversal=reversal,
        )


def check_postable(
    entry_id: uuid.UUID, effective_date: datetime.date, accounts: Iterable[AccountRow]
) -> None:
    for account in sorted(accounts, key=lambda a: a.name):
        if account.is_placeholder:
            raise AccountNotPostableError(
                PLACEHOLDER_ACCOUNT.format(entry_id=entry_id, account=account.name),
                entry_id=entry_id,
                account=account.name,
            )
        if effective_date < account.opened_on or (
            account.closed_on is not None and effective_date > account.closed_on
        ):
            raise AccountNotPostableError(
                ACCOUNT_NOT_OPEN.format(
                    entry_id=entry_id,
                    account=account.name,
                    date=effective_date,
                    opened=account.opened_on,
                    closed=account.closed_on or "now",
                ),
                entry_id=entry_id,
                account=account.name,
            )


def check_bounds(
    entry_id: uuid.UUID, postings: Sequence[CanonicalPosting], accounts: dict[str, AccountRow]
) -> None:
    """Refuse an entry that would push a bounded account past its bound (over all history).

    Only an entry that moves an account toward its bound can break it, so a cash sale into a
    drawer costs nothing here; a paid-out reads the drawer's balance.
    """
    moves: dict[str, int] = defaultdict(int)  # debit-positive change per account
    for posting in postings:
        moves[posting.account] += posting.amount if posting.side == Side.DEBIT else -posting.amount
    bounded = {
        name: account
        for name, account in accounts.items()
        if (account.bound == Account.Bound.DEBITS_NOT_OVER_CREDITS and moves[name] > 0)
        or (account.bound == Account.Bound.CREDITS_NOT_OVER_DEBITS and moves[name] < 0)
    }
    if not bounded:
        return
    # The chain-head lock is held, so no other poster can move these balances meanwhile.
    totals = cumulative_totals(account_ids=[a.id for a in bounded.values()])
    for name, account in sorted(bounded.items()):
        debits, credits = totals.get(account.id, (0, 0))
        debits, credits = debits + max(moves[name], 0), credits + max(-moves[name], 0)
        over = (account.bound == Account.Bound.DEBITS_NOT_OVER_CREDITS and debits > credits) or (
            account.bound == Account.Bound.CREDITS_NOT_OVER_DEBITS and credits > debits
        )
        if over:
            raise BalanceBoundError(
                BOUND_EXCEEDED.format(
                    entry_id=entry_id,
                    account=name,
                    balance=format_cents(debits - credits, account.currency),
                    rule=Account.Bound(account.bound).label.lower(),
                ),
                entry_id=entry_id,
                account=name,
            )
