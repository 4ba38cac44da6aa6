"""Card flows with the fake gateway: Terminal reader, tips, holds, declines, cancels, timeouts.

Figures: burger (medium) $12 + fries $4.50 = $16.50, tax 8.25% -> $1.36, total $17.86. The fake
charges Stripe Terminal's US fee, 2.7% + 5 cents rounded half-up.
"""

import uuid

import pytest
from django.db import connection

from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos.cards import postings, terminal
from pos.cards.models import BalanceTransaction, CardAttempt
from pos.cards.postings import fee_ref
from pos.cards.terminal import cancel_attempt, hold_card
from pos.exceptions import PaymentDeclinedError
from pos.models import Payment, Tab
from pos.services.checkout import pay_card
from tests.cards.conftest import check_with, deliver_all
from tests.pos.conftest import usd

pytestmark = pytest.mark.django_db


def pay(venue, tab, amount, tip="0.00", **kwargs):
    return pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount), tip=usd(tip),
                    staff=venue.cashier, device=venue.tablet, **kwargs)  # fmt: skip


def fee_entry(txn):
    entry = JournalEntry.objects.get(source_ref=fee_ref(txn))
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def test_a_terminal_sale_waits_for_the_card_then_the_webhook_closes_it_with_the_reader_tip(
    venue, fake, reader, client
):
    """$17.86 on the bar reader; the guest picks a $3.00 tip there: $20.86, fee $0.61."""
    tab = check_with(venue, venue.burger, venue.fries)
    payment = pay(venue, tab, "17.86")
    assert payment.status == Payment.Status.PENDING
    attempt = CardAttempt.objects.get(id=payment.id)
    assert (attempt.status, attempt.reader, attempt.amount) == ("processing", reader, 1786)
    assert fake.reader("tmr_bar_1").action_status == "in_progress"
    tab.refresh_from_db()
    assert tab.status == Tab.Status.OPEN, "never paid before the PaymentIntent succeeded"

    fake.present_card("tmr_bar_1", tip=300)
    deliver_all(client, fake)

    payment.refresh_from_db()
    tab.refresh_from_db()
    assert (payment.status, payment.tip) == (Payment.Status.CAPTURED, 300)
    assert (tab.status, tab.tips, tab.total) == (Tab.Status.CLOSED, 300, 1786)
    assert fake.charged[payment.gateway_reference] == 2086
    txn = fake.payment(payment.gateway_reference).balance_transaction
    assert fee_entry(txn) == [("C", "Assets:Stripe:Clearing", 61), ("D", "Expenses:CardFees", 61)]
    assert account_balance(account="Assets:Stripe:Clearing") == usd("20.25")
    assert verify_ledger().ok


def test_a_declined_card_on_the_reader_leaves_the_check_open_with_the_reason(
    venue, fake, reader, client
):
    tab = check_with(venue, venue.burger, venue.fries)
    payment = pay(venue, tab, "17.86")
    fake.present_card("tmr_bar_1", decline=True)
    deliver_all(client, fake)

    payment.refresh_from_db()
    tab.refresh_from_db()
    assert payment.status == Payment.Status.DECLINED
    assert tab.status == Tab.Status.OPEN
    assert CardAttempt.objects.get(id=payment.id).reason == "Card declined"
    assert fake.charged == {}


def test_a_reader_that_times_out_fails_the_attempt_and_a_late_tap_cannot_charge(
    venue, fake, reader, client
):
    tab = check_with(venue, venue.burger, venue.fries)
    payment = pay(venue, tab, "17.86")
    fake.reader_timeout("tmr_bar_1")
    deliver_all(client, fake)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.DECLINED
    attempt = CardAttempt.objects.get(id=payment.id)
    assert attempt.reason == "The reader timed out waiting for a card"
    assert fake.payment(payment.gateway_reference).status == "canceled"


def test_the_tablet_sees_the_attempt_state_and_the_demo_flag(venue, fake, reader, client):
    from pos.cards.apis import CardAttemptSerializer

    tab = check_with(venue, venue.burger, venue.fries)
    payment = pay(venue, tab, "17.86")
    fake.reader_timeout("tmr_bar_1")
    deliver_all(client, fake)
    attempt = CardAttempt.objects.select_related("reader").get(id=payment.id)
    data = CardAttemptSerializer(attempt).data
    assert (data["status"], data["reason"], data["reader"], data["demo"]) == (
        "failed", "The reader timed out waiting for a card", "Bar reader", True,
    )  # fmt: skip


