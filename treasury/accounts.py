"""Ledger account names the treasury posts to, and the few accounts it adds to the chart.

Every program owns (ledger/chart.py) a board-designated fund, a donor-restricted fund and a
program expense account. The treasury adds, per program, `Income:Donations:Restricted:<X>`,
so that gifts restricted to a program are income of the quarter (statement of activities)
and the close can carry each program's restricted income into its own restricted net assets.
"""

from ledger.models import Account, Program

UNDESIGNATED = "NetAssets:WithoutDonorRestrictions:Undesignated"
DONATIONS_UNRESTRICTED = "Income:Donations:Unrestricted"
DONATIONS_RESTRICTED = "Income:Donations:Restricted"
PAY_IT_FORWARD = "Liabilities:PayItForward"
ACCOUNTS_PAYABLE = "Liabilities:AccountsPayable"
BANK = "Assets:Bank:Checking"
STRIPE_CLEARING = "Assets:Stripe:Clearing"
TIPS_PAYABLE = "Liabilities:Tips:Payable"
CASH = "Assets:Cash"

# The venue's trading income (the surplus and, less comps, the qualifying net sales).
SALES_INCOME = ("Income:Sales", "Income:Rentals", "Income:Events")
OTHER_VENUE_INCOME = ("Income:Other",)
COMPS = "Expenses:Comps"
PROGRAM_EXPENSES = "Expenses:Programs"


def designated(program: Program) -> str:
    return f"NetAssets:WithoutDonorRestrictions:BoardDesignated:{program.account_component}"


def restricted(program: Program) -> str:
    return f"NetAssets:WithDonorRestrictions:{program.account_component}"


def restricted_income(program: Program) -> str:
    return f"{DONATIONS_RESTRICTED}:{program.account_component}"


def program_expense(program: Program) -> str:
    return f"{PROGRAM_EXPENSES}:{program.account_component}"


def ensure_treasury_accounts() -> int:
    """Create each program's restricted-donation income account if missing. Return how many."""
    parent = Account.objects.get(name=DONATIONS_RESTRICTED)
    created = 0
    for program in Program.objects.all():
        _, made = Account.objects.get_or_create(
            name=restricted_income(program),
            defaults={
                "parent": parent,
                "root_type": Account.RootType.INCOME,
                "normal_side": "C",
                "currency": parent.currency,
                "program": program,
                "opened_on": parent.opened_on,
                "description": f"Gifts restricted to {program.name}",
            },
        )
        created += made
    return created
