"""The fake gateway's hold flow: authorize, capture within the overcapture allowance, cancel."""

import uuid

from pos.cards.fake_gateway import FakeGateway


def test_a_hold_is_captured_with_a_tip_up_to_twenty_percent_over_and_only_once():
    gateway = FakeGateway()
    attempt = uuid.uuid4()
    held = gateway.authorize(attempt_id=attempt, amount=5000, currency="usd")
    assert held.status == "authorized"

    too_much = gateway.capture(attempt_id=uuid.uuid4(), reference=held.reference, amount=6001)
    assert too_much.status == "declined"
    capture_id = uuid.uuid4()
    captured = gateway.capture(attempt_id=capture_id, reference=held.reference, amount=6000)
    assert captured.status == "captured"
    # A retried capture answers the same; a new capture of the same hold finds nothing held.
    assert gateway.capture(attempt_id=capture_id, reference=held.reference, amount=6000) == captured
    again = gateway.capture(attempt_id=uuid.uuid4(), reference=held.reference, amount=100)
    assert again.status == "declined"
    assert gateway.charged == {held.reference: 6000}


def test_a_cancelled_hold_cannot_be_captured_and_a_declined_card_holds_nothing():
    gateway = FakeGateway()
    held = gateway.authorize(attempt_id=uuid.uuid4(), amount=2000, currency="usd")
    assert gateway.cancel(attempt_id=uuid.uuid4(), reference=held.reference).status == "cancelled"
    late = gateway.capture(attempt_id=uuid.uuid4(), reference=held.reference, amount=2000)
    assert late.status == "declined"
    declined = gateway.authorize(attempt_id=uuid.uuid4(), amount=1313, currency="usd")
    assert declined.status == "declined"
    assert gateway.held == {}
