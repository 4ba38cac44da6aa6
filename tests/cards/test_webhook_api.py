"""The webhook endpoint and the tablet's view of a card attempt, over HTTP (fake gateway)."""

import json
import random
import uuid

import pytest

from ledger.models import JournalEntry
from pos.cards.models import CardAttempt, StripeEvent
from pos.models import Activity, Payment, Tab
from tests.cards.conftest import deliver, sign
from tests.pos.api.conftest import tab_with

pytestmark = pytest.mark.django_db


def card_payment(tablet, tab, amount):
    body = {"payment_id": str(uuid.uuid4()), "tender": "card", "amount": amount,
            "currency": "USD"}  # fmt: skip
    response = tablet.post(f"tabs/{tab.id}/payments", body, key=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    return response.json()["payment"]


def attempt_state(tablet, attempt_id):
    return tablet.client.get(f"/cards/attempts/{attempt_id}", headers=tablet.headers)


def test_a_reader_timeout_shows_on_the_tablet_as_a_failed_attempt_with_its_reason(
    venue, fake, reader, tablet, client
):
    tab, _ = tab_with(venue, venue.fries)
    payment = card_payment(tablet, tab, "4.87")
    assert payment["status"] == "pending"
    waiting = attempt_state(tablet, payment["id"]).json()
    assert (waiting["status"], waiting["status_display"], waiting["demo"]) == (
        "processing", "Waiting for the card", True,
    )  # fmt: skip

    fake.reader_timeout("tmr_bar_1")
    for event in fake.events:
        assert deliver(client, event).status_code == 200
    failed = attempt_state(tablet, payment["id"]).json()
    assert (failed["status"], failed["reason"]) == (
        "failed", "The reader timed out waiting for a card",
    )  # fmt: skip
    assert attempt_state(tablet, uuid.uuid4()).status_code == 404
    assert client.get(f"/cards/attempts/{payment['id']}").status_code in (401, 403)


def test_each_event_delivered_three_times_in_any_order_is_processed_once(
    venue, fake, reader, tablet, client
):
    tab, _ = tab_with(venue, venue.fries)
    payment = card_payment(tablet, tab, "4.87")
    fake.present_card("tmr_bar_1", tip=100)
    deliveries = fake.events * 3
    random.Random(6).shuffle(deliveries)
    for event in deliveries:
        assert deliver(client, event).status_code == 200

    assert StripeEvent.objects.count() == len(fake.events) == 2
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()
    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    assert Payment.objects.get(id=payment["id"]).tip == 100
    assert Activity.objects.filter(action="tab.close", tab=tab).count() == 1
    assert JournalEntry.objects.filter(kind="payment_fee").count() == 1


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    venue, fake, reader, tablet, client
):
    tab, _ = tab_with(venue, venue.fries)
    payment = card_payment(tablet, tab, "4.87")
    fake.present_card("tmr_bar_1")
    event = next(e for e in fake.events if e["type"] == "payment_intent.succeeded")
    forged = deliver(client, event, secret="whsec_not_ours")  # noqa: S106
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid_webhook"
    payload = json.dumps(event).encode()
    unsigned = client.post("/stripe/webhook/", data=payload, content_type="application/json")
    assert unsigned.status_code == 400
    tampered = client.post(
        "/stripe/webhook/", data=payload.replace(b"payment_intent", b"payment_intenT", 1),
        content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload),
    )  # fmt: skip
    assert tampered.status_code == 400
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get(id=payment["id"]).status == "pending"
    assert CardAttempt.objects.get(id=payment["id"]).status == "processing"


def test_an_event_about_an_object_stripe_does_not_have_is_done_with_the_reason(fake, client):
    event = {"id": "evt_orphan", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": "pi_not_ours", "object": "payment_intent"}}}  # fmt: skip
    assert deliver(client, event).status_code == 200
    stored = StripeEvent.objects.get(id="evt_orphan")
    assert stored.processed_at is not None
    assert stored.error == "No such object: pi_not_ours"


def cards_post(tablet, path, body=None):
    headers = {**tablet.headers, "Idempotency-Key": str(uuid.uuid4())}
    return tablet.client.post(f"/cards/{path}", data=json.dumps(body or {}),
                              content_type="application/json", headers=headers)  # fmt: skip


def test_a_bar_tab_hold_is_captured_and_another_released_through_the_api(venue, fake, tablet):
    tab, _ = tab_with(venue, venue.fries)
    hold_id = str(uuid.uuid4())
    held = cards_post(tablet, f"tabs/{tab.id}/holds", {"hold_id": hold_id, "amount": "40.00"})
    assert held.status_code == 201, held.json()
    assert (held.json()["status"], held.json()["amount"]) == ("authorized", 4000)

    body = {"payment_id": str(uuid.uuid4()), "amount": "4.87", "tip": "1.00"}
    captured = cards_post(tablet, f"holds/{hold_id}/capture", body)
    assert captured.status_code == 201, captured.json()
    assert (captured.json()["status"], captured.json()["tip"]) == ("captured", "1.00")
    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    assert fake.charged[CardAttempt.objects.get(id=hold_id).payment_intent] == 587

    other, _ = tab_with(venue, venue.fries)
    second = str(uuid.uuid4())
    cards_post(tablet, f"tabs/{other.id}/holds", {"hold_id": second, "amount": "20.00"})
    released = cards_post(tablet, f"attempts/{second}/cancel")
    assert released.status_code == 200
    assert released.json()["status"] == "cancelled"
    refused = cards_post(
        tablet, f"holds/{second}/capture", {**body, "payment_id": str(uuid.uuid4())}
    )
    assert refused.status_code == 402
    assert refused.json()["code"] == "payment_declined"
    assert cards_post(tablet, f"holds/{uuid.uuid4()}/capture", body).status_code == 404
