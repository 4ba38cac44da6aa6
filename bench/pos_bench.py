"""Point-of-sale benchmark: checkout through the real API, on SQLite and PostgreSQL; prints figures.

    .venv/bin/python bench/pos_bench.py [--checks 5000] [--clients 8] [--history-days 365]
                                        [--history bulk|simulate] [--history-minutes 20]
                                        [--latency-checks 200] [--backend sqlite|postgres|both]

It asserts nothing: it prints figures and a summary against the targets of the issue.

Like bench/ledger_bench.py, the top-level run starts one child process per backend, each on a
fresh database: SQLite on a file in a temporary directory (DATABASE_URL=sqlite:///...), PostgreSQL
under `scripts/with-postgres` (a throwaway cluster). The child runs with the development settings
but DEBUG off (no query log, as in production), migrates, loads the demo venue (`manage.py demo`),
measures, prints its figures and one machine-readable result line; the parent prints the summary.

Every request goes through Django's whole stack in-process, by Django's test Client: routing,
middleware, DRF authentication (`Authorization: Device <token>` + `X-Staff-Token`), permissions,
validation, the Idempotency-Key record, the services and the JSON answer; only the network and a
WSGI server are left out. A client is a tablet: its own Device (the two demo tablets, plus
tablets registered on the two drawers for the throughput run), a staff member signed in with a
PIN (POST /auth/pin), and, under concurrency, its own thread and database connection.

A check, as a tablet rings it up (every POST with a fresh Idempotency-Key and client UUIDs):
    POST /tabs                        open it ("open tab")
    POST /tabs/{id}/lines, 2 to 4     menu items, required modifiers chosen ("add line")
    GET  /tabs/{id}                   the total shown to the guest ("read check")
    POST /tabs/{id}/payments          exactly what is due, by card (fake gateway, often a tip) or,
                                      one in five, cash from the open drawer ("close")
The payment covers the check, so that request closes it and posts its ledger sale entry:
"close a check" is that payment request, checked to answer the check closed.

What the child measures, in this order:

1. Latency on the empty database (demo venue only): one tablet rings up --latency-checks checks
   one after another, with GET /ping (the authenticated no-op) before each; p50 of add line,
   close and ping, after a few warm-up checks. The targets use wall time; the p50 of the
   client thread's CPU time is shown too, as a cross-check that other work on the machine
   barely disturbs (on SQLite it includes the database's work; on PostgreSQL it does not).
   A few more checks then run untimed, counting the SQL statements of each kind of request.
2. History: --history-days days ending yesterday (365: the issue's `simulate --days 365`).
   The ledger's accounts open on ledger.chart.CHART_OPENED_ON; when that is less than N days
   ago the child's clock (time-machine, ticking) is moved forward before anything runs, so
   that the history fits, and the move is printed.
   --history bulk (the default): bench/pos_history.py bulk-inserts each day's checks, closed,
   and posts every sale through post_entry with the close service's entry id and lines; the
   drawers open and close through their services (see that module for what it makes, what
   not, and why).
   --history simulate: `manage.py simulate` (the services, line by line: seconds per day),
   capped by --history-minutes: a probe of the last few days measures seconds per simulated
   day and N is the largest that fits the budget. N and the method are printed; the
   history's checks, entries and postings are counted.
3. Latency again, as in 1: add-line and close p50 after / before (target <= 1.5 each), and
   close p50 / ping p50 in the same phase (target <= 3; shown for both phases).
4. Throughput on that database: --clients threads, each a tablet, close --checks checks
   between them; wall time gives checks per second, with p50 and p99 of the close request.
   On SQLite the threads share one file and writers serialize (BEGIN IMMEDIATE).
5. The drawers close on an exact count, then `verify_ledger()` and `reconcile_tenders` over
   the whole range (simulated days and today) check what the run wrote.
"""

import argparse
import datetime
import hashlib
import io
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from _common import (
    ROOT,
    add_backend_option,
    count_of,
    main,
    ms,
    report_result,
    run_backend,
    verdict,
)
from _common import run_parent as common_parent

API = "/api/v1"
SEED = 20260101

