"""Transparency-report benchmark: prints figures against the issue's targets; asserts nothing.

    .venv/bin/python bench/report_bench.py [--checks 90000] [--keep PATH]

Targets (issue 8): building the snapshot takes at most 20% of the PDF render time; with four
times the history the snapshot takes at most 1.5x as long; peak memory at most 500 MB.

How the history is made (honestly): `simulate` runs about 3 to 60 checks a second on this kind
of machine, far too slow for 90,000 checks a quarter. So the benchmark writes each check as one
real, balanced sale entry through `ledger.services.post_entry` (the same service and triggers
every sale goes through; the chain hash is real), batched 1,000 to a transaction. A check is
one to three income lines (food, drinks, alcohol, games), sales tax, a card or cash tender,
sometimes a tip, and the food's cost of goods. There are no POS rows (tabs, lines), which the
public report does not read. Each quarter also gets its running costs, the treasury's
earmark designations and a few program disbursements with their releases, then the quarter is
closed with `ledger.services.close_period` and its report is drafted, approved and published.

Figures, on a fresh SQLite file in a temporary directory:
1. 2026Q1 with N checks: publish (the snapshot is built inside), then the snapshot build alone
   (median of 5 after one warm-up), the HTML render and the PDF render (median of 3), peak
   memory (tracemalloc peak of Python allocations, and the process's max RSS).
2. Three more quarters of N checks each, closed: the 2026Q4 snapshot, with four times the
   history behind it, against the 2026Q1 figure.
"""

import argparse
import datetime
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 1_000
SEED = 20260101
SNAPSHOT_SHARE_TARGET = 0.20
HISTORY_RATIO_TARGET = 1.5
MEMORY_TARGET_MB = 500


