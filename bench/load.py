"""Load benchmark: 16 tablets at once against gunicorn, on PostgreSQL and SQLite; prints figures.

    .venv/bin/python bench/load.py [--checks 144] [--solo-checks 12] [--tablets 16]
                                   [--workers 4] [--threads 1] [--think-ms 300 1200]
                                   [--seed 20261126] [--backend sqlite|postgres|both]

It asserts nothing: it prints figures and a summary against the targets of issue 9 ("Load").

As the other benchmarks (bench/_common.py), the top-level run starts one child process per
backend on a fresh database: SQLite on a WAL file in a temporary directory
(DATABASE_URL=sqlite:///...), PostgreSQL under `scripts/with-postgres`. The child:

1. migrates, loads the demo venue (`manage.py demo`) and registers one device per tablet
   (pos.services.devices.register_device: its own token; the drawers in turn);
2. starts gunicorn (a declared dependency) on a free loopback port with bench/load_settings.py
   (the shared base settings, DEBUG off): --workers processes (4, as the README's
   production command) of --threads threads each (1), the gthread worker, keep-alive on.
   Processes, not threads: a request is ~30 ms of Python, so two threads of one worker share
   its interpreter lock and the tail doubles (2 workers x 4 threads gave a close-check ratio
   of 5.3 on PostgreSQL and 7.5 on SQLite where 4 x 1 gave 2.5 and 3.1, in runs of the same
   day on a quiet machine);
3. signs every tablet in (its device token and a floor staff PIN, POST /auth/pin), reads the
   menu, opens both cash drawers on a counted float;
4. phase 1: ONE tablet alone rings up --solo-checks checks (after a few warm-up checks);
5. phase 2: --tablets tablets, one thread each, ring up --checks checks between them;
6. closes the drawers on an exact count, stops gunicorn (its whole process group, whatever
   happens: also on an error, a signal, or this process dying), then checks what was written:
   `verify_ledger`, and that every closed check's total plus tips equals the tender debits of
   its sale entry (read from the database; a missing entry counts as a mismatch), and the
   server's log for 5xx answers and tracebacks.

The tablets (bench/load_tablet.py) ring up realistic checks: tabs, lines with modifiers,
sends, lines added to another tablet's open check, games started and stopped on the tab,
splits by item and even splits, cash and card (the in-memory fake gateway) with tips; between
two actions each waits a random think time, uniform in --think-ms, from a generator seeded
per tablet (--seed + index). The default, 300 to 1,200 ms, is a practised bartender on a busy
night: a tap, a glance, the next tap. `--think-ms 50 200` is a stress run instead: 16 tablets
at that pace ask for more CPU than a 2-core machine has (the run prints the offered load), so
requests queue and the latency target cannot hold; it still must show zero errors and zero
mismatches.

Figures: throughput of phase 2 (checks closed and requests per second), p50 and p99 latency
of each kind of request in each phase, the CPU per request of gunicorn, PostgreSQL and the
tablets (from /proc: unlike latency it barely depends on the machine's other work), errors
(any answer but 200/201, or no answer after three sends; a game found taken by another tablet,
409 resource_busy, and a line for a check that closed meanwhile, 409 tab_not_open, are counted
apart: that is the venue working as designed), the mismatches, verify_ledger. Targets: zero
errors, zero
mismatches, verify_ledger clean, and the p99 of "close check" (the payment that closes a check)
under all the tablets at most 5x its p50 with one tablet, both measured in the same run.
The machine's load average is printed: other work on a shared machine slows every figure.
"""

import argparse
import ctypes
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

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
from load_tablet import Failure, Floor, Tablet, dollars, read_menu

