"""Contract tests of StripeGateway against localstripe, a fake stateful Stripe server.

The session starts localstripe on a free loopback port and kills it at the end; each test
resets its data. localstripe has no Terminal, no fees and ignores idempotency keys, so this
covers what it does: PaymentIntent create/confirm with `pm_card_visa` (standing in for a
card_present tap, STRIPE_TEST_PAYMENT_METHOD), a decline, manual capture, cancel, partial and
full refunds, and its signed webhooks delivered to our live endpoint.
"""

import json
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos import gateway as gateway_module
from pos.cards.models import BalanceTransaction, CardAttempt, StripeEvent
from pos.cards.terminal import cancel_attempt, hold_card
from pos.exceptions import PaymentDeclinedError
from pos.gateway import GatewayUnavailableError
from pos.models import Activity, Payment, Refund, Tab
from pos.services.checkout import pay_card
from pos.services.refunds import refund_lines
from tests.cards.conftest import WEBHOOK_SECRET, check_with, sign
from tests.pos.conftest import usd

API_KEY = "sk_test_12345"
SERVER = Path(__file__).with_name("localstripe_server.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base: str, method: str, path: str, data: bytes | None = None) -> dict:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our loopback
        body = response.read()
    return json.loads(body) if body else {}


@pytest.fixture(scope="session")
def localstripe():
    """localstripe on 127.0.0.1:<free port> for the session; killed (by its pid) at the end."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/v1/balance")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("localstripe did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def stripe(localstripe, settings):
    """Point the gateway at a reset localstripe, in test mode without a reader."""
    call(localstripe, "DELETE", "/_config/data")
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_TEST_PAYMENT_METHOD = "pm_card_visa"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    gateway_module._gateways.clear()
    yield localstripe
    gateway_module._gateways.clear()


def pay(venue, tab, amount, tip="0.00", **kwargs):
    return pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount), tip=usd(tip),
                    staff=venue.cashier, device=venue.tablet, **kwargs)  # fmt: skip


@pytest.mark.django_db
def test_a_card_sale_and_its_partial_and_full_refunds_on_localstripe(venue, stripe, monkeypatch):
    """$17.86 + $2 tip charged; the fries ($4.87), then the burger ($12.99) refunded.

    The confirm's answer (its latest charge and that charge's balance transaction expanded)
    carries the balance transaction: neither the PaymentIntent nor the balance transaction is
    fetched again for it."""
    tab = check_with(venue, venue.burger, venue.fries)
    with monkeypatch.context() as patch:
        patch.setattr(gateway_module.get_gateway(), "payment", asked_again)
        patch.setattr(gateway_module.get_gateway(), "balance_transaction", asked_again)
        payment = pay(venue, tab, "17.86", tip="2.00")
    tab.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.gateway_reference.startswith("pi_")
    assert tab.status == Tab.Status.CLOSED
    intent = call(stripe, "GET", f"/v1/payment_intents/{payment.gateway_reference}")
    assert (intent["status"], intent["amount"]) == ("succeeded", 1986)
    assert intent["metadata"] == {"attempt_id": str(payment.id)}
    [charge_txn] = BalanceTransaction.objects.filter(type="charge")
    assert (charge_txn.amount, charge_txn.fee, charge_txn.net) == (1986, 0, 1986)
    assert intent["latest_charge"]["balance_transaction"] == charge_txn.id
    assert not JournalEntry.objects.filter(kind="payment_fee").exists(), "localstripe: no fees"

    burger, fries = sorted(tab.lines.all(), key=lambda line: line.name)
    for line in (fries, burger):
        refund = refund_lines(refund_id=uuid.uuid4(), tab_id=tab.id, lines=[(line.id, 1)],
                              reason="cold", staff=venue.cashier, device=venue.tablet,
                              approved_by=venue.manager)  # fmt: skip
        assert refund.status == Refund.Status.COMPLETED
        assert refund.gateway_reference.startswith("re_")
    refunds = call(stripe, "GET", f"/v1/refunds?payment_intent={payment.gateway_reference}")
    assert sorted(r["amount"] for r in refunds["data"]) == [487, 1299]
    assert sorted(t.amount for t in BalanceTransaction.objects.filter(type="refund")) == [
        -1299, -487,
    ]  # fmt: skip
    assert account_balance(account="Assets:Stripe:Clearing") == usd("2.00")
    assert verify_ledger().ok


@pytest.mark.django_db
def test_a_declined_card_leaves_the_check_open_with_stripes_reason(venue, stripe, settings):
    settings.STRIPE_TEST_PAYMENT_METHOD = "pm_card_chargeCustomerFail"
    gateway_module._gateways.clear()
    tab = check_with(venue, venue.fries)
    with pytest.raises(PaymentDeclinedError) as declined:
        pay(venue, tab, "4.87")
    tab.refresh_from_db()
    assert tab.status == Tab.Status.OPEN
    assert declined.value.extra["reason"]
    attempt = CardAttempt.objects.get(tab=tab)
    assert (attempt.status, attempt.reason) == ("failed", declined.value.extra["reason"])


@pytest.mark.django_db
def test_a_hold_is_captured_for_less_and_another_is_cancelled(venue, stripe):
    """Hold $25 for a tab of $17.86 + $2.00 tip: $19.86 captured; a $30 hold released."""
    tab = check_with(venue, venue.burger, venue.fries)
    hold = hold_card(tab_id=tab.id, hold_id=uuid.uuid4(), amount=usd("25.00"),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip
    assert hold.status == CardAttempt.Status.AUTHORIZED
    intent = call(stripe, "GET", f"/v1/payment_intents/{hold.payment_intent}")
    assert (intent["status"], intent["capture_method"]) == ("requires_capture", "manual")

    payment = pay(venue, tab, "17.86", tip="2.00", hold_id=hold.id)
    assert payment.status == Payment.Status.CAPTURED
    intent = call(stripe, "GET", f"/v1/payment_intents/{hold.payment_intent}")
    assert intent["status"] == "succeeded"
    hold.refresh_from_db()
    assert hold.status == CardAttempt.Status.SUCCEEDED

    other = check_with(venue, venue.fries)
    released = hold_card(tab_id=other.id, hold_id=uuid.uuid4(), amount=usd("30.00"),
                         staff=venue.cashier, device=venue.tablet)  # fmt: skip
    cancel_attempt(attempt_id=released.id, staff=venue.cashier, device=venue.tablet)
    intent = call(stripe, "GET", f"/v1/payment_intents/{released.payment_intent}")
    assert intent["status"] == "canceled"


class LostAnswer:
    """A gateway whose charge reaches Stripe but whose answer is lost on the way back."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def charge(self, **kwargs):
        self.inner.charge(**kwargs)
        raise GatewayUnavailableError("connection reset")


