"""The snapshot equals the ledger: the worked quarter's figures, to the cent."""

import datetime
import json

import pytest

from ledger.services import close_period, credit, debit
from reports.snapshot.builder import SnapshotError, build_snapshot
from reports.snapshot.seal import SnapshotFormatError, canonical_bytes
from reports.statements.ledger_statements import statement_of_financial_position
from tests.reports.conftest import DAY, post, publish, usd

pytestmark = pytest.mark.django_db


def test_the_snapshot_holds_the_worked_quarter(published):
    snapshot = json.loads(published.snapshot)
    glance = snapshot["at_a_glance"]
    assert glance["venue_revenue"] == 150000
    assert glance["revenue"] == 154000  # venue revenue + the restricted gift
    assert glance["surplus"] == 97000
    assert glance["earmarked"] == 15000
    assert glance["earmarked_percent_of_surplus"] == "15.5"  # 150 / 970 = 15.46 %
    assert glance["disbursed"] == 6000
    assert glance["held"] == {"community-fridge": 8000, "skill-share": 5000}
    assert glance["given_since_opening"] == 6000
    this = snapshot["venue_results"]["this_quarter"]
    assert (this["food"], this["drinks"], this["cost_of_goods"], this["card_fees"]) == (
        100000, 50000, 30000, 3000,
    )  # fmt: skip
    assert (this["occupancy"], this["venue_costs"], this["program_spending"]) == (
        20000,
        53000,
        6000,
    )
    fridge, skill = snapshot["rollforward"]
    assert fridge == {
        "program": "community-fridge", "opening": 0, "earmarked": 10000,
        "restricted_gifts": 4000, "disbursed": 6000, "closing": 8000, "committed_unpaid": 0,
    }  # fmt: skip
    assert (skill["earmarked"], skill["closing"]) == (5000, 5000)
    # The treasury computes the same surplus by its own definition.
    assert snapshot["earmark"]["surplus"] == glance["surplus"]
    assert snapshot["earmark"]["floor"] == 7500  # 5 % of 1,500.00
    assert snapshot["earmark"]["share"] == 38800  # 40 % of 970.00
    assert snapshot["seal_inputs"]["ledger_head_seq"] == 8


def test_the_money_flow_ends_at_what_the_funds_hold(published):
    """Venue: 1,500.00 - 530.00 = 970.00 surplus, 150.00 earmarked. Programs: 0.00 held before
    + 150.00 earmarked + 40.00 given for the fridge - 60.00 disbursed = 130.00 held, the sum of
    "Held for ..." at a glance (80.00 + 50.00); earmarked - disbursed alone would say 90.00."""
    snapshot = json.loads(published.snapshot)
    assert snapshot["schema_version"] == 2
    assert snapshot["money_flow"] == {
        "venue_revenue": 150000, "venue_costs": 53000, "surplus": 97000, "earmarked": 15000,
        "carried_in": 0, "gifts": 4000, "disbursed": 6000, "held": 13000,
    }  # fmt: skip
    assert sum(snapshot["at_a_glance"]["held"].values()) == 13000


def test_the_rollforward_ties_to_the_statement_of_financial_position(published):
    snapshot = json.loads(published.snapshot)
    position = statement_of_financial_position(as_of=datetime.date(2026, 3, 31))
    lines = {row[1]: row[2] for row in position.rows}
    fund_lines = sum(
        cents for line, cents in lines.items() if "board-designated" in line or "With donor" in line
    )
    assert fund_lines == sum(row["closing"] for row in snapshot["rollforward"]) == 13000
    assert lines["Total assets"] == lines["Total liabilities and net assets"] == 103000
    assert lines["Without donor restrictions: undesignated"] == 82000
    assert lines["Sales tax · Payable"] == 8000  # accounts in words, not SalesTax:Payable
    assert [r["amount"] for r in snapshot["balance"]] == [row[2] for row in position.rows]


def test_each_closing_balance_is_the_next_quarters_opening(closed_quarter):
    first = publish(closed_quarter)
    post("payout", [
        debit("Expenses:Programs:SkillShare", usd("20.00")),
        credit("Assets:Bank:Checking", usd("20.00")),
        debit("NetAssets:WithoutDonorRestrictions:BoardDesignated:SkillShare", usd("20.00")),
        credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("20.00")),
    ], day=datetime.date(2026, 4, 2))  # fmt: skip
    close_period(period="2026Q2")
    second = publish(closed_quarter, period="2026Q2")
    q1, q2 = json.loads(first.snapshot), json.loads(second.snapshot)
    closing = {row["program"]: row["closing"] for row in q1["rollforward"]}
    opening = {row["program"]: row["opening"] for row in q2["rollforward"]}
    assert closing == opening == {"community-fridge": 8000, "skill-share": 5000}
    assert {row["program"]: row["closing"] for row in q2["rollforward"]} == {
        "community-fridge": 8000, "skill-share": 3000,
    }  # fmt: skip
    assert q2["venue_results"]["prior_quarter"]["surplus"] == 97000
    # A quarter with no sales earmarks nothing and spends from what earlier quarters held:
    # 130.00 + 0.00 + 0.00 - 20.00 = 110.00 (version 1 would have shown -20.00 "held for later").
    flow = q2["money_flow"]
    assert (flow["carried_in"], flow["earmarked"], flow["gifts"], flow["disbursed"]) == (
        13000, 0, 0, 2000,
    )  # fmt: skip
    assert flow["held"] == 11000
    assert q2["seal_inputs"]["previous_seal"] == first.seal


def test_an_open_quarter_has_no_snapshot(people):
    post("sale", [debit("Assets:Cash:Drawer1", usd("5.00")),
                  credit("Income:Sales:Food", usd("5.00"))], day=DAY)  # fmt: skip
    with pytest.raises(SnapshotError, match="not closed"):
        build_snapshot(
            period="2026Q1", version=1, published_on=DAY, summary_en="", summary_es="",
            errata="", supersedes=None, previous_seal="0" * 64,
        )  # fmt: skip


def test_canonical_json_refuses_floats():
    assert canonical_bytes({"b": 1, "a": "x"}) == b'{"a":"x","b":1}'
    with pytest.raises(SnapshotFormatError, match="no floats"):
        canonical_bytes({"amount": 1.5})


def test_a_closing_entry_changes_no_figure(people, closed_quarter_factory):
    """The treasury's close moves income and expenses into net assets: the report must not care."""
    report = closed_quarter_factory(with_closing_entry=True)
    snapshot = json.loads(report.snapshot)
    assert snapshot["at_a_glance"]["surplus"] == 97000
    assert snapshot["at_a_glance"]["disbursed"] == 6000
    assert snapshot["at_a_glance"]["given_since_opening"] == 6000
    assert snapshot["venue_results"]["this_quarter"]["venue_revenue"] == 150000
    assert snapshot["functional_expenses"]["total"] == 59000
    assert [row["closing"] for row in snapshot["rollforward"]] == [8000, 5000]
    balance = {row["line"]: row["amount"] for row in snapshot["balance"]}
    assert balance["Without donor restrictions: undesignated"] == 82000
    assert balance["With donor restrictions: Community fridge & pantry"] == 4000
    assert balance["Total liabilities and net assets"] == 103000
