"""The treasurer's statements, read from the ledger for any date range.

Design overview
---------------
Every statement starts from per-account debit and credit totals:

- Balances as of a date come from `ledger.selectors.cumulative_totals` (a closed quarter's
  balance snapshot plus the postings after it), so their cost follows the number of accounts.
- Activity over a range [start, end] is the difference of two such balances, less the postings
  of closing entries in the range: closing entries move a quarter's income and expenses into
  net assets and are bookkeeping, not activity, so a statement of activities never shows them.

Net assets follow ASC 958. Without donor restrictions: undesignated (with the income and
expenses not yet closed into it) and board-designated per program. With donor restrictions:
per program, plus restricted gifts not yet closed into a program's account. "Net assets
released from restrictions" is what left the restricted accounts other than by closing.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import inflection

from ledger.models import Account, Program
from ledger.selectors import (
    Totals,
    activity_totals,
    cumulative_totals,
    posted_entries,
    trial_balance,
)
from reports.tables import CENTS, COUNT, Column, Table

RESTRICTED_INCOME = "Income:Donations:Restricted"
UNDESIGNATED = "NetAssets:WithoutDonorRestrictions:Undesignated"
DESIGNATED = "NetAssets:WithoutDonorRestrictions:BoardDesignated:"
RESTRICTED = "NetAssets:WithDonorRestrictions:"
FUNCTIONS = ("management_general", "fundraising")


@dataclass(frozen=True)
class Ledger:
    """Accounts by id and name, read once per statement."""

    by_id: dict[int, Account]

    @classmethod
    def load(cls) -> "Ledger":
        return cls({account.id: account for account in Account.objects.select_related("program")})

    def named(self, totals: Totals) -> dict[str, tuple[int, int]]:
        return {self.by_id[a].name: dc for a, dc in totals.items() if a in self.by_id}


def balances(*, as_of: datetime.date) -> dict[str, int]:
    """Return every account's balance at the end of as_of, positive on its normal side."""
    ledger = Ledger.load()
    return _normal(ledger, cumulative_totals(as_of=as_of))


def range_moves(*, start: datetime.date, end: datetime.date) -> dict[str, tuple[int, int]]:
    """Return each account's debits and credits dated in [start, end], closing entries left out."""
    return Ledger.load().named(activity_totals(start=start, end=end))


