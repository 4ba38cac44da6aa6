"""The treasury side of a simulated trading day (called by pos/simulation.py after the day).

So that a simulated quarter has a real surplus: the venue's bills (rent on the 1st, wages
every other Friday, utilities, insurance, weekly supplies, food and drink bought into stock
twice a week, the card processor's monthly fees), paid some days later; a gift now and then
(some restricted to a program); the programs' spending (weekly groceries for the fridge,
workshop materials, now and then help with a household's utility bill, which needs two
approvals); the daily earmark accrual and the meal-credit roll-over.

Everything is drawn from `random.Random(f"{seed}:treasury:{day}")` and every id is derived
from the day, so a day simulated twice changes nothing.
"""

import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from djmoney.money import Money

from ledger.money import from_cents
from treasury.exceptions import TreasuryError
from treasury.models import Bill, Disbursement
from treasury.roles import BOARD, TREASURER
from treasury.selectors.ledger_facts import net_activity
from treasury.services import disbursements as flow
from treasury.services.donations import record_donation
from treasury.services.earmarks import accrue_earmarks
from treasury.services.expenses import pay_bill, record_bill
from treasury.services.meals import roll_over_meal_credits

SIM_NAMESPACE = uuid.UUID("9a1c0f3e-2b7d-4e58-8f61-3d2c5b4a7e90")
MG, FUNDRAISING = Bill.Function.MANAGEMENT_GENERAL, Bill.Function.FUNDRAISING
CARD_FEE_RATE = 29  # per mille of card takings: 2.9 %


def _id(*parts) -> uuid.UUID:
    return uuid.uuid5(SIM_NAMESPACE, ":".join(str(p) for p in parts))


def _usd(cents: int) -> Money:
    return from_cents(cents, "USD")


def _people():
    users = get_user_model().objects
    treasurer = users.filter(groups__name=TREASURER).order_by("id").first()
    board = list(users.filter(groups__name=BOARD).order_by("id"))
    return treasurer, board


