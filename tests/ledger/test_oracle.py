"""Oracle: beancount, an independent double-entry engine, agrees with the ledger to the cent.

The ledger is exported with `export_beancount` and checked by beancount's own tools, run as
subprocesses (the project never imports beancount):

- `bean-check` accepts the export of a quarter of venue life (sales with tax and tips, card
  and cash, refunds as reversals, payouts with card fees, drawer drops, deposits, rent,
  payroll, bills, donations), across a closed 2026Q1 and an open 2026Q2, with no output;
- `bean-query`'s total per account equals `trial_balance()` to the cent, for the whole ledger
  and for a single period's export (which opens with an opening-balances transaction);
- the export is not accepted blindly: one posting changed by one cent makes bean-check report
  the transaction that no longer balances, and one cent moved between two postings of a
  closed quarter's transaction (still balanced) makes the quarter's `~ 0.00` balance
  assertion fail;
- the `trial_balance` command's csv and json output carry exactly the selector's rows.

A small worked example pins the figures by hand; the venue simulation is seeded, so every run
builds the same entries.
"""

import csv
import datetime
import json
import random
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ledger.money import format_cents
from ledger.selectors import account_balance, trial_balance
from ledger.services import close_period, credit, debit, post_entry, reverse_entry
from tests.conftest import usd

pytestmark = [pytest.mark.oracle, pytest.mark.django_db]

BIN = Path(sys.executable).parent
TOTALS_QUERY = (
    "SELECT account, sum(number) AS total, currency GROUP BY account, currency ORDER BY account"
)
Q1_END = datetime.date(2026, 3, 31)
Q2_END = datetime.date(2026, 6, 30)
POSTING_LINE = re.compile(r"^  (?P<account>[A-Z]\S*)  (?P<amount>-?\d+\.\d\d) USD$")


# The tools ---------------------------------------------------------------------------------


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{path} is missing: install the dev extras (pip install -e '.[dev]')"
    return str(path)


def bean_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("bean-check"), "-C", str(path)], capture_output=True, text=True, timeout=300
    )