def activity(*, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Return every account's activity in [start, end] without closing entries, normal-signed."""
    ledger = Ledger.load()
    by_name = {a.name: a for a in ledger.by_id.values()}
    return {
        name: debits - credits if by_name[name].normal_side == "D" else credits - debits
        for name, (debits, credits) in range_moves(start=start, end=end).items()
    }


def restricted_released(*, start: datetime.date, end: datetime.date) -> int:
    """Return the debits to donor-restricted accounts in the range, closing entries excluded."""
    moves = range_moves(start=start, end=end)
    return sum(debits for name, (debits, _) in moves.items() if name.startswith(RESTRICTED))


def _normal(ledger: Ledger, totals: Totals) -> dict[str, int]:
    result = {}
    for account_id, (debits, credits) in totals.items():
        account = ledger.by_id[account_id]
        result[account.name] = debits - credits if account.normal_side == "D" else credits - debits
    return result


def _under(figures: dict[str, int], prefix: str) -> list[tuple[str, int]]:
    return sorted((name, cents) for name, cents in figures.items() if name.startswith(prefix))


def _label(name: str) -> str:
    """An account as the statements name it, root left out and each part in words:
    "Expenses:CostOfGoodsSold:Food" -> "Cost of goods sold · Food"."""
    parts = name.split(":")[1:]
    return " · ".join(inflection.humanize(inflection.underscore(part)) for part in parts)


def statement_of_activities(*, start: datetime.date, end: datetime.date) -> Table:
    """Return revenue, releases, expenses and the change in net assets, by restriction."""
    moves = activity(start=start, end=end)
    released = restricted_released(start=start, end=end)
    rows: list[tuple] = []
    without = with_ = 0
    for name, cents in _under(moves, "Income:"):
        if name.startswith(RESTRICTED_INCOME) and cents:
            rows.append(("Revenue", _label(name), 0, cents, cents))
            with_ += cents
        elif cents:
            rows.append(("Revenue", _label(name), cents, 0, cents))
            without += cents
    rows.append(("Revenue", "Net assets released from restrictions", released, -released, 0))
    without += released
    with_ -= released
    rows.append(("Revenue", "Total revenue and support", without, with_, without + with_))
    expenses = 0
    for name, cents in _under(moves, "Expenses:"):
        if cents:
            rows.append(("Expenses", _label(name), cents, 0, cents))
            expenses += cents
    rows.append(("Expenses", "Total expenses", expenses, 0, expenses))
    change_without = without - expenses
    opening = net_assets(as_of=start - datetime.timedelta(days=1))
    rows.append(
        ("Net assets", "Change in net assets", change_without, with_, change_without + with_)
    )
    rows.append(
        (
            "Net assets",
            "Net assets, beginning",
            opening.without,
            opening.with_,
            opening.without + opening.with_,
        )
    )
    rows.append(
        (
            "Net assets",
            "Net assets, end",
            opening.without + change_without,
            opening.with_ + with_,
            opening.without + change_without + opening.with_ + with_,
        )
    )
    return Table(
        key="statement-of-activities",
        title="Statement of activities",
        columns=(
            Column("section", "Section"),
            Column("line", "Line"),
            Column("without", "Without donor restrictions", CENTS),
            Column("with", "With donor restrictions", CENTS),
            Column("total", "Total", CENTS),
        ),
        rows=tuple(rows),
        meta={"start": start, "end": end},
    )


@dataclass(frozen=True)
class NetAssets:
    undesignated: int
    designated: dict[str, int]  # program slug -> cents
    restricted: dict[str, int]  # program slug -> cents
    restricted_unassigned: int  # restricted gifts not yet closed into a program's account

    @property
    def without(self) -> int:
        return self.undesignated + sum(self.designated.values())

    @property
    def with_(self) -> int:
        return sum(self.restricted.values()) + self.restricted_unassigned


def net_assets(*, as_of: datetime.date) -> NetAssets:
    """Return net assets as of a date by class, with unclosed income and expenses included."""
    figures = balances(as_of=as_of)
    return _net_assets(figures)


def _net_assets(figures: dict[str, int]) -> NetAssets:
    programs = list(Program.objects.all())
    income = sum(c for n, c in figures.items() if n.startswith("Income:"))
    restricted_income = sum(c for n, c in figures.items() if n.startswith(RESTRICTED_INCOME))
    expenses = sum(c for n, c in figures.items() if n.startswith("Expenses:"))
    # Income and expenses not yet closed belong to the class they will be closed into.
    restricted = {
        p.slug: figures.get(RESTRICTED + p.account_component, 0)
        + figures.get(f"{RESTRICTED_INCOME}:{p.account_component}", 0)
        for p in programs
    }
    return NetAssets(
        undesignated=figures.get(UNDESIGNATED, 0) + income - restricted_income - expenses,
        designated={p.slug: figures.get(DESIGNATED + p.account_component, 0) for p in programs},
        restricted=restricted,
        restricted_unassigned=restricted_income
        - sum(restricted.values())
        + sum(figures.get(RESTRICTED + p.account_component, 0) for p in programs),
    )


def statement_of_financial_position(*, as_of: datetime.date) -> Table:
    """Return assets, liabilities and net assets (undesignated, designated, restricted)."""
    figures = balances(as_of=as_of)
    assets = _under(figures, "Assets:")
    liabilities = _under(figures, "Liabilities:")
    classes = _net_assets(figures)
    names = dict(Program.objects.values_list("slug", "name"))
    rows: list[tuple] = [("Assets", _label(n), c) for n, c in assets if c]
    total_assets = sum(c for _, c in assets)
    rows.append(("Assets", "Total assets", total_assets))
    rows += [("Liabilities", _label(n), c) for n, c in liabilities if c]
    total_liabilities = sum(c for _, c in liabilities)
    rows.append(("Liabilities", "Total liabilities", total_liabilities))
    rows.append(("Net assets", "Without donor restrictions: undesignated", classes.undesignated))
    rows += [
        ("Net assets", f"Without donor restrictions: board-designated for {names[slug]}", cents)
        for slug, cents in classes.designated.items()
    ]
    rows += [
        ("Net assets", f"With donor restrictions: {names[slug]}", cents)
        for slug, cents in classes.restricted.items()
    ]
    if classes.restricted_unassigned:
        rows.append(
            ("Net assets", "With donor restrictions: gifts not yet closed to a program",
             classes.restricted_unassigned)
        )  # fmt: skip
    total_net = classes.without + classes.with_
    rows.append(("Net assets", "Total net assets", total_net))
    rows.append(("Total", "Total liabilities and net assets", total_liabilities + total_net))
    return Table(
        key="statement-of-financial-position",
        title="Statement of financial position",
        columns=(
            Column("section", "Section"),
            Column("line", "Line"),
            Column("amount", "Amount", CENTS),
        ),
        rows=tuple(rows),
        meta={"as_of": as_of},
    )


@dataclass(frozen=True)
class FunctionalExpenses:
    columns: tuple[tuple[str, str], ...]  # (key, label): each program, then M&G, fundraising
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # nature -> cents per column
    totals: tuple[int, ...]
    program_total: int
    total: int

    def ratio(self) -> Decimal | None:
        """Program spending / all spending, as a percentage with one decimal."""
        if not self.total:
            return None
        return (Decimal(self.program_total) * 100 / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_EVEN
        )


def functional_expenses(*, start: datetime.date, end: datetime.date) -> FunctionalExpenses:
    """Return expenses by nature (account) and function (each program, M&G, fundraising)."""
    ledger = Ledger.load()
    moves = activity(start=start, end=end)
    programs = list(Program.objects.all())
    columns = (
        *((p.slug, p.name) for p in programs),
        ("management_general", "Management and general"),
        ("fundraising", "Fundraising"),
    )
    index = {key: i for i, (key, _) in enumerate(columns)}
    by_name = {a.name: a for a in ledger.by_id.values()}
    matrix: dict[str, list[int]] = {}
    for name, cents in sorted(moves.items()):
        if not name.startswith("Expenses:") or not cents:
            continue
        account = by_name[name]
        if account.function == "program" and account.program_id:
            column, nature = account.program.slug, "Program assistance and supplies"
        else:
            column, nature = account.function or "management_general", _label(name)
        matrix.setdefault(nature, [0] * len(columns))[index[column]] += cents
    rows = tuple((nature, tuple(cells)) for nature, cells in matrix.items())
    totals = tuple(sum(cells[i] for _, cells in rows) for i in range(len(columns)))
    program_total = sum(totals[index[p.slug]] for p in programs)
    return FunctionalExpenses(columns, rows, totals, program_total, sum(totals))


def functional_expenses_table(*, start: datetime.date, end: datetime.date) -> Table:
    figures = functional_expenses(start=start, end=end)
    return Table(
        key="functional-expenses",
        title="Statement of functional expenses",
        columns=(
            Column("nature", "Nature"),
            *(Column(key, label, CENTS) for key, label in figures.columns),
            Column("total", "Total", CENTS),
        ),
        rows=tuple((n, *cells, sum(cells)) for n, cells in figures.rows),
        footer=("Total", *figures.totals, figures.total),
        note=f"Program ratio: {figures.ratio()} %" if figures.total else "",
    )


def trial_balance_table(*, as_of: datetime.date) -> Table:
    balance = trial_balance(as_of=as_of)
    rows = tuple(
        (row.account, int(row.debit.amount * 100), int(row.credit.amount * 100))
        for row in balance.rows
    )
    return Table(
        key="trial-balance",
        title="Trial balance",
        columns=(
            Column("account", "Account"),
            Column("debit", "Debit", CENTS),
            Column("credit", "Credit", CENTS),
        ),
        rows=rows,
        footer=("Total", sum(r[1] for r in rows), sum(r[2] for r in rows)),
        meta={"as_of": as_of},
    )


def general_ledger_table(
    *, start: datetime.date, end: datetime.date, limit: int | None = None
) -> Table:
    """Return every posting in the range in seq order (the first `limit` when given)."""
    rows = []
    for entry in posted_entries(start=start, end=end):
        for posting in entry.postings:
            rows.append(
                (
                    entry.effective_date.isoformat(),
                    entry.seq,
                    entry.kind,
                    entry.memo,
                    posting.account,
                    posting.amount if posting.side == "D" else None,
                    posting.amount if posting.side == "C" else None,
                )
            )
        if limit is not None and len(rows) >= limit:
            break
    return Table(
        key="general-ledger",
        title="General ledger detail",
        columns=(
            Column("date", "Date"),
            Column("seq", "Entry", COUNT),
            Column("kind", "Kind"),
            Column("memo", "Memo"),
            Column("account", "Account"),
            Column("debit", "Debit", CENTS),
            Column("credit", "Credit", CENTS),
        ),
        rows=tuple(rows),
    )
