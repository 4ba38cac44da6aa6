"""Ledger benchmark: prints figures for SQLite and PostgreSQL; it asserts nothing.

    .venv/bin/python bench/ledger_bench.py [--entries N] [--backend sqlite|postgres|both]
                                           [--history-postings M] [--keep-sqlite PATH]

Django fixes its database once per process, so the top-level run starts one child per backend:
SQLite on a fresh file in a temporary directory (DATABASE_URL=sqlite:///...), PostgreSQL under
`scripts/with-postgres` (a throwaway cluster). Each child migrates its empty database (which
installs the triggers and the chart of accounts), measures, prints its figures and one
machine-readable result line; the parent then prints a summary against the targets.

What each child measures, in this order, on realistic sales in 2026Q1 (4 to 6 postings each:
cash or card, one to three income lines, sales tax, sometimes a tip, food cost of goods sold):

1. Posting rate: N entries through `post_entry`, one transaction each, as the POS posts them.
   When the ledger holds 10,000 postings the clock stops and `trial_balance()` is timed.
2. Plain-SQL rate: the very rows `post_entry` wrote, copied by the raw driver (sqlite3 or
   psycopg) into `bench_entry` / `bench_posting`, tables with the same columns and indexes but
   no triggers, again one transaction per entry: what the database itself costs. Target:
   `post_entry` reaches at least 40% of that rate. The two take turns, a tenth of N at a
   time (post a lap, then copy that lap's rows), so that both see the same load on a shared
   machine and tables of the same size; each lap's two rates are printed too.
3. bean-query: the N entries are exported as a beancount file and `bean-query` sums every
   account (run once: it is slow); `trial_balance()` on the same data is the median of several
   runs, and both totals are compared account by account. Target: ours at least 50x faster.
4. Trial balance with a long history: more 2026Q1 entries are written by the raw driver until
   the ledger holds `--history-postings` (1,000,000) postings less 10,000. They go through the
   triggers like any posting (draft, postings, then posted with the next seq and the chain
   hash computed as `post_entry` does), so `verify_ledger` stays clean. 2026Q1 is then closed
   (timed), 10,000 postings' worth of 2026Q2 sales go through `post_entry`, and
   `trial_balance()` is timed again. Target: at most 3x the figure with 10,000 postings.
5. `verify_ledger` over the whole history, as proof that the bulk load was legal.
"""

import argparse
import csv
import datetime
import hashlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from _common import ROOT, add_backend_option, main, ms, report_result, run_backend, verdict
from _common import run_parent as common_parent

SMALL_LEDGER_POSTINGS = 10_000
TIMED_RUNS = 11  # trial_balance() calls per figure; the median is reported
BULK_BATCH = 1_000  # entries per transaction in the bulk load
SEED = 20260101

POST_RATIO_TARGET = 0.40
HISTORY_RATIO_TARGET = 3.0
BEAN_QUERY_TARGET = 50.0
BEAN_QUERY = (
    "SELECT account, sum(number) AS total, currency GROUP BY account, currency ORDER BY account"
)

# The sales the benchmark posts. Assets:Cash:Drawer1 is bounded (credits never exceed debits),
# so it is only ever debited here.
DRAWER = "Assets:Cash:Drawer1"
CARD_CLEARING = "Assets:Stripe:Clearing"
FOOD = "Income:Sales:Food"
INCOME = (FOOD, "Income:Sales:Alcohol", "Income:Sales:NonAlcoholicDrinks", "Income:Rentals:Games")
SALES_TAX = "Liabilities:SalesTax:Payable"
TIPS = "Liabilities:Tips:Payable"
FOOD_COST = "Expenses:CostOfGoodsSold:Food"
FOOD_STOCK = "Assets:Inventory:Food"
CASH_SHARE = 0.3
TIP_SHARE = 0.25
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))

Leg = tuple[str, str, int]  # account name, side, cents


