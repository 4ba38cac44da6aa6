"""Hostile money input: every amount the API takes is refused with a 400 naming the field.

For each endpoint that takes money (cash tender, tip and amount of a payment, discounts,
donations, paid-ins and paid-outs, rental deposits, card holds and captures, the treasury's
disbursements and policy amounts, and the counts of a drawer's float), a body that is valid
but for one hostile value is sent: negative, zero where zero is not allowed, NaN, infinities,
1e30, three decimals, another currency, empty, Arabic-Indic and fullwidth digits, very long
strings, booleans, null, lists and objects, as strings and as JSON numbers. The answer is
always 400 `invalid_input` with the field in `details`, and nothing is written (row counts of
the tables these endpoints write, the ledger included, are unchanged). The same valid body
with a good amount is accepted, so the refusal is the hostile value's doing.

A JSON number NaN or Infinity is not JSON at all: that body is refused as `malformed_json`.
"""

import json
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import Program
from pos.models import Drawer, DrawerSession, Tab

FULLWIDTH = "".join(chr(0xFF10 + digit) for digit in range(10))  # the fullwidth 0-9
NON_ASCII_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳٤۵٦۷۸۹०१२३४५६७८९" + FULLWIDTH
HOSTILE = [
    "-1", "-0.01", -5, "-99999999.99", "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf",
    "1e30", 1e30, "1E2", "1" + "0" * 30, "1.005", 1.005, "0.001", "12.345", "", "   ", "abc",
    "١٢٣", FULLWIDTH[1:3], "१२", "12,50", "$12", "12 50", "0x10", "1_000", "+5", ".5.", "1" * 1000,
    "1." + "0" * 500, "9" * 10_000, True, False, None, [], ["1.00"], {"amount": "1.00"},
]  # fmt: skip
ZERO = ["0", 0, "0.00", 0.0, "-0"]


def hostile_amounts(*, allow_zero: bool):
    """Hostile values, known ones first, then generated ones."""
    known = st.sampled_from(HOSTILE if allow_zero else HOSTILE + ZERO)
    cents_below_zero = st.decimals(max_value=Decimal("-0.01"), places=2).map(str)
    negative = st.integers(max_value=-1) | cents_below_zero
    too_precise = st.decimals(min_value=0, max_value=10**6, places=5).filter(
        lambda d: d != d.quantize(1) and d * 100 != (d * 100).to_integral_value()
    )
    too_large = st.integers(min_value=10**8).map(lambda n: str(n)) | st.floats(min_value=1e8)
    foreign_digits = st.text(st.sampled_from(NON_ASCII_DIGITS), min_size=1, max_size=12)
    words = st.text(min_size=1, max_size=40).filter(
        lambda s: not s.strip().replace(".", "", 1).isascii() or not s.strip().isdigit()
    )
    return (
        known | negative | too_precise.map(str) | too_precise.map(float) | too_large
        | foreign_digits | words
    )  # fmt: skip


WRITTEN = [
    "ledger.JournalEntry", "ledger.Posting", "pos.TabLine", "pos.Adjustment", "pos.Payment",
    "pos.CashMovement", "pos.DrawerSession", "pos.IdempotencyRecord", "pos.Activity",
    "rentals.Deposit", "cards.CardAttempt", "treasury.Disbursement", "treasury.TreasuryPolicy",
    "treasury.IdempotencyRecord",
]  # fmt: skip


def counted_rows() -> dict[str, int]:
    """Row counts of every table these endpoints write, the ledger's included."""
    return {label: apps.get_model(label).objects.count() for label in WRITTEN}


def client_of(actor) -> Client:
    client = Client()
    client.cookies.load(actor.cookies)
    client.defaults.update({f"HTTP_{k.upper().replace('-', '_')}": v
                            for k, v in actor.headers.items()})  # fmt: skip
    return client


def new_id() -> str:
    return str(uuid.uuid4())


