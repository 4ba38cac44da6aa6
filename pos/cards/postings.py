"""What Stripe's balance does to the ledger: fees, disputes and payouts.

A card sale debits Assets:Stripe:Clearing through the check's own sale entry (checkout), and a
card refund credits it through the refund's entry (refunds). What Stripe itself takes or moves
posts here, one entry per event, each idempotent by an entry id derived from the Stripe object
and unique by its source_ref:

- a charge's fee (from its balance transaction): Dr Expenses:CardFees, Cr clearing
  (source_ref "stripe-fee:<txn>");
- a dispute: Stripe withdraws the disputed amount and a dispute fee. Dr Assets:Stripe:Disputed
  (the money is withheld until the dispute closes), Dr Expenses:CardFees (the fee), Cr clearing
  (source_ref "stripe-dispute:<dispute>");
- a paid payout: Dr Assets:Bank:Checking, Cr clearing ("stripe-payout:<payout>"); a payout
  that fails after it was reported paid is reversed.

Every balance transaction seen is kept (BalanceTransaction), with the payout that paid it out,
for reconciliation (pos.cards.reconciliation).
"""

import uuid

from django.db import transaction

from ledger.chart import CHART_OPENED_ON
from ledger.models import Account, EntryKind
from ledger.money import from_cents
from ledger.services import credit, debit, post_entry, reverse_entry
from pos import sql
from pos.cards.models import BalanceTransaction, Payout
from pos.clock import business_date
from pos.gateway import BalanceTxn, DisputeState, PayoutState
from pos.selectors import CARD_CLEARING_ACCOUNT

CARD_FEES = "Expenses:CardFees"
DISPUTED = "Assets:Stripe:Disputed"
BANK = "Assets:Bank:Checking"
NAMESPACE = uuid.UUID("5d0b8f0e-2f7c-4f4e-8f55-3b1d6f0c9a21")


def usd(cents: int):
    return from_cents(cents, "USD")


def stripe_entry_id(source_ref: str) -> uuid.UUID:
    """The ledger entry id of a Stripe event: the same object always gives the same id."""
    return uuid.uuid5(NAMESPACE, source_ref)


def fee_ref(txn: str) -> str:
    return f"stripe-fee:{txn}"


def dispute_ref(dispute: str) -> str:
    return f"stripe-dispute:{dispute}"


def payout_ref(payout: str) -> str:
    return f"stripe-payout:{payout}"


def record_transaction(txn: BalanceTxn, payout: Payout | None = None) -> None:
    """Keep a balance transaction (and which payout paid it out, once known).

    One upsert by fixed SQL (pos.sql): a fee is recorded with every card payment. A payout
    already linked stays linked when the transaction arrives again without one.
    """
    fields = {
        "type": txn.type, "source": txn.source, "amount": txn.amount, "fee": txn.fee,
        "net": txn.net, "currency": txn.currency, "payment_intent": txn.payment_intent,
    }  # fmt: skip
    if payout is not None:
        fields["payout"] = payout
    sql.insert([BalanceTransaction(id=txn.reference, **fields)], on_conflict_update=list(fields))


def post_fee_entry(txn: BalanceTxn) -> None:
    """Post the fee of a charge's balance transaction (once, whatever the retries).

    It needs no transaction in common with `record_transaction(txn)`: the record is the
    processor's data, kept again by any retry, and the entry posts once by its id and source.
    """
    if txn.fee <= 0:
        return  # localstripe, or a processor that kept nothing: no entry to post
    source_ref = fee_ref(txn.reference)
    post_entry(
        entry_id=stripe_entry_id(source_ref),
        kind=EntryKind.PAYMENT_FEE,
        effective_date=business_date(),
        memo=f"Card fee on {txn.source}",
        source_ref=source_ref,
        lines=[debit(CARD_FEES, usd(txn.fee)), credit(CARD_CLEARING_ACCOUNT, usd(txn.fee))],
    )


@transaction.atomic
def post_dispute(dispute: DisputeState, txn: BalanceTxn | None) -> None:
    """Post what a dispute withdrew from the Stripe balance: the amount and the dispute fee."""
    if txn is not None:
        record_transaction(txn)
    disputed_account()
    source_ref = dispute_ref(dispute.reference)
    lines = [debit(DISPUTED, usd(dispute.amount), memo=f"disputed {dispute.payment_intent}")]
    if dispute.fee:
        lines.append(debit(CARD_FEES, usd(dispute.fee), memo="dispute fee"))
    lines.append(credit(CARD_CLEARING_ACCOUNT, usd(dispute.amount + dispute.fee)))
    post_entry(
        entry_id=stripe_entry_id(source_ref),
        kind=EntryKind.ADJUSTMENT,
        effective_date=business_date(),
        memo=f"Card dispute {dispute.reference} on {dispute.payment_intent}",
        source_ref=source_ref,
        lines=lines,
    )


@transaction.atomic
def post_payout(state: PayoutState) -> Payout:
    """Record a payout and its transactions; post it once paid, reverse it if it then fails."""
    payout = Payout.objects.select_for_update().filter(id=state.reference).first()
    status = Payout.Status.PAID if state.status == "paid" else Payout.Status.FAILED
    if payout is None:
        payout = Payout.objects.create(
            id=state.reference, amount=state.amount, currency=state.currency[:3],
            status=status, arrival_date=state.arrival_date,
        )  # fmt: skip
    for txn in state.transactions:
        record_transaction(txn, payout)
    source_ref = payout_ref(payout.id)
    if status == Payout.Status.PAID and payout.ledger_entry_id is None:
        entry = post_entry(
            entry_id=stripe_entry_id(source_ref),
            kind=EntryKind.PAYOUT,
            effective_date=state.arrival_date,
            memo=f"Stripe payout {payout.id}",
            source_ref=source_ref,
            lines=[
                debit(BANK, usd(state.amount)),
                credit(CARD_CLEARING_ACCOUNT, usd(state.amount)),
            ],
        )
        payout.ledger_entry_id = entry.id
    elif status == Payout.Status.FAILED and payout.ledger_entry_id and not payout.reversal_entry_id:
        # Reported paid, then failed: the money is back in the Stripe balance.
        reversal = reverse_entry(
            entry_id=stripe_entry_id(f"{source_ref}/failed"),
            reverses=payout.ledger_entry_id,
            effective_date=business_date(),
            memo=f"Stripe payout {payout.id} failed",
        )
        payout.reversal_entry_id = reversal.id
    payout.status = status
    payout.save()
    return payout


def disputed_account() -> Account:
    """Return Assets:Stripe:Disputed, creating it (under Assets:Stripe) the first time."""
    account = Account.objects.filter(name=DISPUTED).first()
    if account is None:
        parent = Account.objects.get(name=DISPUTED.rpartition(":")[0])
        account = Account.objects.create(
            name=DISPUTED, parent=parent, root_type=parent.root_type,
            normal_side=parent.normal_side, currency="USD", is_placeholder=False,
            opened_on=CHART_OPENED_ON,
            description="Disputed card payments withheld by Stripe until the dispute closes",
        )  # fmt: skip
    return account