def sale(rng: random.Random) -> list[Leg]:
    """Return one balanced sale of 4 to 6 legs."""
    names = rng.sample(INCOME, rng.randint(1, 3))
    if FOOD in names and len(names) == 3:
        names.remove(next(name for name in names if name != FOOD))
    sales = [(name, rng.randint(300, 4_500)) for name in names]
    subtotal = sum(cents for _, cents in sales)
    legs: list[Leg] = [(name, "C", cents) for name, cents in sales]
    legs.append((SALES_TAX, "C", subtotal * 825 // 10_000))
    food = dict(sales).get(FOOD)
    if food:
        cost = food * 30 // 100
        legs += [(FOOD_COST, "D", cost), (FOOD_STOCK, "C", cost)]
    if len(legs) < 3 or (len(legs) < 5 and rng.random() < TIP_SHARE):
        legs.append((TIPS, "C", rng.randint(100, 1_500)))
    tender = DRAWER if rng.random() < CASH_SHARE else CARD_CLEARING
    total = sum(cents for _, side, cents in legs if side == "C") - sum(
        cents for _, side, cents in legs if side == "D"
    )
    return [(tender, "D", total), *legs]


def sales(rng: random.Random, quarter: tuple[datetime.date, datetime.date]) -> Iterator:
    """Yield (date, legs) for sales on random days of the quarter, forever."""
    start, end = quarter
    days = (end - start).days + 1
    while True:
        yield start + datetime.timedelta(days=rng.randrange(days)), sale(rng)


# --------------------------------------------------------------------------------------------
# Parent: one child process per backend, then the summary.
# --------------------------------------------------------------------------------------------


def run_parent(args: argparse.Namespace) -> int:
    return common_parent(args, lambda backend: run_child_process(backend, args), print_summary)


def run_child_process(backend: str, args: argparse.Namespace) -> dict | None:
    child_args = ["--entries", str(args.entries), "--history-postings", str(args.history_postings)]
    kept = None
    if backend == "sqlite" and args.keep_sqlite:
        kept = Path(args.keep_sqlite).resolve()
        if kept.exists():
            sys.exit(f"--keep-sqlite {kept} exists; give a new path")
        kept.parent.mkdir(parents=True, exist_ok=True)
    return run_backend(script=__file__, backend=backend, child_args=child_args, sqlite_file=kept)


def print_summary(results: list[dict]) -> None:
    print("\n=== summary ===")
    for r in results:
        name = f"{r['backend']:<8}"
        post_ratio = r["post_rate"] / r["plain_rate"]
        print(
            f"{name} post_entry {r['post_rate']:,.0f}/s  plain SQL {r['plain_rate']:,.0f}/s  "
            f"ratio {post_ratio:.2f} (target >= {POST_RATIO_TARGET:.2f}) "
            + verdict(post_ratio >= POST_RATIO_TARGET)
        )
        history_ratio = r["tb_history_s"] / r["tb_small_s"]
        print(
            f"{name} trial balance {r['tb_small_postings']:,} postings {ms(r['tb_small_s'])}  "
            f"{r['tb_history_postings']:,} postings {ms(r['tb_history_s'])}  "
            f"ratio {history_ratio:.2f} (target <= {HISTORY_RATIO_TARGET:.0f}) "
            + verdict(history_ratio <= HISTORY_RATIO_TARGET)
        )
        bean_ratio = r["bean_query_s"] / r["tb_entries_s"]
        print(
            f"{name} bean-query {r['bean_query_s']:.2f} s  trial balance {ms(r['tb_entries_s'])}  "
            f"ratio {bean_ratio:,.0f} (target >= {BEAN_QUERY_TARGET:.0f}) "
            + verdict(bean_ratio >= BEAN_QUERY_TARGET)
            + f"  totals {'equal' if r['bean_query_equal'] else 'DIFFER'}"
        )
        print(f"{name} verify_ledger {r['verify']}")


# --------------------------------------------------------------------------------------------
# Child: the measurements, on the database DATABASE_URL names.
# --------------------------------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    backend = args.backend.removesuffix("-child")
    setup_django(backend)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    print(f"code: {code_state()}; load average {os.getloadavg()[0]:.2f}", flush=True)
    rng = random.Random(SEED)
    result = {"backend": backend, "entries": args.entries}
    with RawDb.open(connection) as raw:
        result |= measure_posting(rng, args.entries, raw)
        result |= measure_bean_query()
        result |= measure_history(rng, args.history_postings, raw)
    result |= measure_verification()
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


def code_state() -> str:
    """Name the code measured: the commit, and a digest of ledger/ as it is on disk now."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    digest = hashlib.sha256()
    for path in sorted((ROOT / "ledger").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return f"commit {commit or '?'}, ledger/**/*.py sha256 {digest.hexdigest()[:12]}"


def figure(label: str, value: str) -> None:
    print(f"  {label:<52} {value}", flush=True)


# --- 1 and 2: posting rate against plain SQL --------------------------------------------------


@dataclass
class PostingRun:
    entries: int = 0
    postings: int = 0
    seconds: float = 0.0
    laps: list[float] = field(default_factory=list)  # seconds of each lap of entries

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0


def post_sales(
    rng: random.Random,
    quarter: tuple[datetime.date, datetime.date],
    done: Callable[[PostingRun], bool],
    pause: tuple[int, Callable[[], None]] | None = None,
    lap: int = 0,
    after_lap: Callable[[], None] | None = None,
) -> PostingRun:
    """Post sales through post_entry until done(run); the clock runs only inside post_entry.

    pause is (postings, callback): the callback runs, off the clock, once the ledger holds that
    many postings from this run. With lap, the time of every lap entries is kept too, and
    after_lap runs, off the clock, after each.
    """
    from ledger.money import from_cents
    from ledger.services import Line, post_entry

    run = PostingRun()
    stream = sales(rng, quarter)
    while not done(run):
        day, legs = next(stream)
        lines = [Line(account, side, from_cents(cents, "USD")) for account, side, cents in legs]
        started = time.perf_counter()
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=day, lines=lines)
        run.seconds += time.perf_counter() - started
        run.entries += 1
        run.postings += len(legs)
        if lap and run.entries % lap == 0:
            run.laps.append(run.seconds - sum(run.laps))
            if after_lap:
                after_lap()
        if pause and run.postings >= pause[0]:
            pause[1]()
            pause = None
    return run


def measure_posting(rng: random.Random, entries: int, raw: "RawDb") -> dict:
    print(
        f"1-2. post_entry: {entries:,} sales in 2026Q1, one transaction each; in turns with\n"
        "     plain SQL: the same rows, raw driver, no triggers, one transaction each",
        flush=True,
    )
    small: dict = {}

    def time_small_ledger() -> None:
        small["tb_small_postings"] = posting_count()
        small["tb_small_s"] = time_trial_balance()

    raw.create_plain_tables()
    plain_laps: list[tuple[int, float]] = []  # (entries, seconds) of each plain-SQL lap

    def copy_new_rows() -> None:
        journal = raw.read_journal(after_seq=sum(copied for copied, _ in plain_laps))
        plain_laps.append((len(journal), raw.copy_plain(journal)))

    lap = max(entries // 10, 1)
    run = post_sales(
        rng,
        Q1,
        lambda run: run.entries >= entries,
        (SMALL_LEDGER_POSTINGS, time_small_ledger),
        lap=lap,
        after_lap=copy_new_rows,
    )
    if sum(copied for copied, _ in plain_laps) < run.entries:
        copy_new_rows()
    raw.drop_plain_tables()
    if not small:
        time_small_ledger()
    plain_entries = sum(copied for copied, _ in plain_laps)
    plain_seconds = sum(seconds for _, seconds in plain_laps)
    plain_rate = plain_entries / plain_seconds
    figure("entries / postings", f"{run.entries:,} / {run.postings:,}")
    figure("post_entry rate", f"{run.rate:,.0f} entries/s ({run.seconds:.1f} s)")
    figure("plain SQL rate", f"{plain_rate:,.0f} entries/s ({plain_seconds:.1f} s)")
    figure("post_entry / plain SQL", f"{run.rate / plain_rate:.2f} (target >= 0.40)")
    figure(
        f"by lap of {lap:,} entries: post_entry/s plain/s ratio",
        "  ".join(
            f"{lap / post_s:,.0f} {copied / plain_s:,.0f} {(lap / post_s) / (copied / plain_s):.2f}"
            for post_s, (copied, plain_s) in zip(run.laps, plain_laps, strict=False)
        ),
    )
    figure(
        f"trial_balance() with {small['tb_small_postings']:,} postings (median)",
        ms(small["tb_small_s"]),
    )
    return {"postings": run.postings, "post_rate": run.rate, "plain_rate": plain_rate, **small}


def posting_count() -> int:
    from ledger.models import Posting

    return Posting.objects.count()


def time_trial_balance(runs: int = TIMED_RUNS) -> float:
    """Return the median wall time of trial_balance() over runs calls.

    On PostgreSQL the tables are analyzed first, as autovacuum does after this many changed
    rows; otherwise the plan depends on whether its last ANALYZE happened to fall before or
    after the bulk load (a 10x swing between runs of the same code).
    """
    from django.db import connection

    from ledger.selectors import trial_balance

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_posting, ledger_journalentry")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        trial_balance()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- 3: bean-query on the exported file -------------------------------------------------------


def measure_bean_query() -> dict:
    from ledger.beancount import write_beancount
    from ledger.selectors import trial_balance

    print("3. bean-query against trial_balance() on the same entries", flush=True)
    ours_s = time_trial_balance()
    ours = {row.account: row.net_cents for row in trial_balance().rows if row.net_cents}
    with tempfile.TemporaryDirectory(prefix="tillshare-bench-") as scratch:
        path = Path(scratch) / "ledger.beancount"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            write_beancount(out)
        export_s = time.perf_counter() - started
        size = path.stat().st_size
        started = time.perf_counter()
        output = subprocess.run(
            [str(Path(sys.executable).parent / "bean-query"), "-f", "csv", str(path), BEAN_QUERY],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        bean_s = time.perf_counter() - started
    theirs = {
        row["account"]: int(Decimal(row["total"].strip()) * 100)
        for row in csv.DictReader(output.splitlines())
        if Decimal(row["total"].strip())
    }
    equal = ours == theirs
    figure("export_beancount", f"{export_s:.2f} s, {size / 1e6:,.1f} MB")
    figure("bean-query (one run, parse and sum)", f"{bean_s:.2f} s")
    figure("trial_balance() on the same data (median)", ms(ours_s))
    figure("bean-query / trial_balance()", f"{bean_s / ours_s:,.0f}x (target >= 50x)")
    figure(
        "per-account totals",
        f"{'equal' if equal else 'DIFFER'} ({len(ours)} accounts ours, {len(theirs)} bean-query)",
    )
    return {"bean_query_s": bean_s, "tb_entries_s": ours_s, "bean_query_equal": equal}


# --- 4: a long history, a close, then the trial balance ----------------------------------------


def measure_history(rng: random.Random, history_postings: int, raw: "RawDb") -> dict:
    from ledger.services import close_period

    print(f"4. trial_balance() with {history_postings:,} postings after closing 2026Q1", flush=True)
    bulk_target = history_postings - SMALL_LEDGER_POSTINGS - posting_count()
    started = time.perf_counter()
    bulk = raw.bulk_load(rng, bulk_target)
    bulk_s = time.perf_counter() - started
    figure(
        "bulk load through the triggers (raw driver)",
        f"{bulk.entries:,} entries, {bulk.postings:,} postings in {bulk_s:.1f} s "
        f"({bulk.entries / bulk_s:,.0f} entries/s)",
    )
    started = time.perf_counter()
    close_period(period="2026Q1")
    close_s = time.perf_counter() - started
    figure("close_period('2026Q1') (snapshots every account)", f"{close_s:.2f} s")
    run = post_sales(rng, Q2, lambda run: run.postings >= SMALL_LEDGER_POSTINGS)
    figure(
        "post_entry in 2026Q2, after the close",
        f"{run.entries:,} entries, {run.postings:,} postings, {run.rate:,.0f} entries/s",
    )
    figure("database calls in one more post_entry", query_profile(rng))
    total = posting_count()
    tb_s = time_trial_balance()
    figure(f"trial_balance() with {total:,} postings (median)", ms(tb_s))
    return {
        "bulk_s": bulk_s,
        "close_s": close_s,
        "q2_rate": run.rate,
        "tb_history_postings": total,
        "tb_history_s": tb_s,
    }


def query_profile(rng: random.Random) -> str:
    """Post one more 2026Q2 sale with every database call recorded; return the count by kind.

    On PostgreSQL one call may carry several statements (one round trip): it counts once, by
    its first word.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        post_sales(rng, Q2, lambda run: run.entries >= 1)
    # Django records an executemany as "N times: INSERT ...".
    kinds = Counter(
        re.sub(r"^\d+ times: ", "", query["sql"]).split(None, 1)[0].upper()
        for query in captured.captured_queries
    )
    return f"{len(captured)} ({', '.join(f'{n} {kind}' for kind, n in kinds.most_common())})"


# --- 5: the whole ledger still verifies -------------------------------------------------------


def measure_verification() -> dict:
    from ledger.verification import verify_ledger

    print("5. verify_ledger over the whole history", flush=True)
    started = time.perf_counter()
    report = verify_ledger()
    figure("verify_ledger", f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
    return {"verify": "OK" if report.ok else f"FAILED: {report.problem}"}


# --- the raw driver -----------------------------------------------------------------------------

ENTRY_COLUMNS = (
    "id", "seq", "status", "kind", "effective_date", "period_id", "recorded_at", "memo",
    "source_ref", "reverses_id", "fingerprint", "prev_hash", "hash", "created_by_id",
)  # fmt: skip
POSTING_COLUMNS = ("entry_id", "account_id", "side", "amount", "effective_date", "memo")

PLAIN_TABLES = """
CREATE TABLE bench_entry (
    id {uuid} NOT NULL PRIMARY KEY, seq bigint NULL UNIQUE, status varchar(6) NOT NULL,
    kind varchar(20) NOT NULL, effective_date date NOT NULL, period_id bigint NOT NULL,
    recorded_at {timestamp} NOT NULL, memo varchar(255) NOT NULL,
    source_ref varchar(255) NOT NULL, reverses_id {uuid} NULL UNIQUE,
    fingerprint varchar(64) NOT NULL, prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL,
    created_by_id bigint NULL);
CREATE INDEX bench_entry_date_idx ON bench_entry (effective_date);
CREATE TABLE bench_posting (
    id {serial}, entry_id {uuid} NOT NULL, account_id bigint NOT NULL,
    side varchar(1) NOT NULL, amount bigint NOT NULL, effective_date date NOT NULL,
    memo varchar(255) NOT NULL);
CREATE INDEX bench_posting_entry_idx ON bench_posting (entry_id);
CREATE INDEX bench_posting_date_idx ON bench_posting (effective_date);
CREATE INDEX bench_posting_account_idx ON bench_posting (account_id, effective_date);
"""
VENDOR_TYPES = {
    "sqlite": {
        "uuid": "char(32)",
        "timestamp": "datetime",
        "serial": "integer NOT NULL PRIMARY KEY AUTOINCREMENT",
    },
    "postgresql": {
        "uuid": "uuid",
        "timestamp": "timestamp with time zone",
        "serial": "bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY",
    },
}


class RawDb:
    """A second connection to the same database through the bare driver: sqlite3 or psycopg.

    SQLite gets what the application's connection gets: WAL, synchronous=NORMAL and
    BEGIN IMMEDIATE transactions.
    """

    def __init__(self, vendor: str, connection) -> None:
        self.vendor = vendor
        self.connection = connection

    @classmethod
    @contextmanager
    def open(cls, django_connection) -> Iterator["RawDb"]:
        settings = django_connection.settings_dict
        if django_connection.vendor == "sqlite":
            import sqlite3

            connection = sqlite3.connect(settings["NAME"], isolation_level=None, timeout=30)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        try:
            yield cls(django_connection.vendor, connection)
        finally:
            connection.close()

    def sql(self, statement: str) -> str:
        return statement.replace("%s", "?") if self.vendor == "sqlite" else statement

    @contextmanager
    def transaction(self) -> Iterator:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE" if self.vendor == "sqlite" else "BEGIN")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")

    def pipeline(self):
        """On PostgreSQL, send statements without waiting for each reply (errors still raise)."""
        return self.connection.pipeline() if self.vendor == "postgresql" else nullcontext()

    def read_journal(self, after_seq: int) -> list[tuple[tuple, list[tuple]]]:
        """Return the entry rows after seq with their posting rows, as the driver reads them."""
        cursor = self.connection.cursor()
        cursor.execute(
            self.sql(
                f"SELECT {', '.join('p.' + column for column in POSTING_COLUMNS)} "
                "FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id "
                "WHERE e.seq > %s ORDER BY p.id"
            ),
            (after_seq,),
        )
        postings = defaultdict(list)
        for row in cursor.fetchall():
            postings[row[0]].append(row)
        cursor.execute(
            self.sql(
                f"SELECT {', '.join(ENTRY_COLUMNS)} FROM ledger_journalentry "
                "WHERE seq > %s ORDER BY seq"
            ),
            (after_seq,),
        )
        return [(row, postings[row[0]]) for row in cursor.fetchall()]

    def create_plain_tables(self) -> None:
        cursor = self.connection.cursor()
        for statement in PLAIN_TABLES.format(**VENDOR_TYPES[self.vendor]).split(";"):
            if statement.strip():
                cursor.execute(statement)

    def drop_plain_tables(self) -> None:
        cursor = self.connection.cursor()
        cursor.execute("DROP TABLE bench_posting")
        cursor.execute("DROP TABLE bench_entry")

    def copy_plain(self, journal: list[tuple[tuple, list[tuple]]]) -> float:
        """Insert every entry and its postings, one transaction each; return the seconds."""
        insert_entry = self.sql(
            f"INSERT INTO bench_entry ({', '.join(ENTRY_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
        )
        insert_postings = self.sql(
            f"INSERT INTO bench_posting ({', '.join(POSTING_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(POSTING_COLUMNS))})"
        )
        started = time.perf_counter()
        for entry, postings in journal:
            with self.transaction() as cursor:
                cursor.execute(insert_entry, entry)
                cursor.executemany(insert_postings, postings)
        return time.perf_counter() - started

    def bulk_load(self, rng: random.Random, postings: int) -> PostingRun:
        """Append 2026Q1 sales holding about that many postings, legally, in big transactions.

        Each entry is inserted as a draft, gets its postings, then is posted with the next seq,
        the previous hash and its own chain hash, so every trigger checks it; the database
        moves the chain head row along (rule ledger_chain_head_follows).
        """
        from django.utils import timezone

        from ledger.models import Account, ChainHead

        accounts = dict(Account.objects.values_list("name", "id"))
        period_id = period_row_id("2026Q1")
        head, _ = ChainHead.objects.get_or_create(id=1)
        seq, prev_hash = head.seq, head.hash
        run = PostingRun()
        stream = sales(rng, Q1)
        while run.postings < postings:
            with self.pipeline(), self.transaction() as cursor:
                for _ in range(BULK_BATCH):
                    if run.postings >= postings:
                        break
                    day, legs = next(stream)
                    seq += 1
                    prev_hash = self.append_posted(
                        cursor, accounts, period_id, seq, prev_hash, day, legs, timezone.now()
                    )
                    run.entries += 1
                    run.postings += len(legs)
        return run

    def append_posted(self, cursor, accounts, period_id, seq, prev_hash, day, legs, recorded_at):
        """Write one entry the way post_entry does (draft, postings, posted); return its hash."""
        from ledger.chain import CanonicalEntry, CanonicalPosting

        canonical = CanonicalEntry(
            kind="sale",
            effective_date=day,
            memo="",
            source_ref="",
            reverses=None,
            postings=tuple(CanonicalPosting(a, side, cents, "USD", "") for a, side, cents in legs),
        )
        entry_id = uuid.uuid4()
        entry_hash = canonical.chain_hash(
            prev_hash=prev_hash,
            entry_id=str(entry_id),
            seq=seq,
            recorded_at=recorded_at,
            created_by=None,
        )
        key, date = db_value("id", entry_id), db_value("effective_date", day)
        cursor.execute(
            self.sql(
                "INSERT INTO ledger_journalentry (id, status, kind, effective_date, period_id, "
                "recorded_at, memo, source_ref, fingerprint, prev_hash, hash) "
                "VALUES (%s, 'draft', 'sale', %s, %s, %s, '', '', %s, '', '')"
            ),
            (key, date, period_id, db_value("recorded_at", recorded_at), canonical.fingerprint()),
        )
        cursor.executemany(
            self.sql(
                "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, "
                "memo) VALUES (%s, %s, %s, %s, %s, '')"
            ),
            [(key, accounts[account], side, cents, date) for account, side, cents in legs],
        )
        cursor.execute(
            self.sql(
                "UPDATE ledger_journalentry SET status = 'posted', seq = %s, prev_hash = %s, "
                "hash = %s WHERE id = %s"
            ),
            (seq, prev_hash, entry_hash, key),
        )
        return entry_hash


def db_value(field: str, value):
    """Return value as Django stores that JournalEntry field on this database."""
    from django.db import connection

    from ledger.models import JournalEntry

    return JournalEntry._meta.get_field(field).get_db_prep_value(value, connection)


def period_row_id(name: str) -> int:
    """Return the id of the quarter's row, created as post_entry creates it on first use."""
    from ledger.models import Period
    from ledger.periods import quarter_named

    quarter = quarter_named(name)
    period, _ = Period.objects.get_or_create(
        name=quarter.name,
        defaults={
            "fiscal_year": quarter.fiscal_year,
            "quarter": quarter.quarter,
            "start_date": quarter.start_date,
            "end_date": quarter.end_date,
        },
    )
    return period.id


# --------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=100_000, help="sales through post_entry")
    add_backend_option(parser)
    parser.add_argument(
        "--history-postings",
        type=int,
        default=1_000_000,
        help="postings in the ledger for the long-history trial balance",
    )
    parser.add_argument("--keep-sqlite", metavar="PATH", help="write the SQLite database here")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse_args(), run_parent, run_child))
