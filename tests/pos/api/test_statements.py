"""How many SQL statements paying a check costs, pinned, so that the close path stays lean.

bench/pos_bench.py compares the close request with an authenticated no-op (GET /ping, two
SELECTs: the tablet and the staff member). Most of a request's time on the close path is the
ORM building and running statements, so their number is what these tests pin: an extra read of
the tab's figures, a re-read of a row the service just wrote or a second write of the
Idempotency-Key record shows up here as a failure. Counted on the paying request that closes
the check (the second check of the test: the first posts the ledger's first entry, which also
creates its period and chain head).

Counted by verb and table; left out are transaction control, the ledger's own statements
(post_entry's fixed SQL, which differs between SQLite and PostgreSQL and which
bench/ledger_bench.py measures) and those of the card module (pos.cards: the station's
reader, the mirror of each card attempt, the processor's fee), which has its own tests. A check
is read in one statement (pos.services.checkout.reading). A card payment commits around the
gateway call, so it reads the check twice: to reserve its amount, then, under the lock again,
to close it; a cash payment reads it once.
"""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.utils.encoders import JSONEncoder

from ledger.models import JournalEntry
from pos.apis.checkout import PaymentApi
from pos.apis.outputs import tab_header
from pos.models import Activity, Payment, Tab
from tests.pos.api.conftest import new_id, tab_with


def pay(tablet, venue, body: dict) -> tuple[dict, list[str]]:
    """Ring up fries and a lager, pay what is due with body; return the answer and its SQL."""
    tab, _ = tab_with(venue, venue.fries, venue.beer, age_confirmed=True)
    due = tablet.get(f"tabs/{tab.id}").json()["figures"]["due"]
    with CaptureQueriesContext(connection) as captured:
        response = tablet.post(
            f"tabs/{tab.id}/payments", {**body, "payment_id": new_id(), "amount": due}, key=new_id()
        )
    assert response.status_code == 201, response.content
    return response.json(), [query["sql"] for query in captured.captured_queries]


def kinds(statements: list[str]) -> dict[str, int]:
    """Count the point of sale's statements by verb and table.

    Transaction control, the ledger's and the card module's own statements are left out (see
    the module docstring).
    """
    counted: dict[str, int] = {}
    for sql in statements:
        sql = re.sub(r"^\d+ times: ", "", sql)  # how Django logs an executemany
        verb = sql.split(None, 1)[0].upper()
        if verb in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"):
            continue
        table = outer_table(sql)
        if table.startswith(("ledger_", "cards_")):
            continue
        key = f"{verb} {table}"
        counted[key] = counted.get(key, 0) + 1
    return counted


def reads_of_a_check() -> int:
    """The check's read, and on PostgreSQL the lock taken just before it (see
    pos.services.checkout.reading._locked)."""
    return 2 if connection.vendor == "postgresql" else 1


def outer_table(sql: str) -> str:
    """The statement's own table: that of its FROM, INTO or UPDATE outside any parentheses
    (the check's one read brings its lines, payments... in subqueries: it reads pos_tab)."""
    for found in re.finditer(r'(?:FROM|INTO|UPDATE) "?(\w+)', sql):
        before = sql[: found.start()]
        if before.count("(") == before.count(")"):
            return found.group(1)
    raise AssertionError(f"No table in {sql}")


@pytest.fixture
def warm(tablet, venue):
    """The ledger's first entry (with its period and chain head) is behind us."""
    pay(tablet, venue, {"tender": "cash"})
    assert JournalEntry.objects.count() == 1


