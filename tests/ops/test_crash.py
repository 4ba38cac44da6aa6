"""Crashes: the server is SIGKILLed during 200 checkouts, the close during a quarterly close.

The database: the demo venue, loaded through its services into the test database, then copied
with `manage.py backup` (and, on PostgreSQL, `manage.py restore` into a scratch database of the
same cluster): committed rows that the server owns, without migrating a second database.

The checkouts: four tablets (the demo bar and grill tablets, each with both cashiers signed in
by PIN) ring up 200 checks over HTTP against gunicorn: open a check, add 1 to 3 menu items,
read what is due, pay it, cash on even checks and card (the demo gateway) on odd ones. Card
payments commit around the gateway call (pos.idempotency's atomic=False path), cash in one
transaction. At 5 seeded random moments the whole server (master and workers) is SIGKILLed
and restarted; every request cut off is resent with the same body and Idempotency-Key until
it is answered. Afterwards every check is closed and posted exactly once with the total the
tablet was shown, every line and payment is there once, nothing is pending, every key has
exactly one stored answer, and the drawers count out to the cash taken.

The close: `manage.py close_period` is SIGKILLed twice, each time just after it reports a
step done (so while it works on the next one); run again, it resumes and completes: one
closing entry, no source reference posted twice, the quarter closed, `verify_ledger` clean.
"""

import datetime
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ledger.periods import quarter_named, quarter_of
from pos.demo import load_demo_venue
from pos.models import Device, Drawer, StaffMember
from tests.ops.scratch import ROOT, ScratchDatabase, manage_command
from tests.ops.server import Figures, Server, Tablet

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

SEED = 9
CHECKOUTS = 200
KILLS = 5
CLOSE_KILLS = 2
TABLETS = [("Bar tablet", "demo-bar-tablet"), ("Grill counter tablet", "demo-grill-tablet")]
CASHIERS = [("casey", "1111"), ("jordan", "3333")]
MENU_KINDS = {"food", "drinks", "merchandise"}
TENDER_ACCOUNTS = "('Assets:Cash:Drawer1', 'Assets:Cash:Drawer2', 'Assets:Stripe:Clearing')"


@pytest.fixture
def database(tmp_path):
    scratch = ScratchDatabase(tmp_path, "crash")
    yield scratch
    scratch.drop()


def copy_demo_venue(database: ScratchDatabase, tmp_path) -> None:
    load_demo_venue()
    if database.vendor == "sqlite":
        call_command("backup", str(database.path), stdout=StringIO())
    else:
        call_command("backup", str(tmp_path / "venue.backup"), stdout=StringIO())
        database.manage("restore", str(tmp_path / "venue.backup"))


def menu(tablet: Tablet) -> list[tuple[int, list[int]]]:
    """(item id, modifier ids) for items anyone may order: the first choice of required groups."""
    return [
        (item["id"], [g["modifiers"][0]["id"] for g in item["modifier_groups"] if g["required"]])
        for category in tablet.get("catalog")["categories"]
        if category["kind"] in MENU_KINDS
        for item in category["items"]
        if item["min_age"] == 0 and not item["out_of_stock"]
    ]


def cents(amount: str) -> int:
    dollars, _, rest = amount.partition(".")
    return int(dollars) * 100 + int(rest.ljust(2, "0"))


