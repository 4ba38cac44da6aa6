"""Idempotency-Key on every POST: a replay gets the first answer, one effect; another body, 409.

Each case builds what its endpoint needs, then names the request, a different request, and
the effect to measure. The view's `perform` (the one place a service is called) is counted:
replays must not reach it.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from ledger.models import JournalEntry
from pos.apis import catalog, checkout, drawers, lines, refunds, tabs
from pos.gateway import get_gateway
from pos.idempotency import fingerprint
from pos.models import (
    Adjustment,
    CashMovement,
    DrawerSession,
    IdempotencyRecord,
    Item,
    Payment,
    Refund,
    Tab,
    TabLine,
    Ticket,
)
from pos.services.checkout import add_adjustment, pay_card
from pos.services.drawers import open_drawer
from pos.services.tabs import send_to_preparation
from tests.pos.api.conftest import FLOAT_150, grill_drawer, new_id, new_tablet, tab_with
from tests.pos.conftest import usd

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    path: str
    body: dict
    other_body: dict
    effect: object  # a callable returning a comparable snapshot of what the request changes


def open_tab_case(venue):
    return Case(
        "tabs",
        {"client_id": new_id(), "name": "Sam"},
        {"client_id": new_id(), "name": "Sam"},
        Tab.objects.count,
    )


def rename_case(venue):
    tab, _ = tab_with(venue, venue.fries)
    return Case(
        f"tabs/{tab.id}/rename",
        {"version": 1, "name": "Samantha"},
        {"version": 1, "name": "Sue"},
        lambda: Tab.objects.get(id=tab.id).version,
    )


def add_line_case(venue):
    tab, _ = tab_with(venue)
    body = {"line_id": new_id(), "item_id": venue.fries.id}
    return Case(f"tabs/{tab.id}/lines", body, {**body, "quantity": 2}, TabLine.objects.count)


def void_case(venue):
    _, (fries,) = tab_with(venue, venue.fries)
    return Case(
        f"lines/{fries.id}/void",
        {"reason": "guest left"},
        {"reason": "mistake"},
        lambda: TabLine.objects.filter(voided_at__isnull=False).count(),
    )


def send_case(venue):
    tab, _ = tab_with(venue, venue.fries)
    return Case(f"tabs/{tab.id}/send", {}, {"rush": True}, Ticket.objects.count)


def transfer_case(venue):
    tab, (fries, darts) = tab_with(venue, venue.fries, venue.darts)
    other, _ = tab_with(venue, name="Alex")
    return Case(
        f"tabs/{tab.id}/transfer",
        {"line_ids": [str(fries.id)], "to_tab_id": other.id},
        {"line_ids": [str(darts.id)], "to_tab_id": other.id},
        lambda: (other.lines.count(), Tab.objects.get(id=other.id).version),
    )


def merge_case(venue):
    tab, _ = tab_with(venue, venue.fries)
    into, _ = tab_with(venue, name="Alex")
    elsewhere, _ = tab_with(venue, name="Kim")
    return Case(
        f"tabs/{tab.id}/merge",
        {"into_tab_id": into.id},
        {"into_tab_id": elsewhere.id},
        lambda: (Tab.objects.get(id=tab.id).status, Tab.objects.get(id=into.id).version),
    )


def split_case(venue):
    tab, (fries,) = tab_with(venue, venue.fries)
    body = {"new_client_id": new_id(), "line_ids": [str(fries.id)]}
    return Case(
        f"tabs/{tab.id}/split", body, {**body, "new_client_id": new_id()}, Tab.objects.count
    )


def adjustment_case(venue):
    tab, _ = tab_with(venue, venue.darts)
    body = {"adjustment_id": new_id(), "kind": "discount", "percent": "10", "reason": "regular"}
    return Case(
        f"tabs/{tab.id}/adjustments", body, {**body, "percent": "5"}, Adjustment.objects.count
    )


def cash_case(venue):
    tab, _ = tab_with(venue, venue.darts)  # $10.83
    body = {"payment_id": new_id(), "tender": "cash", "amount": "2.00", "tendered": "5.00"}
    return Case(f"tabs/{tab.id}/payments", body, {**body, "amount": "1.00"}, Payment.objects.count)


def card_case(venue):
    tab, _ = tab_with(venue, venue.darts)
    body = {"payment_id": new_id(), "tender": "card", "amount": "10.83", "tip": "2.00"}
    return Case(
        f"tabs/{tab.id}/payments",
        body,
        {**body, "tip": "1.00"},
        lambda: (
            Payment.objects.count(),
            JournalEntry.objects.count(),
            sum(get_gateway().charged.values()),
        ),
    )


def close_case(venue):
    tab, _ = tab_with(venue, venue.darts)
    add_adjustment(
        tab_id=tab.id,
        adjustment_id=uuid.uuid4(),
        kind="comp",
        percent=Decimal(100),
        reason="broken board",
        staff=venue.cashier,
        approved_by=venue.manager,
    )
    return Case(f"tabs/{tab.id}/close", {}, {"now": True}, JournalEntry.objects.count)


def reopen_case(venue):
    tab, _ = tab_with(venue, venue.fries)
    pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("4.87"), staff=venue.cashier,
             device=venue.tablet)  # fmt: skip
    body = {"reason": "forgot the fries", "approval": {"staff_id": venue.manager.id, "pin": "2222"}}
    return Case(
        f"tabs/{tab.id}/reopen",
        body,
        {**body, "reason": "another reason"},
        lambda: (JournalEntry.objects.count(), Tab.objects.get(id=tab.id).status),
    )


def stock_case(venue):
    return Case(
        f"items/{venue.fries.id}/stock",
        {"out_of_stock": True},
        {"out_of_stock": False},
        lambda: Item.objects.get(id=venue.fries.id).out_of_stock,
    )


def refund_case(venue):
    tab, (fries, darts) = tab_with(venue, venue.fries, venue.darts)
    pay_card(
        tab_id=tab.id,
        payment_id=uuid.uuid4(),
        amount=usd("15.70"),
        staff=venue.cashier,
        device=venue.tablet,
    )
    approval = {"staff_id": venue.manager.id, "pin": "2222"}
    body = {
        "refund_id": new_id(),
        "lines": [{"line_id": str(fries.id), "quantity": 1}],
        "reason": "cold",
        "approval": approval,
    }
    return Case(
        f"tabs/{tab.id}/refunds",
        body,
        {**body, "lines": [{"line_id": str(darts.id), "quantity": 1}]},
        lambda: (Refund.objects.count(), JournalEntry.objects.count()),
    )


def drawer_open_case(venue):
    drawer = grill_drawer()
    body = {"session_id": new_id(), "count": FLOAT_150}
    return Case(
        f"drawers/{drawer.id}/open",
        body,
        {**body, "session_id": new_id()},
        DrawerSession.objects.count,
    )


def grill_session(venue):
    return open_drawer(
        session_id=uuid.uuid4(), drawer_id=grill_drawer().id, count={2000: 5}, staff=venue.cashier
    )


def movement_case(venue):
    session = grill_session(venue)
    body = {"movement_id": new_id(), "kind": "paid_in", "amount": "20.00", "reason": "change"}
    return Case(
        f"drawer-sessions/{session.id}/movements",
        body,
        {**body, "amount": "10.00"},
        CashMovement.objects.count,
    )


def drawer_close_case(venue):
    session = grill_session(venue)
    return Case(
        f"drawer-sessions/{session.id}/close",
        {"count": {"2000": 5}},
        {"count": {"2000": 4, "1000": 2}},
        lambda: DrawerSession.objects.filter(status="closed").count(),
    )


CASES = {
    "open tab": (open_tab_case, tabs.TabsApi),
    "rename": (rename_case, tabs.TabRenameApi),
    "add line": (add_line_case, lines.LineAddApi),
    "void line": (void_case, lines.LineVoidApi),
    "send": (send_case, tabs.TabSendApi),
    "transfer": (transfer_case, tabs.TabTransferApi),
    "merge": (merge_case, tabs.TabMergeApi),
    "split": (split_case, tabs.TabSplitApi),
    "adjustment": (adjustment_case, checkout.AdjustmentAddApi),
    "cash payment": (cash_case, checkout.PaymentApi),
    "card payment": (card_case, checkout.PaymentApi),
    "close": (close_case, checkout.TabCloseApi),
    "reopen": (reopen_case, checkout.TabReopenApi),
    "86 an item": (stock_case, catalog.ItemStockApi),
    "refund": (refund_case, refunds.RefundApi),
    "drawer open": (drawer_open_case, drawers.DrawerOpenApi),
    "cash movement": (movement_case, drawers.CashMovementApi),
    "drawer close": (drawer_close_case, drawers.DrawerCloseApi),
}


@pytest.fixture
def performed(monkeypatch):
    """Count calls of each view's perform()."""
    calls = []

    def counting(view_class):
        original = view_class.perform

        def perform(self, request, data, **kwargs):
            calls.append(view_class.__name__)
            return original(self, request, data, **kwargs)

        monkeypatch.setattr(view_class, "perform", perform)

    return calls, counting


