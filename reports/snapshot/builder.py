"""Build the quarter's snapshot: every figure the public report shows, read once.

The builder reads a closed quarter from the ledger (balances from the close's snapshots, so the
cost follows the number of accounts, not the length of history) and the treasury's public read
API (the earmark policy, disbursements, impact figures, the vote, approvals). Everything it
returns is JSON: integer cents, integer counts, strings; percentages are decimal strings
rounded half-even to one place. It checks its own tie-outs before returning: each program's
rollforward closes on the ledger's balance, and the balance sheet balances.
"""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from ledger.models import Period, Program
from ledger.periods import Quarter, quarter_named
from reports.snapshot import public_sections
from reports.statements.ledger_statements import (
    DESIGNATED,
    RESTRICTED,
    RESTRICTED_INCOME,
    functional_expenses,
    net_assets,
    range_moves,
    statement_of_financial_position,
)

SCHEMA = "tillshare-transparency-report"
# 2: the money flow's programs' side ties to the funds (carried in + earmarked + gifts -
# disbursed = held, the funds' closing balances); version 1 ended it at earmarked - disbursed.
# The earmark gains its policy's first day, so that its words render in the reader's language.
# A report renders by the version it was sealed with (reports.snapshot.sections.flow_steps).
SCHEMA_VERSION = 2
PERIOD_NOT_CLOSED = "Quarter {period} is not closed: close it before publishing its report"
TIE_OUT_FAILED = "Tie-out failed for {what}: {left} != {right}"

# Venue results by line: (key, account prefixes). Income lines first, then cost lines.
INCOME_LINES = (
    ("food", ("Income:Sales:Food",)),
    ("drinks", ("Income:Sales:NonAlcoholicDrinks", "Income:Sales:Alcohol")),
    ("games", ("Income:Rentals",)),
    ("events", ("Income:Events",)),
    ("merchandise", ("Income:Sales:Merchandise",)),
    ("other_income", ("Income:Other",)),
)
COST_LINES = (
    ("cost_of_goods", ("Expenses:CostOfGoodsSold", "Expenses:Comps")),
    ("wages", ("Expenses:Wages", "Expenses:PayrollTaxes")),
    ("occupancy", ("Expenses:Rent", "Expenses:Utilities", "Expenses:RepairsMaintenance",
                   "Expenses:Insurance")),
    ("card_fees", ("Expenses:CardFees",)),
)  # fmt: skip
PROGRAM_EXPENSES = "Expenses:Programs"
DONATIONS = "Income:Donations"
PAY_IT_FORWARD = "Liabilities:PayItForward"


class SnapshotError(Exception):
    """The snapshot cannot be built (quarter not closed, or a tie-out failed)."""


def percent(part: int, whole: int) -> str | None:
    """Return part / whole as a percentage string with one decimal, or None when whole is 0."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return str(value)


def _net(moves: dict[str, tuple[int, int]], prefixes: tuple[str, ...], credit: bool) -> int:
    total = 0
    for name, (debits, credits) in moves.items():
        if any(name == p or name.startswith(p + ":") for p in prefixes):
            total += credits - debits if credit else debits - credits
    return total


def venue_results(quarter: Quarter) -> dict[str, int]:
    """Return one quarter's venue lines, costs, surplus, donations and program spending."""
    moves = range_moves(start=quarter.start_date, end=quarter.end_date)
    lines = {key: _net(moves, prefixes, True) for key, prefixes in INCOME_LINES}
    lines["venue_revenue"] = sum(lines[key] for key, _ in INCOME_LINES)
    for key, prefixes in COST_LINES:
        lines[key] = _net(moves, prefixes, False)
    all_expenses = _net(moves, ("Expenses",), False)
    program_spending = _net(moves, (PROGRAM_EXPENSES,), False)
    named_costs = sum(lines[key] for key, _ in COST_LINES)
    lines["other_costs"] = all_expenses - program_spending - named_costs
    lines["venue_costs"] = named_costs + lines["other_costs"]
    lines["surplus"] = lines["venue_revenue"] - lines["venue_costs"]
    lines["donations"] = _net(moves, (DONATIONS,), True)
    lines["pay_it_forward_bought"] = moves.get(PAY_IT_FORWARD, (0, 0))[1]
    lines["program_spending"] = program_spending
    return lines


def _shift(quarter: Quarter, back: int) -> Quarter:
    index = quarter.fiscal_year * 4 + quarter.quarter - 1 - back
    return quarter_named(f"{index // 4}Q{index % 4 + 1}")


def rollforward(quarter: Quarter, committed: dict[str, int]) -> list[dict]:
    """Return each program fund's opening, earmarked, restricted gifts, disbursed and closing."""
    before = quarter.start_date - datetime.timedelta(days=1)
    opening_assets = net_assets(as_of=before)
    closing_assets = net_assets(as_of=quarter.end_date)
    moves = range_moves(start=quarter.start_date, end=quarter.end_date)
    rows = []
    for program in Program.objects.all():
        designated = moves.get(DESIGNATED + program.account_component, (0, 0))
        restricted = moves.get(RESTRICTED + program.account_component, (0, 0))
        gifts = moves.get(f"{RESTRICTED_INCOME}:{program.account_component}", (0, 0))
        opening = opening_assets.designated[program.slug] + opening_assets.restricted[program.slug]
        row = {
            "program": program.slug,
            "opening": opening,
            "earmarked": designated[1],
            "restricted_gifts": gifts[1] - gifts[0] + restricted[1],
            "disbursed": designated[0] + restricted[0],
            "committed_unpaid": committed.get(program.slug, 0),
        }
        row["closing"] = opening + row["earmarked"] + row["restricted_gifts"] - row["disbursed"]
        ledger_closing = (
            closing_assets.designated[program.slug] + closing_assets.restricted[program.slug]
        )
        if row["closing"] != ledger_closing:
            raise SnapshotError(
                TIE_OUT_FAILED.format(
                    what=f"{program.slug} closing", left=row["closing"], right=ledger_closing
                )
            )
        rows.append(row)
    return rows