def count_of(total: int) -> dict[str, int]:
    """A drawer count of total cents in $100 notes, $1 notes and pennies."""
    return {"10000": total // 10000, "100": total % 10000 // 100, "1": total % 100}


class Checkouts:
    """The 200 checks, shared out among the tablets; what each was charged, by tab id."""

    def __init__(self) -> None:
        self.next = 0
        self.done = 0
        self.lock = threading.Lock()
        self.charged: dict[int, tuple[int, str, str]] = {}  # tab id -> (cents, tender, drawer)
        self.lines = 0
        self.failures: list[str] = []

    def take(self) -> int | None:
        with self.lock:
            if self.next == CHECKOUTS:
                return None
            self.next += 1
            return self.next

    def ring_up(self, tablet: Tablet, drawer: str, choices, rng: random.Random) -> None:
        while (number := self.take()) is not None:
            tab = tablet.post("tabs", {"client_id": str(uuid.uuid4()), "name": f"Guest {number}"})
            items = rng.sample(choices, rng.randint(1, 3))
            for item_id, modifier_ids in items:
                body = {"line_id": str(uuid.uuid4()), "item_id": item_id}
                if modifier_ids:
                    body["modifier_ids"] = modifier_ids
                tablet.post(f"tabs/{tab['id']}/lines", body)
            due = tablet.get(f"tabs/{tab['id']}")["figures"]["due"]
            tender = "cash" if number % 2 == 0 else "card"
            payment = {"payment_id": str(uuid.uuid4()), "tender": tender, "amount": due}
            paid = tablet.post(f"tabs/{tab['id']}/payments", payment)
            assert paid["tab"]["status"] == "closed", paid
            with self.lock:
                self.charged[tab["id"]] = (cents(due), tender, drawer)
                self.lines += len(items)
                self.done += 1


def run_tablets(server: Server, figures: Figures, drawers: dict[str, int]):
    """Sign the tablets in, open both drawers, ring up the checks while killing the server."""
    staff = {s.user.username: s.id for s in StaffMember.objects.select_related("user")}
    tablets = []
    for name, token in TABLETS:
        for username, pin in CASHIERS:
            tablet = Tablet(server.port, token, figures)
            tablet.sign_in(staff[username], pin)
            tablets.append((tablet, name))
    sessions = {}
    for tablet, name in tablets[::2]:  # one cashier per tablet opens its drawer, on no float
        session_id = str(uuid.uuid4())
        tablet.post(f"drawers/{drawers[name]}/open", {"session_id": session_id, "count": {}})
        sessions[name] = (tablet, session_id)
    choices = menu(tablets[0][0])
    checkouts = Checkouts()

    def work(index: int, tablet: Tablet, name: str) -> None:
        try:
            checkouts.ring_up(tablet, name, choices, random.Random(SEED * 100 + index))
        except BaseException as error:  # reported by the main thread
            checkouts.failures.append(f"tablet {index}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, t, n)) for i, (t, n) in enumerate(tablets)]
    for thread in threads:
        thread.start()
    rng = random.Random(SEED)
    for threshold in sorted(rng.sample(range(10, CHECKOUTS - 10), KILLS)):
        while checkouts.done < threshold and not checkouts.failures:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.1))  # into whatever requests are in flight
        server.kill()
        server.start()
    for thread in threads:
        thread.join()
    assert not checkouts.failures, checkouts.failures
    for name, (tablet, session_id) in sessions.items():
        cash = sum(c for c, tender, drawer in checkouts.charged.values()
                   if tender == "cash" and drawer == name)  # fmt: skip
        closed = tablet.post(f"drawer-sessions/{session_id}/close", {"count": count_of(cash)},
                             expect=200)  # fmt: skip
        expected = f"{cash // 100}.{cash % 100:02d}"
        assert (closed["status"], closed["expected"], closed["variance"]) == (
            ("closed", expected, "0.00")
        )
    return checkouts


def close_steps(database: ScratchDatabase, period: str) -> list[tuple[str, str, int]]:
    return database.query(
        "SELECT s.name, s.status, s.attempts FROM treasury_closestep s JOIN treasury_closerun r "
        f"ON r.id = s.run_id WHERE r.period = '{period}' ORDER BY s.position"
    )