@pytest.mark.parametrize("name", list(CASES))
def test_a_replay_gets_the_first_answer_and_has_no_second_effect(name, tablet, venue, performed):
    build, view_class = CASES[name]
    case = build(venue)
    calls, counting = performed
    counting(view_class)
    before = case.effect()
    key = new_id()

    first = tablet.post(case.path, case.body, key=key)
    after = case.effect()
    replays = [tablet.post(case.path, case.body, key=key) for _ in range(2)]

    assert first.status_code in (200, 201), first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert after != before
    for replay in replays:
        assert (replay.status_code, replay.json()) == (first.status_code, first.json())
        assert replay.headers["Idempotent-Replayed"] == "true"
    assert case.effect() == after
    assert calls == [view_class.__name__]


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_key_with_another_body_is_409(name, tablet, venue, performed):
    build, view_class = CASES[name]
    case = build(venue)
    calls, counting = performed
    counting(view_class)
    key = new_id()
    assert tablet.post(case.path, case.body, key=key).status_code in (200, 201)
    after = case.effect()

    reused = tablet.post(case.path, case.other_body, key=key)

    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert case.effect() == after
    assert len(calls) == 1


def test_a_key_on_another_endpoint_is_409(tablet, venue):
    tab, _ = tab_with(venue, venue.fries)
    key = new_id()
    assert tablet.post(f"tabs/{tab.id}/send", key=key).status_code == 200

    reused = tablet.post(f"tabs/{tab.id}/close", key=key)

    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")
    assert f"/api/v1/tabs/{tab.id}/send" in reused.json()["message"]


