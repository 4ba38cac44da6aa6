"""A manager adds a resource type in the admin: it gets its own income account."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from ledger.models import Account
from pos.rentals.models import ResourceType

pytestmark = pytest.mark.django_db


def test_a_resource_type_added_in_the_admin_gets_its_account_category_and_item(client):
    admin = get_user_model().objects.create_superuser("boss", password="x")  # noqa: S106
    client.force_login(admin)
    form = {"name": "Air hockey", "account_component": "AirHockey", "equipment_name": "pucks",
            "equipment_count": 2, "missing_equipment_price_0": "5.00",
            "missing_equipment_price_1": "USD", "sort_order": 3}  # fmt: skip
    refused = client.post("/admin/rentals/resourcetype/add/", form)
    assert refused.status_code == 200  # no tax rate: the form comes back
    response = client.post("/admin/rentals/resourcetype/add/", {**form, "tax_rate": "0.08250"})
    assert response.status_code == 302, response.content
    air_hockey = ResourceType.objects.get(name="Air hockey")
    account = Account.objects.get(name="Income:Rentals:Games:AirHockey")
    assert (account.parent.name, account.root_type) == ("Income:Rentals:Games", "income")
    assert air_hockey.category.income_account == account.name
    assert (air_hockey.item.is_active, air_hockey.category.tax_rate) == (False, Decimal("0.08250"))
