"""Card-payment fixtures: a fresh fake gateway, a reader at the bar, signed webhook delivery."""

import hashlib
import hmac
import json
import time
import uuid

import pytest

from pos import gateway as gateway_module
from pos.cards.models import Reader
from pos.services.tabs import add_line, open_tab
from tests.pos.api.conftest import clock, tablet  # noqa: F401 - fixtures for API tests
from tests.pos.conftest import venue  # noqa: F401 - the point-of-sale venue fixture

WEBHOOK_SECRET = "whsec_test_tillshare"  # noqa: S105 - a test signing secret


@pytest.fixture
def fake(settings):
    """A fresh in-memory gateway (demo mode) for this test, with a webhook secret set."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    gateway_module._gateways.clear()
    yield gateway_module.get_gateway()
    gateway_module._gateways.clear()


@pytest.fixture
def reader(db):
    return Reader.objects.create(stripe_id="tmr_bar_1", label="Bar reader", station="bar")


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, computed the way Stripe documents it."""
    timestamp = timestamp or int(time.time())
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event: dict, secret: str = WEBHOOK_SECRET):
    payload = json.dumps(event).encode()
    return client.post(
        "/stripe/webhook/", data=payload, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret),
    )  # fmt: skip


def deliver_all(client, fake, since: int = 0) -> int:
    """Deliver the fake's events from index since; return the new index."""
    for event in fake.events[since:]:
        assert deliver(client, event).status_code == 200
    return len(fake.events)


def check_with(place, *items):
    """Open a check at the venue and add items (a burger comes medium)."""
    tab = open_tab(client_id=uuid.uuid4(), name="Guest", staff=place.cashier, device=place.tablet)
    for item in items:
        kwargs = {"modifier_ids": [place.medium.id]} if item == place.burger else {}
        add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=item.id, staff=place.cashier,
                 device=place.tablet, **kwargs)  # fmt: skip
    return tab
