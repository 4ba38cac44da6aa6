"""Stripe payouts against the ledger: does each payout add up, and is clearing where it should be?

For each payout, from the balance transactions Stripe says it paid out:

- their nets add up to the payout amount;
- each one is in the ledger: a charge's fee as its fee entry (same amount), a refund as a
  completed refund of that amount, a dispute as its dispute entry; the payout itself as its
  bank entry (when paid).

And overall: Assets:Stripe:Clearing in the ledger equals what Stripe still holds for us by the
balance transactions we know of (their nets, less the payouts paid). After a payout of
everything, both are zero. Every difference is listed, in words a treasurer can act on.
"""

from dataclasses import dataclass, field

from django.db.models import Sum

from ledger.models import EntryKind, JournalEntry, Posting
from ledger.money import from_cents, to_cents
from ledger.selectors import account_balance
from pos.cards.models import BalanceTransaction, Payout
from pos.cards.postings import dispute_ref, fee_ref, payout_ref
from pos.models import Refund
from pos.selectors import CARD_CLEARING_ACCOUNT


@dataclass(frozen=True)
class PayoutCheck:
    payout: Payout
    transactions: list[BalanceTransaction]
    transactions_net: int
    mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reconciliation:
    payouts: list[PayoutCheck]
    clearing_in_ledger: int
    clearing_expected: int
    mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches and all(not check.mismatches for check in self.payouts)


def money(cents: int) -> str:
    return str(from_cents(cents, "USD"))


def reconcile(*, payout_id: str | None = None) -> Reconciliation:
    """Check every payout (or one) and the clearing balance; list each mismatch."""
    payouts = Payout.objects.all()
    if payout_id is not None:
        payouts = payouts.filter(id=payout_id)
    checks = [_check_payout(payout) for payout in payouts]
    known = BalanceTransaction.objects.exclude(type="payout").aggregate(net=Sum("net"))["net"]
    paid = Payout.objects.filter(status=Payout.Status.PAID).aggregate(total=Sum("amount"))
    expected = (known or 0) - (paid["total"] or 0)
    in_ledger = to_cents(account_balance(account=CARD_CLEARING_ACCOUNT))
    mismatches = []
    if in_ledger != expected:
        mismatches.append(
            f"Clearing is {money(in_ledger)} in the ledger but Stripe holds {money(expected)} "
            f"by its balance transactions: {money(in_ledger - expected)} unexplained"
        )
    return Reconciliation(checks, in_ledger, expected, mismatches)


def _check_payout(payout: Payout) -> PayoutCheck:
    transactions = list(payout.transactions.exclude(type="payout"))
    net = sum(txn.net for txn in transactions)
    mismatches = []
    if net != payout.amount:
        mismatches.append(
            f"Its balance transactions add up to {money(net)}, the payout is {money(payout.amount)}"
        )
    if payout.status == Payout.Status.PAID:
        posted = _entry_total(EntryKind.PAYOUT, payout_ref(payout.id))
        if posted != payout.amount:
            mismatches.append(
                f"The ledger has {money(posted)} for the payout, not {money(payout.amount)}"
            )
    for txn in transactions:
        problem = _check_transaction(txn)
        if problem:
            mismatches.append(f"{txn.id} ({txn.type} {txn.source}): {problem}")
    return PayoutCheck(payout, transactions, net, mismatches)


def _check_transaction(txn: BalanceTransaction) -> str:
    if txn.type in ("charge", "payment"):
        posted = _entry_total(EntryKind.PAYMENT_FEE, fee_ref(txn.id))
        if posted != txn.fee:
            return f"fee {money(txn.fee)} but the ledger has {money(posted)} for it"
    elif txn.type == "refund":
        refund = Refund.objects.filter(gateway_reference=txn.source).first()
        if refund is None or refund.status != Refund.Status.COMPLETED:
            return f"refund of {money(-txn.amount)} not recorded as a completed refund"
        if refund.total != -txn.amount:
            return f"refund of {money(-txn.amount)} recorded as {money(refund.total)}"
    elif txn.type == "adjustment":
        posted = _entry_total(EntryKind.ADJUSTMENT, dispute_ref(txn.source))
        if posted != -txn.net:
            return f"dispute took {money(-txn.net)} but the ledger has {money(posted)} for it"
    else:
        return f"a {txn.type} of {money(txn.net)} the point of sale does not post"
    return ""


def _entry_total(kind: str, source_ref: str) -> int:
    """Cents the posted entry of this source (net of a reversal) took out of clearing."""
    entries = JournalEntry.objects.filter(
        status=JournalEntry.Status.POSTED, kind=kind, source_ref=source_ref
    )
    total = 0
    for entry in entries:
        if JournalEntry.objects.filter(reverses=entry).exists():
            continue
        total += (
            Posting.objects.filter(
                entry=entry, account__name=CARD_CLEARING_ACCOUNT, side="C"
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
    return total