def test_a_business_error_is_kept_and_replayed(tablet, venue):
    """$20 on a $10.83 check is refused; after more is ordered, the replay still refuses."""
    tab, _ = tab_with(venue, venue.darts)
    body, key = {"payment_id": new_id(), "tender": "card", "amount": "20.00"}, new_id()
    refused = tablet.post(f"tabs/{tab.id}/payments", body, key=key)
    assert (refused.status_code, refused.json()["code"]) == (409, "payment_error")
    tablet.post(
        f"tabs/{tab.id}/lines",
        {"line_id": new_id(), "item_id": venue.burger.id, "modifier_ids": [venue.medium.id]},
    )

    replay = tablet.post(f"tabs/{tab.id}/payments", body, key=key)

    assert (replay.status_code, replay.json()) == (409, refused.json())
    assert not Payment.objects.exists()


def test_invalid_input_is_not_kept_so_the_fixed_request_may_reuse_the_key(tablet, venue):
    tab, _ = tab_with(venue)
    key = new_id()
    bad = tablet.post(f"tabs/{tab.id}/lines", {"line_id": new_id(), "item_id": "fries"}, key=key)
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()

    good = tablet.post(
        f"tabs/{tab.id}/lines", {"line_id": new_id(), "item_id": venue.fries.id}, key=key
    )

    assert good.status_code == 201


def test_a_mistyped_approval_pin_may_be_retyped_under_the_same_key(tablet, venue):
    tab, (burger,) = tab_with(venue, venue.burger, modifier_ids=[venue.medium.id])
    send_to_preparation(tab_id=tab.id, staff=venue.cashier)
    key, path = new_id(), f"lines/{burger.id}/void"
    approval = {"staff_id": venue.manager.id, "pin": "2223"}
    wrong = tablet.post(path, {"reason": "wrong order", "approval": approval}, key=key)
    assert (wrong.status_code, wrong.json()["code"]) == (403, "pin_rejected")

    right = tablet.post(
        path, {"reason": "wrong order", "approval": {**approval, "pin": "2222"}}, key=key
    )

    assert right.status_code == 200
    stored = IdempotencyRecord.objects.get()
    assert "2222" not in str(stored.body)
    assert stored.fingerprint == fingerprint(
        "POST",
        f"/api/v1/{path}",
        {"reason": "wrong order", "approval": {"staff_id": venue.manager.id, "pin": "0000"}},
    )


def test_keys_belong_to_the_staff_member_on_the_device(tablet, manager_tablet, venue):
    key = new_id()
    assert tablet.post("tabs", {"client_id": new_id(), "name": "Sam"}, key=key).status_code == 201

    theirs = manager_tablet.post("tabs", {"client_id": new_id(), "name": "Alex"}, key=key)

    assert theirs.status_code == 201
    assert Tab.objects.count() == 2
    assert set(IdempotencyRecord.objects.values_list("principal", flat=True)) == {
        f"{tablet.device.id}:{venue.cashier.id}",
        f"{manager_tablet.device.id}:{venue.manager.id}",
    }


@pytest.mark.parametrize("key", ["", "   ", "x" * 256])
def test_an_unusable_key_is_400(tablet, key):
    response = tablet.post("tabs", {"client_id": new_id(), "name": "Sam"}, key=key)

    assert (response.status_code, response.json()["code"]) == (400, "invalid_idempotency_key")
    assert not Tab.objects.exists()


def test_without_a_key_the_client_uuids_make_a_retry_harmless(tablet, venue):
    tab, _ = tab_with(venue, venue.darts)
    line = {"line_id": new_id(), "item_id": venue.fries.id}
    payment = {"payment_id": new_id(), "tender": "card", "amount": "5.00"}
    answers = [
        (tablet.post(f"tabs/{tab.id}/lines", line), tablet.post(f"tabs/{tab.id}/payments", payment))
        for _ in range(2)
    ]

    assert [a.status_code for pair in answers for a in pair] == [201, 201, 201, 201]
    assert answers[0][0].json() == answers[1][0].json()
    assert answers[0][1].json()["payment"] == answers[1][1].json()["payment"]
    assert (TabLine.objects.count(), Payment.objects.count()) == (2, 1)
    changed = tablet.post(f"tabs/{tab.id}/lines", {**line, "quantity": 3})
    assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_key_reused")


def test_the_pin_sign_in_takes_no_key(venue, clock):
    device_tablet = new_tablet()
    key = new_id()
    for staff, pin in ((venue.cashier, "1111"), (venue.manager, "2222")):
        response = device_tablet.post("auth/pin", {"staff_id": staff.id, "pin": pin}, key=key)
        assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()