CLOSE_RATIO_TARGET = 5.0
WARMUP_CHECKS = 3
MAX_THREAD_ERRORS = 10  # a tablet stops after this many failed checks
# Who signs in on the tablets: (username, PIN) of the demo's floor staff, in turn.
FLOOR_STAFF = [("casey", "1111"), ("jordan", "3333"), ("morgan", "2222")]
FLOAT_COUNT = {"2000": 4, "1000": 4, "500": 4, "100": 15, "25": 16, "10": 10, "5": 10}
KINDS = [
    "open tab", "add line", "send", "add line elsewhere", "read check", "board", "start game",
    "record games", "stop game", "split", "even split", "pay part", "close check",
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Parent: one child per backend, then the summary.
# --------------------------------------------------------------------------------------------


def run_parent(args: argparse.Namespace) -> int:
    child_args = [
        "--checks", str(args.checks), "--solo-checks", str(args.solo_checks),
        "--tablets", str(args.tablets), "--workers", str(args.workers),
        "--threads", str(args.threads), "--think-ms", *map(str, args.think_ms),
        "--seed", str(args.seed),
    ]  # fmt: skip
    return common_parent(
        args,
        lambda backend: run_backend(script=__file__, backend=backend, child_args=child_args),
        print_summary,
        order=("postgres", "sqlite"),
    )


def print_summary(results: list[dict]) -> None:
    print("\n=== summary ===")
    for r in results:
        name = f"{r['backend']:<8}"
        print(f"{name} {r['config']}; load average {r['load']}")
        t = r["phase2"]
        print(
            f"{name} throughput: {r['tablets']} tablets closed {t['closed']:,} checks "
            f"({t['opened']:,} rung up) in {t['wall_s']:.1f} s = {t['checks_per_s']:.1f} "
            f"checks/s, {t['requests_per_s']:.0f} requests/s"
        )
        solo, busy = r["phase1"].get("close check"), t.get("close check")
        if not (solo and busy):
            print(f"{name} close check: no figures (no check closed in a phase) MISS")
        else:
            ratio = busy["p99"] / solo["p50"]
            print(
                f"{name} close check: p99 with {r['tablets']} tablets {ms(busy['p99'])} / "
                f"p50 with one {ms(solo['p50'])} = {ratio:.2f} "
                f"(target <= {CLOSE_RATIO_TARGET:.0f}) " + verdict(ratio <= CLOSE_RATIO_TARGET)
            )
        cpu = "; ".join(
            f"{label} " + ", ".join(f"{k} {ms(v)}" for k, v in r[p]["cpu_per_request"].items())
            for p, label in (("phase1", "one tablet"), ("phase2", f"{r['tablets']} tablets"))
        )
        print(f"{name} CPU per request: {cpu}")
        # What the tablets ask for if nothing queued: each as fast as one tablet alone.
        offered = r["tablets"] * r["phase1"]["requests_per_s"]
        needed = offered * sum(r["phase1"]["cpu_per_request"].values())
        print(
            f"{name} offered load: {r['tablets']} tablets x {r['phase1']['requests_per_s']:.1f} "
            f"requests/s (one tablet's pace alone) = {offered:.0f} requests/s, needing "
            f"{needed:.1f} CPUs at phase 1's CPU per request ({os.cpu_count()} here, shared)"
        )
        errors = r["phase1"]["errors"] + t["errors"]
        print(f"{name} errors: {errors} (target 0) " + verdict(errors == 0))
        m = r["mismatches"]
        print(
            f"{name} closed checks whose total + tips differ from their sale entry's tender "
            f"debits: {m['count']} of {m['checked']:,} (target 0) " + verdict(m["count"] == 0)
        )
        print(f"{name} verify_ledger: {r['verify']} " + verdict(r["verify"] == "OK"))
        print(
            f"{name} server log: {r['server_errors']} 5xx/tracebacks; drawers closed with "
            f"variance {r['variance']}; retries {t['retries'] + r['phase1']['retries']}; "
            f"games found busy {t['busy']}; lines for a check closed meanwhile "
            f"{t['closed_meanwhile']}"
        )


# --------------------------------------------------------------------------------------------
# Child: one backend.
# --------------------------------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    backend = args.backend.removesuffix("-child")
    setup_django(backend)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks below
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    tokens = register_tablets(args.tablets)
    connections.close_all()  # gunicorn's workers open their own
    think = (args.think_ms[0] / 1000, args.think_ms[1] / 1000)
    figure("think time", f"uniform {args.think_ms[0]}-{args.think_ms[1]} ms, seed {args.seed}")
    figure("load average (1 min) at the start", f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    result: dict = {"backend": backend, "tablets": args.tablets}
    logs = Path(tempfile.mkdtemp(prefix="tillshare-load-"))
    server = Gunicorn(args.workers, args.threads, logs / "gunicorn.log")
    result["config"] = server.describe()
    figure("server", result["config"])
    load_before = os.getloadavg()[0]
    try:
        server.start()
        floor = Floor()
        tablets = [
            Tablet(
                port=server.port, device_token=token, seed=args.seed + n, think=think,
                floor=floor,
            )
            for n, token in enumerate(tokens)
        ]  # fmt: skip
        sign_in_all(tablets)
        menu = read_menu(tablets[0])
        figure("menu (GET /catalog)", f"{len(menu)} items")
        sessions = open_drawers(tablets)
        print(f"1. one tablet alone: {args.solo_checks} checks", flush=True)
        meter = CpuMeter(server.process.pid, backend)
        result["phase1"] = phase(tablets[:1], menu, args.solo_checks, meter, warmup=WARMUP_CHECKS)
        print(f"2. {args.tablets} tablets at once: {args.checks} checks", flush=True)
        result["phase2"] = phase(tablets, menu, args.checks, meter, warmup=0)
        result["variance"] = close_drawers(tablets, sessions)
    finally:
        server.stop()
    result["load"] = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    print("3. what the run wrote", flush=True)
    result["server_errors"] = server.errors()
    if result["server_errors"]:
        figure("server log kept", str(server.log))
    else:
        shutil.rmtree(logs, ignore_errors=True)
    result |= verify()
    report_result(result)
    return 0


def setup_django(backend: str) -> None:
    for path in (ROOT, ROOT / "bench"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    url = os.environ.get("DATABASE_URL", "")
    expected = "sqlite:///" if backend == "sqlite" else "postgres"
    if not url.startswith(expected) or "tillshare.sqlite3" in url:
        sys.exit(f"{backend}-child needs its own DATABASE_URL ({expected}...), got {url!r}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
    import django

    django.setup()


def figure(label: str, value: str) -> None:
    print(f"  {label:<46} {value}", flush=True)


def register_tablets(count: int) -> list[str]:
    """One device per tablet, on the drawers in turn; return their tokens."""
    from pos.models import Drawer
    from pos.services.devices import register_device

    drawers = list(Drawer.objects.order_by("id"))
    tokens = []
    for n in range(count):
        station = "bar" if n % 2 == 0 else "grill"
        drawer = drawers[n % len(drawers)]
        _, token = register_device(name=f"Load tablet {n + 1}", station=station, drawer=drawer)
        tokens.append(token)
    return tokens


# --- gunicorn ------------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving config.wsgi with bench/load_settings.py, in its own process group."""

    def __init__(self, workers: int, threads: int, log: Path) -> None:
        self.workers, self.threads, self.log = workers, threads, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", "gthread", "--workers", str(self.workers),
            "--threads", str(self.threads), "--keep-alive", "10", "--timeout", "120",
            "--graceful-timeout", "10", "--log-level", "warning",
        ]  # fmt: skip

    def describe(self) -> str:
        import gunicorn

        return (
            f"gunicorn {gunicorn.__version__} on 127.0.0.1:{self.port}, {self.workers} workers "
            f"x {self.threads} threads (gthread), keep-alive 10 s, DJANGO_SETTINGS_MODULE="
            "load_settings (DEBUG off)"
        )

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "load_settings"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        """Stop the master and its workers (the whole group): TERM, then KILL after 15 s."""
        if self.process is None:
            return
        group = self.process.pid
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and group_alive(group):
                self.process.poll()
                time.sleep(0.1)
            if not group_alive(group):
                break
        self.process.wait(timeout=5)

    def errors(self) -> int:
        """Count 5xx answers and tracebacks in the server's log; print the first lines."""
        text = self.log.read_text(errors="replace")
        markers = ("Traceback", "Internal Server Error", "[ERROR]", "[CRITICAL]")
        hits = [line for line in text.splitlines() if line.startswith(markers) or "[ERROR]" in line]
        for line in hits[:5]:
            figure("server log", line[:200])
        return len(hits)


def free_port() -> int:
    """A port free now (gunicorn cannot bind port 0 and report it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def die_with_parent() -> None:
    """In gunicorn's process, before exec: get SIGTERM if this benchmark dies (Linux)."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


# --- CPU used ------------------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used so far by gunicorn (master and workers: its process group), PostgreSQL
    (the cluster's postmaster and backends, found by the port in DATABASE_URL) and this
    process (the tablets' threads), from /proc. Shown per request: unlike latency, it barely
    depends on what else the machine is running."""

    def __init__(self, gunicorn_group: int, backend: str) -> None:
        self.group = gunicorn_group
        self.postmaster = postmaster_pid() if backend == "postgres" else None

    def read(self) -> dict[str, float]:
        processes = list(proc_stats())
        used = {
            "gunicorn": sum(cpu for pid, ppid, group, cpu in processes if group == self.group),
        }
        if self.postmaster is not None:
            used["postgres"] = sum(
                cpu for pid, ppid, _, cpu in processes if self.postmaster in (pid, ppid)
            )
        used["tablets"] = sum(os.times()[:2])
        return used


def proc_stats():
    """(pid, parent pid, process group, CPU seconds) of every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it exited meanwhile
            continue
        pid = int(stat.parent.name)
        yield pid, int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / tick


def postmaster_pid() -> int | None:
    """The PostgreSQL server listening on DATABASE_URL's port (scripts/with-postgres)."""
    port = os.environ["DATABASE_URL"].rsplit(":", 1)[1].split("/", 1)[0]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"postgres") and b"-p" in args and port.encode() in args:
            return int(cmdline.parent.name)
    return None


# --- phases --------------------------------------------------------------------------------------


def sign_in_all(tablets: list[Tablet]) -> None:
    from pos.models import StaffMember

    staff = dict(StaffMember.objects.values_list("user__username", "id"))
    for n, tablet in enumerate(tablets):
        username, pin = FLOOR_STAFF[n % len(FLOOR_STAFF)]
        tablet.sign_in(staff[username], pin)
    figure("signed in", f"{len(tablets)} tablets, {len(FLOOR_STAFF)} floor staff in turn")


def open_drawers(tablets: list[Tablet]) -> dict[int, str]:
    """Open every drawer the tablets work on, with a counted float; return the session ids."""
    import uuid

    sessions = {}
    for tablet in tablets:
        if tablet.drawer_id is None or tablet.drawer_id in sessions:
            continue
        session_id = str(uuid.uuid4())
        body = {"session_id": session_id, "count": FLOAT_COUNT}
        tablet.post("open drawer", f"/drawers/{tablet.drawer_id}/open", body)
        sessions[tablet.drawer_id] = session_id
    return sessions


def close_drawers(tablets: list[Tablet], sessions: dict[int, str]) -> str:
    """Close each session on a count of exactly the cash it should hold; return the variances."""
    from pos.models import DrawerSession
    from pos.reports import expected_cash_cents

    variances = []
    for drawer_id, session_id in sessions.items():
        tablet = next(t for t in tablets if t.drawer_id == drawer_id)
        expected = expected_cash_cents(DrawerSession.objects.get(id=session_id))
        body = {"count": count_of(expected)}
        try:
            answer = tablet.post("close drawer", f"/drawer-sessions/{session_id}/close", body)
        except Failure as error:  # e.g. a check that failed mid-way still holds cash
            figure("drawer not closed", str(error)[:200])
            variances.append("not closed")
        else:
            variances.append(answer["variance"])
    return ", ".join(variances)


def phase(tablets: list[Tablet], menu, checks: int, meter: "CpuMeter", *, warmup: int) -> dict:
    """Ring up `checks` checks between the tablets (one thread each); return the figures."""
    for _ in range(warmup):
        tablets[0].ring_up(menu)
    for tablet in tablets:
        tablet.timings.clear()
        tablet.errors.clear()
        tablet.retries.clear()
        tablet.counts.clear()
    remaining = [checks]
    lock = threading.Lock()

    def claim() -> bool:
        with lock:
            remaining[0] -= 1
            if remaining[0] >= 0 and remaining[0] % max(checks // 5, 1) == 0 and remaining[0]:
                print(f"    {checks - remaining[0]:,} checks started", flush=True)
            return remaining[0] >= 0

    def work(tablet: Tablet) -> None:
        while len(tablet.errors) < MAX_THREAD_ERRORS and claim():
            try:
                tablet.ring_up(menu)
            except Failure as error:
                tablet.errors.append(str(error))

    # Daemons: a signal that stops the run (and gunicorn) need not wait for the tablets.
    threads = [threading.Thread(target=work, args=(tablet,), daemon=True) for tablet in tablets]
    cpu = meter.read()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = {name: seconds - cpu.get(name, 0.0) for name, seconds in meter.read().items()}
    return phase_figures(tablets, wall, cpu)


def phase_figures(tablets: list[Tablet], wall: float, cpu: dict[str, float]) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for tablet in tablets:
        for kind, values in tablet.timings.items():
            timings[kind] += values
        for name, n in tablet.counts.items():
            counts[name] += n
    errors = [error for tablet in tablets for error in tablet.errors]
    retries = [retry for tablet in tablets for retry in tablet.retries]
    requests = sum(len(values) for values in timings.values())
    figure("wall time", f"{wall:.1f} s; load average {os.getloadavg()[0]:.2f}")
    figure("checks rung up / closed", f"{counts['checks opened']:,} / {counts['checks closed']:,}")
    figure("throughput", f"{counts['checks closed'] / wall:.1f} checks/s, {requests / wall:.0f} "
           "requests/s")  # fmt: skip
    figure(
        "CPU per request (whole phase / requests)",
        ", ".join(f"{name} {ms(seconds / max(requests, 1))}" for name, seconds in cpu.items()),
    )
    figure("what happened", ", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
    figure("", "requests    p50 / p99")
    result: dict = {}
    for kind in KINDS:
        values = timings.get(kind, [])
        if values:
            p50, p99 = percentile(values, 50), percentile(values, 99)
            figure(kind, f"{len(values):>8,}    {ms(p50)} / {ms(p99)}")
            result[kind] = {"n": len(values), "p50": p50, "p99": p99}
    figure("errors", str(len(errors)))
    for error in errors[:5]:
        figure("error", error[:200])
    figure("retries (no answer, sent again with its key)", str(len(retries)))
    for retry in retries[:3]:
        figure("retry", retry[:200])
    return result | {
        "opened": counts["checks opened"],
        "closed": counts["checks closed"],
        "busy": counts["games: found busy (409)"],
        "closed_meanwhile": counts["elsewhere: check closed (409)"],
        "errors": len(errors),
        "retries": len(retries),
        "wall_s": wall,
        "checks_per_s": counts["checks closed"] / wall,
        "requests_per_s": requests / wall,
        "cpu_per_request": {name: seconds / max(requests, 1) for name, seconds in cpu.items()},
    }


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0-100) of values."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


# --- what the run wrote --------------------------------------------------------------------------


def verify() -> dict:
    """verify_ledger, and every closed check against its sale entry's tender debits."""
    from django.db.models import Sum

    from ledger.models import EntryKind, JournalEntry, Posting, Side
    from ledger.verification import verify_ledger
    from pos.models import Drawer, Tab
    from pos.selectors import CARD_CLEARING_ACCOUNT, CUSTOMER_DEPOSITS_ACCOUNT, tab_figures

    started = time.perf_counter()
    report = verify_ledger()
    figure("verify_ledger", f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
    tenders = {CARD_CLEARING_ACCOUNT, CUSTOMER_DEPOSITS_ACCOUNT}
    tenders |= set(Drawer.objects.values_list("account", flat=True))
    debits = dict(
        Posting.objects.filter(
            side=Side.DEBIT,
            account__name__in=tenders,
            entry__kind=EntryKind.SALE,
            entry__status=JournalEntry.Status.POSTED,
        )
        .values("entry_id")
        .annotate(total=Sum("amount"))
        .values_list("entry_id", "total")
    )
    closed = Tab.objects.filter(status=Tab.Status.CLOSED)
    rows = list(closed.values_list("id", "total", "tips", "ledger_entry_id"))
    mismatched = [
        f"check {tab_id}: total {total} + tips {tips}, tender debits {debits.get(entry_id)}"
        for tab_id, total, tips, entry_id in rows
        if entry_id is None or debits.get(entry_id, 0) != total + tips
    ]
    figure("closed checks vs their sale entries", f"{len(mismatched)} of {len(rows):,} differ")
    still_open = Tab.objects.filter(status=Tab.Status.OPEN)
    figure("checks still open", str(still_open.count()))
    for tab in still_open[:5]:  # what a failed check left, for the post-mortem
        figure(f"check {tab.id} total", dollars(tab_figures(tab).total))
        for pay in tab.payments.order_by("created_at"):
            figure(
                f"  payment by device {pay.device_id}",
                f"{pay.tender} {dollars(pay.amount)} {pay.status} at {pay.created_at:%H:%M:%S.%f}",
            )
        for line in tab.lines.order_by("added_at"):
            figure(
                f"  line by device {line.device_id}",
                f"{line.quantity} x {dollars(line.unit_price)} {line.name[:30]} "
                f"at {line.added_at:%H:%M:%S.%f}" + (" (voided)" if line.voided_at else ""),
            )
    for line in mismatched[:5]:
        figure("mismatch", line)
    return {
        "verify": "OK" if report.ok else f"FAILED: {report.problem}",
        "mismatches": {"count": len(mismatched), "checked": len(rows)},
    }


# --------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--checks", type=int, default=144, help="checks rung up in phase 2")
    parser.add_argument("--solo-checks", type=int, default=12, help="checks of phase 1")
    parser.add_argument("--tablets", type=int, default=16, help="tablets in phase 2")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument(
        "--think-ms", type=int, nargs=2, default=[300, 1200], metavar=("MIN", "MAX"),
        help="a tablet waits uniformly between MIN and MAX ms before each action",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=20261126, help="tablet n uses seed + n")
    add_backend_option(parser)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse_args(), run_parent, run_child))
