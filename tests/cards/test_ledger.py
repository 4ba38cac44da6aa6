"""Card money in the ledger with the fake gateway: refunds, a dispute, payouts reconciled.

Fees are Stripe Terminal's US rate, 2.7% + 5 cents rounded half-up: $17.86 -> 48.22 -> $0.53;
$4.87 (fries, $4.50 + $0.37 tax) -> 13.149 -> $0.18; $12.99 (burger) -> 35.073 -> $0.40.
"""

import datetime
import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos.cards.models import Payout, StripeEvent
from pos.cards.postings import dispute_ref, payout_ref
from pos.cards.reconciliation import reconcile
from pos.models import Refund
from pos.services.checkout import pay_card
from pos.services.refunds import refund_lines
from tests.cards.conftest import check_with, deliver, deliver_all
from tests.pos.conftest import usd

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 2, 20)


def paid(venue, *items, amount):
    tab = check_with(venue, *items)
    payment = pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount),
                       staff=venue.cashier, device=venue.tablet)  # fmt: skip
    return tab, payment


def refund(venue, tab, line, quantity=1):
    return refund_lines(refund_id=uuid.uuid4(), tab_id=tab.id, lines=[(line.id, quantity)],
                        reason="cold", staff=venue.cashier, device=venue.tablet,
                        approved_by=venue.manager)  # fmt: skip


def clearing():
    return account_balance(account="Assets:Stripe:Clearing")


def test_partial_then_full_card_refunds_credit_clearing_and_are_keyed_by_refund(venue, fake):
    """$17.86 paid (fee $0.53): refund the fries ($4.87), then the burger ($12.99)."""
    tab, payment = paid(venue, venue.burger, venue.fries, amount="17.86")
    burger, fries = sorted(tab.lines.all(), key=lambda line: line.name)
    first = refund(venue, tab, fries)
    assert first.status == Refund.Status.COMPLETED
    assert clearing() == usd("17.86") - usd("0.53") - usd("4.87")
    second = refund(venue, tab, burger)
    assert second.total == 1299
    assert fake.refunded[payment.gateway_reference] == 1786
    assert clearing() == usd("-0.53"), "the fee stays with Stripe"
    assert verify_ledger().ok


def test_two_partial_refunds_of_the_same_amount_are_two_refunds(venue, fake):
    tab, payment = paid(venue, venue.fries, venue.fries, amount="9.74")
    one, two = tab.lines.all()
    refund(venue, tab, one)
    refund(venue, tab, two)
    assert fake.refunded[payment.gateway_reference] == 974
    assert Refund.objects.filter(tab=tab, status=Refund.Status.COMPLETED).count() == 2


def test_a_dispute_moves_the_amount_and_its_fee_out_of_clearing_once(venue, fake, client):
    _, payment = paid(venue, venue.burger, venue.fries, amount="17.86")
    dispute = fake.open_dispute(payment.gateway_reference)
    event = fake.events[-1]
    for _ in range(3):
        assert deliver(client, event).status_code == 200

    entry = JournalEntry.objects.get(source_ref=dispute_ref(dispute))
    assert sorted((p.side, p.account.name, p.amount) for p in entry.postings.all()) == [
        ("C", "Assets:Stripe:Clearing", 1786 + 1500),
        ("D", "Assets:Stripe:Disputed", 1786),
        ("D", "Expenses:CardFees", 1500),
    ]
    assert clearing() == usd("-15.53")
    assert StripeEvent.objects.filter(id=event["id"]).count() == 1
    assert verify_ledger().ok


