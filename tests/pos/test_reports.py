"""Worked example: one evening at the grill counter, its X report mid-shift and its Z report.

Tuesday 17 February 2026, grill drawer (Assets:Cash:Drawer2), float $150.00 from the safe:
- 19:30 check "Sam": burger 12.00 + fries 4.50, the fries comped (slow kitchen); tax 8.25% of
  12.00 = 0.99; 12.99 paid in cash with a 1.00 tip.
- 20:00 check "Table 4": 2 lagers 12.00 + darts 10.00, fries added then voided (changed mind);
  10% staff-meal discount 2.20 (lagers 1.20, darts 1.00); tax 10% of 10.80 = 1.08 and 8.25% of
  9.00 = 0.7425 -> 0.74; 21.62 by card on the grill tablet with a 4.00 tip.
- 20:15 a dart board paid by card on the BAR tablet: another drawer's, not in this report.
- 21:00 X report.
- 21:30 check "Alex": a lager 6.00 + 0.60 tax = 6.60: 3.00 cash, then 3.60 card + 0.50 tip.
- 22:00 5.50 tips paid out to staff (manager); 22:30 a 100.00 drop to the safe.
- 23:30 close: expected 150.00 + 16.99 - 5.50 - 100.00 = 61.49, counted 61.24: 0.25 short.
"""

import json
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from ledger.models import Posting
from ledger.money import to_cents
from ledger.verification import verify_ledger
from pos.exceptions import NotFoundError
from pos.models import Tab
from pos.report_views import drawer_report_html
from pos.reports import CategorySales, ReasonTotal, TenderTotal, drawer_report
from pos.services.checkout import add_adjustment
from pos.services.drawers import close_drawer
from pos.services.tabs import void_line
from tests.pos.conftest import usd
from tests.pos.test_drawers import (
    card,
    cash,
    cents,
    make_clock,
    make_grill,
    move,
    new_tab,
    open_grill,
)

INCOME = {
    "Beer & wine": "Income:Sales:Alcohol",
    "Food": "Income:Sales:Food",
    "Games": "Income:Rentals:Games",
}


@pytest.fixture
def at(monkeypatch):
    return make_clock(monkeypatch)


@pytest.fixture
def evening(venue, at):
    """The evening up to 21:00 (before the X report); returns the grill and the checks."""
    grill = make_grill(venue)
    at("19:00")
    grill.session = open_grill(grill)
    at("19:30")
    sam, (_, fries) = new_tab(grill, [(venue.burger, 1), (venue.fries, 1)])
    add_adjustment(
        tab_id=sam.id, adjustment_id=uuid.uuid4(), kind="comp", line_id=fries.id,
        percent=Decimal(100), reason="slow kitchen", staff=grill.cashier,
        approved_by=grill.manager,
    )  # fmt: skip
    cash(grill, sam, "12.99", "20.00", tip="1.00")
    at("20:00")
    table, (_, _, fries) = new_tab(grill, [(venue.beer, 2), (venue.darts, 1), (venue.fries, 1)])
    void_line(line_id=fries.id, reason="changed mind", staff=grill.cashier)
    add_adjustment(
        tab_id=table.id, adjustment_id=uuid.uuid4(), kind="discount", percent=Decimal(10),
        reason="staff meal", staff=grill.cashier,
    )  # fmt: skip
    card(grill, table, "21.62", tip="4.00")
    at("20:15")
    bar, _ = new_tab(grill, [(venue.darts, 1)], name="Bar guest")
    card(grill, bar, "10.83", device=venue.tablet)
    at("21:00")
    grill.checks = [sam, table]
    return grill


@pytest.fixture
def closed_evening(evening, at):
    """The whole evening, closed at 23:30 on a count of 61.24."""
    grill = evening
    at("21:30")
    alex, _ = new_tab(grill, [(grill.venue.beer, 1)], name="Alex")
    cash(grill, alex, "3.00", "5.00")
    grill.x_with_open_check = drawer_report(session_id=grill.session.id)
    card(grill, alex, "3.60", tip="0.50")
    at("22:00")
    tips = {"account": "Liabilities:Tips:Payable", "approved_by": grill.manager}
    move(grill, grill.session, "paid_out", "5.50", "tips paid to staff", **tips)
    at("22:30")
    move(grill, grill.session, "drop", "100.00", "10:30 drop")
    at("23:30")  # 2 x 20 + 10 + 5 + 6 x 1 + 2 x 10c + 4 x 1c = 61.24
    count = {2000: 2, 1000: 1, 500: 1, 100: 6, 10: 2, 1: 4}
    close_drawer(session_id=grill.session.id, count=count, staff=grill.cashier)
    at("23:45")
    grill.checks.append(alex)
    return grill


