"""Tablet-screen benchmark: in Chromium against a local server with 90 days of trading history;
prints figures (it asserts nothing).

    .venv/bin/python bench/ui_bench.py [--days 90] [--simulate-days 7] [--taps 60] [--pays 20]
                                       [--var-dir DIR]

1. A scratch SQLite database in --var-dir (default: a new temporary folder): migrate, the demo
   venue, then --days days of history ending yesterday, made in two ways:
   - the older days (all but the last --simulate-days) in bulk by bench/pos_history.py: each
     day's checks, lines, payments, audit rows and sale entries (one balanced entry per check
     through post_entry), both drawers opened and closed through their services, and after
     each day the treasury's day (`treasury.simulation`: bills, gifts, program spending, the
     earmark accrual), as `simulate` runs it: 1 to 3 s a day on a shared two-core machine;
   - the last --simulate-days days by `manage.py simulate` (every check through the services,
     about 200 queries each: voids, comps, discounts, split and declined cards, refunds,
     games, drawer moves and blind counts, tickets to the bar and grill): 20 to 50 s a day
     there, which is why it does not make all 90 (--simulate-days 90 does, in 30 to 70 min).
   So the tables the screens read hold what 90 days leave behind: ~60 checks a day with their
   lines, payments and sale entries, two drawer sessions a day, the treasury's postings.
   How the history was made, how long it took, its size (checks, lines, tickets, drawer
   sessions, ledger entries and postings) and `verify_ledger`'s verdict are printed. A folder
   that already holds a database is migrated and reused as it is (the marker file `history`
   says how it was made), and the trading days it holds are counted and printed.
2. gunicorn serves the development settings with DEBUG turned off once loaded (no query log,
   as in production; `wsgi_app` below) on a free port, two workers with four threads each, as
   a small venue's server would; static files through whitenoise.
3. Playwright drives /usr/bin/chromium at 1280x800 like a bartender: the tablet signs in, a
   staff member signs in by PIN, the drawer opens, and then
   - item tap -> ticket: --taps taps on items without options (a new tab every 10 taps);
     each time from the click to the moment the server's ticket, with the new line
     confirmed, is on screen (the optimistic "sending" row appears at once and is not what is
     timed);
   - Pay -> receipt: --pays checks of two items; from the tap that confirms "Exact cash" to
     the receipt page loaded (the payment, the close with its ledger entry, the redirect, the
     receipt with its QR code).
   Median and p95 of each are printed against the target (item tap median <= 150 ms), with
   the part of each tap spent waiting for the server's answer (Resource Timing: request sent
   to first byte back), the part of that Django spent on it and the CPU time it used (the
   answer's Server-Timing header), and the machine's load average: other work on a shared
   machine slows every figure but the CPU time.
"""

import argparse
import datetime
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
MARKER = "history"
SEED = 1
TAP_ITEMS = ["Fries", "Onion rings", "Soft pretzel", "Mozzarella sticks", "Loaded nachos"]
ITEM_TAP_TARGET_MS = 150

# Click a tile, then wait for the server's ticket: queue empty and no row still pending.
TAP_AND_WAIT = """(name) => new Promise((resolve) => {
  const tile = [...document.querySelectorAll('.tile')].find((t) => t.dataset.name === name);
  const started = performance.now();
  tile.click();
  const check = () => {
    const pending = document.querySelector('.ticket-line.is-pending');
    if (window.Tillshare.queue().length === 0 && !pending) {
      const posts = performance.getEntriesByType('resource')
        .filter((e) => e.name.endsWith('/lines'));
      const last = posts[posts.length - 1];
      performance.clearResourceTimings();
      const server = {};
      for (const t of last ? last.serverTiming : []) server[t.name] = t.duration;
      resolve({tap: performance.now() - started,
               wait: last ? last.responseStart - last.requestStart : null,
               app: server.app ?? null, cpu: server.cpu ?? null});
    } else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})"""


