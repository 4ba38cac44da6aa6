"""The quarterly close: a worked quarter, a failing cut-off, an interrupted run, the lock.

The quarter: 10,000.00 of food sold by card on 10 February, 5,000.00 of rent paid from the
bank on the 11th. Policy: floor 5 % (500.00), share 40 % of the 5,000.00 surplus (2,000.00),
so 2,000.00 is designated: 1,200.00 to the fridge and 800.00 to skill-share (60 / 40).
"""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from ledger.exceptions import ClosedPeriodError
from ledger.models import EntryKind, JournalEntry, Period
from ledger.selectors import account_balance, trial_balance
from ledger.services import credit, debit
from tests.treasury.conftest import post, sell, spend, usd
from treasury import close as registry
from treasury.exceptions import CloseStepError
from treasury.models import CloseStep
from treasury.services import close as closing
from treasury.services.close import post_correction, run_close

pytestmark = pytest.mark.django_db
FRIDGE = "NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge"
SKILLS = "NetAssets:WithoutDonorRestrictions:BoardDesignated:SkillShare"
UNDESIGNATED = "NetAssets:WithoutDonorRestrictions:Undesignated"
END = datetime.date(2026, 3, 31)


@pytest.fixture
def quarter(people, policy):
    sell("10000.00", day=datetime.date(2026, 2, 10))
    spend("5000.00", day=datetime.date(2026, 2, 11))
    return people


@pytest.fixture
def open_drawer():
    """A cut-off check that reports an open drawer until the test says it is closed."""
    state = {"open": True}
    saved = registry.cutoff_checks()
    registry.register_cutoff_check(
        "drawers", lambda quarter: ["Bar drawer is still open"] if state["open"] else []
    )
    yield state
    registry._CUTOFF_CHECKS.clear()
    registry._CUTOFF_CHECKS.update(saved)


def statuses(run):
    return [(step.name, step.status) for step in run.steps.order_by("position")]


def test_a_quarter_closes_to_hand_computed_balances(quarter):
    run = run_close(period="2026Q1", user=quarter["treasurer"])
    assert {status for _, status in statuses(run)} == {"done"}
    tb = {row.account: row.net_cents for row in trial_balance(as_of=END).rows if row.net_cents}
    # Income and expenses are closed; net assets hold the quarter's 5,000.00 surplus, of
    # which 2,000.00 is designated.
    assert tb == {
        "Assets:Bank:Checking": -500000,
        "Assets:Stripe:Clearing": 1000000,
        FRIDGE: -120000,
        SKILLS: -80000,
        UNDESIGNATED: -300000,
    }
    closing_entry = JournalEntry.objects.get(kind=EntryKind.CLOSING, source_ref="close:2026Q1")
    assert sorted((p.side, p.account.name, p.amount) for p in closing_entry.postings.all()) == [
        ("C", "Expenses:Rent", 500000),
        ("C", UNDESIGNATED, 500000),
        ("D", "Income:Sales:Food", 1000000),
    ]
    period = Period.objects.get(name="2026Q1")
    assert period.status == Period.Status.CLOSED
    assert all(step.done_by == quarter["treasurer"] for step in run.steps.all())


def test_a_failing_cut_off_says_why_and_is_retried(quarter, open_drawer):
    run = run_close(period="2026Q1", user=quarter["treasurer"])
    cutoff = run.steps.get(name="cutoff")
    assert (cutoff.status, cutoff.detail) == ("failed", "drawers: Bar drawer is still open")
    assert statuses(run)[1:] == [(name, "pending") for name, _ in closing.STEPS[1:]]
    open_drawer["open"] = False
    run = run_close(period="2026Q1", user=quarter["treasurer"])
    cutoff = run.steps.get(name="cutoff")
    assert (cutoff.status, cutoff.attempts) == ("done", 2)
    assert Period.objects.get(name="2026Q1").status == Period.Status.CLOSED