def test_cancelling_on_the_tablet_stops_the_reader_and_the_payment(venue, fake, reader, client):
    tab = check_with(venue, venue.burger, venue.fries)
    payment = pay(venue, tab, "17.86")
    attempt = cancel_attempt(attempt_id=payment.id, staff=venue.cashier, device=venue.tablet)
    assert attempt.status == CardAttempt.Status.CANCELLED
    assert fake.reader("tmr_bar_1").action_status == ""
    deliver_all(client, fake)
    payment.refresh_from_db()
    tab.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert tab.status == Tab.Status.OPEN


def test_a_card_declined_without_a_reader_raises_and_leaves_the_check_open(venue, fake):
    tab = check_with(venue, venue.burger, venue.fries)
    attempt = uuid.uuid4()
    fake.decline_attempts.add(attempt)
    with pytest.raises(PaymentDeclinedError):
        pay_card(tab_id=tab.id, payment_id=attempt, amount=usd("17.86"), staff=venue.cashier,
                 device=venue.tablet)  # fmt: skip
    tab.refresh_from_db()
    assert tab.status == Tab.Status.OPEN
    assert CardAttempt.objects.get(id=attempt).reason == "Card declined"


def test_a_tip_after_payment_is_captured_by_overcapture_up_to_twenty_percent(venue, fake):
    """Hold $17.86; the guest writes a $3.50 tip: capture $21.36 (allowed up to $21.43)."""
    tab = check_with(venue, venue.burger, venue.fries)
    hold = hold_card(tab_id=tab.id, hold_id=uuid.uuid4(), amount=usd("17.86"),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip
    assert hold.status == CardAttempt.Status.AUTHORIZED
    assert hold.capture_before is not None

    with pytest.raises(PaymentDeclinedError):
        pay(venue, tab, "17.86", tip="4.00", hold_id=hold.id)  # $21.86 > $21.43
    payment = pay(venue, tab, "17.86", tip="3.50", hold_id=hold.id)

    tab.refresh_from_db()
    hold.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert (tab.status, tab.tips) == (Tab.Status.CLOSED, 350)
    assert (hold.status, hold.captured_by) == (CardAttempt.Status.SUCCEEDED, payment)
    assert fake.charged[hold.payment_intent] == 2136
    # Fee 2.7% of $21.36 = 57.672 -> 58 cents, + 5 = $0.63; clearing keeps $21.36 - $0.63.
    assert account_balance(account="Assets:Stripe:Clearing") == usd("20.73")
    assert verify_ledger().ok


def test_a_bar_tab_hold_is_captured_for_the_check_and_released_holds_charge_nothing(venue, fake):
    """A $50 hold opens the tab; the check comes to $17.86 with a $2 tip: $19.86 captured."""
    tab = check_with(venue, venue.burger, venue.fries)
    hold = hold_card(tab_id=tab.id, hold_id=uuid.uuid4(), amount=usd("50.00"),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip
    again = hold_card(tab_id=tab.id, hold_id=hold.id, amount=usd("50.00"),
                      staff=venue.cashier, device=venue.tablet)  # fmt: skip
    assert again.payment_intent == hold.payment_intent
    assert fake.held == {hold.payment_intent: 5000}, "a retried hold holds once"

    payment = pay(venue, tab, "17.86", tip="2.00", hold_id=hold.id)
    assert payment.status == Payment.Status.CAPTURED
    assert fake.charged[hold.payment_intent] == 1986
    assert fake.held == {}

    other = check_with(venue, venue.fries)
    released = hold_card(tab_id=other.id, hold_id=uuid.uuid4(), amount=usd("30.00"),
                         staff=venue.cashier, device=venue.tablet)  # fmt: skip
    cancel_attempt(attempt_id=released.id, staff=venue.cashier, device=venue.tablet)
    released.refresh_from_db()
    assert released.status == CardAttempt.Status.CANCELLED
    assert released.payment_intent not in fake.charged
    with pytest.raises(PaymentDeclinedError):
        pay(venue, other, "4.87", hold_id=released.id)


def test_a_fee_the_ledger_refuses_is_logged_and_the_paid_check_still_closes(venue, fake, caplog):
    """$17.86 by card at the counter, the card-fee account made a placeholder: no fee can post.

    The money was taken, so the payment is captured and the check closed all the same; the fee
    is logged as not posted (reconcile_stripe would list it as missing).
    """
    Account.objects.filter(name="Expenses:CardFees").update(is_placeholder=True)
    tab = check_with(venue, venue.burger, venue.fries)

    payment = pay(venue, tab, "17.86")

    tab.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert (tab.status, tab.total) == (Tab.Status.CLOSED, 1786)
    txn = fake.payment(payment.gateway_reference).balance_transaction
    assert not JournalEntry.objects.filter(source_ref=fee_ref(txn)).exists()
    assert BalanceTransaction.objects.get(id=txn).fee == 53, "the processor's record is kept"
    assert f"Card fee of {payment.gateway_reference} not posted" in caplog.text
    assert "Expenses:CardFees is a placeholder and takes no postings" in caplog.text
    assert account_balance(account="Assets:Stripe:Clearing") == usd("17.86")
    assert verify_ledger().ok


def test_a_fee_the_database_refuses_is_logged_and_the_sale_stands(venue, fake, caplog, monkeypatch):
    """A fee entry's write that the database refuses (not the ledger's typed refusal) is
    logged, not a failed request; inside a transaction (here the test's) it is undone alone,
    where on PostgreSQL it would otherwise break the whole transaction."""

    def refused(**entry):
        with connection.cursor() as cursor:  # a second row with the charge's id
            cursor.execute("INSERT INTO cards_balancetransaction SELECT * FROM "
                           "cards_balancetransaction")  # fmt: skip

    monkeypatch.setattr(postings, "post_entry", refused)
    tab = check_with(venue, venue.burger, venue.fries)

    payment = pay(venue, tab, "17.86")

    tab.refresh_from_db()
    assert (payment.status, tab.status) == (Payment.Status.CAPTURED, Tab.Status.CLOSED)
    assert f"Card fee of {payment.gateway_reference} not posted" in caplog.text
    assert BalanceTransaction.objects.count() == 1
    assert account_balance(account="Assets:Stripe:Clearing") == usd("17.86")
    assert verify_ledger().ok


def test_a_balance_transaction_the_database_refuses_is_logged_and_the_sale_stands(
    venue, fake, caplog, monkeypatch
):
    """The processor's record refused by the database (here a statement that breaks a unique
    key) is logged, the fee left for reconcile_stripe to list; in its own savepoint the refusal
    leaves the transaction (here the test's) usable, where PostgreSQL would refuse the rest."""

    def refused(txn):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO ledger_account SELECT * FROM ledger_account")

    monkeypatch.setattr(terminal, "record_transaction", refused)
    tab = check_with(venue, venue.burger, venue.fries)

    payment = pay(venue, tab, "17.86")

    assert f"Card fee of {payment.gateway_reference} not posted" in caplog.text
    tab.refresh_from_db()
    assert (payment.status, tab.status) == (Payment.Status.CAPTURED, Tab.Status.CLOSED)
    assert not BalanceTransaction.objects.exists()
    assert account_balance(account="Assets:Stripe:Clearing") == usd("17.86")
    assert verify_ledger().ok


def test_a_card_close_takes_its_fee_from_the_charges_answer_without_asking_again(
    venue, fake, monkeypatch
):
    """$17.86 at the counter: fee 2.7% = 48.222 -> 48 cents, + 5 = $0.53. The charge's answer
    carries its balance transaction, so neither the PaymentIntent nor the balance transaction
    is fetched for the fee (with Stripe, no API call after the charge while the tablet
    waits)."""

    def asked_again(reference):
        raise AssertionError(f"{reference} fetched again")

    monkeypatch.setattr(fake, "payment", asked_again)
    monkeypatch.setattr(fake, "balance_transaction", asked_again)
    tab = check_with(venue, venue.burger, venue.fries)

    payment = pay(venue, tab, "17.86")

    assert payment.status == Payment.Status.CAPTURED
    [txn] = BalanceTransaction.objects.filter(type="charge")
    assert (txn.amount, txn.fee, txn.payment_intent) == (1786, 53, payment.gateway_reference)
    assert fee_entry(txn.id) == [
        ("C", "Assets:Stripe:Clearing", 53),
        ("D", "Expenses:CardFees", 53),
    ]
    assert account_balance(account="Assets:Stripe:Clearing") == usd("17.33")
