"""Shared fixtures.

Every test that uses the database gets the standard chart of accounts (from the data
migration, or re-created after a transactional test flushed it).

Transactional tests (`django_db(transaction=True)`) commit for real, and Django cleans up after
them by flushing every table, which the ledger's triggers refuse (posted rows cannot be deleted,
TRUNCATE is refused on PostgreSQL), and so do the reports' (a published report cannot be
deleted). So their teardown drops those triggers first, and the next test that uses the database
installs them again. pytest-django runs transactional tests after all the others, so the other
tests see the database exactly as migrations left it.
"""

import datetime
import uuid

import pytest
from django.db import connection
from djmoney.money import Money

from ledger import triggers
from ledger.chart import install_chart
from ledger.models import Account, Program
from ledger.services import credit, debit, post_entry
from reports import triggers as report_triggers

TRIGGER_STATE = {"dropped": False}


def _report_triggers(statements: dict[str, list[str]]) -> None:
    """Run the reports' trigger SQL for this vendor (its install/uninstall want a schema editor)."""
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _ledger_database(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    if TRIGGER_STATE["dropped"]:
        triggers.install(connection)
        _report_triggers({"sqlite": report_triggers.SQLITE,
                          "postgresql": report_triggers.POSTGRESQL})  # fmt: skip
    if not Account.objects.exists():
        install_chart(Account, Program)
    yield
    if transactional:
        triggers.uninstall(connection)
        _report_triggers(report_triggers.DROP)
        TRIGGER_STATE["dropped"] = True


def usd(amount: str) -> Money:
    return Money(amount, "USD")


Q1_DAY = datetime.date(2026, 2, 14)


def post_sale(
    *,
    total: str = "10.00",
    tender: str = "Assets:Stripe:Clearing",
    income: str = "Income:Sales:Food",
    effective_date: datetime.date = Q1_DAY,
    entry_id: uuid.UUID | None = None,
    **kwargs,
):
    """Post a two-line sale: debit the tender, credit one income account."""
    return post_entry(
        entry_id=entry_id or uuid.uuid4(),
        kind="sale",
        effective_date=effective_date,
        lines=[debit(tender, usd(total)), credit(income, usd(total))],
        **kwargs,
    )
