"""The standard chart of accounts, programs as data, and the rules an account must follow."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ledger.chart import install_chart
from ledger.models import Account, Program

pytestmark = pytest.mark.django_db


def test_the_standard_chart_is_consistent_and_beancount_compatible():
    for account in Account.objects.select_related("parent"):
        account.full_clean()
    names = set(Account.objects.values_list("name", flat=True))
    for required in [
        "Assets:Cash:Drawer1",
        "Assets:Cash:Safe",
        "Assets:Bank:Checking",
        "Assets:Stripe:Clearing",
        "Liabilities:SalesTax:Payable",
        "Liabilities:Tips:Payable",
        "Liabilities:CustomerDeposits",
        "Liabilities:PayItForward",
        "Liabilities:GiftCards",
        "Income:Sales:Food",
        "Income:Sales:NonAlcoholicDrinks",
        "Income:Sales:Alcohol",
        "Income:Rentals:Games",
        "Income:Events",
        "Income:Donations:Unrestricted",
        "Expenses:CostOfGoodsSold:Food",
        "Expenses:Wages",
        "Expenses:CardFees",
        "NetAssets:WithoutDonorRestrictions:Undesignated",
        "NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge",
        "NetAssets:WithDonorRestrictions:SkillShare",
        "Expenses:Programs:CommunityFridge",
    ]:
        assert required in names
    leaves = Account.objects.filter(root_type="expense", is_placeholder=False)
    assert not leaves.filter(function="").exists(), "every expense has a functional class"


def test_programs_are_data_with_their_own_fund_accounts():
    program = Program.objects.create(
        name="Tool library", slug="tool-library", account_component="ToolLibrary"
    )

    created = install_chart(Account, Program)

    assert created == 3
    fund = Account.objects.get(
        name="NetAssets:WithoutDonorRestrictions:BoardDesignated:ToolLibrary"
    )
    assert fund.program == program
    assert Account.objects.get(name="Expenses:Programs:ToolLibrary").function == "program"
    assert install_chart(Account, Program) == 0


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Revenue:Sales", "name"),
        ("Income:sales", "name"),
        ("Income:Foo_Bar", "name"),
        ("Income:Sales:Snacks:Extra", "parent"),
    ],
)
def test_account_names_follow_beancount_rules(name, field):
    account = Account(
        name=name,
        parent=Account.objects.get(name="Income:Sales"),
        root_type="income",
        normal_side="C",
        opened_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        account.full_clean()
    assert field in caught.value.message_dict


def test_an_account_type_follows_its_root():
    account = Account(
        name="Income:Sales:Snacks",
        parent=Account.objects.get(name="Income:Sales"),
        root_type="asset",
        normal_side="C",
        opened_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="under Income, so its type must match"):
        account.full_clean()