def _table_rows(table) -> list[dict]:
    return [dict(zip([c.key for c in table.columns], row, strict=True)) for row in table.rows]


def build_snapshot(
    *,
    period: str,
    version: int,
    published_on: datetime.date,
    summary_en: str,
    summary_es: str,
    errata: str,
    supersedes: dict | None,
    previous_seal: str,
    approved_on: datetime.date | None = None,
) -> dict:
    """Return the snapshot of a closed quarter. Raise SnapshotError."""
    quarter = quarter_named(period)
    closed = Period.objects.filter(name=period, status=Period.Status.CLOSED).first()
    if closed is None:
        raise SnapshotError(PERIOD_NOT_CLOSED.format(period=period))
    programs = list(Program.objects.all())
    this = venue_results(quarter)
    prior = venue_results(_shift(quarter, 1))
    last_year = venue_results(_shift(quarter, 4))
    public = public_sections.gather(quarter, programs)
    funds = rollforward(quarter, public["committed_unpaid"])
    earmarked = sum(row["earmarked"] for row in funds)
    disbursed = sum(row["disbursed"] for row in funds)
    # Program spending since the first day, closing entries left out (they zero the expense
    # accounts into net assets every quarter, which would make the balance read nothing).
    since_opening = range_moves(start=datetime.date.min + datetime.timedelta(days=1),
                                end=quarter.end_date)  # fmt: skip
    given_since_opening = _net(since_opening, (PROGRAM_EXPENSES,), False)
    year_start = quarter_named(f"{quarter.fiscal_year}Q1").start_date
    functional = functional_expenses(start=year_start, end=quarter.end_date)
    position = statement_of_financial_position(as_of=quarter.end_date)
    position_rows = _table_rows(position)
    total_assets = next(r["amount"] for r in position_rows if r["line"] == "Total assets")
    if position_rows[-1]["amount"] != total_assets:
        raise SnapshotError(
            TIE_OUT_FAILED.format(
                what="balance sheet", left=total_assets, right=position_rows[-1]["amount"]
            )
        )
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "currency": "USD",
        "amounts_are": "integer cents",
        "period": {
            "name": quarter.name,
            "fiscal_year": quarter.fiscal_year,
            "quarter": quarter.quarter,
            "start": quarter.start_date.isoformat(),
            "end": quarter.end_date.isoformat(),
            "prior": _shift(quarter, 1).name,
            "last_year": _shift(quarter, 4).name,
        },
        "version": version,
        "published_on": published_on.isoformat(),
        "supersedes": supersedes,
        "errata": errata,
        "summary": {"en": summary_en, "es": summary_es},
        "seal_inputs": {
            "ledger_head_seq": closed.head_seq,
            "ledger_head_hash": closed.head_hash,
            "previous_seal": previous_seal,
        },
        "programs": [{"slug": p.slug, "name": p.name} for p in programs],
        "at_a_glance": {
            "revenue": this["venue_revenue"] + this["donations"],
            "venue_revenue": this["venue_revenue"],
            "surplus": this["surplus"],
            "earmarked": earmarked,
            "earmarked_percent_of_surplus": percent(earmarked, this["surplus"])
            if this["surplus"] > 0
            else None,
            "disbursed": disbursed,
            "disbursed_percent_of_earmarked": percent(disbursed, earmarked),
            "held": {row["program"]: row["closing"] for row in funds},
            "given_since_opening": given_since_opening,
        },
        "venue_results": {"this_quarter": this, "prior_quarter": prior, "last_year": last_year},
        "money_flow": {
            "venue_revenue": this["venue_revenue"],
            "venue_costs": this["venue_costs"],
            "surplus": this["surplus"],
            "earmarked": earmarked,
            "carried_in": sum(row["opening"] for row in funds),
            "gifts": sum(row["restricted_gifts"] for row in funds),
            "disbursed": disbursed,
            "held": sum(row["closing"] for row in funds),
        },
        "earmark": public["earmark"],
        "rollforward": funds,
        "disbursements": public["disbursements"],
        "impact": public["impact"],
        "pay_it_forward": public["pay_it_forward"],
        "functional_expenses": {
            "from": year_start.isoformat(),
            "to": quarter.end_date.isoformat(),
            "columns": [key for key, _ in functional.columns],
            "rows": [{"nature": n, "amounts": list(cells)} for n, cells in functional.rows],
            "totals": list(functional.totals),
            "program_total": functional.program_total,
            "total": functional.total,
            "program_ratio_percent": percent(functional.program_total, functional.total),
        },
        "balance": position_rows,
        "governance": {
            **public["governance"],
            # The board's approval of this very report (roles only, never names).
            "report_approval": None
            if approved_on is None
            else {"role": "board", "on": approved_on.isoformat()},
        },
    }
