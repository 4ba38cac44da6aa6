"""The standard chart of accounts for a nonprofit-owned venue, and its mutual-aid programs.

Net assets follow ASC 958: without donor restrictions (undesignated, and board-designated per
program) and with donor restrictions (per program). Sales tax, tips, deposits, gift cards and
pay-it-forward credits are liabilities, never income. Programs are data: each one gets its own
board-designated and restricted net-asset accounts and a program expense account.

`install_chart` is idempotent and takes the model classes, so a data migration can run it with
its historical models and `manage.py demo` with the current ones.
"""

import datetime

from ledger.models import ROOT_TYPES

CHART_OPENED_ON = datetime.date(2026, 1, 1)

PROGRAMS = [
    # (name, slug, account component, description)
    (
        "Community fridge & pantry",
        "community-fridge",
        "CommunityFridge",
        "A free community fridge and pantry, stocked every week, open to anyone.",
    ),
    (
        "Skill-share workshops",
        "skill-share",
        "SkillShare",
        "Free workshops where neighbours teach neighbours.",
    ),
]

MG = "management_general"
DRAWER_BOUND = "credits_le_debits"  # a drawer can never hold less than nothing

# (name, description, placeholder, function, bound); parents are implied by the names.
ACCOUNTS = [
    ("Assets:Cash:Drawer1", "Cash drawer 1 (bar)", False, "", DRAWER_BOUND),
    ("Assets:Cash:Drawer2", "Cash drawer 2 (grill counter)", False, "", DRAWER_BOUND),
    ("Assets:Cash:Safe", "Back-office safe", False, "", DRAWER_BOUND),
    ("Assets:Cash:InTransit", "Deposits on their way to the bank", False, "", ""),
    ("Assets:Bank:Checking", "Operating bank account", False, "", ""),
    ("Assets:Stripe:Clearing", "Card sales awaiting payout", False, "", ""),
    ("Assets:Inventory:Food", "Food stock at standard cost", False, "", ""),
    ("Assets:Inventory:Drinks", "Non-alcoholic drinks stock", False, "", ""),
    ("Assets:Inventory:Alcohol", "Alcohol stock", False, "", ""),
    ("Assets:Inventory:Merchandise", "Merchandise stock", False, "", ""),
    ("Assets:Prepaid", "Prepaid expenses", False, "", ""),
    ("Liabilities:AccountsPayable", "Vendor bills not yet paid", False, "", ""),
    ("Liabilities:SalesTax:Payable", "Sales tax collected, owed to the state", False, "", ""),
    ("Liabilities:Tips:Payable", "Tips owed to staff", False, "", ""),
    ("Liabilities:CustomerDeposits", "Deposits held for games and events", False, "", ""),
    ("Liabilities:PayItForward", "Meal credits paid forward, not yet served", False, "", ""),
    ("Liabilities:GiftCards", "Gift cards outstanding", False, "", ""),
    ("Liabilities:Payroll", "Wages and withholdings owed", False, "", ""),
    ("NetAssets:WithoutDonorRestrictions:Undesignated", "Available for any purpose", False, "", ""),
    ("NetAssets:WithoutDonorRestrictions:BoardDesignated", "Earmarked by the board", True, "", ""),
    ("NetAssets:WithDonorRestrictions", "Restricted by donors to a program", True, "", ""),
    ("Income:Sales:Food", "Food sales", False, "", ""),
    ("Income:Sales:NonAlcoholicDrinks", "Non-alcoholic drink sales", False, "", ""),
    ("Income:Sales:Alcohol", "Alcohol sales", False, "", ""),
    ("Income:Sales:Merchandise", "Merchandise sales", False, "", ""),
    ("Income:Rentals:Games", "Dart boards, shuffleboard and other games", False, "", ""),
    ("Income:Events", "Parties and events", False, "", ""),
    ("Income:Donations:Unrestricted", "Gifts for any purpose", False, "", ""),
    ("Income:Donations:Restricted", "Gifts restricted by the donor", False, "", ""),
    ("Income:Other:Forfeits", "Forfeited deposits and breakage", False, "", ""),
    ("Expenses:CostOfGoodsSold:Food", "Food sold, at standard cost", False, MG, ""),
    ("Expenses:CostOfGoodsSold:Drinks", "Drinks sold, at standard cost", False, MG, ""),
    ("Expenses:CostOfGoodsSold:Alcohol", "Alcohol sold, at standard cost", False, MG, ""),
    ("Expenses:CostOfGoodsSold:Merchandise", "Merchandise sold", False, MG, ""),
    ("Expenses:Comps", "Food and drink given away, with a reason", False, MG, ""),
    ("Expenses:Wages", "Staff wages", False, MG, ""),
    ("Expenses:PayrollTaxes", "Employer payroll taxes", False, MG, ""),
    ("Expenses:Rent", "Rent", False, MG, ""),
    ("Expenses:Utilities", "Power, water, internet", False, MG, ""),
    ("Expenses:Supplies", "Supplies", False, MG, ""),
    ("Expenses:RepairsMaintenance", "Repairs and maintenance", False, MG, ""),
    ("Expenses:Insurance", "Insurance", False, MG, ""),
    ("Expenses:CardFees", "Card processing fees", False, MG, ""),
    ("Expenses:BankFees", "Bank fees", False, MG, ""),
    ("Expenses:Marketing", "Marketing and community outreach", False, "fundraising", ""),
    ("Expenses:CashOverShort", "Cash drawer variances", False, MG, ""),
]

NORMAL_SIDES = {"Assets": "D", "Liabilities": "C", "NetAssets": "C", "Income": "C", "Expenses": "D"}


def program_accounts(component: str) -> list[tuple[str, str, bool, str, str]]:
    """Return the accounts every program owns: designated and restricted funds, its expenses."""
    return [
        (
            f"NetAssets:WithoutDonorRestrictions:BoardDesignated:{component}",
            "Board-designated",
            False,
            "",
            "",
        ),
        (f"NetAssets:WithDonorRestrictions:{component}", "Donor-restricted", False, "", ""),
        (f"Expenses:Programs:{component}", "Program spending", False, "program", ""),
    ]


def install_chart(account_model, program_model) -> int:
    """Create the programs and every missing account (parents first). Return accounts created."""
    for order, (name, slug, component, description) in enumerate(PROGRAMS):
        program_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "account_component": component,
                "description": description,
                "allocation_order": order,
            },
        )
    existing = {account.name: account for account in account_model.objects.all()}
    created_before = len(existing)

    def ensure(name, description="", placeholder=True, function="", bound="", program=None):
        if name not in existing:
            parent_name = name.rpartition(":")[0]
            root = name.split(":")[0]
            existing[name] = account_model.objects.create(
                name=name,
                parent=ensure(parent_name) if parent_name else None,
                root_type=ROOT_TYPES[root],
                normal_side=NORMAL_SIDES[root],
                currency="USD",
                is_placeholder=placeholder,
                program=program,
                function=function,
                bound=bound,
                opened_on=CHART_OPENED_ON,
                description=description,
            )
        return existing[name]

    for spec in ACCOUNTS:
        ensure(*spec)
    for program in program_model.objects.all():
        for spec in program_accounts(program.account_component):
            ensure(*spec, program=program)
    return len(existing) - created_before