def close_and_kill(
    database: ScratchDatabase, period: str, delay: float, at: datetime.datetime
) -> list[str]:
    """Run close_period at `at`; SIGKILL it after the first step it reports done (plus delay)."""
    process = subprocess.Popen(
        manage_command("close_period", period, at=at), cwd=ROOT,
        env=database.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    said = [process.stdout.readline().rstrip()]
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return said


def test_killed_server_and_close_lose_nothing_and_post_nothing_twice(tmp_path, database):
    copy_demo_venue(database, tmp_path)
    drawers = {d.name: d.drawer_id for d in Device.objects.filter(drawer__isnull=False)}
    assert set(drawers) == {name for name, _ in TABLETS}
    assert Drawer.objects.count() == 2
    server, figures = Server(database, tmp_path), Figures()
    started = time.monotonic()
    server.start()
    try:
        checkouts = run_tablets(server, figures, drawers)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n--- the server's log:\n{server.log_tail()}") from None
    finally:
        server.stop()
    took = time.monotonic() - started

    # Every check closed once, with one sale entry, for what the tablet was told was due.
    charged = checkouts.charged
    assert len(charged) == CHECKOUTS
    assert database.query("SELECT status, COUNT(*) FROM pos_tab GROUP BY status") == [
        ("closed", CHECKOUTS)
    ]
    rows = database.query(
        "SELECT t.id, t.total, p.amount, p.tender, SUM(g.amount) FROM pos_tab t "
        "JOIN pos_payment p ON p.tab_id = t.id "
        "JOIN ledger_journalentry e ON e.id = t.ledger_entry_id AND e.kind = 'sale' "
        "JOIN ledger_posting g ON g.entry_id = e.id AND g.side = 'D' "
        f"JOIN ledger_account a ON a.id = g.account_id AND a.name IN {TENDER_ACCOUNTS} "
        "GROUP BY t.id, t.total, p.id, p.amount, p.tender"
    )
    assert {row[0]: (row[1], row[3]) for row in rows} == {
        tab: (total, tender) for tab, (total, tender, _) in charged.items()
    }
    assert all(total == paid == debited for _, total, paid, _, debited in rows)
    assert database.value("SELECT COUNT(*) FROM ledger_journalentry WHERE kind = 'sale'") == (
        CHECKOUTS
    )
    # Nothing half-written: every line once, every payment captured, every key answered once.
    assert database.value("SELECT COUNT(*) FROM pos_tabline") == checkouts.lines
    assert database.query("SELECT status, COUNT(*) FROM pos_payment GROUP BY status") == [
        ("captured", CHECKOUTS)
    ]
    stored = database.query("SELECT key, status_code FROM pos_idempotencyrecord")
    assert sorted(key for key, _ in stored) == sorted(figures.keys)
    assert {status for _, status in stored} <= {200, 201}
    assert figures.failed_sends > 0  # the kills did cut requests off, and they were resent

    # The quarterly close, killed twice while it works, then run to the end.
    days = database.query("SELECT DISTINCT effective_date FROM ledger_journalentry")
    quarters = sorted({quarter_of(datetime.date.fromisoformat(str(day))).name for (day,) in days})
    for earlier in quarters[:-1]:  # a run that straddled a quarter's first morning
        database.manage("close_period", earlier)
    period, rng, kills = quarters[-1], random.Random(SEED), []
    # The quarter sold in is today's: it is closed the morning after its last day.
    after = quarter_named(period).end_date + datetime.timedelta(days=1)
    at = datetime.datetime.combine(after, datetime.time(9), ZoneInfo(settings.TIME_ZONE))
    for _ in range(CLOSE_KILLS):
        said = close_and_kill(database, period, rng.uniform(0, 0.05), at)
        steps = close_steps(database, period)
        kills.append((said[0], [name for name, status, _ in steps if status == "done"]))
        assert said[0].startswith("[  done]"), said
        assert [status for _, status, _ in steps].count("pending") >= 1, steps
    finished = database.manage("close_period", period, at=at).stdout
    assert f"{period} closed." in finished
    steps = ("cutoff", "reconciliations", "closing_entry", "earmark_top_up", "snapshots_lock")
    assert close_steps(database, period) == [(name, "done", 1) for name in steps]
    assert database.value(
        f"SELECT COUNT(*) FROM ledger_journalentry WHERE kind = 'closing' AND source_ref LIKE "
        f"'close:{period}%'"
    ) == 1  # fmt: skip
    refs = Counter(ref for (ref,) in database.query("SELECT source_ref FROM ledger_journalentry"))
    assert [ref for ref, times in refs.items() if ref and times > 1] == []
    assert database.query(f"SELECT status FROM ledger_period WHERE name = '{period}'") == [
        ("closed",)
    ]
    verified = database.manage("verify_ledger").stdout.strip()
    entries = database.value("SELECT COUNT(*) FROM ledger_journalentry")
    assert verified.startswith(f"ledger OK - {entries} entries, ")
    assert verified.endswith(f"{len(quarters)} closed period(s) checked")
    print(
        f"\n{CHECKOUTS} checkouts ({checkouts.lines} lines) by {len(TABLETS) * len(CASHIERS)} "
        f"tablets in {took:.0f} s: {figures.requests} requests, {figures.sends} sends, "
        f"{figures.failed_sends} cut off and resent, {figures.replayed} answered as replays; "
        f"{KILLS} server kills ({server.starts} starts); close of {period} killed after "
        f"{[done for _, done in kills]}, then:\n{finished}{verified}"
    )
