"""simulate: realistic days through the services; the ledger stays clean and reconciles."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos import simulation
from pos.models import Drawer, DrawerSession, Payment, Tab, Ticket
from pos.selectors import closed_check_tenders, ledger_sale_tenders
from pos.services.devices import register_device

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 1, 9)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_two_simulated_days_reconcile_to_the_ledger_and_replay_as_a_no_op():
    run("demo")
    out = run("simulate", "--days", "2", "--seed", "7", "--start", FRIDAY.isoformat())
    entries = JournalEntry.objects.count()

    assert out.startswith("Simulated 2 days (2026-01-09 to 2026-01-10, seed 7): ")
    assert Tab.objects.filter(status=Tab.Status.CLOSED).count() > 100
    assert not Tab.objects.filter(status=Tab.Status.OPEN).exists()
    assert not DrawerSession.objects.filter(status=DrawerSession.Status.OPEN).exists()
    assert Ticket.objects.filter(kind=Ticket.Kind.ORDER).count() > 100
    assert not Ticket.objects.filter(done_at__isnull=True).exists(), "the kitchen display is clear"
    assert account_balance(account="Assets:Cash:Drawer1") == account_balance(
        account="Assets:Cash:Drawer2"
    )
    assert account_balance(account="Assets:Cash:Drawer1").amount == 0
    checks = closed_check_tenders(start=FRIDAY, end=FRIDAY + datetime.timedelta(days=1))
    assert checks == ledger_sale_tenders(
        start=FRIDAY, end=FRIDAY + datetime.timedelta(days=1), accounts=list(checks)
    )
    assert verify_ledger().ok

    run("simulate", "--days", "1", "--seed", "7", "--start", FRIDAY.isoformat())
    assert JournalEntry.objects.count() == entries, "a day already simulated is not simulated again"


class Interrupted(Exception):
    """Stands for Ctrl-C in the middle of a simulated day."""


def test_a_day_interrupted_half_way_is_closed_as_it_stands_and_the_next_run_goes_on(
    monkeypatch,
):
    """The first run stops before the Friday's 26th check, its two drawers open (which would
    keep every later day from opening them). The next run closes that day as it stands, with
    25 checks and its drawers counted, then simulates the Saturday in full."""
    run("demo")
    serve_check, served = simulation._serve_check, []

    def serve_until_interrupted(*args):
        if len(served) == 25:
            raise Interrupted
        served.append(1)
        return serve_check(*args)

    monkeypatch.setattr(simulation, "_serve_check", serve_until_interrupted)
    with pytest.raises(Interrupted):
        run("simulate", "--days", "2", "--seed", "7", "--start", FRIDAY.isoformat())
    assert DrawerSession.objects.filter(status=DrawerSession.Status.OPEN).count() == 2
    monkeypatch.setattr(simulation, "_serve_check", serve_check)

    out = run("simulate", "--days", "2", "--seed", "7", "--start", FRIDAY.isoformat())

    saturday = FRIDAY + datetime.timedelta(days=1)
    assert out.startswith("Simulated 2 days (2026-01-09 to 2026-01-10, seed 7): ")
    assert not DrawerSession.objects.filter(status=DrawerSession.Status.OPEN).exists()
    sessions = DrawerSession.objects.values_list("opened_at", "status")
    assert sorted((timezone.localdate(at), status) for at, status in sessions) == [
        (FRIDAY, "closed"), (FRIDAY, "closed"), (saturday, "closed"), (saturday, "closed"),
    ]  # fmt: skip
    closed = Tab.objects.filter(status=Tab.Status.CLOSED)
    assert closed.filter(business_date=FRIDAY).count() == 26, "25 served, and the party's"
    assert closed.filter(business_date=saturday).count() == 98, "the whole Saturday"
    assert not Tab.objects.filter(status=Tab.Status.OPEN).exists()
    assert account_balance(account="Assets:Cash:Drawer1").amount == 0
    assert verify_ledger().ok


def test_simulating_before_the_ledger_opens_is_refused_clearly():
    run("demo")
    with pytest.raises(CommandError, match="accounts open on 2026-01-01"):
        run("simulate", "--days", "3", "--start", "2025-12-30")


def test_two_tablets_on_one_drawer_share_its_session():
    run("demo")
    bar_drawer = Drawer.objects.get(account="Assets:Cash:Drawer1")
    register_device(name="Second bar tablet", station="bar", drawer=bar_drawer)

    run("simulate", "--days", "1", "--seed", "3", "--start", FRIDAY.isoformat())

    sessions = DrawerSession.objects.filter(opened_at__date=FRIDAY)
    assert sorted(sessions.values_list("drawer__account", "status")) == [
        ("Assets:Cash:Drawer1", "closed"),
        ("Assets:Cash:Drawer2", "closed"),
    ]
    assert Payment.objects.filter(device__name="Second bar tablet", tender="cash").exists()
    assert not Tab.objects.filter(status=Tab.Status.OPEN).exists()
    assert verify_ledger().ok
