"""What the treasurer's dashboard shows, read in one place for one quarter.

Charts are drawn by the template as inline SVG from the bar lengths computed here (so the
figures and the picture come from the same numbers); every chart has its table beside it.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ledger.money import to_cents
from ledger.periods import Quarter, quarter_named, quarter_of
from ledger.selectors import account_balance
from treasury import accounts
from treasury.exceptions import NoPolicyError
from treasury.models import BankLine, Bill, CloseRun, Disbursement
from treasury.selectors.earmarks import QuarterFigures, quarter_figures
from treasury.selectors.funds import Fund, funds
from treasury.selectors.ledger_facts import activity_by_account, net_activity

BAR_WIDTH = 200  # px of the longest bar (the labels take 150 px before it)


@dataclass(frozen=True)
class Bar:
    label: str
    cents: int
    length: int  # px
    second: int = 0  # px of an overlaid bar (accrued inside the designation)


@dataclass(frozen=True)
class Dashboard:
    quarter: Quarter
    as_of: datetime.date
    figures: QuarterFigures | None
    program_bars: list[Bar]
    funds: list[Fund]
    weekly_sales: list[Bar]
    sales_by_category: list[tuple[str, int]]
    positions: list[tuple[str, int]]
    drawer_short: int  # net cents the drawers were short this quarter (negative: over)
    waiting: list[tuple[str, int, str]]  # what, how many, where to go
    close: CloseRun | None


def _scale(values: list[int]) -> int:
    return max([abs(v) for v in values] + [1])


def dashboard(*, period: str | None = None) -> Dashboard:
    today = timezone.localdate()
    quarter = quarter_named(period) if period else quarter_of(today)
    as_of = min(today, quarter.end_date) if quarter.start_date <= today else quarter.end_date
    try:
        figures = quarter_figures(period=quarter.name, as_of=as_of)
    except NoPolicyError:
        figures = None
    bars = []
    if figures is not None:
        top = _scale([p.cents for p in figures.parts] + list(figures.accrued.values()))
        for part in figures.parts:
            accrued = figures.accrued.get(part.program.id, 0)
            bars.append(Bar(part.program.name, part.cents, part.cents * BAR_WIDTH // top,
                            max(accrued, 0) * BAR_WIDTH // top))  # fmt: skip
    weeks = []
    start = quarter.start_date
    while start <= as_of:
        end = min(start + datetime.timedelta(days=6), as_of)
        cents = net_activity(start=start, end=end, accounts=accounts.SALES_INCOME,
                             credit_positive=True)  # fmt: skip
        weeks.append((f"{start:%b %d}", cents))
        start = end + datetime.timedelta(days=1)
    top = _scale([cents for _, cents in weeks])
    weekly = [Bar(label, cents, max(cents, 0) * 120 // top) for label, cents in weeks]
    recent = activity_by_account(start=as_of - datetime.timedelta(days=6), end=as_of,
                                 roots=list(accounts.SALES_INCOME))  # fmt: skip
    positions = [
        (name, to_cents(account_balance(account=name, as_of=as_of)))
        for name in ("Assets:Cash", accounts.STRIPE_CLEARING, accounts.BANK,
                     accounts.TIPS_PAYABLE, "Liabilities:SalesTax:Payable",
                     accounts.PAY_IT_FORWARD)
    ]  # fmt: skip
    # Drawer variances post to cash over/short at each drawer close (short is a debit).
    short = net_activity(start=quarter.start_date, end=as_of, credit_positive=False,
                         accounts=["Expenses:CashOverShort"])  # fmt: skip
    waiting = [
        ("Disbursements waiting for approval",
         Disbursement.objects.filter(status=Disbursement.Status.SUBMITTED).count(),
         "treasury:disbursements"),
        ("Approved disbursements to pay",
         Disbursement.objects.filter(status=Disbursement.Status.APPROVED).count(),
         "treasury:disbursements"),
        ("Bills due", Bill.objects.filter(status=Bill.Status.OPEN, due_date__lte=today).count(),
         "treasury:dashboard"),
        ("Bank lines to reconcile",
         sum(1 for line in BankLine.objects.all() if not line.is_matched), "treasury:bank"),
    ]  # fmt: skip
    return Dashboard(
        quarter=quarter, as_of=as_of, figures=figures, program_bars=bars,
        funds=funds(as_of=as_of), weekly_sales=weekly,
        sales_by_category=sorted(((name, -net) for name, net in recent.items()),
                                 key=lambda row: -row[1]),
        positions=positions, drawer_short=short, waiting=waiting,
        close=CloseRun.objects.filter(period=quarter.name).first(),
    )  # fmt: skip