def test_x_report_mid_shift(evening):
    report = drawer_report(session_id=evening.session.id)

    assert (report.final, report.drawer, report.checks, report.opened_by) == (
        False, "Grill drawer", 2, "Casey",
    )  # fmt: skip
    assert report.sales_by_category == (
        CategorySales("Beer & wine", 2, usd("12.00"), usd("1.20"), usd("0"), usd("10.80")),
        CategorySales("Food", 2, usd("16.50"), usd("0"), usd("4.50"), usd("16.50")),
        CategorySales("Games", 1, usd("10.00"), usd("1.00"), usd("0"), usd("9.00")),
    )
    assert (report.gross_sales, report.discounts, report.comps, report.net_sales) == (
        usd("38.50"), usd("2.20"), usd("4.50"), usd("36.30"),
    )  # fmt: skip
    assert report.taxes == usd("2.81")  # 0.99 + 1.08 + 0.74
    assert report.tenders == (
        TenderTotal("cash", 1, usd("12.99"), usd("1.00"), usd("13.99")),
        TenderTotal("card", 1, usd("21.62"), usd("4.00"), usd("25.62")),
    )
    assert (report.cash_tips, report.card_tips) == (usd("1.00"), usd("4.00"))
    assert report.comps_by_reason == (ReasonTotal("slow kitchen", 1, usd("4.50")),)
    assert report.voids_by_reason == (ReasonTotal("changed mind", 1, usd("4.50")),)
    assert (report.refunds, report.movements, report.open_checks) == ((), (), 0)
    assert (report.opening_float, report.cash_taken, report.cash_refunds) == (
        usd("150.00"), usd("13.99"), usd("0"),
    )  # fmt: skip
    assert report.expected_cash == usd("163.99")
    assert (report.counted, report.variance, report.closed_at) == (None, None, None)
    # Net sales - comps + tax = what the tenders paid: 36.30 - 4.50 + 2.81 = 12.99 + 21.62.
    assert report.net_sales - report.comps + report.taxes == usd("34.61")


def test_a_blind_x_report_leaves_expected_cash_out(evening):
    report = drawer_report(session_id=evening.session.id, blind=True)
    assert report.expected_cash is None
    assert report.as_json()["expected_cash"] is None


def test_z_report_after_the_close(closed_evening):
    assert closed_evening.x_with_open_check.open_checks == 1
    assert closed_evening.x_with_open_check.paid_on_open_checks == usd("3.00")
    assert closed_evening.x_with_open_check.cash_taken == usd("16.99"), "13.99 + 3.00 on Alex"

    report = drawer_report(session_id=closed_evening.session.id)

    assert (report.final, report.checks, report.closed_by) == (True, 3, "Casey")
    assert [(row.category, row.quantity, row.net_sales) for row in report.sales_by_category] == [
        ("Beer & wine", 3, usd("16.80")), ("Food", 2, usd("16.50")), ("Games", 1, usd("9.00")),
    ]  # fmt: skip
    assert (report.gross_sales, report.discounts, report.comps, report.net_sales) == (
        usd("44.50"), usd("2.20"), usd("4.50"), usd("42.30"),
    )  # fmt: skip
    assert report.taxes == usd("3.41")
    assert report.tenders == (
        TenderTotal("cash", 2, usd("15.99"), usd("1.00"), usd("16.99")),
        TenderTotal("card", 2, usd("25.22"), usd("4.50"), usd("29.72")),
    )
    assert [(m.kind, m.amount, m.approved_by) for m in report.movements] == [
        ("paid_out", usd("5.50"), "Morgan"), ("drop", usd("100.00"), ""),
    ]  # fmt: skip
    assert (report.paid_ins, report.paid_outs, report.drops, report.no_sales) == (
        usd("0"), usd("5.50"), usd("100.00"), 0,
    )  # fmt: skip
    assert (report.open_checks, report.paid_on_open_checks) == (0, usd("0"))
    assert (report.expected_cash, report.counted, report.variance) == (
        usd("61.49"), usd("61.24"), usd("-0.25"),
    )  # fmt: skip
    assert report.variance_approved_by == ""