def wait_for(condition, what: str):
    for _ in range(300):  # localstripe sends webhooks about a second after the event
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_webhooks_from_localstripe_finish_a_payment_once_however_often_they_arrive(
    venue, stripe, live_server, client, monkeypatch
):
    """The charge's answer is lost; payment_intent.succeeded closes the check instead."""
    body = f"url={live_server.url}/stripe/webhook/&secret={WEBHOOK_SECRET}".encode()
    call(stripe, "POST", "/_config/webhooks/tillshare", body)
    tab = check_with(venue, venue.burger, venue.fries)
    lossy = LostAnswer(gateway_module.get_gateway())
    monkeypatch.setattr("pos.cards.terminal.get_gateway", lambda: lossy)
    payment_id = uuid.uuid4()
    with pytest.raises(GatewayUnavailableError):
        pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("17.86"), staff=venue.cashier,
                 device=venue.tablet)  # fmt: skip
    assert Payment.objects.get(id=payment_id).status == Payment.Status.PENDING
    monkeypatch.undo()

    # localstripe's own delivery arrives and is processed: the check closes.
    def captured():
        return Payment.objects.get(id=payment_id).status == Payment.Status.CAPTURED

    wait_for(captured, "payment_intent.succeeded from localstripe")
    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    intent = Payment.objects.get(id=payment_id).gateway_reference
    succeeded = StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=intent)
    assert succeeded.get().processed_at is not None

    # Every event again, three times each, shuffled: stored once, nothing done twice.
    events = call(stripe, "GET", "/v1/events")["data"]
    assert {e["type"] for e in events} >= {"payment_intent.succeeded"}
    deliveries = events * 3
    random.Random(6).shuffle(deliveries)
    for event in deliveries:
        payload = json.dumps(event).encode()
        response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=sign(payload))  # fmt: skip
        assert response.status_code == 200
    # (Events of the previous test's objects, delivered late after the reset, find nothing.)
    assert StripeEvent.objects.filter(id__in=[e["id"] for e in events]).count() == len(events)
    assert Activity.objects.filter(action="tab.close", tab=tab).count() == 1
    assert Payment.objects.filter(tab=tab, status=Payment.Status.CAPTURED).count() == 1

    # A webhook signed with another secret is refused and changes nothing.
    forged = {**events[0], "id": "evt_forged"}
    payload = json.dumps(forged).encode()
    response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_other"))  # fmt: skip
    assert response.status_code == 400
    assert not StripeEvent.objects.filter(id="evt_forged").exists()
    assert verify_ledger().ok