HISTORY_RATIO_TARGET = 1.5
PING_RATIO_TARGET = 3.0
WARMUP_CHECKS = 10
PROBE_DAYS = 3  # simulated first, to measure seconds per simulated day
MAX_THREAD_ERRORS = 20  # a client thread gives up after this many failed checks

CASH_SHARE = 0.2
TIP_SHARE = 0.6
DECLINED_CENTS = 1313  # the fake gateway declines this total (pos.gateway.FakeGateway)
NAMES = ["Sam", "Alex", "Priya", "Jordan", "Kim", "Luis", "Maya", "Omar", "Rosa", "Chen"]
# Who signs in on the tablets: (username, PIN) of the demo's floor staff, in turn.
FLOOR_STAFF = [("casey", "1111"), ("jordan", "3333"), ("morgan", "2222")]
DEMO_TABLETS = ["demo-bar-tablet", "demo-grill-tablet"]
FLOAT_COUNT = {"2000": 4, "1000": 4, "500": 4, "100": 15, "25": 16, "10": 10, "5": 10}

Timings = dict[str, list["Sample"]]  # request kind -> each request's times


# --------------------------------------------------------------------------------------------
# Parent: one child process per backend, then the summary.
# --------------------------------------------------------------------------------------------


def run_parent(args: argparse.Namespace) -> int:
    return common_parent(args, lambda backend: run_child_process(backend, args), print_summary)


def run_child_process(backend: str, args: argparse.Namespace) -> dict | None:
    child_args = [
        "--checks", str(args.checks), "--clients", str(args.clients),
        "--history-days", str(args.history_days), "--history-minutes", str(args.history_minutes),
        "--history", args.history,
        "--latency-checks", str(args.latency_checks),
    ]  # fmt: skip
    return run_backend(script=__file__, backend=backend, child_args=child_args)


def print_summary(results: list[dict]) -> None:
    print("\n=== summary ===")
    for r in results:
        name = f"{r['backend']:<8}"
        t = r["throughput"]
        print(
            f"{name} throughput: {t['clients']} clients closed {t['closed']:,} checks in "
            f"{t['wall_s']:.1f} s = {t['checks_per_s']:.1f} checks/s; close p50 "
            f"{ms(t['close_p50'])}, p99 {ms(t['close_p99'])}; failed checks {t['failed']}"
        )
        h = r["history"]
        days = f"{h['days']} days" + (
            f" (not {h['days_wanted']}: {h['why_fewer']})" if h["days"] < h["days_wanted"] else ""
        )
        print(
            f"{name} history ({h['method']}): {days}, {h['checks']:,} checks, "
            f"{h['postings']:,} postings"
        )
        before, after = r["empty"], r["with_history"]
        for kind, label in (("add line", "add a line"), ("close", "close a check")):
            ratio = after[kind] / before[kind]
            cpu_ratio = after[f"{kind} cpu"] / before[f"{kind} cpu"]
            print(
                f"{name} {label} p50: empty {ms(before[kind])}, with history {ms(after[kind])}, "
                f"ratio {ratio:.2f} (target <= {HISTORY_RATIO_TARGET}) "
                + verdict(ratio <= HISTORY_RATIO_TARGET)
                + f"  [thread CPU p50 ratio {cpu_ratio:.2f}]"
            )
        for phase, label in ((before, "empty"), (after, "with history")):
            ratio = phase["close"] / phase["ping"]
            print(
                f"{name} close p50 / ping p50 ({label}): {ms(phase['close'])} / "
                f"{ms(phase['ping'])} = {ratio:.2f} (target <= {PING_RATIO_TARGET:.0f}) "
                + verdict(ratio <= PING_RATIO_TARGET)
            )
        print(f"{name} verify_ledger {r['verify']}; reconcile_tenders {r['reconcile']}")