def bean_query_totals(path: Path) -> dict[str, int]:
    """Net total in cents per account (debit-positive, as beancount signs it), zeros left out."""
    done = subprocess.run(
        [tool("bean-query"), "-f", "csv", str(path), TOTALS_QUERY],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    totals = {}
    for row in csv.DictReader(StringIO(done.stdout)):
        assert row["currency"] == "USD", row
        cents = Decimal(row["total"].strip()).scaleb(2)
        assert cents == cents.to_integral_value(), row
        if cents:
            totals[row["account"]] = int(cents)
    return totals


def ledger_totals(as_of: datetime.date | None = None) -> dict[str, int]:
    return {row.account: row.net_cents for row in trial_balance(as_of=as_of).rows if row.net_cents}


def export(directory: Path, name: str, *args: str) -> Path:
    path = directory / name
    call_command("export_beancount", str(path), *args, stdout=StringIO(), stderr=StringIO())
    return path


def transactions(lines: list[str]):
    """Yield (header line index, indexes of its posting lines) for every transaction."""
    for number, line in enumerate(lines):
        if re.match(r"^\d{4}-\d\d-\d\d \* ", line):
            end = lines.index("\n", number)
            yield number, [n for n in range(number + 1, end) if POSTING_LINE.match(lines[n])]


def shift(line: str, cents: str) -> str:
    """A posting line with its amount moved by cents."""
    match = POSTING_LINE.match(line)
    return f"  {match['account']}  {Decimal(match['amount']) + Decimal(cents)} USD\n"


def assert_clean(path: Path) -> None:
    done = bean_check(path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done.stderr


# A worked example --------------------------------------------------------------------------


def test_worked_example_exports_to_the_hand_computed_totals_and_assertions(tmp_path):
    card_sale = post_entry(
        entry_id=uuid.uuid4(),
        kind="sale",
        effective_date=datetime.date(2026, 2, 14),
        memo='Table "7" \\ patio',
        source_ref="order-1",
        lines=[
            debit("Assets:Stripe:Clearing", usd("24.84")),
            credit("Income:Sales:Food", usd("12.00")),
            credit("Income:Rentals:Games", usd("10.00")),
            credit("Liabilities:SalesTax:Payable", usd("1.84")),  # 8.36% of 22.00 = 1.8392
            credit("Liabilities:Tips:Payable", usd("1.00"), memo='Tip for "Sam"'),
        ],
    )
    post_entry(
        entry_id=uuid.uuid4(),
        kind="sale",
        effective_date=datetime.date(2026, 2, 15),
        source_ref="order-2",
        lines=[
            debit("Assets:Cash:Drawer1", usd("5.42")),
            credit("Income:Sales:NonAlcoholicDrinks", usd("5.00")),
            credit("Liabilities:SalesTax:Payable", usd("0.42")),  # 8.36% of 5.00 = 0.418
        ],
    )
    reverse_entry(
        entry_id=uuid.uuid4(), reverses=card_sale.id, effective_date=datetime.date(2026, 3, 2)
    )
    close_period(period="2026Q1")
    post_entry(
        entry_id=uuid.uuid4(),
        kind="adjustment",
        effective_date=datetime.date(2026, 4, 3),
        memo="Drawer drop",
        lines=[
            debit("Assets:Cash:Safe", usd("5.42")),
            credit("Assets:Cash:Drawer1", usd("5.42")),
        ],
    )

    path = export(tmp_path, "ledger.beancount")

    assert_clean(path)
    expected = {
        "Assets:Cash:Safe": 542,
        "Income:Sales:NonAlcoholicDrinks": -500,
        "Liabilities:SalesTax:Payable": -42,
    }
    assert bean_query_totals(path) == expected
    assert ledger_totals() == expected
    text = path.read_text()
    assert '2026-02-14 * "Table \\"7\\" \\\\ patio"\n' in text
    assert '  Liabilities:Tips:Payable  -1.00 USD\n    memo: "Tip for \\"Sam\\""\n' in text
    for assertion in [
        "2026-04-01 balance Assets:Cash:Drawer1  5.42 ~ 0.00 USD",
        "2026-04-01 balance Assets:Cash  5.42 ~ 0.00 USD",
        "2026-04-01 balance Assets:Cash:Safe  0.00 ~ 0.00 USD",
        "2026-04-01 balance Assets:Stripe:Clearing  0.00 ~ 0.00 USD",
        "2026-04-01 balance Liabilities:SalesTax:Payable  -0.42 ~ 0.00 USD",
        "2026-04-01 balance Assets:Stripe  0.00 ~ 0.00 USD",
    ]:
        assert assertion + "\n" in text


# Half a year of venue life ----------------------------------------------------------------

TAXABLE = (
    "Income:Sales:Food",
    "Income:Sales:NonAlcoholicDrinks",
    "Income:Sales:Alcohol",
    "Income:Rentals:Games",
)
MEMOS = ("", "Table 4", 'Table "7" \\ patio', "Walk-in", "Birthday party")
FLOAT = 20_000  # each drawer keeps $200.00 after the nightly drop


def tax_on(cents: int) -> int:
    """8.36% sales tax, rounded half up to the cent."""
    return (cents * 836 + 5_000) // 10_000


@dataclass
class Venue:
    """Posts a seeded simulation of the venue and tracks the balances it must not overdraw."""

    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    orders: int = 0
    posted: int = 0
    card_sales: list = field(default_factory=list)  # (id, total, tax, tip), not refunded
    clearing: int = 0
    drawer: int = 0
    safe: int = 0
    tips: int = 0
    tax: int = 0
    payroll: int = 0
    payable: int = 0
    drawer_at_q1_end: int = 0

    def post(self, day, kind, lines, memo="", source_ref=""):
        entry = post_entry(
            entry_id=uuid.UUID(int=self.rng.getrandbits(128)),
            kind=kind,
            effective_date=day,
            memo=memo,
            source_ref=source_ref,
            lines=[
                (debit if cents > 0 else credit)(account, usd(format_cents(abs(cents))))
                for account, cents in lines
            ],
        )
        self.posted += 1
        return entry

    def sale(self, day):
        self.orders += 1
        items = [(a, self.rng.randint(100, 5_000)) for a in self.rng.sample(TAXABLE, 2)]
        items = items[: self.rng.randint(1, 2)]
        tax = tax_on(sum(cents for _, cents in items))
        card = self.rng.random() < 0.6
        tip = self.rng.choice([0, 0, 100, 250, 375]) if card else 0
        total = sum(cents for _, cents in items) + tax + tip
        lines = [("Assets:Stripe:Clearing" if card else "Assets:Cash:Drawer1", total)]
        lines += [(account, -cents) for account, cents in items]
        lines.append(("Liabilities:SalesTax:Payable", -tax))
        if tip:
            lines.append(("Liabilities:Tips:Payable", -tip))
        memo = self.rng.choice(MEMOS)
        entry = self.post(day, "sale", lines, memo=memo, source_ref=f"order-{self.orders}")
        self.tax += tax
        self.tips += tip
        if card:
            self.clearing += total
            self.card_sales.append((entry.id, total, tax, tip))
        else:
            self.drawer += total

    def move(self, day, cents, to, out, memo=""):
        """A two-line entry: cents from account out to account to."""
        self.post(day, "adjustment", [(to, cents), (out, -cents)], memo=memo)

    def refund(self, day):
        """A card refund: the reversal of a card sale, on day."""
        entry_id, total, tax, tip = self.card_sales.pop(self.rng.randrange(len(self.card_sales)))
        reversal_id = uuid.UUID(int=self.rng.getrandbits(128))
        reverse_entry(entry_id=reversal_id, reverses=entry_id, effective_date=day)
        self.posted += 1
        self.clearing -= total
        self.tax -= tax
        self.tips -= tip

    def day(self, day):
        for _ in range(self.rng.randint(0, 2)):
            self.sale(day)
        if self.card_sales and self.rng.random() < 0.12:
            self.refund(day)
        if self.drawer > FLOAT:  # nightly drop of everything above the float
            drop, self.drawer = self.drawer - FLOAT, FLOAT
            self.move(day, drop, "Assets:Cash:Safe", "Assets:Cash:Drawer1", "Drawer drop")
            self.safe += drop
        if day.weekday() == 0 and self.clearing > 0:  # Monday: Stripe pays out, less 2.9%
            fee = self.clearing * 29 // 1_000
            lines = [
                ("Assets:Bank:Checking", self.clearing - fee),
                ("Expenses:CardFees", fee),
                ("Assets:Stripe:Clearing", -self.clearing),
            ]
            self.post(day, "payout", lines, memo="Stripe payout")
            self.clearing = 0
        if day.weekday() == 1 and self.safe:  # Tuesday: the safe goes to the bank
            self.move(day, self.safe, "Assets:Cash:InTransit", "Assets:Cash:Safe", "Deposit")
            self.move(day, self.safe, "Assets:Bank:Checking", "Assets:Cash:InTransit")
            self.safe = 0
        if day.weekday() == 4 and self.tips:  # Friday: tips paid out with wages
            self.move(day, self.tips, "Liabilities:Tips:Payable", "Assets:Bank:Checking")
            self.tips = 0
        if day.day == 1:
            self.move(day, 150_000, "Expenses:Rent", "Assets:Bank:Checking", "Rent")
            self.move(day, 61_237, "Assets:Inventory:Food", "Liabilities:AccountsPayable")
            self.payable += 61_237
            self.move(day, 25_000, "Assets:Bank:Checking", "Income:Donations:Restricted")
        if day.day in (15, 28):
            lines = [
                ("Expenses:Wages", 240_000),
                ("Expenses:PayrollTaxes", 18_360),
                ("Liabilities:Payroll", -258_360),
            ]
            self.post(day, "adjustment", lines, memo="Payroll")
            self.payroll += 258_360
        if day.day == 16 and self.payroll:
            self.move(day, self.payroll, "Liabilities:Payroll", "Assets:Bank:Checking")
            self.payroll = 0
        if day.day == 20 and self.payable:
            self.move(day, self.payable, "Liabilities:AccountsPayable", "Assets:Bank:Checking")
            self.payable = 0


def days(start: datetime.date, end: datetime.date):
    while start <= end:
        yield start
        start += datetime.timedelta(days=1)


@pytest.fixture
def venue() -> Venue:
    """2026Q1 (then closed) and 2026Q2 of the venue: a few hundred entries."""
    venue = Venue()
    opened = datetime.date(2026, 1, 2)
    equity = "NetAssets:WithoutDonorRestrictions:Undesignated"
    venue.move(opened, 2_000_000, "Assets:Bank:Checking", equity, "Opening contribution")
    venue.move(opened, FLOAT, "Assets:Cash:Drawer1", "Assets:Bank:Checking", "Drawer float")
    venue.drawer = FLOAT
    for day in days(datetime.date(2026, 1, 3), Q1_END):
        venue.day(day)
    venue.drawer_at_q1_end = venue.drawer
    close_period(period="2026Q1")
    q1_tax = venue.tax
    for day in days(datetime.date(2026, 4, 1), Q2_END):
        venue.day(day)
        if day == datetime.date(2026, 4, 20):  # 2026Q1's sales tax remitted
            venue.move(day, q1_tax, "Liabilities:SalesTax:Payable", "Assets:Bank:Checking")
    assert venue.posted > 300
    return venue


def test_the_whole_ledger_passes_bean_check_and_its_totals_equal_the_trial_balance(venue, tmp_path):
    path = export(tmp_path, "ledger.beancount")

    assert_clean(path)
    totals = bean_query_totals(path)
    assert totals == ledger_totals()
    assert len(totals) > 15
    text = path.read_text()
    assert text.count("\n  seq: ") == venue.posted
    assert text.count(" ~ 0.00 USD\n") > 10  # 2026Q1's balance assertions
    drawer = format_cents(venue.drawer_at_q1_end)
    assert f"2026-04-01 balance Assets:Cash:Drawer1  {drawer} ~ 0.00 USD\n" in text
    assert account_balance(account="Assets:Cash:Drawer1", as_of=Q1_END) == usd(drawer)


def test_one_cent_changed_in_one_posting_makes_bean_check_name_the_unbalanced_transaction(
    venue, tmp_path
):
    lines = export(tmp_path, "ledger.beancount").read_text().splitlines(keepends=True)
    header, postings = next(transactions(lines))
    lines[postings[0]] = shift(lines[postings[0]], "0.01")
    mutated = tmp_path / "one-cent-off.beancount"
    mutated.write_text("".join(lines))

    done = bean_check(mutated)

    assert done.returncode != 0
    assert f"{mutated}:{header + 1}: Transaction does not balance: (0.01 USD)" in done.stderr


def test_one_cent_moved_inside_a_closed_quarters_sale_breaks_its_balance_assertion(venue, tmp_path):
    lines = export(tmp_path, "ledger.beancount").read_text().splitlines(keepends=True)
    # The first card sale (in 2026Q1, closed): +0.01 on its card line, -0.01 on its income.
    header, postings = next(
        (header, postings)
        for header, postings in transactions(lines)
        if lines[postings[0]].startswith("  Assets:Stripe:Clearing  ")
        and lines[postings[1]].startswith("  Income:")
    )
    assert lines[header] < "2026-04-01"
    lines[postings[0]] = shift(lines[postings[0]], "0.01")
    lines[postings[1]] = shift(lines[postings[1]], "-0.01")
    mutated = tmp_path / "cent-moved.beancount"
    mutated.write_text("".join(lines))

    done = bean_check(mutated)

    assert done.returncode != 0
    assert "does not balance" not in done.stderr
    assert "Balance failed for 'Assets:Stripe:Clearing'" in done.stderr
    assert "(0.01 too much)" in done.stderr


@pytest.mark.parametrize(
    ("period", "end", "opening"),
    [("2026Q1", Q1_END, False), ("2026Q2", Q2_END, True)],
    ids=["2026Q1", "2026Q2"],
)
def test_a_single_period_export_stands_alone(venue, tmp_path, period, end, opening):
    close_period(period="2026Q2")

    path = export(tmp_path, f"{period}.beancount", "--period", period)

    assert_clean(path)
    assert bean_query_totals(path) == ledger_totals(as_of=end)
    text = path.read_text()
    starts_open = '2026-04-01 * "Opening balances carried from 2026-03-31" #opening\n' in text
    assert starts_open == opening
    assert f"{end + datetime.timedelta(days=1)} balance Assets:Cash:Drawer1  " in text


SCOPES = (
    ((), None, None),
    (("--as-of", "2026-03-31"), Q1_END, None),
    (("--as-of", "2026-05-15"), datetime.date(2026, 5, 15), None),
    (("--period", "2026Q2"), None, "2026Q2"),
)


def test_trial_balance_command_csv_and_json_carry_the_selectors_rows(venue):
    for args, as_of, period in SCOPES:
        report = trial_balance(as_of=as_of, period=period)
        expected = [
            {
                "account": row.account,
                "currency": row.currency,
                "debit": f"{row.debit.amount:.2f}",
                "credit": f"{row.credit.amount:.2f}",
            }
            for row in report.rows
        ]
        assert len(expected) > 10, args
        debits, credits = report.totals["USD"]
        assert debits == credits, args

        as_csv, as_json = StringIO(), StringIO()
        call_command("trial_balance", *args, "--format", "csv", stdout=as_csv)
        call_command("trial_balance", *args, "--format", "json", stdout=as_json)

        assert list(csv.DictReader(StringIO(as_csv.getvalue()))) == expected, args
        document = json.loads(as_json.getvalue())
        assert document["rows"] == expected, args
        assert document["balanced"] is True
        assert (document["start"], document["end"]) == tuple(
            day.isoformat() if day else None for day in (report.start, report.end)
        )
        assert document["totals"] == {
            "USD": {"debit": f"{debits.amount:.2f}", "credit": f"{credits.amount:.2f}"}
        }