class KeyRecorder:
    """Wraps one Stripe service method of the gateway's client: records each idempotency key."""

    def __init__(self, keys: list, method):
        self.keys, self.method = keys, method

    def __call__(self, *args):
        self.keys.append(args[-1]["idempotency_key"])
        return self.method(*args)


@pytest.mark.django_db
def test_every_call_carries_a_key_from_our_own_uuid_namespaced_per_endpoint(venue, stripe):
    gateway = gateway_module.get_gateway()
    keys: list[str] = []
    services = gateway.client.v1
    for service, name in ((services.payment_intents, "create"),
                          (services.payment_intents, "capture"),
                          (services.payment_intents, "cancel"),
                          (services.refunds, "create")):  # fmt: skip
        setattr(service, name, KeyRecorder(keys, getattr(service, name)))

    tab = check_with(venue, venue.fries, venue.fries)
    hold_id, payment_id = uuid.uuid4(), uuid.uuid4()
    hold_card(tab_id=tab.id, hold_id=hold_id, amount=usd("20.00"), staff=venue.cashier,
              device=venue.tablet)  # fmt: skip
    pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("9.74"), hold_id=hold_id,
             staff=venue.cashier, device=venue.tablet)  # fmt: skip
    refund_ids = [uuid.uuid4(), uuid.uuid4()]
    for refund_id, line in zip(refund_ids, tab.lines.all(), strict=True):
        # Two partial refunds of the same amount: two keys, two refunds.
        refund_lines(refund_id=refund_id, tab_id=tab.id, lines=[(line.id, 1)], reason="cold",
                     staff=venue.cashier, device=venue.tablet,
                     approved_by=venue.manager)  # fmt: skip
    other = check_with(venue, venue.fries)
    released = uuid.uuid4()
    hold_card(tab_id=other.id, hold_id=released, amount=usd("5.00"), staff=venue.cashier,
              device=venue.tablet)  # fmt: skip
    cancel_attempt(attempt_id=released, staff=venue.cashier, device=venue.tablet)

    assert keys == [
        f"pi-create:{hold_id}", f"capture:{payment_id}",
        f"refund:{refund_ids[0]}", f"refund:{refund_ids[1]}",
        f"pi-create:{released}", f"cancel:{released}",
    ]  # fmt: skip


def asked_again(reference):
    raise AssertionError(f"{reference} fetched again")