def endpoints(venue):
    """(name, role, path, body builder, money fields, zero allowed per field)."""
    tab, session = venue["tab"], venue["drawer_session"]
    return {
        "payment": ("cashier", f"/api/v1/tabs/{tab}/payments",
                    lambda: {"payment_id": new_id(), "tender": "cash", "amount": "1.00",
                             "tip": "0.50", "tendered": "5.00"},
                    {"amount": False, "tip": True, "tendered": False}),
        "discount": ("manager", f"/api/v1/tabs/{tab}/adjustments",
                     lambda: {"adjustment_id": new_id(), "kind": "discount", "amount": "1.00",
                              "reason": "regular"},
                     {"amount": False}),
        "donation": ("cashier", f"/api/v1/tabs/{tab}/donations",
                     lambda: {"line_id": new_id(), "amount": "2.00"}, {"amount": False}),
        "paid-in": ("cashier", f"/api/v1/drawer-sessions/{session}/movements",
                    lambda: {"movement_id": new_id(), "kind": "paid_in", "amount": "20.00",
                             "reason": "change from the safe"},
                    {"amount": True}),
        "deposit": ("cashier", "/api/v1/rentals/deposits",
                    lambda: {"deposit_id": new_id(), "kind": "cash", "amount": "20.00",
                             "booking_id": new_id()},
                    {"amount": False}),
        "card hold": ("cashier", f"/cards/tabs/{tab}/holds",
                      lambda: {"hold_id": new_id(), "amount": "20.00"}, {"amount": False}),
        "capture": ("cashier", f"/cards/holds/{new_id()}/capture",
                    lambda: {"payment_id": new_id(), "amount": "10.00", "tip": "1.00"},
                    {"amount": False, "tip": True}),
        "disbursement": ("treasurer", "/api/v1/treasury/disbursements",
                         lambda: {"id": new_id(), "program": venue["program"],
                                  "payee_type": "vendor", "payee_name": "Food bank",
                                  "help_type": "groceries", "public_title": "Fridge restock",
                                  "amount": "125.00"},
                         {"amount": False}),
        "policy": ("board", "/api/v1/treasury/policy",
                   lambda: {"effective_from": "2026-04-01", "floor_percent": "5",
                            "share_percent": "40", "weights": {venue["program"]: 1},
                            "dual_approval": "500.00", "pay_it_forward_mode": "liability",
                            "meal_credit": "10.00", "rollover_days": 30,
                            "rollover_program": venue["program"]},
                   {"dual_approval": True, "meal_credit": False}),
    }  # fmt: skip


# Whether the body as built (a good amount) is accepted: the card endpoints would reach the
# gateway (a hold) or need a hold, and the deposit a booking; their refusals are still checked.
ACCEPTED_AS_BUILT = {"payment", "discount", "donation", "paid-in", "disbursement", "policy"}
ENDPOINTS = [
    "payment", "discount", "donation", "paid-in", "deposit", "card hold", "capture",
    "disbursement", "policy",
]  # fmt: skip


@pytest.fixture
def venue(actors):
    return {
        "actors": actors,
        "tab": Tab.objects.get(name="Sam").id,
        "drawer_session": DrawerSession.objects.get(closed_at__isnull=True).id,
        "program": Program.objects.filter(is_active=True).order_by("slug").first().slug,
    }


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_hostile_amount_is_a_400_naming_the_field_and_writes_nothing(venue, name):
    role, path, build, fields = endpoints(venue)[name]
    client = client_of(venue["actors"][role])
    seen = []

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def refused(data):
        field = data.draw(st.sampled_from(sorted(fields)), label="field")
        value = data.draw(hostile_amounts(allow_zero=fields[field]), label="value")
        seen.append(value)
        before = counted_rows()

        response = post(client, path, {**build(), field: value})

        assert response.status_code == 400, (field, value, response.content[:300])
        answer = response.json()
        assert answer["code"] == "invalid_input", answer
        assert field in answer["details"], (field, value, answer)
        assert counted_rows() == before

    refused()
    print(f"{name}: {len(seen)} hostile amounts refused")
    if name in ACCEPTED_AS_BUILT:
        response = post(client, path, build())
        assert response.status_code == 201, response.content


@pytest.mark.parametrize("currency", ["EUR", "usd", "", 840, None, True, ["USD"], "US$"])
@pytest.mark.parametrize("name", ["payment", "disbursement", "policy"])
def test_another_currency_is_a_400_naming_currency(venue, name, currency):
    role, path, build, _ = endpoints(venue)[name]
    before = counted_rows()

    response = post(client_of(venue["actors"][role]), path, {**build(), "currency": currency})

    assert response.status_code == 400, response.content
    assert "currency" in response.json()["details"]
    assert counted_rows() == before


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_json_nan_or_infinity_is_not_json(venue, token):
    role, path, build, _ = endpoints(venue)["payment"]
    body = json.dumps(build()).replace('"1.00"', token)
    before = counted_rows()

    response = client_of(venue["actors"][role]).post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert counted_rows() == before


PIECES = [-1, 10_000, 1.5, "12", "١٢", True, None, "NaN", 1e30, [], {}]
DENOMINATIONS = [
    "٢٠٠٠", FULLWIDTH[2] + FULLWIDTH[0] * 3, "2000.0", "-2000", "3", "", "1e3", "x" * 5000,
]  # fmt: skip


@pytest.mark.parametrize(
    "count",
    [{"2000": pieces} for pieces in PIECES] + [{key: 1} for key in DENOMINATIONS]
    + [[], "150.00", None, 150],
)  # fmt: skip
def test_a_hostile_drawer_count_is_a_400_naming_count(venue, count):
    client = client_of(venue["actors"]["manager"])
    drawer = Drawer.objects.exclude(
        id__in=DrawerSession.objects.filter(closed_at__isnull=True).values("drawer")
    ).first()
    before = counted_rows()

    response = post(client, f"/api/v1/drawers/{drawer.id}/open",
                    {"session_id": new_id(), "count": count})  # fmt: skip

    assert response.status_code == 400, response.content
    details = response.json()["details"]
    assert "count" in details or details.get("field") == "count", details
    assert counted_rows() == before
