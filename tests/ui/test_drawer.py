"""The drawer in the browser: open with a counted float, take cash and card, close on a blind
count by denomination; the Z report matches the sales."""

import re

import pytest
from playwright.sync_api import expect

from pos.models import DrawerSession, Tab
from tests.ui.screens import confirm, each, open_tab, screenshot, sign_in, tap_item, wait_until_sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count(page, pieces: dict[str, str]) -> None:
    for label, number in pieces.items():
        page.get_by_label(label, exact=True).fill(number)


def test_drawer_close_with_a_count_and_the_z_report_matches_the_sales(venue, new_page):
    page = new_page()
    sign_in(page)
    page.get_by_role("link", name="Drawer").click()
    count(page, {each("$20"): "5"})
    expect(page.locator("#open-total")).to_have_text("$100.00")  # Total counted, as typed
    page.get_by_role("button", name="Open drawer").click()
    expect(page.get_by_text("float $100.00")).to_be_visible()

    # Check 1: two pretzels and a lemonade, 17.50 + 1.44 tax = 18.94, in exact cash.
    open_tab(page, "Zed")
    tap_item(page, "Soft pretzel")
    tap_item(page, "Soft pretzel")
    tap_item(page, "Lemonade", category="Drinks")
    wait_until_sent(page)
    page.get_by_role("link", name="Pay $18.94").click()
    page.get_by_role("button", name="Exact cash").click()
    confirm(page)
    page.wait_for_url("**/receipt?paid=*")
    # Check 2: fries, 4.50 + 0.37 tax = 4.87, by card.
    open_tab(page, "Yas")
    tap_item(page, "Fries")
    wait_until_sent(page)
    page.get_by_role("link", name="Pay $4.87").click()
    page.get_by_role("button", name="Pay by card").click()
    confirm(page)
    page.wait_for_url("**/receipt?paid=*")

    # The blind count: 100.00 float + 18.94 cash = 118.94.
    page.get_by_role("link", name="Drawer").click()
    pieces = {"$20": "5", "$10": "1", "$5": "1", "$1": "3", "25¢": "3", "10¢": "1", "5¢": "1",
              "1¢": "4"}  # fmt: skip
    count(page, {each(label): number for label, number in pieces.items()})
    expect(page.locator("#close-total")).to_have_text("$118.94")
    page.get_by_role("button", name="Close drawer").click()
    confirm(page)
    page.wait_for_url("**/report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Z report (final)")
    figures = {
        "net_sales": "22.00", "taxes": "1.81", "tender-cash": "18.94", "tender-card": "4.87",
        "expected": "118.94", "counted": "118.94", "variance": "0.00",
    }  # fmt: skip
    for name, value in figures.items():
        expect(page.locator(f'[data-figure="{name}"]')).to_have_text(value)
    screenshot(page, "z-report-landscape")

    session = DrawerSession.objects.get()
    assert (session.status, session.counted, session.expected) == ("closed", 11894, 11894)
    closed = Tab.objects.filter(status="closed")
    assert sum(closed.values_list("subtotal", flat=True)) == 2200
    assert sum(closed.values_list("tax", flat=True)) == 181
    expect(page.get_by_text(re.compile(r"2 checks"))).to_be_visible()