def setup_django(var_dir: Path) -> None:
    """This process (and the server it starts) on the scratch database, without a query log."""
    os.environ["TILLSHARE_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def prepare(var_dir: Path, days: int, simulate_days: int) -> str:
    """Migrate, load the demo venue and write the history unless the folder holds a database.

    Return how the history was made."""
    from django.core.management import call_command

    marker = var_dir / MARKER
    reuse = (var_dir / "tillshare.sqlite3").exists()
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)  # a reused folder may lag the code
    if reuse:
        made = marker.read_text() if marker.exists() else "how it was made is not recorded"
        return f"reused {var_dir}: {made}"
    call_command("demo", stdout=io.StringIO())
    print(f"Migrated and loaded the demo venue in {time.perf_counter() - began:.0f} s.")
    made = build_history(days, min(simulate_days, days))
    marker.write_text(made)
    return made


def build_history(days: int, simulate_days: int) -> str:
    """The older days in bulk with the treasury's days, the last ones simulated; say how."""
    import pos_history
    from django.core.management import call_command
    from django.utils import timezone

    from ledger.chart import CHART_OPENED_ON
    from treasury.simulation import simulate_treasury_day

    first = timezone.localdate() - datetime.timedelta(days=days)
    if first < CHART_OPENED_ON:
        sys.exit(
            f"--days {days} would start on {first}, before the ledger opens ({CHART_OPENED_ON})"
        )
    bulk_days = days - simulate_days
    simulated_from = first + datetime.timedelta(days=bulk_days)
    print(f"History: {days} days, {first} to {timezone.localdate() - datetime.timedelta(days=1)}")
    began = time.perf_counter()
    if bulk_days:
        made = pos_history.build(
            start=first,
            days=bulk_days,
            seed=SEED,
            after_day=lambda day: simulate_treasury_day(day=day, seed=SEED),
        )
        print(f"  {bulk_days} days in bulk (bench/pos_history.py, with the treasury's days): "
              f"{made['checks']:,} checks in {time.perf_counter() - began:.0f} s")  # fmt: skip
    bulk_s = time.perf_counter() - began
    if simulate_days:
        out = io.StringIO()
        call_command("simulate", days=simulate_days, start=simulated_from.isoformat(),
                     seed=SEED, stdout=out)  # fmt: skip
        print(f"  {simulate_days} days by manage.py simulate: {out.getvalue().strip()}")
    total_s = time.perf_counter() - began
    return (
        f"{days} days of history ending the day before {timezone.localdate()}: {bulk_days} in "
        f"bulk ({bulk_s:.0f} s), then {simulate_days} simulated ({total_s - bulk_s:.0f} s); "
        f"built in {total_s:.0f} s"
    )


