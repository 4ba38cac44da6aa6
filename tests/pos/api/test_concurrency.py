"""Eight tablets at once, through the API, committing for real.

Each worker thread is a tablet of its own (device token, a cashier signed in by PIN, its own
HTTP client and database connection). In three rounds, all released together by a barrier:

1. every tablet adds 5 lines to ONE shared tab, each request sent twice under its key, and
   all of them add the same line (same line_id, no key) once more: no line is lost, none is
   doubled. Four clients of one tablet also send one request under one key: one effect.
2. every tablet opens its own tab and adds fries; then all pay at once: each its own tab in
   cash, and the shared tab's whole balance by card or cash, under separate payment ids.
   Each own tab closes once; the shared tab takes exactly one payment and closes once.
3. the ledger: one sale entry per closed tab, and `verify_ledger` is clean.

Any 5xx, or an error in a worker, fails the test with the worker's traceback.
"""

import threading
import traceback
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from ledger.models import JournalEntry
from ledger.verification import verify_ledger
from pos.models import IdempotencyRecord, Payment, Tab, TabLine
from tests.pos.api.conftest import Tablet, new_id, new_tablet
from tests.pos.conftest import make_staff

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

WORKERS = 8
LINES_EACH = 5


def run_together(tablets, work):
    """Run work(index, tablet) in one thread per tablet, released together; return results."""
    barrier = threading.Barrier(len(tablets))

    def worker(index, tablet):
        try:
            barrier.wait(timeout=30)
            return work(index, tablet)
        except Exception:
            return AssertionError(traceback.format_exc())
        finally:
            connection.close()

    with ThreadPoolExecutor(len(tablets)) as pool:
        results = list(pool.map(worker, range(len(tablets)), tablets))
    failures = [r for r in results if isinstance(r, AssertionError)]
    assert not failures, failures[0]
    return results


def status(response) -> int:
    assert response.status_code < 500, response.content
    return response.status_code


def test_eight_tablets_at_once_lose_nothing_and_close_nothing_twice(venue):
    tablets = [
        new_tablet(
            staff=make_staff(f"worker{i}", "cashier", "4321"), pin="4321", drawer=venue.drawer
        )
        for i in range(WORKERS)
    ]
    shared = tablets[0].post("tabs", {"client_id": new_id(), "name": "Party"}).json()
    same_line = {"line_id": new_id(), "item_id": venue.darts.id}

    def add_lines(index, tablet):
        sent = []
        for _ in range(LINES_EACH):
            body, key = {"line_id": new_id(), "item_id": venue.fries.id}, new_id()
            first = tablet.post(f"tabs/{shared['id']}/lines", body, key=key)
            again = tablet.post(f"tabs/{shared['id']}/lines", body, key=key)
            assert (status(first), status(again)) == (201, 201)
            assert first.json() == again.json()
            sent.append(body["line_id"])
        assert status(tablet.post(f"tabs/{shared['id']}/lines", same_line)) == 201
        return sent

    sent = run_together(tablets, add_lines)

    on_tab = set(map(str, TabLine.objects.filter(tab_id=shared["id"]).values_list("id", flat=True)))
    assert on_tab == {line for lines in sent for line in lines} | {same_line["line_id"]}

    # One tablet, four clients, one key: exactly one tab.
    twins = [Tablet(tablets[0].device, "") for _ in range(4)]
    for twin in twins:
        twin.headers = dict(tablets[0].headers)
    key, body = new_id(), {"client_id": new_id(), "name": "Twins"}
    answers = run_together(twins, lambda i, t: t.post("tabs", body, key=key))
    assert {status(a) for a in answers} == {201}
    assert all(a.json() == answers[0].json() for a in answers)
    assert Tab.objects.filter(name="Twins").count() == 1
    assert IdempotencyRecord.objects.filter(key=key).count() == 1

    own_tabs = []
    for tablet in tablets:
        tab = tablet.post("tabs", {"client_id": new_id(), "name": "Solo"}).json()
        line = {"line_id": new_id(), "item_id": venue.fries.id}
        assert tablet.post(f"tabs/{tab['id']}/lines", line).status_code == 201
        own_tabs.append(tab["id"])
    shared_due = tablets[0].get(f"tabs/{shared['id']}").json()["figures"]["due"]

    def pay(index, tablet):
        own = tablet.post(
            f"tabs/{own_tabs[index]}/payments",
            {"payment_id": new_id(), "tender": "cash", "amount": "4.87"},
        )
        tender = "card" if index % 2 else "cash"
        whole = tablet.post(
            f"tabs/{shared['id']}/payments",
            {"payment_id": new_id(), "tender": tender, "amount": shared_due},
            key=new_id(),
        )
        return status(own), status(whole), whole.json().get("code")

    results = run_together(tablets, pay)

    assert [own for own, _, _ in results] == [201] * WORKERS
    outcomes = Counter((whole, code) for _, whole, code in results)
    assert outcomes[(201, None)] == 1, outcomes
    assert set(outcomes) - {(201, None)} <= {(409, "payment_error"), (409, "tab_not_open")}
    closed = Tab.objects.filter(status=Tab.Status.CLOSED)
    assert set(closed.values_list("id", flat=True)) == {shared["id"], *own_tabs}
    assert Payment.objects.filter(tab_id=shared["id"], status="captured").count() == 1
    assert JournalEntry.objects.filter(kind="sale").count() == closed.count() == WORKERS + 1
    assert len(set(closed.values_list("ledger_entry_id", flat=True))) == WORKERS + 1
    assert verify_ledger().ok


def test_a_replay_of_a_committed_card_payment_is_served_from_the_record(venue):
    """Card payments run outside the request's transaction: check it on a real commit too."""
    tablet = new_tablet(staff=make_staff("solo", "cashier", "4321"), pin="4321")
    tab = tablet.post("tabs", {"client_id": new_id(), "name": "Sam"}).json()
    tablet.post(f"tabs/{tab['id']}/lines", {"line_id": new_id(), "item_id": venue.fries.id})
    body, key = {"payment_id": str(uuid.uuid4()), "tender": "card", "amount": "4.87"}, new_id()

    first = tablet.post(f"tabs/{tab['id']}/payments", body, key=key)
    again = tablet.post(f"tabs/{tab['id']}/payments", body, key=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Payment.objects.count() == 1
    assert verify_ledger().ok