def setup_django(directory: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["TILLSHARE_VAR_DIR"] = directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def usd(cents: int):
    from djmoney.money import Money

    from ledger.money import from_cents

    return from_cents(cents, "USD") if cents else Money(0, "USD")


def post_quarter(quarter, checks: int, rng: random.Random) -> None:
    """Post a quarter of checks, costs, designations and disbursements through post_entry."""
    from django.db import transaction

    from ledger.services import credit, debit, post_entry

    days = (quarter.end_date - quarter.start_date).days + 1
    income = ["Income:Sales:Food", "Income:Sales:NonAlcoholicDrinks", "Income:Sales:Alcohol",
              "Income:Rentals:Games"]  # fmt: skip
    for start in range(0, checks, BATCH):
        with transaction.atomic():
            for number in range(start, min(start + BATCH, checks)):
                day = quarter.start_date + datetime.timedelta(days=number * days // checks)
                lines, total = [], 0
                for account in rng.sample(income, rng.randint(1, 3)):
                    cents = rng.randint(400, 4000)
                    lines.append(credit(account, usd(cents)))
                    total += cents
                    if account == "Income:Sales:Food":
                        lines.append(debit("Expenses:CostOfGoodsSold:Food", usd(cents * 3 // 10)))
                        lines.append(credit("Assets:Inventory:Food", usd(cents * 3 // 10)))
                tax = total * 8 // 100
                tip = total * 15 // 100 if rng.random() < 0.3 else 0
                lines.append(credit("Liabilities:SalesTax:Payable", usd(tax)))
                if tip:
                    lines.append(credit("Liabilities:Tips:Payable", usd(tip)))
                tender = "Assets:Stripe:Clearing" if rng.random() < 0.7 else "Assets:Cash:Drawer1"
                lines.append(debit(tender, usd(total + tax + tip)))
                post_entry(entry_id=uuid.UUID(int=rng.getrandbits(128)), kind="sale",
                           effective_date=day, lines=lines)  # fmt: skip
    end = quarter.end_date
    with transaction.atomic():
        for account, cents in (
            ("Expenses:Rent", 900_000),
            ("Expenses:Wages", 2_400_000),
            ("Expenses:Utilities", 150_000),
            ("Expenses:CardFees", 120_000),
        ):
            post_entry(
                entry_id=uuid.uuid4(),
                kind="adjustment",
                effective_date=end,
                lines=[debit(account, usd(cents)), credit("Assets:Bank:Checking", usd(cents))],
            )
        designated = "NetAssets:WithoutDonorRestrictions:BoardDesignated:"
        post_entry(
            entry_id=uuid.uuid4(),
            kind="designation",
            effective_date=end,
            lines=[
                debit("NetAssets:WithoutDonorRestrictions:Undesignated", usd(500_000)),
                credit(designated + "CommunityFridge", usd(300_000)),
                credit(designated + "SkillShare", usd(200_000)),
            ],
        )
        for component in ("CommunityFridge", "SkillShare") * 3:
            post_entry(entry_id=uuid.uuid4(), kind="payout", effective_date=end, lines=[
                debit(f"Expenses:Programs:{component}", usd(25_000)),
                credit("Assets:Bank:Checking", usd(25_000)),
                debit(designated + component, usd(25_000)),
                credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd(25_000)),
            ])  # fmt: skip


def timed(function, runs: int) -> tuple[float, object]:
    results, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = function()
        results.append(time.perf_counter() - start)
    return statistics.median(results), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=90_000, help="Checks per quarter.")
    parser.add_argument("--keep", help="Keep the database in this directory.")
    parser.add_argument(
        "--no-history", action="store_true", help="Measure 2026Q1 only (skip the 4x history)."
    )
    args = parser.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="report-bench-")
    setup_django(directory)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from ledger.models import GENESIS_HASH
    from ledger.periods import quarter_named
    from ledger.services import close_period
    from reports import services
    from reports.rendering import render_html, render_report_pdf
    from reports.snapshot.builder import build_snapshot
    from treasury.services.policy import set_policy

    users = get_user_model().objects
    people = {}
    for name, group in (("treasurer", "treasurer"), ("board", "board")):
        people[name] = users.create_user(username=f"bench-{name}")
        people[name].groups.add(Group.objects.get_or_create(name=group)[0])
    set_policy(user=people["board"], effective_from=datetime.date(2026, 1, 1),
               floor_percent=Decimal("5"), share_percent=Decimal("40"),
               weights={"community-fridge": 60, "skill-share": 40}, dual_approval_cents=50000,
               pay_it_forward_mode="liability", meal_credit_cents=1000, rollover_days=30,
               rollover_program="community-fridge")  # fmt: skip
    rng = random.Random(SEED)

    def load(name: str) -> None:
        start = time.perf_counter()
        post_quarter(quarter_named(name), args.checks, rng)
        close_period(period=name)
        took = time.perf_counter() - start
        print(f"{name}: {args.checks:,} checks posted and closed in {took:.1f} s "
              f"({args.checks / took:.0f} checks/s)")  # fmt: skip

    def snapshot_of(name: str):
        return lambda: build_snapshot(
            period=name, version=1, published_on=timezone.localdate(), summary_en="Bench.",
            summary_es="", errata="", supersedes=None, previous_seal=GENESIS_HASH,
        )  # fmt: skip

    print(f"Database: {directory}/bench.sqlite3")
    load("2026Q1")
    tracemalloc.start()
    services.draft_report(period="2026Q1", summary_en="Bench quarter.",
                          drafted_by=people["treasurer"])  # fmt: skip
    services.approve_report(period="2026Q1", approved_by=people["board"])
    report = services.publish_report(period="2026Q1", published_by=people["treasurer"])
    seal = {"snapshot_sha256": report.snapshot_sha256, "seal": report.seal}
    snapshot_of("2026Q1")()  # warm-up: the first call also pays for imports and caches
    snapshot_time, _ = timed(snapshot_of("2026Q1"), 5)
    html_time, html = timed(lambda: render_html(snapshot_text=report.snapshot, seal=seal), 3)
    pdf_time, pdf = timed(lambda: render_report_pdf(snapshot_text=report.snapshot, seal=seal), 3)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    history_time = None
    if not args.no_history:
        for name in ("2026Q2", "2026Q3", "2026Q4"):
            load(name)
        snapshot_of("2026Q4")()
        history_time, _ = timed(snapshot_of("2026Q4"), 5)

    share = snapshot_time / pdf_time
    peak_mb = max(peak / 2**20, rss_mb)
    print(f"Snapshot JSON: {len(report.snapshot):,} bytes; HTML {len(html):,} bytes; "
          f"PDF {len(pdf):,} bytes")  # fmt: skip
    print(f"Snapshot build (2026Q1, {args.checks:,} checks): {snapshot_time * 1000:.0f} ms")
    print(f"HTML render: {html_time * 1000:.0f} ms")
    print(f"PDF render: {pdf_time * 1000:.0f} ms")
    print(f"Snapshot / PDF: {share:.1%} (target <= {SNAPSHOT_SHARE_TARGET:.0%}): "
          f"{'met' if share <= SNAPSHOT_SHARE_TARGET else 'MISSED'}")  # fmt: skip
    if history_time is not None:
        ratio = history_time / snapshot_time
        print(f"Snapshot with 4x history (2026Q4): {history_time * 1000:.0f} ms, {ratio:.2f}x "
              f"(target <= {HISTORY_RATIO_TARGET}x): "
              f"{'met' if ratio <= HISTORY_RATIO_TARGET else 'MISSED'}")  # fmt: skip
    print(f"Peak memory: Python allocations {peak / 2**20:.0f} MB, process max RSS "
          f"{rss_mb:.0f} MB (target <= {MEMORY_TARGET_MB} MB): "
          f"{'met' if peak_mb <= MEMORY_TARGET_MB else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