def describe_history() -> str:
    """The trading days before today, the rows the screens read, and verify_ledger's verdict."""
    from django.db.models import Count

    from ledger.models import JournalEntry, Posting
    from ledger.verification import verify_ledger
    from pos.clock import business_date
    from pos.models import DrawerSession, Tab, TabLine, Ticket

    closed = Tab.objects.filter(status=Tab.Status.CLOSED)
    days = closed.filter(business_date__lt=business_date()).aggregate(
        days=Count("business_date", distinct=True)
    )["days"]
    began = time.perf_counter()
    verdict = verify_ledger().summary()
    return (
        f"{days} trading days before today; {closed.count():,} closed checks, "
        f"{TabLine.objects.count():,} lines, {Ticket.objects.count():,} tickets "
        f"({Ticket.objects.filter(done_at__isnull=True).count():,} not bumped), "
        f"{DrawerSession.objects.count():,} drawer sessions, "
        f"{JournalEntry.objects.filter(status=JournalEntry.Status.POSTED).count():,} ledger "
        f"entries, {Posting.objects.count():,} postings\n"
        f"verify_ledger ({time.perf_counter() - began:.0f} s): {verdict}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "ui_bench:wsgi_app()",
         "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def wsgi_app():
    """gunicorn's application: the development settings, then DEBUG off (no query log).

    Each answer carries a Server-Timing header: `app`, the time Django spent on the request
    (middleware, view, template), and `cpu`, the CPU time its thread used meanwhile. On a
    machine others share, app minus cpu is mostly waiting for a core."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # whitenoise still serves static files from the apps
    settings.DEBUG = False

    def timed(environ, start_response):
        began, began_cpu = time.perf_counter(), time.thread_time()

        def start(status, headers, exc_info=None):  # Django calls it once the answer is built
            app, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
            headers.append(("Server-Timing", f"app;dur={app * 1000:.1f}, cpu;dur={cpu * 1000:.1f}"))
            return start_response(status, headers, exc_info)

        return application(environ, start)

    return timed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def show(label: str, values: list[float], target: float | None = None) -> None:
    median, p95 = statistics.median(values), percentile(values, 0.95)
    verdict = ""
    if target is not None:
        verdict = f"  target median <= {target} ms: {'met' if median <= target else 'NOT met'}"
    print(f"{label:<28} n={len(values):<4} median {median:7.1f} ms   p95 {p95:7.1f} ms{verdict}")


def drive(base_url: str, taps: int, pays: int) -> dict[str, list[float]]:
    """Tap and pay like a bartender; return the series of milliseconds, by what they time."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=base_url)
        page.set_default_timeout(30_000)
        page.goto("/tablet/device")
        page.get_by_label("Tablet token").fill("demo-bar-tablet")
        page.get_by_role("button", name="Sign in tablet").click()
        page.get_by_role("link", name="Casey").click()
        page.get_by_label("PIN for Casey").fill("1111")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url("**/tablet/tabs")
        page.goto("/tablet/drawer")
        if page.get_by_role("button", name="Open drawer").count():
            page.get_by_role("button", name="Open drawer").click()

        def new_tab(name: str) -> None:
            page.goto("/tablet/tabs")
            page.get_by_label("Name").fill(name)
            page.get_by_role("button", name="Open tab").click()
            page.wait_for_url("**/tablet/tabs/*")

        series: dict[str, list[float]] = {"tap": [], "wait": [], "app": [], "cpu": [], "pay": []}
        for i in range(taps + 3):
            if i % 10 == 0:
                new_tab(f"Bench {i // 10}")
            timings = page.evaluate(TAP_AND_WAIT, TAP_ITEMS[i % len(TAP_ITEMS)])
            if i >= 3:  # the first taps warm up the workers
                for name, ms in timings.items():
                    if ms is not None:
                        series[name].append(ms)
        for i in range(pays + 2):
            new_tab(f"Pay {i}")
            for name in TAP_ITEMS[:2]:
                page.evaluate(TAP_AND_WAIT, name)
            page.locator("#ticket").get_by_role("link", name="Pay").click()
            page.wait_for_load_state()
            page.get_by_role("button", name="Exact cash").click()
            confirm = page.get_by_role("dialog", name="Please confirm")
            started = time.perf_counter()
            confirm.get_by_role("button", name="Confirm").click()
            page.wait_for_url("**/receipt?paid=*", wait_until="load")
            if i >= 2:
                series["pay"].append((time.perf_counter() - started) * 1000)
        browser.close()
    return series


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=90, help="days of history before today")
    parser.add_argument(
        "--simulate-days",
        type=int,
        default=7,
        help="the last days of the history made by manage.py simulate; the others in bulk",
    )
    parser.add_argument("--taps", type=int, default=60)
    parser.add_argument("--pays", type=int, default=20)
    parser.add_argument("--var-dir", type=Path)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="ui-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    setup_django(var_dir)
    made = prepare(var_dir, args.days, args.simulate_days)
    history = f"{made}\n{describe_history()}"
    print(history, flush=True)
    from django.db import connections

    connections.close_all()  # the server has the database to itself while it is timed
    port = free_port()
    server = serve(dict(os.environ), port)
    try:
        load_before = os.getloadavg()[0]
        series = drive(f"http://127.0.0.1:{port}", args.taps, args.pays)
        load_after = os.getloadavg()[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    print(f"\nSQLite, gunicorn 2 workers x 4 threads, Chromium; history:\n{history}")
    print(f"machine load average (1 min): {load_before:.1f} before, {load_after:.1f} after, "
          f"on {os.cpu_count()} CPUs")  # fmt: skip
    show("item tap -> ticket", series["tap"], ITEM_TAP_TARGET_MS)
    show("  of which the POST's wait", series["wait"])
    show("    Django on it (app)", series["app"])
    show("    its CPU time (cpu)", series["cpu"])
    show("Pay (exact cash) -> receipt", series["pay"])


if __name__ == "__main__":
    main()
