"""A flaky network: while the server is unreachable, the banner shows, lines queue on the
tablet ("N unsent"), sign-out is refused and cards are off; when it is back, every queued line
is sent once, even the one the server had already added but whose answer was lost."""

import pytest
from playwright.sync_api import expect

from pos.models import TabLine
from tests.ui.screens import open_tab, qty, sign_in, tap_item, wait_until_sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lines_queue_while_the_server_is_unreachable_and_are_sent_once(venue, new_page):
    page = new_page()
    sign_in(page)
    tab_id = open_tab(page, "Max")
    tap_item(page, "Fries")
    wait_until_sent(page)

    lost = []

    def server_down(route):
        # The first line posted reaches the server, but its answer never comes back; every
        # other request (the heartbeat, the next lines) fails outright.
        if route.request.method == "POST" and route.request.url.endswith("/lines") and not lost:
            lost.append(route.fetch().status)
        route.abort("connectionrefused")

    page.route("**/tablet/**", server_down)
    tap_item(page, "Onion rings")
    banner = page.get_by_role("alert").filter(has_text="No connection to the till server")
    expect(banner).to_be_visible()
    tap_item(page, "Mozzarella sticks")
    tap_item(page, "Mozzarella sticks")
    expect(page.locator("#net-status")).to_contain_text("3 unsent")
    pending = page.locator(".ticket-line.is-pending")
    expect(pending).to_have_count(3)
    expect(pending.first).to_contain_text("Not sent yet")
    assert lost == [200]
    names = sorted(TabLine.objects.filter(tab_id=tab_id).values_list("name", flat=True))
    assert names == ["Fries", "Onion rings"]

    # Nobody signs out while lines wait on this tablet.
    page.get_by_role("button", name="Switch staff").click()
    expect(page.get_by_role("alert").filter(has_text="not sent yet")).to_be_visible()
    assert page.url.endswith(f"/tablet/tabs/{tab_id}")

    page.unroute("**/tablet/**")
    wait_until_sent(page)
    expect(banner).to_be_hidden()
    expect(page.locator(".net-unsent")).to_be_hidden()
    ticket = page.locator("#ticket")
    expect(ticket).to_contain_text(qty(1, "Onion rings"))
    expect(ticket).to_contain_text(qty(2, "Mozzarella sticks"))
    expect(page.locator(".ticket-line.is-pending")).to_have_count(0)
    names = sorted(TabLine.objects.filter(tab_id=tab_id).values_list("name", flat=True))
    assert names == ["Fries", "Mozzarella sticks", "Mozzarella sticks", "Onion rings"]


def test_card_payments_are_off_while_the_server_is_unreachable(venue, new_page):
    page = new_page()
    sign_in(page)
    tab_id = open_tab(page, "Ivy")
    tap_item(page, "Fries")
    wait_until_sent(page)
    page.goto(f"/tablet/tabs/{tab_id}/pay")
    card = page.get_by_role("button", name="Pay by card")
    expect(card).to_be_enabled()
    page.route("**/tablet/**", lambda route: route.abort("connectionrefused"))
    expect(card).to_be_disabled()
    expect(page.locator("[data-offline-note]")).to_contain_text("Card payments need the connection")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    page.unroute("**/tablet/**")
    expect(card).to_be_enabled()
