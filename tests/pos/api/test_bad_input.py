"""Bad input gets a 4xx that says what is wrong, with a code; nothing is half-written.

Every case runs against the same small venue: an open tab with fries on it ($4.87 due), a
closed tab, and a snapshot of every table a request could write. After each refused request
the snapshot must be unchanged.
"""

import uuid
from decimal import Decimal

import pytest

from ledger.models import JournalEntry
from pos.models import (
    Adjustment,
    CashMovement,
    DrawerSession,
    IdempotencyRecord,
    Item,
    Payment,
    Refund,
    StaffMember,
    Tab,
    TabLine,
    Ticket,
)
from pos.services.checkout import add_adjustment, close_tab
from tests.pos.api.conftest import API, tab_with

pytestmark = pytest.mark.django_db

UUID = "8f14e45f-ceea-467f-a0e6-1b0f4b7f1d6b"
HUGE = 10**30
LINE = {"line_id": UUID, "item_id": "{fries}"}
PAY = {"payment_id": UUID, "tender": "card", "amount": "1.00"}
MOVE = {"movement_id": UUID, "kind": "paid_in", "amount": "5.00", "reason": "change"}
REFUND = {"refund_id": UUID, "reason": "cold", "approval": {"staff_id": "{manager}", "pin": "2222"}}
ADJUST = {"adjustment_id": UUID, "kind": "discount", "percent": "10", "reason": "regular"}