def test_an_interrupted_close_resumes_where_it_stopped(quarter, monkeypatch):
    def interrupted(quarter, user):
        raise CloseStepError("the power went out")

    monkeypatch.setitem(closing.STEP_FUNCTIONS, "earmark_top_up", interrupted)
    run = run_close(period="2026Q1", user=quarter["treasurer"])
    assert statuses(run) == [
        ("cutoff", "done"), ("reconciliations", "done"), ("closing_entry", "done"),
        ("earmark_top_up", "failed"), ("snapshots_lock", "pending"),
    ]  # fmt: skip
    assert run.steps.get(name="earmark_top_up").detail == "the power went out"
    monkeypatch.undo()
    call_command("close_period", "2026Q1", "--user", "taylor")
    run.refresh_from_db()
    steps = {step.name: step for step in run.steps.all()}
    assert steps["closing_entry"].attempts == 1  # not redone
    assert steps["earmark_top_up"].attempts == 2
    assert JournalEntry.objects.filter(kind=EntryKind.CLOSING).count() == 1
    assert account_balance(account=FRIDGE, as_of=END) == usd("1200.00")
    assert Period.objects.get(name="2026Q1").status == Period.Status.CLOSED


def test_a_late_posting_before_the_lock_is_closed_too(quarter, monkeypatch):
    lock = closing.STEP_FUNCTIONS["snapshots_lock"]
    monkeypatch.setitem(closing.STEP_FUNCTIONS, "snapshots_lock", _fail_once)
    run_close(period="2026Q1", user=quarter["treasurer"])
    sell("100.00", day=datetime.date(2026, 3, 30))  # arrives after the closing entry
    monkeypatch.setitem(closing.STEP_FUNCTIONS, "snapshots_lock", lock)
    run = run_close(period="2026Q1", user=quarter["treasurer"])
    assert "Closed 1 accounts that moved after the closing entry" in (
        run.steps.get(name="snapshots_lock").detail
    )
    rows = {row.account: row.net_cents for row in trial_balance(as_of=END).rows}
    assert rows["Income:Sales:Food"] == 0
    # The late 100.00 is in net assets too, and lifts the share to 40 % x 5,100 = 2,040.00:
    # 24.00 more to the fridge and 16.00 more to skill-share.
    assert (rows[FRIDGE], rows[SKILLS], rows[UNDESIGNATED]) == (-122400, -81600, -306000)


def _fail_once(quarter, user):
    raise CloseStepError("not yet")


def test_after_the_close_a_back_dated_posting_is_refused_and_errata_go_forward(quarter):
    run_close(period="2026Q1", user=quarter["treasurer"])
    with pytest.raises(ClosedPeriodError, match="closed period 2026Q1"):
        post([debit("Expenses:Rent", usd("10.00")), credit("Assets:Bank:Checking", usd("10.00"))],
             datetime.date(2026, 3, 15), kind="adjustment")  # fmt: skip
    entry = post_correction(
        correction_id=uuid.uuid4(), period="2026Q1", user=quarter["treasurer"],
        note="March rent was short by 10.00", effective_date=datetime.date(2026, 4, 1),
        lines=[debit("Expenses:Rent", usd("10.00")), credit("Assets:Bank:Checking", usd("10.00"))],
    )  # fmt: skip
    assert entry.effective_date == datetime.date(2026, 4, 1)
    assert entry.memo == "Errata 2026Q1: March rent was short by 10.00"


def test_the_close_command_prints_the_figures(quarter, capsys):
    call_command("close_period", "2026Q1", "--user", "taylor")
    out = capsys.readouterr().out
    assert "2026Q1 closed. Earmark policy v1:" in out
    assert "  venue surplus             5000.00\n" in out
    assert "  designation               2000.00\n" in out
    assert "    Community fridge & pantry    weight  60      1200.00\n" in out
    assert CloseStep.objects.filter(status="done").count() == 5


def test_a_quarter_still_running_is_not_closed(quarter):
    """Closing on its last day would lock the ledger against that night's sales."""
    venue = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 0, tzinfo=venue), tick=False):
        run = run_close(period="2026Q1", user=quarter["treasurer"])
    cutoff = run.steps.get(name="cutoff")
    assert (cutoff.status, cutoff.detail) == (
        "failed",
        "2026Q1 runs until 2026-03-31; close it once that day's business is done",
    )
    assert Period.objects.get(name="2026Q1").status == Period.Status.OPEN
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, 0, tzinfo=venue), tick=False):
        run = run_close(period="2026Q1", user=quarter["treasurer"])
    assert {status for _, status in statuses(run)} == {"done"}
