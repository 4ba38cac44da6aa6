"""Ringing up in the browser: food and drinks on a new tab, the age check, sending to the grill
and the bar, the kitchen display and its bump; an 86 on one tablet greys the item on another."""

import pytest
from playwright.sync_api import expect

from pos.models import Item, Tab, Ticket
from tests.ui.screens import (
    GRILL_TABLET,
    KITCHEN_DISPLAY,
    open_tab,
    qty,
    screenshot,
    sign_in,
    tap_item,
    wait_until_sent,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ring_up_food_and_drinks_send_and_bump_on_the_kitchen_display(venue, new_page):
    page = new_page()
    sign_in(page)
    tab_id = open_tab(page, "Sam", table="4")

    # A burger asks for its required doneness (and offers its extras) before it is added.
    tap_item(page, "Classic burger")
    dialog = page.get_by_role("dialog", name="Options: Classic burger")
    dialog.get_by_label("Medium", exact=True).check()
    dialog.get_by_label("Bacon").check()
    dialog.get_by_label("Note for the kitchen (optional)").fill("no onions")
    dialog.get_by_role("button", name="Add").click()
    tap_item(page, "Fries")
    tap_item(page, "Fries")
    # The first drink for guests 21+ asks for the age check, once per tab.
    tap_item(page, "Draft lager", category="Beer, wine & cocktails")
    age = page.get_by_role("dialog", name="Check the guest's age")
    age.get_by_role("button", name="Yes, ID checked").click()
    tap_item(page, "Local IPA")
    wait_until_sent(page)
    ticket = page.locator("#ticket")
    expect(ticket).to_contain_text(qty(1, "Classic burger"))
    expect(ticket).to_contain_text("Bacon, Medium")
    expect(ticket).to_contain_text(qty(2, "Fries"))
    expect(ticket).to_contain_text("ID checked")
    tab = Tab.objects.get(id=tab_id)
    assert tab.age_checked_at is not None
    assert sorted(tab.lines.values_list("name", flat=True)) == [
        "Classic burger", "Draft lager", "Fries", "Fries", "Local IPA",
    ]  # fmt: skip
    screenshot(page, "order-landscape")

    page.get_by_role("button", name="Send (5)").click()
    expect(ticket).to_contain_text("Sent to bar and grill.")
    grill = Ticket.objects.get(tab_id=tab_id, station="grill")
    assert grill.lines.count() == 3
    assert grill.done_at is None

    kitchen = new_page()
    sign_in(kitchen, token=KITCHEN_DISPLAY, staff=None)
    kitchen.goto("/kitchen/?station=grill")
    card = kitchen.locator(".kticket", has_text="Sam")
    expect(card).to_contain_text(qty(1, "Classic burger"))
    expect(card).to_contain_text("Bacon, Medium")
    expect(card).to_contain_text("Note: no onions")
    expect(card).to_contain_text(qty(2, "Fries"))
    expect(card).to_contain_text("0 min")
    screenshot(kitchen, "kitchen-landscape")
    kitchen.get_by_role("button", name=f"Bump #{grill.id} to done").click()
    expect(kitchen.locator(".kticket", has_text="Sam")).to_have_count(0)
    grill.refresh_from_db()
    assert grill.done_at is not None
    # Undo: the last bumped ticket can be recalled.
    kitchen.get_by_role("button", name=f"Recall #{grill.id}").click()
    expect(kitchen.locator(".kticket", has_text="Sam")).to_have_count(1)


def test_a_voided_sent_line_needs_a_manager_and_shows_as_a_cancel_ticket(venue, new_page):
    page = new_page()
    sign_in(page)
    tab_id = open_tab(page, "Kim")
    tap_item(page, "Onion rings")
    wait_until_sent(page)
    page.get_by_role("button", name="Send (1)").click()
    expect(page.locator("#ticket")).to_contain_text("Sent to grill.")
    page.get_by_role("link", name="Void Onion rings…").click()
    page.get_by_label("Wrong item").check()
    page.get_by_role("button", name="Void line").click()
    expect(page.get_by_role("alert")).to_contain_text("A manager must approve")
    page.get_by_label("Wrong item").check()
    page.get_by_label("Manager", exact=True).select_option(label="Morgan")
    page.get_by_label("Manager PIN").fill("2222")
    page.get_by_role("button", name="Void line").click()
    page.wait_for_url(f"**/tablet/tabs/{tab_id}")
    expect(page.locator("#ticket")).to_contain_text("Voided lines (1)")
    cancel = Ticket.objects.get(tab_id=tab_id, kind="cancel")
    kitchen = new_page()
    sign_in(kitchen, token=KITCHEN_DISPLAY, staff=None)
    kitchen.goto("/kitchen/")
    expect(kitchen.locator(".kticket.is-cancel")).to_contain_text(f"CANCEL: Kim #{cancel.id}")


def test_an_86_on_one_tablet_greys_the_item_out_on_another(venue, new_page):
    bar, grill = new_page(), new_page()
    sign_in(bar)
    bar_tab = open_tab(bar, "Lee")
    sign_in(grill, token=GRILL_TABLET, staff="Jordan")
    open_tab(grill, "Ana")
    fries_on_grill = grill.locator(".tile", has_text="Fries").first
    expect(fries_on_grill).to_be_enabled()

    bar.get_by_role("button", name="86 items").click()
    bar.locator(".tile", has_text="Fries").first.click()
    bar.get_by_role("button", name="86 items").click()

    # The other tablet polls every 3 s: the tile turns disabled and says why.
    expect(fries_on_grill).to_be_disabled()
    expect(fries_on_grill).to_contain_text("86'd: out of stock")
    assert Item.objects.get(name="Fries").out_of_stock
    # A tap on the greyed tile adds nothing.
    bar.locator(".tile", has_text="Fries").first.click(force=True)
    assert not Tab.objects.get(id=bar_tab).lines.exists()
