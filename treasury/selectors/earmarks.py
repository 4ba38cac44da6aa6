"""The earmark arithmetic: qualifying net sales, the venue's surplus, floor, share, split.

- Qualifying net sales: the quarter's net income from sales, game rentals and events (what
  guests paid for food, drinks, games and parties, after discounts and refunds), less comps
  (given away, not sold). Sales tax, tips and meal credits paid forward are liabilities and
  donations are gifts, so none of them is in it.
- Venue operating surplus: the venue's income (sales, rentals, events, other trading income
  such as forfeits) minus the venue's costs (every expense but program spending: cost of goods,
  comps, wages, rent, utilities, card fees, ...). Donations, program spending and designations
  are left out, so spending designated money never shrinks the next designation.
- floor = floor% x qualifying net sales; share = share% x max(surplus, 0); designation =
  max(floor, share). Each is rounded once, half up, to the cent (said in the plain words).
- The designation is split across the programs by their weights (largest remainder, see
  `treasury.allocation`).
- The policy of a quarter is the version in force on its last day; a day's accrual uses the
  version in force that day.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledger.models import Account, EntryKind, Program
from ledger.periods import Quarter, quarter_named
from treasury import accounts
from treasury.allocation import largest_remainder
from treasury.exceptions import NoPolicyError
from treasury.models import TreasuryPolicy
from treasury.selectors.ledger_facts import activity_by_account, entries_with_source_prefix

NO_POLICY = "No earmark policy is in force on {day}; the treasurer or the board must set one"
ACCRUAL_PREFIX = "earmark-accrual:"
TOPUP_PREFIX = "earmark-topup:"


def policy_for(day: datetime.date) -> TreasuryPolicy:
    """Return the policy version in force on day. Raise NoPolicyError."""
    policy = (
        TreasuryPolicy.objects.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .prefetch_related("weights__program")
        .first()
    )
    if policy is None:
        raise NoPolicyError(NO_POLICY.format(day=day), day=day)
    return policy


def weighted_programs(policy: TreasuryPolicy) -> list[tuple[Program, int]]:
    """The policy's programs with their weights, in allocation order (the tie-break)."""
    weights = [(w.program, w.weight) for w in policy.weights.all() if w.weight > 0]
    return sorted(weights, key=lambda pw: (pw[0].allocation_order, pw[0].id))