def test_z_report_totals_equal_the_ledger(closed_evening):
    """Every Z figure is the sum of the postings of this shift's checks' sale entries."""
    report = drawer_report(session_id=closed_evening.session.id)
    checks = Tab.objects.filter(id__in=[tab.id for tab in closed_evening.checks])
    entry_ids = [tab.ledger_entry_id for tab in checks]
    ledger: dict[tuple[str, str], int] = defaultdict(int)
    for posting in Posting.objects.filter(entry_id__in=entry_ids).select_related("account"):
        ledger[(posting.side, posting.account.name)] += posting.amount
    cash_total, card_total = (tender.total for tender in report.tenders)

    assert ledger[("D", "Assets:Cash:Drawer2")] == to_cents(cash_total) == 1699
    assert ledger[("D", "Assets:Stripe:Clearing")] == to_cents(card_total) == 2972
    for row in report.sales_by_category:
        assert ledger[("C", INCOME[row.category])] == to_cents(row.net_sales)
    assert ledger[("C", "Liabilities:SalesTax:Payable")] == to_cents(report.taxes) == 341
    assert ledger[("C", "Liabilities:Tips:Payable")] == to_cents(
        report.cash_tips + report.card_tips
    )
    assert ledger[("D", "Expenses:Comps")] == to_cents(report.comps) == 450
    # The close: the variance is the over/short account, and the drawer is empty again.
    assert cents("Expenses:CashOverShort") == -to_cents(report.variance) == 25
    assert cents("Assets:Cash:Drawer2") == 0
    assert verify_ledger().ok


def test_z_report_as_json(closed_evening):
    data = drawer_report(session_id=closed_evening.session.id).as_json()

    assert json.loads(json.dumps(data)) == data
    assert data["session_id"] == str(closed_evening.session.id)
    assert (data["final"], data["net_sales"], data["taxes"]) == (True, "42.30", "3.41")
    assert data["tenders"][0] == {
        "tender": "cash", "count": 2, "amount": "15.99", "tips": "1.00", "total": "16.99",
    }  # fmt: skip
    assert data["comps_by_reason"] == [{"reason": "slow kitchen", "count": 1, "amount": "4.50"}]
    assert (data["expected_cash"], data["counted"], data["variance"]) == (
        "61.49", "61.24", "-0.25",
    )  # fmt: skip
    assert data["closed_at"].startswith("2026-02-17T23:30:00")


def test_the_report_reads_in_a_fixed_number_of_queries(closed_evening, django_assert_num_queries):
    with django_assert_num_queries(8):  # session, devices, payments, lines, adjustments,
        drawer_report(session_id=closed_evening.session.id)  # voids, refunds, movements


def test_the_printable_report(closed_evening):
    factory = RequestFactory()
    session_id = closed_evening.session.id
    request = factory.get(f"/pos/drawers/sessions/{session_id}/report")
    request.user = AnonymousUser()
    assert drawer_report_html(request, session_id).status_code == 403

    request.user = closed_evening.cashier.user
    html = drawer_report_html(request, session_id).content.decode()

    assert '<html lang="en">' in html
    assert "<title>Z report, Grill drawer, 2026-02-17</title>" in html
    assert '<th scope="row">Food</th><td class="num">2</td><td class="num">16.50</td>' in html
    assert '<th scope="row">Cash taken, with tips</th><td class="num">16.99</td>' in html
    assert '<th scope="row">Expected cash</th><td class="num">61.49</td>' in html
    assert '<th scope="row">Variance (over +, short -)</th><td class="num">-0.25</td>' in html
    assert "Paid out: tips paid to staff (approved by Morgan)" in html
    assert "@media print" in html
    with pytest.raises(Http404):
        drawer_report_html(request, uuid.uuid4())


def test_the_printable_x_report_is_blind_for_a_cashier(evening):
    request = RequestFactory().get("/")
    request.user = evening.cashier.user
    assert "Expected cash" not in drawer_report_html(request, evening.session.id).content.decode()
    request.user = evening.manager.user
    html = drawer_report_html(request, evening.session.id).content.decode()
    assert '<th scope="row">Expected cash</th><td class="num">163.99</td>' in html
    assert "X report (shift still open)" in html


def test_an_unknown_session_has_no_report(db):
    with pytest.raises(NotFoundError, match="There is no drawer session"):
        drawer_report(session_id=uuid.uuid4())