# (case, method, path, body (dict, or str sent raw), status, code, field named in details)
CASES = [
    ("malformed JSON", "post", "tabs/{open}/lines", '{"line_id": ', 400, "malformed_json", None),
    ("JSON NaN", "post", "tabs/{open}/lines", '{"quantity": NaN}', 400, "malformed_json", None),
    ("a list body", "post", "tabs/{open}/lines", "[1, 2]", 400, "invalid_input",
     "non_field_errors"),
    ("quantity a word", "post", "tabs/{open}/lines", {**LINE, "quantity": "two"}, 400,
     "invalid_input", "quantity"),
    ("quantity fractional", "post", "tabs/{open}/lines", {**LINE, "quantity": 1.5}, 400,
     "invalid_input", "quantity"),
    ("quantity zero", "post", "tabs/{open}/lines", {**LINE, "quantity": 0}, 400, "invalid_input",
     "quantity"),
    ("quantity huge", "post", "tabs/{open}/lines", {**LINE, "quantity": HUGE}, 400,
     "invalid_input", "quantity"),
    ("item a word", "post", "tabs/{open}/lines", {**LINE, "item_id": "fries"}, 400,
     "invalid_input", "item_id"),
    ("item id huge", "post", "tabs/{open}/lines", {**LINE, "item_id": HUGE}, 400, "invalid_input",
     "item_id"),
    ("unknown item", "post", "tabs/{open}/lines", {**LINE, "item_id": 999999}, 404, "not_found",
     None),
    ("line id not a UUID", "post", "tabs/{open}/lines", {**LINE, "line_id": "line-1"}, 400,
     "invalid_input", "line_id"),
    ("line id missing", "post", "tabs/{open}/lines", {"item_id": "{fries}"}, 400,
     "invalid_input", "line_id"),
    ("unknown modifier", "post", "tabs/{open}/lines", {**LINE, "modifier_ids": [999]}, 400,
     "modifier_choice", None),
    ("modifiers not a list", "post", "tabs/{open}/lines", {**LINE, "modifier_ids": "1"}, 400,
     "invalid_input", "modifier_ids"),
    ("note too long", "post", "tabs/{open}/lines", {**LINE, "note": "x" * 141}, 400,
     "invalid_input", "note"),
    ("NUL in a note", "post", "tabs/{open}/lines", {**LINE, "note": "a\x00b"}, 400,
     "invalid_input", "note"),
    ("unknown tab", "post", "tabs/999999/lines", LINE, 404, "not_found", None),
    ("tab id past BIGINT", "post", f"tabs/{HUGE}/lines", LINE, 404, "not_found", None),
    ("no such endpoint", "post", "tabs/{open}/lines/", LINE, 404, "not_found", None),
    ("closed tab: add a line", "post", "tabs/{closed}/lines", LINE, 409, "tab_not_open", None),
    ("negative amount", "post", "tabs/{open}/payments", {**PAY, "amount": "-5.00"}, 400,
     "invalid_input", "amount"),
    ("fractional cents", "post", "tabs/{open}/payments", {**PAY, "amount": "1.005"}, 400,
     "invalid_input", "amount"),
    ("amount a word", "post", "tabs/{open}/payments", {**PAY, "amount": "abc"}, 400,
     "invalid_input", "amount"),
    ("amount huge", "post", "tabs/{open}/payments", {**PAY, "amount": 1e12}, 400,
     "invalid_input", "amount"),
    ("amount true", "post", "tabs/{open}/payments", {**PAY, "amount": True}, 400,
     "invalid_input", "amount"),
    ("amount null", "post", "tabs/{open}/payments", {**PAY, "amount": None}, 400,
     "invalid_input", "amount"),
    ("wrong currency", "post", "tabs/{open}/payments", {**PAY, "currency": "EUR"}, 400,
     "invalid_input", "currency"),
    ("no such currency", "post", "tabs/{open}/payments", {**PAY, "currency": "XYZ"}, 400,
     "invalid_input", "currency"),
    ("currency a number", "post", "tabs/{open}/payments", {**PAY, "currency": 840}, 400,
     "invalid_input", "currency"),
    ("unknown tender", "post", "tabs/{open}/payments", {**PAY, "tender": "bitcoin"}, 400,
     "invalid_input", "tender"),
    ("tendered on a card", "post", "tabs/{open}/payments", {**PAY, "tendered": "5.00"}, 400,
     "invalid_input", "tendered"),
    ("negative tip", "post", "tabs/{open}/payments", {**PAY, "tip": "-1"}, 400, "invalid_input",
     "tip"),
    ("not enough cash", "post", "tabs/{open}/payments",
     {**PAY, "tender": "cash", "amount": "4.87", "tendered": "4.00"}, 409, "payment_error", None),
    ("more than due", "post", "tabs/{open}/payments", {**PAY, "amount": "5.00"}, 409,
     "payment_error", None),
    ("closed tab: pay", "post", "tabs/{closed}/payments", PAY, 409, "tab_not_open", None),
    ("percent and amount", "post", "tabs/{open}/adjustments", {**ADJUST, "amount": "1.00"}, 400,
     "invalid_input", "non_field_errors"),
    ("percent over 100", "post", "tabs/{open}/adjustments", {**ADJUST, "percent": "150"}, 400,
     "invalid_input", "percent"),
    ("zero discount", "post", "tabs/{open}/adjustments",
     {**{k: v for k, v in ADJUST.items() if k != "percent"}, "amount": "0"}, 400,
     "invalid_input", "amount"),
    ("unknown kind", "post", "tabs/{open}/adjustments", {**ADJUST, "kind": "gift"}, 400,
     "invalid_input", "kind"),
    ("line of another tab", "post", "tabs/{open}/adjustments", {**ADJUST, "line_id": UUID}, 400,
     "invalid_input", None),
    ("closed tab: discount", "post", "tabs/{closed}/adjustments", ADJUST, 409, "tab_not_open",
     None),
    ("version a word", "post", "tabs/{open}/rename", {"version": "x", "name": "Al"}, 400,
     "invalid_input", "version"),
    ("no name, no table", "post", "tabs/{open}/rename", {"version": 1}, 400, "invalid_input",
     None),
    ("closed tab: rename", "post", "tabs/{closed}/rename", {"version": 2, "name": "Al"}, 409,
     "tab_not_open", None),
    ("name too long", "post", "tabs", {"client_id": UUID, "name": "x" * 61}, 400,
     "invalid_input", "name"),
    ("tab without a UUID", "post", "tabs", {"name": "Sam"}, 400, "invalid_input", "client_id"),
    ("unknown line", "post", f"lines/{UUID}/void", {"reason": "x"}, 404, "not_found", None),
    ("void without reason", "post", "lines/{line}/void", {"reason": ""}, 400, "invalid_input",
     "reason"),
    ("approval without PIN", "post", "lines/{line}/void",
     {"reason": "x", "approval": {"staff_id": 1}}, 400, "invalid_input", "approval"),
    ("approver unknown", "post", "lines/{line}/void",
     {"reason": "x", "approval": {"staff_id": 999999, "pin": "1234"}}, 404, "not_found", None),
    ("transfer to no tab", "post", "tabs/{open}/transfer",
     {"line_ids": ["{line}"], "to_tab_id": 999999}, 404, "not_found", None),
    ("transfer nothing", "post", "tabs/{open}/transfer", {"line_ids": [], "to_tab_id": 1}, 400,
     "invalid_input", "line_ids"),
    ("merge into itself", "post", "tabs/{open}/merge", {"into_tab_id": "{open}"}, 400,
     "invalid_input", None),
    ("split lines not a list", "post", "tabs/{open}/split",
     {"new_client_id": UUID, "line_ids": "{line}"}, 400, "invalid_input", "line_ids"),
    ("86 an unknown item", "post", "items/999999/stock", {"out_of_stock": True}, 404,
     "not_found", None),
    ("86 maybe", "post", "items/{fries}/stock", {"out_of_stock": "maybe"}, 400, "invalid_input",
     "out_of_stock"),
    ("cash movement: negative", "post", "drawer-sessions/{session}/movements",
     {**MOVE, "amount": "-1.00"}, 400, "invalid_input", "amount"),
    ("cash movement: fractional cents", "post", "drawer-sessions/{session}/movements",
     {**MOVE, "amount": "0.001"}, 400, "invalid_input", "amount"),
    ("cash movement: euros", "post", "drawer-sessions/{session}/movements",
     {**MOVE, "currency": "EUR"}, 400, "invalid_input", "currency"),
    ("cash movement: unknown session", "post", f"drawer-sessions/{UUID}/movements", MOVE, 404,
     "not_found", None),
    ("cash movement: not an account", "post", "drawer-sessions/{session}/movements",
     {**MOVE, "account": "Assets:Nowhere"}, 400, "invalid_input", None),
    ("close with a bad count", "post", "drawer-sessions/{session}/close",
     {"count": {"2000": 1.5}}, 400, "invalid_input", "count"),
    ("refund an open check", "post", "tabs/{open}/refunds",
     {**REFUND, "lines": [{"line_id": "{line}", "quantity": 1}]}, 409, "refund_error", None),
    ("refund zero of a line", "post", "tabs/{closed}/refunds",
     {**REFUND, "lines": [{"line_id": "{line}", "quantity": 0}]}, 400, "invalid_input", "lines"),
    ("refund a line twice at once", "post", "tabs/{closed}/refunds",
     {**REFUND, "lines": [{"line_id": "{darts}", "quantity": 1}] * 2}, 400, "invalid_input",
     "lines"),
    ("refund without lines", "post", "tabs/{closed}/refunds", {**REFUND, "lines": []}, 400,
     "invalid_input", "lines"),
    ("split in zero parts", "get", "tabs/{open}/even-split?parts=0", None, 400, "invalid_input",
     "parts"),
    ("split in x parts", "get", "tabs/{open}/even-split?parts=x", None, 400, "invalid_input",
     "parts"),
    ("unknown status", "get", "tabs?status=bogus", None, 400, "invalid_input", "status"),
    ("unknown station", "get", "tickets?station=kitchen", None, 400, "invalid_input", "station"),
    ("unknown tab detail", "get", "tabs/999999", None, 404, "not_found", None),
    ("GET a POST endpoint", "get", "tabs/{open}/lines", None, 405, "method_not_allowed", None),
]  # fmt: skip


