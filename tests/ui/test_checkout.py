"""Paying in the browser: an even split paid part cash and part card, the receipt with its aid
line, and refunds, which need a manager's PIN."""

import re

import pytest
from playwright.sync_api import expect

from ledger.models import JournalEntry
from pos import gateway as gateway_module
from pos.cards.models import Reader
from pos.models import Payment, Refund, Tab
from pos.ui.receipts import AID_LINE
from tests.cards.conftest import WEBHOOK_SECRET, deliver_all
from tests.ui.screens import closed_check, confirm, screenshot, sign_in, tap_item, wait_until_sent
from tests.ui.screens import open_tab as open_tab_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_split_evenly_pay_one_part_cash_and_one_by_card_then_the_receipt(venue, new_page):
    page = new_page()
    sign_in(page)
    page.goto("/tablet/drawer")
    page.get_by_role("button", name="Open drawer").click()  # a float of $0.00
    tab_id = open_tab_on(page, "Pat")
    # Two soft pretzels (7.00 each) and a lemonade (3.50): 17.50 + 8.25% tax 1.44 = 18.94.
    tap_item(page, "Soft pretzel")
    tap_item(page, "Soft pretzel")
    tap_item(page, "Lemonade", category="Drinks")
    wait_until_sent(page)
    expect(page.locator("[data-total]")).to_have_text("$18.94")

    page.get_by_role("link", name="Pay $18.94").click()
    page.get_by_role("link", name="2 ways").click()
    page.get_by_role("button", name="Guest 1: $9.47").click()
    expect(page.get_by_label(re.compile("Amount to apply"))).to_have_value("9.47")
    page.get_by_role("button", name="$20.00").click()
    confirm(page)
    expect(page.get_by_role("status").filter(has_text="Change due")).to_contain_text(
        "Change due: $10.53"
    )
    screenshot(page, "pay-landscape")
    expect(page.locator("#due")).to_have_text("$9.47")
    page.get_by_label("Tip").fill("2.00")
    page.get_by_role("button", name="Pay by card").click()
    confirm(page)
    page.wait_for_url(f"**/tablet/tabs/{tab_id}/receipt?paid=*")
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text(AID_LINE)
    expect(receipt).to_contain_text("/transparency/")
    expect(receipt.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(receipt).to_contain_text(re.compile(r"Total\s*\$18\.94"))
    expect(receipt).to_contain_text(re.compile(r"Tip \(card\)\s*\$2\.00"))

    tab = Tab.objects.get(id=tab_id)
    assert (tab.status, tab.total, tab.tips) == ("closed", 1894, 200)
    payments = sorted(tab.payments.values_list("tender", "amount", "tip", "tendered", "change"))
    assert payments == [("card", 947, 200, 0, 0), ("cash", 947, 0, 2000, 1053)]
    assert JournalEntry.objects.filter(id=tab.ledger_entry_id, status="posted").exists()

    pdf = page.request.get(f"/reports/receipts/{tab_id}.pdf")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_a_declined_card_leaves_the_check_open_and_says_so(venue, new_page):
    page = new_page()
    sign_in(page)
    tab_id = open_tab_on(page, "Rae")
    tap_item(page, "Fries")
    wait_until_sent(page)
    page.goto(f"/tablet/tabs/{tab_id}/pay")
    # The fake gateway declines a charge of exactly $13.13 (amount plus tip).
    page.get_by_label(re.compile("Amount to apply")).fill("4.87")
    page.get_by_label("Tip").fill("8.26")
    page.get_by_role("button", name="Pay by card").click()
    confirm(page)
    expect(page.get_by_role("alert")).to_contain_text("Card declined")
    assert Tab.objects.get(id=tab_id).status == "open"
    assert list(Payment.objects.filter(tab_id=tab_id).values_list("status", flat=True)) == [
        "declined"
    ]


def test_a_refund_needs_a_manager_pin_a_cashier_alone_is_refused(venue, new_page):
    tab = closed_check("Joe")
    page = new_page()
    sign_in(page)
    page.get_by_role("link", name="Closed checks").click()
    page.get_by_role("link", name=f"Refund {tab.id}…").click()
    fries = tab.lines.filter(name="Fries").first()
    page.get_by_label(re.compile(r"^Fries")).first.fill("1")
    page.get_by_label("Quality").check()
    page.get_by_role("button", name="Refund").click()
    confirm(page)
    expect(page.get_by_role("alert")).to_contain_text("A manager must approve")
    assert not Refund.objects.exists()

    # The cashier's own PIN does not approve anything.
    page.get_by_label(re.compile(r"^Fries")).first.fill("1")
    page.get_by_label("Quality").check()
    page.get_by_label("Manager PIN").fill("1111")
    page.get_by_role("button", name="Refund").click()
    confirm(page)
    expect(page.get_by_role("alert")).to_contain_text("That PIN is not right")
    assert not Refund.objects.exists()

    page.get_by_label(re.compile(r"^Fries")).first.fill("1")
    page.get_by_label("Quality").check()
    page.get_by_label("Manager", exact=True).select_option(label="Morgan")
    page.get_by_label("Manager PIN").fill("2222")
    page.get_by_role("button", name="Refund").click()
    confirm(page)
    # One fries: 4.50 and its share of the food tax, 0.99 x 4.50 / 12.00 = 0.37125 -> 0.37.
    expect(page.get_by_role("status").filter(has_text="Refunded")).to_contain_text("$4.87")
    refund = Refund.objects.get()
    assert (refund.subtotal, refund.tax, refund.tender) == (450, 37, "cash")
    assert refund.approved_by.display_name == "Morgan"
    assert list(refund.lines.values_list("line_id", "quantity")) == [(fries.id, 1)]


@pytest.fixture
def bar_reader(settings):
    """A Stripe Terminal reader at the bar, on the fake gateway, with signed webhooks."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    gateway_module._gateways.clear()
    Reader.objects.create(stripe_id="tmr_bar_1", label="Bar reader", station="bar")
    yield gateway_module.get_gateway()
    gateway_module._gateways.clear()


def test_a_card_on_the_reader_shows_waiting_then_the_receipt_or_a_cancel(
    venue, new_page, bar_reader, client
):
    page = new_page()
    sign_in(page)
    tab_id = open_tab_on(page, "Uma")
    tap_item(page, "Fries")
    wait_until_sent(page)
    page.goto(f"/tablet/tabs/{tab_id}/pay")
    page.get_by_role("button", name="Pay by card").click()
    confirm(page)
    waiting = page.get_by_role("status").filter(has_text="Waiting for the card reader")
    expect(waiting).to_contain_text("$4.87")
    payment = Payment.objects.get(tab_id=tab_id)
    assert payment.status == "pending"
    bar_reader.present_card("tmr_bar_1")
    deliver_all(client, bar_reader)
    page.wait_for_url(f"**/tablet/tabs/{tab_id}/receipt?paid={payment.id}")
    assert Tab.objects.get(id=tab_id).status == "closed"

    tab_id = open_tab_on(page, "Vic")
    tap_item(page, "Fries")
    wait_until_sent(page)
    page.goto(f"/tablet/tabs/{tab_id}/pay")
    page.get_by_role("button", name="Pay by card").click()
    confirm(page)
    page.get_by_role("button", name="Cancel card payment").click()
    confirm(page)
    expect(page.get_by_role("status").filter(has_text="Cancelled at the reader")).to_be_visible()
    deliver_all(client, bar_reader)
    expect(page.get_by_role("alert")).to_contain_text("The card payment was cancelled")
    assert Tab.objects.get(id=tab_id).status == "open"
    assert Payment.objects.get(tab_id=tab_id).status == "cancelled"