def payout_day(venue, fake, client, *, late_fee=False):
    """Three card checks (one with its fee unknown when paid if late_fee), a refund, a payout."""
    if late_fee:
        attempt = uuid.uuid4()
        fake.late_fee_attempts.add(attempt)
        tab = check_with(venue, venue.burger)
        pay_card(tab_id=tab.id, payment_id=attempt, amount=usd("12.99"), staff=venue.cashier,
                 device=venue.tablet)  # fmt: skip
    else:
        paid(venue, venue.burger, amount="12.99")
    tab, _ = paid(venue, venue.burger, venue.fries, amount="17.86")
    paid(venue, venue.fries, amount="4.87")
    fries = next(line for line in tab.lines.all() if line.name == "Fries")
    refund(venue, tab, fries)
    deliver_all(client, fake)
    since = len(fake.events)
    payout = fake.create_payout(arrival_date=FRIDAY)
    deliver_all(client, fake, since)
    return payout


def test_a_payout_reconciles_and_clearing_is_back_to_zero(venue, fake, client):
    """Charges 12.99 + 17.86 + 4.87 = 35.72; fees 0.40 + 0.53 + 0.18 = 1.11; refund 4.87."""
    payout_id = payout_day(venue, fake, client)
    payout = Payout.objects.get(id=payout_id)
    assert (payout.status, payout.amount) == (Payout.Status.PAID, 3572 - 111 - 487)
    entry = JournalEntry.objects.get(source_ref=payout_ref(payout_id))
    assert sorted((p.side, p.account.name, p.amount) for p in entry.postings.all()) == [
        ("C", "Assets:Stripe:Clearing", 2974), ("D", "Assets:Bank:Checking", 2974),
    ]  # fmt: skip
    report = reconcile()
    assert report.ok, report
    assert (report.clearing_in_ledger, report.clearing_expected) == (0, 0)
    out = io.StringIO()
    call_command("reconcile_stripe", "--payout", payout_id, stdout=out)
    assert "ledger $0.00, expected $0.00" in out.getvalue()
    assert "Reconciled" in out.getvalue()
    assert verify_ledger().ok


def test_a_payout_with_a_fee_missing_from_the_ledger_is_reported(venue, fake, client):
    payout_id = payout_day(venue, fake, client, late_fee=True)
    report = reconcile(payout_id=payout_id)
    assert not report.ok
    [check] = report.payouts
    [problem] = check.mismatches
    assert problem.endswith("fee $0.40 but the ledger has $0.00 for it")
    assert report.mismatches == [
        "Clearing is $0.40 in the ledger but Stripe holds $0.00 by its balance transactions: "
        "$0.40 unexplained"
    ]
    out = io.StringIO()
    with pytest.raises(CommandError, match="does not reconcile"):
        call_command("reconcile_stripe", stdout=out)
    assert "MISMATCH" in out.getvalue()


def test_a_payout_that_fails_after_it_was_paid_is_reversed(venue, fake, client):
    payout_id = payout_day(venue, fake, client)
    fake._payouts[payout_id].status = "failed"
    event = {"id": "evt_failed_1", "type": "payout.failed",
             "data": {"object": {"id": payout_id, "object": "payout"}}}  # fmt: skip
    assert deliver(client, event).status_code == 200
    payout = Payout.objects.get(id=payout_id)
    assert payout.status == Payout.Status.FAILED
    assert payout.reversal_entry_id
    assert clearing() == usd("29.74")
    assert verify_ledger().ok


def test_a_pending_refund_posts_when_its_refund_updated_webhook_says_it_succeeded(
    venue, fake, client
):
    tab, _ = paid(venue, venue.fries, amount="4.87")
    fake.pending_refunds = True
    pending = refund(venue, tab, tab.lines.get())
    assert pending.status == Refund.Status.PENDING
    assert pending.ledger_entry_id is None
    since = deliver_all(client, fake)
    pending.refresh_from_db()
    assert pending.status == Refund.Status.PENDING, "charge.refunded alone: still pending"

    [reference] = fake._refunds
    fake.settle_refund(reference)
    deliver_all(client, fake, since)
    pending.refresh_from_db()
    assert (pending.status, pending.gateway_reference) == (Refund.Status.COMPLETED, reference)
    assert clearing() == usd("-0.18")
    assert verify_ledger().ok
