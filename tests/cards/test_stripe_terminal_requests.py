"""StripeGateway's Terminal calls, checked against a recording stub of the Stripe API.

localstripe has no Terminal, so this stub answers the few Terminal-shaped requests with canned
objects and records what stripe-python 16 sent: the card_present PaymentIntent, the
process_payment_intent call with its tipping config, cancel_action, and the idempotency keys.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from pos.cards.stripe_gateway import StripeGateway

INTENT = {
    "id": "pi_1", "object": "payment_intent", "status": "requires_payment_method",
    "amount": 2086, "amount_capturable": 0, "amount_received": 0, "metadata": {},
}  # fmt: skip
READER_BUSY = {
    "id": "tmr_1", "object": "terminal.reader",
    "action": {"type": "process_payment_intent", "status": "in_progress",
               "process_payment_intent": {"payment_intent": "pi_1"}},
}  # fmt: skip
READER_FAILED = {
    "id": "tmr_1", "object": "terminal.reader",
    "action": {"type": "process_payment_intent", "status": "failed",
               "failure_message": "Reader timed out",
               "process_payment_intent": {"payment_intent": "pi_1"}},
}  # fmt: skip
INTENT_PAID = {
    **INTENT, "status": "succeeded", "amount": 2386, "amount_received": 2386,
    "amount_details": {"tip": {"amount": 300}},
    "metadata": {"attempt_id": "7a4ed1a6-0bd4-4d2e-9d33-3d3f8f7c9c11"},
    "latest_charge": {
        "id": "ch_1", "object": "charge", "balance_transaction": "txn_1",
        "payment_method_details": {"card_present": {"capture_before": 1795910400}},
    },
}  # fmt: skip
ANSWERS = {
    ("POST", "/v1/payment_intents"): INTENT,
    ("POST", "/v1/terminal/readers/tmr_1/process_payment_intent"): READER_BUSY,
    ("POST", "/v1/terminal/readers/tmr_1/cancel_action"): {**READER_BUSY, "action": None},
    ("GET", "/v1/terminal/readers/tmr_1"): READER_FAILED,
    ("GET", "/v1/payment_intents/pi_1"): INTENT_PAID,
    ("POST", "/v1/payment_intents/pi_1/cancel"): {**INTENT, "status": "canceled"},
}
OFFLINE = {"error": {"type": "invalid_request_error", "code": "terminal_reader_offline",
                     "message": "Reader tmr_2 is offline."}}  # fmt: skip


@pytest.fixture
def stub():
    """A loopback HTTP server answering ANSWERS and recording (method, path, form, key)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode()) if length else parse_qs(url.query)
            seen.append((method, url.path, form, self.headers.get("Idempotency-Key")))
            offline = url.path == "/v1/terminal/readers/tmr_2/process_payment_intent"
            body = json.dumps(OFFLINE if offline else ANSWERS[(method, url.path)]).encode()
            self.send_response(400 if offline else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._answer("GET")

        def do_POST(self):
            self._answer("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_a_terminal_charge_hands_a_card_present_intent_to_the_reader_with_tipping(stub):
    base, seen = stub
    gateway = StripeGateway(api_key="sk_test_stub", api_base=base)
    attempt = uuid.uuid4()
    result = gateway.charge(attempt_id=attempt, amount=2086, currency="USD", reader="tmr_1",
                            on_reader_tipping=True)  # fmt: skip
    assert (result.status, result.reference) == ("processing", "pi_1")
    (_, create, form, create_key), (_, process, config, process_key) = seen
    assert create == "/v1/payment_intents"
    assert form["payment_method_types[0]"] == ["card_present"]
    assert (form["amount"], form["currency"], form["capture_method"]) == (
        ["2086"], ["usd"], ["automatic"],
    )  # fmt: skip
    assert form["metadata[attempt_id]"] == [str(attempt)]
    assert "payment_method" not in form
    assert create_key == f"pi-create:{attempt}"
    assert process == "/v1/terminal/readers/tmr_1/process_payment_intent"
    assert config["payment_intent"] == ["pi_1"]
    assert config["process_config[skip_tipping]"] == ["false"]
    assert config["process_config[tipping][amount_eligible]"] == ["2086"]
    assert process_key == f"process:{attempt}"


def test_a_terminal_hold_asks_for_manual_capture_and_skips_tipping(stub):
    base, seen = stub
    gateway = StripeGateway(api_key="sk_test_stub", api_base=base)
    hold = uuid.uuid4()
    assert gateway.authorize(attempt_id=hold, amount=5000, currency="usd",
                             reader="tmr_1").status == "processing"  # fmt: skip
    (_, _, form, _), (_, _, config, _) = seen
    assert form["capture_method"] == ["manual"]
    assert config["process_config[skip_tipping]"] == ["true"]
    gateway.cancel_reader_action(reader="tmr_1")
    assert seen[-1][1] == "/v1/terminal/readers/tmr_1/cancel_action"


def test_the_reader_and_the_intent_are_read_back_into_plain_states(stub):
    base, _ = stub
    gateway = StripeGateway(api_key="sk_test_stub", api_base=base)
    reader = gateway.reader("tmr_1")
    assert (reader.action_status, reader.payment_intent, reader.failure_message) == (
        "failed", "pi_1", "Reader timed out",
    )  # fmt: skip
    state = gateway.payment("pi_1")
    assert (state.status, state.amount_received, state.tip) == ("succeeded", 2386, 300)
    assert str(state.attempt_id) == "7a4ed1a6-0bd4-4d2e-9d33-3d3f8f7c9c11"
    assert (state.charge, state.balance_transaction) == ("ch_1", "txn_1")
    assert state.capture_before.isoformat() == "2026-11-29T00:00:00+00:00"


def test_an_offline_reader_declines_with_its_reason_and_the_intent_is_cancelled(stub):
    base, seen = stub
    gateway = StripeGateway(api_key="sk_test_stub", api_base=base)
    attempt = uuid.uuid4()
    result = gateway.charge(attempt_id=attempt, amount=2086, currency="usd", reader="tmr_2")
    assert result.status == "declined"
    assert result.message == "The card reader refused the payment: Reader tmr_2 is offline."
    assert (seen[-1][1], seen[-1][3]) == ("/v1/payment_intents/pi_1/cancel", f"cancel:{attempt}")
