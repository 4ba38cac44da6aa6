"""axe-core on every tablet screen, in the light and the dark theme: no serious or critical
violation. Each screen is also saved as a 1280x800 screenshot under test-artifacts/ui/, and
the order screen must reflow without a horizontal scrollbar at 200% text zoom (640x400 CSS px)
and in portrait."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pos.models import Device, Item, StaffMember, Ticket
from pos.services.tabs import add_line, send_to_preparation
from pos.services.tabs import open_tab as open_tab_service
from tests.ui.screens import closed_check, new_id, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    assert results.response["passes"], "axe checked nothing on this page"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def floor_with_a_tab() -> tuple[int, str]:
    """An open tab with a sent burger and a drink (a ticket on the display); its burger line."""
    casey = StaffMember.objects.get(display_name="Casey")
    tablet = Device.objects.get(name="Bar tablet")
    tab = open_tab_service(client_id=new_id(), name="Ari", table="7", staff=casey, device=tablet)
    burger = Item.objects.get(name="Classic burger")
    medium = burger.modifier_groups.get(name="Doneness").modifiers.get(name="Medium")
    line = add_line(tab_id=tab.id, line_id=new_id(), item_id=burger.id, modifier_ids=[medium.id],
                    note="no pickles", staff=casey, device=tablet)  # fmt: skip
    soda = Item.objects.get(name="Soda")
    add_line(tab_id=tab.id, line_id=new_id(), item_id=soda.id, staff=casey, device=tablet)
    send_to_preparation(tab_id=tab.id, staff=casey, device=tablet)
    return tab.id, str(line.id)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_screen_has_no_serious_or_critical_axe_violation(venue, new_page, theme):
    closed = closed_check("Bo")  # opens the bar drawer too
    tab_id, line_id = floor_with_a_tab()
    page = new_page(theme=theme)
    found: dict[str, list[str]] = {}

    def scan(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("data-theme", theme)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        found[name] = blocking_violations(page)
        screenshot(page, f"{name}-{theme}")

    page.goto("/tablet/device")
    scan("device-sign-in")
    sign_in(page, staff=None)
    page.get_by_role("link", name="Casey").click()
    scan("pin")
    page.get_by_label("PIN for Casey").fill("1111")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/tablet/tabs")
    scan("tabs")
    page.goto(f"/tablet/tabs/{tab_id}")
    scan("order")
    page.locator(".tile", has_text="Classic burger").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    scan("order-options")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="86 items").click()
    scan("order-86-mode")
    page.goto(f"/tablet/tabs/{tab_id}/pay?parts=2")
    scan("pay")
    page.get_by_role("button", name="Exact cash").click()
    expect(page.get_by_role("dialog", name="Please confirm")).to_be_visible()
    scan("pay-confirm")
    page.get_by_role("button", name="Go back").click()
    page.goto(f"/tablet/tabs/{tab_id}/split")
    scan("split")
    page.goto(f"/tablet/lines/{line_id}/void")
    scan("void")
    page.goto("/tablet/closed")
    scan("closed-checks")
    page.goto(f"/tablet/tabs/{closed.id}/receipt")
    scan("receipt")
    page.goto(f"/tablet/tabs/{closed.id}/refund")
    scan("refund")
    page.goto("/tablet/drawer")
    scan("drawer")
    page.get_by_role("link", name="X report").click()
    scan("x-report")
    page.goto("/kitchen/")
    expect(page.locator(".kticket")).to_have_count(Ticket.objects.count())
    scan("kitchen")

    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize(
    ("label", "viewport"),
    [("zoom-200", {"width": 640, "height": 400}), ("portrait", {"width": 800, "height": 1280})],
)
def test_the_order_and_pay_screens_reflow_at_200_percent_zoom_and_in_portrait(
    venue, new_page, label, viewport
):
    tab_id, _ = floor_with_a_tab()
    page = new_page(viewport=viewport)
    sign_in(page)
    for screen, url in (("order", f"/tablet/tabs/{tab_id}"), ("pay", f"/tablet/tabs/{tab_id}/pay")):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        screenshot(page, f"{screen}-{label}")
        assert overflow <= 0, f"{screen} scrolls sideways by {overflow}px at {label}"