def percent_of(cents: int, percent: Decimal) -> int:
    """percent% of cents, rounded half up to the cent (the policy's one stated rounding)."""
    return int((Decimal(cents) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _within(name: str, roots) -> bool:
    return any(name == root or name.startswith(f"{root}:") for root in roots)


def sales_and_surplus(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(qualifying net sales, venue operating surplus) in cents for [start, end].

    Both come from one pass over the range's income and expense postings (a busy quarter has
    hundreds of thousands), summed per account and then sorted into the two figures.
    """
    net = activity_by_account(start=start, end=end, roots=["Income", "Expenses"])  # debit +

    def credits_less_debits(roots, exclude=()) -> int:
        return -sum(c for n, c in net.items() if _within(n, roots) and not _within(n, exclude))

    sales = credits_less_debits(accounts.SALES_INCOME)
    comps = -credits_less_debits([accounts.COMPS])
    income = credits_less_debits([*accounts.SALES_INCOME, *accounts.OTHER_VENUE_INCOME])
    costs = -credits_less_debits(["Expenses"], exclude=[accounts.PROGRAM_EXPENSES])
    return sales - comps, income - costs


def qualifying_net_sales(start: datetime.date, end: datetime.date) -> int:
    return sales_and_surplus(start, end)[0]


@dataclass(frozen=True)
class ProgramPart:
    program: Program
    weight: int
    cents: int


@dataclass(frozen=True)
class QuarterFigures:
    """A quarter's earmark figures in cents, as of a day (the quarter's end once closed)."""

    quarter: Quarter
    as_of: datetime.date
    policy: TreasuryPolicy
    qualifying_net_sales: int
    surplus: int
    floor: int
    share: int
    designation: int
    parts: tuple[ProgramPart, ...]  # the designation's split; sums to it
    accrued: dict[int, int]  # program id -> cents designated so far (accruals and top-up)

    @property
    def accrued_total(self) -> int:
        return sum(self.accrued.values())

    @property
    def top_up(self) -> int:
        return self.designation - self.accrued_total


def quarter_figures(*, period: str, as_of: datetime.date | None = None) -> QuarterFigures:
    """Compute a quarter's earmark figures from the ledger (to date while it is open)."""
    quarter = quarter_named(period)
    end = min(as_of, quarter.end_date) if as_of else quarter.end_date
    policy = policy_for(quarter.end_date if end == quarter.end_date else end)
    sales, surplus = sales_and_surplus(quarter.start_date, end)
    floor = max(percent_of(sales, policy.floor_percent), 0)
    share = percent_of(max(surplus, 0), policy.share_percent)
    designation = max(floor, share)
    programs = weighted_programs(policy)
    split = largest_remainder(designation, [weight for _, weight in programs])
    return QuarterFigures(
        quarter=quarter,
        as_of=end,
        policy=policy,
        qualifying_net_sales=sales,
        surplus=surplus,
        floor=floor,
        share=share,
        designation=designation,
        parts=tuple(ProgramPart(p, w, c) for (p, w), c in zip(programs, split, strict=True)),
        accrued=designated_so_far(quarter, end),
    )


def designated_so_far(quarter: Quarter, through: datetime.date) -> dict[int, int]:
    """Cents the earmark entries of the quarter credited to each program's designated fund."""
    totals: dict[int, int] = {}
    for prefix in (ACCRUAL_PREFIX, TOPUP_PREFIX):
        entries = entries_with_source_prefix(
            kind=EntryKind.DESIGNATION, prefix=prefix, start=quarter.start_date, end=through
        )
        for entry in entries.prefetch_related("postings__account"):
            for posting in entry.postings.all():
                program_id = posting.account.program_id
                if program_id is None or posting.account.root_type != Account.RootType.NET_ASSETS:
                    continue
                sign = 1 if posting.side == "C" else -1
                totals[program_id] = totals.get(program_id, 0) + sign * posting.amount
    return totals


def plain_words(figures: QuarterFigures) -> str:
    """The policy in plain words, with the quarter's worked arithmetic."""
    policy = figures.policy

    def usd(cents: int) -> str:
        sign = "-" if cents < 0 else ""
        return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"

    parts = ", ".join(f"{part.program.name} {part.weight}" for part in figures.parts)
    split = "; ".join(f"{part.program.name} {usd(part.cents)}" for part in figures.parts)
    winner = "the sales floor" if figures.floor >= figures.share else "the surplus share"
    return (
        f"Each quarter the board sets aside for the programs the larger of two amounts "
        f"(policy version {policy.version}, in force since {policy.effective_from}): "
        f"{policy.floor_percent}% of qualifying net sales (what guests paid for food, drinks, "
        f"games and events, without sales tax, tips, donations or meals paid forward), and "
        f"{policy.share_percent}% of the venue's operating surplus (its trading income minus "
        f"its costs, leaving out donations and program spending). "
        f"In {figures.quarter.name}: qualifying net sales were {usd(figures.qualifying_net_sales)}"
        f", so the floor is {policy.floor_percent}% x {usd(figures.qualifying_net_sales)} = "
        f"{usd(figures.floor)}; the surplus was {usd(figures.surplus)}, so the share is "
        f"{policy.share_percent}% x {usd(max(figures.surplus, 0))} = {usd(figures.share)}. "
        f"The designation is {winner}: {usd(figures.designation)}, rounded half up to the cent. "
        f"It is split by the board's weights ({parts}) by the largest-remainder method, so the "
        f"parts add up to the whole: {split}."
    )