@pytest.mark.usefixtures("warm")
def test_a_card_payment_that_closes_the_check(tablet, venue):
    answer, statements = pay(tablet, venue, {"tender": "card", "tip": "1.00"})

    assert answer["tab"]["status"] == "closed"
    assert answer["tab"]["figures"]["due"] == "0.00"
    tab = Tab.objects.get(id=answer["tab"]["id"])
    assert list(tab.activities.order_by("id").values_list("action", flat=True)) == [
        "tab.open", "line.add", "line.add", "payment.card.captured", "tab.close",
    ]  # fmt: skip
    assert kinds(statements) == {
        "SELECT pos_device": 1,
        "SELECT pos_staffmember": 1,  # authentication, as for /ping
        "SELECT pos_idempotencyrecord": 1,  # a stored answer to the key?
        # The check's one read, under its lock (pos.services.checkout.reading: the tab with
        # its lines, adjustments, payments, categories, running games, this payment if a retry
        # wrote it and the open session of the tablet's drawer, for its X/Z report), twice: to
        # reserve the amount, then to record the outcome.
        "SELECT pos_tab": 2 * reads_of_a_check(),
        "INSERT pos_payment": 1,
        "UPDATE pos_payment": 1,  # captured
        "UPDATE pos_tab": 1,  # its closing fields
        "INSERT pos_activity": 1,  # the audit trail: payment and close, one INSERT
        "INSERT pos_idempotencyrecord": 1,  # the key's record, with the answer
    }, "\n".join(statements)


@pytest.mark.usefixtures("warm")
def test_a_cash_payment_that_closes_the_check(tablet, venue):
    answer, statements = pay(tablet, venue, {"tender": "cash"})

    assert answer["tab"]["status"] == "closed"
    assert Activity.objects.filter(tab_id=answer["tab"]["id"], action="tab.close").count() == 1
    assert kinds(statements) == {
        "SELECT pos_device": 1,
        "SELECT pos_staffmember": 1,
        "SELECT pos_idempotencyrecord": 1,
        "SELECT pos_tab": reads_of_a_check(),  # the check's one read, under its lock
        "SELECT pos_drawersession": 1,
        "SELECT pos_drawer": 1,  # its account takes the cash
        "INSERT pos_payment": 1,
        "UPDATE pos_tab": 1,
        "INSERT pos_activity": 1,
        "INSERT pos_idempotencyrecord": 1,
    }, "\n".join(statements)


def test_ping_runs_two_statements(tablet):
    with CaptureQueriesContext(connection) as captured:
        assert tablet.get("ping").status_code == 200
    assert kinds([q["sql"] for q in captured.captured_queries]) == {
        "SELECT pos_device": 1,
        "SELECT pos_staffmember": 1,
    }


def test_reading_a_check_reads_each_of_its_tables_once(tablet, venue):
    """GET /tabs/{id} (and every answer that shows a whole tab, the close's among them)."""
    tab, _ = tab_with(venue, venue.fries, venue.beer, age_confirmed=True)
    with CaptureQueriesContext(connection) as captured:
        response = tablet.get(f"tabs/{tab.id}")

    assert response.json()["figures"]["due"] == "11.47"
    assert kinds([q["sql"] for q in captured.captured_queries]) == {
        "SELECT pos_device": 1, "SELECT pos_staffmember": 1,
        "SELECT pos_tab": 1, "SELECT pos_tabline": 1, "SELECT pos_adjustment": 1,
        "SELECT pos_payment": 1,
    }  # fmt: skip


@pytest.mark.parametrize("tender", ["card", "cash"])
def test_the_paying_answer_is_what_its_documented_serializer_renders(tablet, venue, tender):
    """PaymentApi builds its answer by hand (pos.apis.checkout.payment_answer); the schema shows
    PaymentApi.OutputSerializer. Both for a check the payment closes and one it leaves open."""
    tab, _ = tab_with(venue, venue.fries, venue.beer, age_confirmed=True)
    for part in ("5.00", None):  # a part of the check (left open), then the rest (closed)
        due = tablet.get(f"tabs/{tab.id}").json()["figures"]["due"]
        body = {"tender": tender, "payment_id": new_id(), "amount": part or due}
        response = tablet.post(f"tabs/{tab.id}/payments", body, key=new_id())
        assert response.status_code == 201, response.content

        answer = response.json()
        payment = Payment.objects.select_related("created_by").get(id=answer["payment"]["id"])
        tab.refresh_from_db()
        documented = PaymentApi.OutputSerializer({"payment": payment, "tab": tab_header(tab)})
        assert answer == json.loads(json.dumps(documented.data, cls=JSONEncoder))
        assert answer["tab"]["status"] == ("open" if part else "closed")