def _bills_of(rng: random.Random, day: datetime.date) -> list[tuple[str, str, str, int, int]]:
    """(key, vendor, account, function, cents) of the bills dated this day."""
    bills = []
    if day.day == 1:
        bills += [
            ("rent", "Main Street Properties", "Expenses:Rent", MG, 750000),
            ("insurance", "Mutual Insurance Co", "Expenses:Insurance", MG, 60000),
        ]
    if day.day == 3:
        bills.append(
            (
                "utilities",
                "City Power & Water",
                "Expenses:Utilities",
                MG,
                rng.randint(120000, 160000),
            )
        )
    if day.weekday() == 4 and day.isocalendar().week % 2 == 0:
        wages = rng.randint(1550000, 1650000)
        bills += [
            ("wages", "Payroll", "Expenses:Wages", MG, wages),
            ("payroll-taxes", "Payroll", "Expenses:PayrollTaxes", MG, wages * 8 // 100),
        ]
    if day.weekday() == 0:
        bills.append(
            ("supplies", "Restaurant Supply", "Expenses:Supplies", MG, rng.randint(18000, 32000))
        )
        bills.append(
            (
                "marketing",
                "Neighbourhood News",
                "Expenses:Marketing",
                FUNDRAISING,
                rng.randint(5000, 15000),
            )
        )
    if day.weekday() in (1, 4):
        bills += [
            (
                "food",
                "Farm Foods Wholesale",
                "Assets:Inventory:Food",
                MG,
                rng.randint(180000, 240000),
            ),
            (
                "drinks",
                "Valley Beverages",
                "Assets:Inventory:Drinks",
                MG,
                rng.randint(20000, 30000),
            ),
            (
                "alcohol",
                "Craft Distributors",
                "Assets:Inventory:Alcohol",
                MG,
                rng.randint(60000, 90000),
            ),
        ]
    return bills  # fmt: skip


def _card_fees(day: datetime.date) -> int:
    """The processor's fee for the month before, unless the card gateway posts fees itself."""
    first = day.replace(day=1)
    start = (first - datetime.timedelta(days=1)).replace(day=1)
    end = first - datetime.timedelta(days=1)
    posted = net_activity(start=start, end=end, accounts=["Expenses:CardFees"],
                          credit_positive=False)  # fmt: skip
    if posted or start.year < 2026:
        return 0
    takings = net_activity(start=start, end=end, accounts=["Assets:Stripe:Clearing"],
                           credit_positive=False)  # fmt: skip
    return max(takings, 0) * CARD_FEE_RATE // 1000


def simulate_treasury_day(*, day: datetime.date, seed: int) -> dict[str, int]:
    """Run the treasury's part of a simulated day. Return counts of what happened."""
    treasurer, board = _people()
    if treasurer is None or len(board) < 2:
        return {"bills": 0, "disbursements": 0}
    rng = random.Random(f"{seed}:treasury:{day.isoformat()}")  # noqa: S311 - a simulation
    bills = _bills_of(rng, day)
    if day.day == 2 and (fees := _card_fees(day)):
        bills.append(("card-fees", "Card processor", "Expenses:CardFees", MG, fees))
    for key, vendor, account, function, cents in bills:
        record_bill(bill_id=_id(day, key), user=treasurer, vendor=vendor, account=account,
                    function=function, amount=_usd(cents), bill_date=day,
                    due_date=day + datetime.timedelta(days=7))  # fmt: skip
    for bill in Bill.objects.filter(status=Bill.Status.OPEN, due_date__lte=day):
        pay_bill(bill_id=bill.id, user=treasurer, paid_on=day)
    if rng.random() < 0.15:
        program = rng.choice([None, "community-fridge", "skill-share"])
        amount = _usd(rng.choice([2500, 5000, 10000, 25000]))
        record_donation(donation_id=_id(day, "gift"), user=treasurer, program=program,
                        amount=amount, received_on=day)  # fmt: skip
    accrue_earmarks(day=day, user=treasurer)
    roll_over_meal_credits(as_of=day, user=treasurer)
    return {"bills": len(bills), "disbursements": _program_spending(rng, day, treasurer, board)}


def _program_spending(rng, day, treasurer, board) -> int:
    """Request, approve and pay program spending; a request the fund cannot afford waits."""
    requests = []
    if day.weekday() == 2:
        requests.append(
            (
                "groceries",
                "community-fridge",
                "vendor",
                "Farm Foods Wholesale",
                "groceries",
                "Fridge restock",
                rng.randint(25000, 45000),
            )
        )
    if day.day in (10, 24):
        requests.append(
            (
                "materials",
                "skill-share",
                "vendor",
                "Hardware Co-op",
                "workshop materials",
                "Bike repair workshop kits",
                rng.randint(15000, 30000),
            )
        )
    if day.day == 15:
        requests.append(
            (
                "utility",
                "community-fridge",
                "individual",
                "",
                "utility bill",
                "Help with a household utility bill",
                rng.randint(8000, 20000),
            )
        )
    done = 0
    for key, program, payee_type, payee, help_type, title, cents in requests:
        disbursement_id = _id(day, key)
        requester, approver = board[0], board[1]
        item = flow.request_disbursement(
            disbursement_id=disbursement_id, user=requester, program=program,
            payee_type=payee_type, payee_name=payee, help_type=help_type, public_title=title,
            amount=_usd(cents),
        )  # fmt: skip
        try:
            if item.status == Disbursement.Status.DRAFT:
                flow.submit_disbursement(disbursement_id=item.id, user=requester)
            flow.approve_disbursement(disbursement_id=item.id, user=treasurer)
            item.refresh_from_db()
            if item.status == Disbursement.Status.SUBMITTED:
                flow.approve_disbursement(disbursement_id=item.id, user=approver)
            flow.pay_disbursement(disbursement_id=item.id, user=treasurer, paid_on=day)
            done += 1
        except TreasuryError:
            continue  # not enough in the fund yet: it stays submitted, as it would
    return done