# --------------------------------------------------------------------------------------------
# Child: the measurements, on the database DATABASE_URL names.
# --------------------------------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    backend = args.backend.removesuffix("-child")
    setup_django(backend)
    print(f"clock: {set_clock_for_history(args.history_days)}", flush=True)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    print(f"code: {code_state()}", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs", flush=True)
    rng = random.Random(SEED)
    tablets = [sign_in(Tablet(token), index) for index, token in enumerate(DEMO_TABLETS)]
    check_query_log_off(tablets[0])
    menu = read_menu(tablets[0])
    result: dict = {"backend": backend}

    print(f"1. latency on the empty database: {args.latency_checks} checks, one tablet", flush=True)
    result["empty"] = measure_latency(tablets, menu, args.latency_checks, rng)
    if args.history == "bulk":
        result["history"] = build_bulk_history(args.history_days)
    else:
        result["history"] = build_history(args.history_days, args.history_minutes)
    print(f"3. latency with {result['history']['days']} days of history", flush=True)
    result["with_history"] = measure_latency(tablets, menu, args.latency_checks, rng)
    print_history_ratios(result["empty"], result["with_history"])

    print(f"4. throughput: {args.clients} tablets close {args.checks:,} checks", flush=True)
    result["throughput"] = measure_throughput(tablets, menu, args.clients, args.checks)
    print("5. checks of what the run wrote", flush=True)
    result |= verify(result["history"]["first_day"])
    report_result(result)
    return 0


def setup_django(backend: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL", "")
    expected = "sqlite:///" if backend == "sqlite" else "postgres"
    if not url.startswith(expected) or "tillshare.sqlite3" in url:
        sys.exit(f"{backend}-child needs its own DATABASE_URL ({expected}...), got {url!r}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    # Development settings log every query under DEBUG; production runs without that cost.
    settings.DEBUG = False
    # The test Client sends Host: testserver.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def code_state() -> str:
    """Name the code measured: where it runs from, the commit, a digest of the .py files."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    digest = hashlib.sha256()
    for package in ("config", "ledger", "pos"):
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{ROOT}, commit {commit or '?'}, config+ledger+pos .py sha256 {digest.hexdigest()[:12]}"


def figure(label: str, value: str) -> None:
    print(f"  {label:<52} {value}", flush=True)


def check_query_log_off(tablet: "Tablet") -> None:
    """Refuse to time anything while Django records queries (DEBUG)."""
    from django.db import connection

    connection.queries_log.clear()
    tablet.get(f"{API}/ping", "ping")
    if connection.queries_log:
        sys.exit("Django is logging queries (DEBUG on?): the figures would be wrong")
    figure("DEBUG / query log", "off / off")


# --- tablets and checks ------------------------------------------------------------------------


class RequestFailed(Exception):
    pass


@dataclass(frozen=True)
class Sample:
    """One request: wall time, and CPU time of the thread that sent it (SQLite runs in it)."""

    wall: float
    cpu: float


class Tablet:
    """One tablet: its device token, the staff token of whoever signed in, a test Client.

    A request given a `kind` is timed into `timings[kind]`; while `statements` is a dict, the
    SQL statements each such request runs are counted into it instead (not timed).
    """

    def __init__(self, device_token: str) -> None:
        from django.test import Client

        self.client = Client()
        self.headers = {"Authorization": f"Device {device_token}"}
        self.device_id: int | None = None
        self.drawer_id: int | None = None
        self.timings: Timings = defaultdict(list)
        self.statements: dict[str, list[list[str]]] | None = None

    def get(self, path: str, kind: str = "") -> dict:
        return self._send(kind, path, lambda: self.client.get(path, headers=self.headers))

    def post(self, path: str, body: dict, kind: str = "", *, idempotent: bool = True) -> dict:
        headers = dict(self.headers)
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return self._send(
            kind,
            path,
            lambda: self.client.post(path, body, content_type="application/json", headers=headers),
        )

    def _send(self, kind: str, path: str, send) -> dict:
        if kind and self.statements is not None:
            response = self._count_statements(kind, send)
        else:
            wall, cpu = time.perf_counter(), time.thread_time()
            response = send()
            if kind:
                sample = Sample(time.perf_counter() - wall, time.thread_time() - cpu)
                self.timings[kind].append(sample)
        if response.status_code not in (200, 201):
            raise RequestFailed(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response.json()

    def _count_statements(self, kind: str, send):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = send()
        self.statements[kind].append([q["sql"] for q in captured.captured_queries])
        return response


def sign_in(tablet: Tablet, index: int) -> Tablet:
    """Sign the next floor staff member in on the tablet with their PIN."""
    from pos.models import StaffMember

    username, pin = FLOOR_STAFF[index % len(FLOOR_STAFF)]
    staff_id = StaffMember.objects.get(user__username=username).id
    answer = tablet.post(f"{API}/auth/pin", {"staff_id": staff_id, "pin": pin}, idempotent=False)
    tablet.headers["X-Staff-Token"] = answer["staff_token"]
    me = tablet.get(f"{API}/auth/me")
    tablet.device_id, tablet.drawer_id = me["device"]["id"], me["device"]["drawer_id"]
    return tablet


@dataclass(frozen=True)
class MenuItem:
    id: int
    modifier_ids: list[int]  # a valid choice: the first options of every required group
    age_restricted: bool


def read_menu(tablet: Tablet) -> list[MenuItem]:
    catalog = tablet.get(f"{API}/catalog")
    menu = []
    for category in catalog["categories"]:
        for item in category["items"]:
            if item["out_of_stock"]:
                continue
            modifiers = []
            for group in item["modifier_groups"]:
                wanted = max(group["min_choices"], 1 if group["required"] else 0)
                modifiers += [m["id"] for m in group["modifiers"][:wanted]]
            menu.append(MenuItem(item["id"], modifiers, item["min_age"] > 0))
    figure("menu (GET /catalog)", f"{len(menu)} items")
    return menu


def ring_up_check(tablet: Tablet, menu: list[MenuItem], rng: random.Random) -> None:
    """Open a check, add 2 to 4 lines, read it, pay exactly what is due (which closes it)."""
    body = {"client_id": str(uuid.uuid4()), "name": rng.choice(NAMES)}
    if rng.random() < 0.6:
        body["table"] = str(rng.randint(1, 24))
    tab = tablet.post(f"{API}/tabs", body, "open tab")
    for _ in range(rng.randint(2, 4)):
        item = rng.choice(menu)
        line = {
            "line_id": str(uuid.uuid4()),
            "item_id": item.id,
            "quantity": rng.choice([1, 1, 1, 2]),
            "modifier_ids": item.modifier_ids,
            "age_confirmed": item.age_restricted,
        }
        tablet.post(f"{API}/tabs/{tab['id']}/lines", line, "add line")
    check = tablet.get(f"{API}/tabs/{tab['id']}", "read check")
    due = cents(check["figures"]["due"])
    answer = tablet.post(f"{API}/tabs/{tab['id']}/payments", payment(rng, due), "close")
    if answer["tab"]["status"] != "closed":
        raise RequestFailed(f"check {tab['id']} is {answer['tab']['status']} after paying {due}")


def payment(rng: random.Random, due: int) -> dict:
    body = {"payment_id": str(uuid.uuid4()), "amount": dollars(due)}
    if rng.random() < CASH_SHARE:
        return {**body, "tender": "cash", "tendered": dollars(-(-due // 2000) * 2000)}
    tip = due * rng.choice([15, 18, 20]) // 100 if rng.random() < TIP_SHARE else 0
    if due + tip == DECLINED_CENTS:
        tip += 1
    return {**body, "tender": "card", "tip": dollars(tip)}


def cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def dollars(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


# --- drawers -----------------------------------------------------------------------------------


def open_drawers(tablets: list[Tablet]) -> dict[int, uuid.UUID]:
    """Open every drawer the tablets work on, with a counted float; return the session ids."""
    sessions = {}
    for tablet in tablets:
        if tablet.drawer_id is None or tablet.drawer_id in sessions:
            continue
        session_id = uuid.uuid4()
        tablet.post(
            f"{API}/drawers/{tablet.drawer_id}/open",
            {"session_id": str(session_id), "count": FLOAT_COUNT},
        )
        sessions[tablet.drawer_id] = session_id
    return sessions


def close_drawers(tablets: list[Tablet], sessions: dict[int, uuid.UUID]) -> None:
    """Close each session on a count of exactly the cash it should hold (a blind count)."""
    from pos.models import DrawerSession
    from pos.reports import expected_cash_cents

    for drawer_id, session_id in sessions.items():
        tablet = next(t for t in tablets if t.drawer_id == drawer_id)
        expected = expected_cash_cents(DrawerSession.objects.get(id=session_id))
        answer = tablet.post(
            f"{API}/drawer-sessions/{session_id}/close", {"count": count_of(expected)}
        )
        if answer["variance"] != "0.00":
            raise RequestFailed(f"drawer {drawer_id} closed {answer['variance']} off")


# --- 1 and 3: latency, one tablet ---------------------------------------------------------------


def measure_latency(
    tablets: list[Tablet], menu: list[MenuItem], checks: int, rng: random.Random
) -> dict:
    """Ring up checks on the first tablet with a ping before each; return p50 per kind."""
    sessions = open_drawers(tablets)
    tablet = tablets[0]
    for _ in range(WARMUP_CHECKS):
        tablet.get(f"{API}/ping", "ping")
        ring_up_check(tablet, menu, rng)
    tablet.timings.clear()
    load = os.getloadavg()[0]
    for _ in range(checks):
        tablet.get(f"{API}/ping", "ping")
        ring_up_check(tablet, menu, rng)
    figure("load average (1 min) after the run", f"{load:.2f} before, {os.getloadavg()[0]:.2f}")
    figure("", "wall p50 / p90 / p99 (thread CPU p50)")
    for kind in ("ping", "open tab", "add line", "read check", "close"):
        samples = tablet.timings[kind]
        walls = [s.wall for s in samples]
        figure(
            f"{kind} ({len(samples)} requests)",
            " / ".join(ms(percentile(walls, q)) for q in (50, 90, 99))
            + f" ({ms(percentile([s.cpu for s in samples], 50))})",
        )
    result = {kind: percentile([s.wall for s in v], 50) for kind, v in tablet.timings.items()}
    result |= {
        f"{kind} cpu": percentile([s.cpu for s in v], 50) for kind, v in tablet.timings.items()
    }
    tablet.timings.clear()
    profile_statements(tablet, menu, rng)
    close_drawers(tablets, sessions)
    return result


def profile_statements(tablet: Tablet, menu: list[MenuItem], rng: random.Random) -> None:
    """Ring up a few checks more counting SQL statements per request (untimed)."""
    tablet.statements = defaultdict(list)
    for _ in range(5):
        tablet.get(f"{API}/ping", "ping")
        ring_up_check(tablet, menu, rng)
    for kind, requests in tablet.statements.items():
        verbs = defaultdict(int)
        for sql in (sql for request in requests for sql in request):
            # Django records an executemany as "N times: INSERT ...".
            verbs[re.sub(r"^\d+ times: ", "", sql).split(None, 1)[0].upper()] += 1
        mix = ", ".join(f"{n / len(requests):.1f} {verb}" for verb, n in sorted(verbs.items()))
        total = sum(verbs.values()) / len(requests)
        figure(f"SQL statements per {kind} request", f"{total:.1f} ({mix})")
    tablet.statements = None


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0-100) of values."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def print_history_ratios(before: dict, after: dict) -> None:
    for kind in ("add line", "close"):
        figure(
            f"{kind} p50 with history / empty",
            f"{after[kind] / before[kind]:.2f} (target <= {HISTORY_RATIO_TARGET}); "
            f"thread CPU p50 {after[kind + ' cpu'] / before[kind + ' cpu']:.2f}",
        )
    for phase, label in ((before, "empty"), (after, "with history")):
        figure(
            f"close p50 / ping p50 ({label})",
            f"{phase['close'] / phase['ping']:.2f} (target <= {PING_RATIO_TARGET:.0f})",
        )


# --- 2: history, in bulk (bench/pos_history.py) or by `manage.py simulate` ----------------------


def set_clock_for_history(days: int) -> str:
    """Move this process's clock forward if `days` of history would start before the chart opens.

    Every date the run uses (the history's days, today's business date, token expiry) follows;
    the timers (perf_counter, thread_time) do not.
    """
    import time_machine
    from django.utils import timezone

    from ledger.chart import CHART_OPENED_ON

    today = timezone.localdate()
    needed = CHART_OPENED_ON + datetime.timedelta(days=days)
    if needed <= today:
        return f"real time ({today})"
    shift = needed - today
    time_machine.travel(timezone.now() + shift, tick=True).start()
    return (
        f"moved forward {shift.days} days to {timezone.localdate()}, so that {days} days of "
        f"history start on or after the chart's opening, {CHART_OPENED_ON}"
    )


def build_bulk_history(days: int) -> dict:
    """Write `days` days ending yesterday with bench/pos_history.py; return figures."""
    import pos_history
    from django.utils import timezone

    today = timezone.localdate()
    first = today - days * one_day()
    print(f"2. history: {days} days in bulk, {first} to {today - one_day()}", flush=True)
    made = pos_history.build(start=first, days=days, seed=SEED)
    figure(
        "bulk history (bench/pos_history.py)",
        f"{made['checks']:,} checks, {made['lines']:,} lines in {made['seconds']:.0f} s",
    )
    figure("HISTORY DAYS MEASURED", f"{days} (bulk)")
    return {
        "days": days,
        "days_wanted": days,
        "why_fewer": "",
        "method": "bulk",
        "first_day": first.isoformat(),
        "build_s": made["seconds"],
        **history_counts(),
    }


def build_history(days_wanted: int, minutes: float) -> dict:
    """Simulate the days up to yesterday that fit (see the module docstring); return figures."""
    from django.utils import timezone

    from ledger.chart import CHART_OPENED_ON

    today = timezone.localdate()
    available = (today - CHART_OPENED_ON).days
    print(f"2. history: simulate up to {days_wanted} days ending {today - one_day()}", flush=True)
    days, why_fewer = min(days_wanted, available), ""
    if days < days_wanted:
        why_fewer = f"the chart opens {CHART_OPENED_ON}"
        figure("days before today the ledger accepts", f"{available} ({why_fewer})")
    probe = min(PROBE_DAYS, days)
    probe_s = simulate(today - probe * one_day(), probe) if probe else 0.0
    per_day = probe_s / probe if probe else 0.0
    if probe:
        figure(f"probe: simulate --days {probe}", f"{probe_s:.1f} s, {per_day:.1f} s per day")
    fits = probe + int((minutes * 60 - probe_s) / per_day) if per_day else days
    if fits < days:
        days, why_fewer = max(fits, probe), f"{minutes:g} min budget at {per_day:.1f} s/day"
    rest_s = simulate(today - days * one_day(), days) if days > probe else 0.0
    if days > probe:
        figure(
            f"simulate --days {days} (the {days - probe} days before the probe)",
            f"{rest_s:.1f} s, {rest_s / (days - probe):.1f} s per day",
        )
    fewer = f" (not {days_wanted}: {why_fewer})" if days < days_wanted else ""
    figure("HISTORY DAYS MEASURED", f"{days}{fewer}")
    return {
        "days": days,
        "days_wanted": days_wanted,
        "why_fewer": why_fewer,
        "method": "simulate",
        "first_day": (today - days * one_day()).isoformat(),
        "simulate_s": probe_s + rest_s,
        **history_counts(),
    }


def one_day() -> datetime.timedelta:
    return datetime.timedelta(days=1)


def simulate(start: datetime.date, days: int) -> float:
    """Run `manage.py simulate --days N --start DATE` (days done already are skipped)."""
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("simulate", days=days, start=start.isoformat(), stdout=out)
    seconds = time.perf_counter() - started
    print(f"    {out.getvalue().strip()}", flush=True)
    return seconds


def history_counts() -> dict:
    from ledger.models import JournalEntry, Posting
    from pos.models import Tab, TabLine

    counts = {
        "checks": Tab.objects.filter(status=Tab.Status.CLOSED).count(),
        "lines": TabLine.objects.count(),
        "entries": JournalEntry.objects.filter(status=JournalEntry.Status.POSTED).count(),
        "postings": Posting.objects.count(),
    }
    figure(
        "database now holds",
        f"{counts['checks']:,} closed checks, {counts['lines']:,} lines, "
        f"{counts['entries']:,} ledger entries, {counts['postings']:,} postings",
    )
    return counts


# --- 4: throughput -------------------------------------------------------------------------------


class CheckCounter:
    """Hands out check numbers to the client threads until the total is reached."""

    def __init__(self, total: int) -> None:
        self.total, self.given, self.started = total, 0, 0.0
        self.lock = threading.Lock()

    def claim(self) -> bool:
        with self.lock:
            if self.given >= self.total:
                return False
            self.given += 1
            if self.given % max(self.total // 10, 1) == 0:
                elapsed = time.perf_counter() - self.started
                print(f"    {self.given:,} checks started, {elapsed:.0f} s", flush=True)
            return True


def measure_throughput(
    tablets: list[Tablet], menu: list[MenuItem], clients: int, checks: int
) -> dict:
    tablets = tablets + more_tablets(clients - len(tablets), len(tablets))
    tablets = tablets[:clients]
    sessions = open_drawers(tablets)
    counter = CheckCounter(checks)
    errors: list[list[str]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client_thread(index: int) -> None:
        from django.db import connections

        rng = random.Random(SEED + index)
        try:
            barrier.wait()
            while len(errors[index]) < MAX_THREAD_ERRORS and counter.claim():
                try:
                    ring_up_check(tablets[index], menu, rng)
                except Exception as error:  # counted and shown, not fatal
                    errors[index].append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=client_thread, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    counter.started = started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    close_drawers(tablets, sessions)
    return throughput_figures(tablets, [e for thread in errors for e in thread], clients, wall)


def more_tablets(count: int, first_index: int) -> list[Tablet]:
    """Register tablets on the drawers in turn (pos.services.devices) and sign staff in."""
    from pos.models import Drawer
    from pos.services.devices import register_device

    drawers = list(Drawer.objects.order_by("id"))
    tablets = []
    for n in range(count):
        drawer = drawers[n % len(drawers)]
        _, token = register_device(name=f"Bench tablet {n + 1}", station="bar", drawer=drawer)
        tablets.append(sign_in(Tablet(token), first_index + n))
    return tablets


def throughput_figures(tablets: list[Tablet], errors: list[str], clients: int, wall: float):
    timings: dict[str, list[float]] = defaultdict(list)
    for tablet in tablets:
        for kind, samples in tablet.timings.items():
            timings[kind] += [sample.wall for sample in samples]
    closed = len(timings["close"])
    figure("wall time", f"{wall:.1f} s")
    figure("checks closed / failed", f"{closed:,} / {len(errors)}")
    figure("throughput", f"{closed / wall:.1f} checks/s ({closed / wall * 3600:,.0f} per hour)")
    for kind in ("open tab", "add line", "read check", "close"):
        values = timings[kind]
        figure(
            f"{kind} ({len(values):,} requests) p50 / p90 / p99",
            " / ".join(ms(percentile(values, q)) for q in (50, 90, 99)) if values else "-",
        )
    for error in errors[:5]:
        figure("failure", error[:200])
    return {
        "clients": clients,
        "closed": closed,
        "failed": len(errors),
        "wall_s": wall,
        "checks_per_s": closed / wall,
        "close_p50": percentile(timings["close"], 50) if closed else 0.0,
        "close_p99": percentile(timings["close"], 99) if closed else 0.0,
    }


# --- 5: verification -----------------------------------------------------------------------------


def verify(first_day: str) -> dict:
    from django.core.management import CommandError, call_command

    from ledger.verification import verify_ledger
    from pos.clock import business_date

    history_counts()
    started = time.perf_counter()
    report = verify_ledger()
    figure("verify_ledger", f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
    last_day = business_date().isoformat()
    out = io.StringIO()
    try:
        call_command("reconcile_tenders", start=first_day, end=last_day, stdout=out)
        reconcile = "equal"
    except CommandError as error:
        reconcile = f"DIFFER ({error})"
    print("\n".join(f"    {line}" for line in out.getvalue().splitlines()), flush=True)
    figure(f"reconcile_tenders {first_day} to {last_day}", reconcile)
    return {"verify": "OK" if report.ok else f"FAILED: {report.problem}", "reconcile": reconcile}


# --------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--checks", type=int, default=5_000, help="checks in the throughput run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent tablets (threads)")
    parser.add_argument("--history-days", type=int, default=365, help="days of history")
    parser.add_argument(
        "--history",
        choices=["bulk", "simulate"],
        default="bulk",
        help="how the history is made: bench/pos_history.py (minutes) or manage.py simulate",
    )
    parser.add_argument(
        "--history-minutes",
        type=float,
        default=20,
        help="time budget of the simulation; fewer days are simulated if they do not fit",
    )
    parser.add_argument(
        "--latency-checks", type=int, default=200, help="checks per latency measurement"
    )
    add_backend_option(parser)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse_args(), run_parent, run_child))