@pytest.fixture
def setting(venue, tablet):
    open_tab, (fries,) = tab_with(venue, venue.fries)
    closed, (darts,) = tab_with(venue, venue.darts, name="Done")
    add_adjustment(
        tab_id=closed.id,
        adjustment_id=uuid.uuid4(),
        kind="comp",
        percent=Decimal(100),
        reason="broken board",
        staff=venue.cashier,
        approved_by=venue.manager,
    )
    close_tab(tab_id=closed.id, staff=venue.cashier)
    return {
        "open": open_tab.id,
        "closed": closed.id,
        "line": fries.id,
        "fries": venue.fries.id,
        "session": venue.session.id,
        "manager": venue.manager.id,
        "darts": darts.id,
    }


def fill(value, names):
    """Put the setting's ids into a path or body ("{open}" -> 12; numbers stay numbers)."""
    if isinstance(value, str):
        for name, real in names.items():
            if value == "{" + name + "}":
                return real if isinstance(real, int) else str(real)
            value = value.replace("{" + name + "}", str(real))
        return value
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    return value


def snapshot():
    return {
        "counts": [
            m.objects.count()
            for m in (
                Tab,
                TabLine,
                Adjustment,
                Payment,
                Ticket,
                Refund,
                CashMovement,
                DrawerSession,
                JournalEntry,
                IdempotencyRecord,
            )
        ],
        "tabs": list(Tab.objects.order_by("id").values_list("id", "status", "version", "name")),
        "lines": list(TabLine.objects.order_by("id").values_list("id", "tab_id", "voided_at")),
        "86": list(Item.objects.filter(out_of_stock=True).values_list("id", flat=True)),
        "pins": list(StaffMember.objects.values_list("failed_pin_attempts", flat=True)),
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_a_4xx_with_a_code_and_changes_nothing(
    tablet, setting, method, path, body, status, code, field
):
    before = snapshot()
    path = fill(path, setting)

    if method == "get":
        response = tablet.client.get(API + path, headers=tablet.headers)
    elif isinstance(body, str):
        response = tablet.post(path, raw=body)
    else:
        response = tablet.post(path, fill(body, setting))

    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["code"] == code
    assert answer["message"]
    if field is not None:
        assert field in answer["details"], answer
    assert snapshot() == before


def test_a_form_body_is_415(tablet, setting):
    response = tablet.post(
        f"tabs/{setting['open']}/lines",
        raw="item_id=1",
        content_type="application/x-www-form-urlencoded",
    )

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_field_messages_say_what_is_wrong(tablet, setting):
    path = f"tabs/{setting['open']}/payments"
    cents = tablet.post(path, {**PAY, "amount": "1.005", "tip": "-1", "currency": "EUR"}).json()

    assert cents["message"] == "Some of the input is not valid: amount, tip and currency"
    assert cents["details"] == {
        "amount": ["At most two decimals (whole cents): '1.005' is not rounded for you"],
        "tip": ["The amount cannot be negative, not '-1'"],
        "currency": ["This till takes USD only, not 'EUR'"],
    }


def test_malformed_json_with_a_key_is_400_and_keeps_nothing(tablet, setting):
    response = tablet.post(f"tabs/{setting['open']}/lines", raw='{"line_id": ', key=UUID)

    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")
    assert not IdempotencyRecord.objects.exists()
