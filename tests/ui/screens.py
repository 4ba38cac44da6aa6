"""Steps shared by the browser tests: sign in, open a tab, tap items, wait for the queue."""

import uuid
from pathlib import Path

from djmoney.money import Money

from pos.models import Device, Item, StaffMember, Tab
from pos.services.checkout import pay_cash
from pos.services.drawers import open_drawer
from pos.services.tabs import add_line
from pos.services.tabs import open_tab as open_tab_service

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
BAR_TABLET = "demo-bar-tablet"
GRILL_TABLET = "demo-grill-tablet"
KITCHEN_DISPLAY = "demo-kitchen-display"
TIMES = "\u00d7"  # the multiplication sign the screens print between quantity and item
PINS = {"Casey": "1111", "Jordan": "3333", "Morgan": "2222"}


def qty(quantity: int, name: str) -> str:
    """A ticket row as the screens print it: 2, "Fries" -> "2 (times sign) Fries"."""
    return f"{quantity} {TIMES} {name}"


def each(denomination: str) -> str:
    """The label of a count field: "$20" -> "$20 (times sign)"."""
    return f"{denomination} {TIMES}"


def sign_in(page, *, token: str = BAR_TABLET, staff: str | None = "Casey") -> None:
    """Sign the tablet in with its token, then the staff member with their PIN (two taps)."""
    page.goto("/tablet/device")
    page.get_by_label("Tablet token").fill(token)
    page.get_by_role("button", name="Sign in tablet").click()
    if staff is None:
        return
    page.get_by_role("link", name=staff).click()
    page.get_by_label(f"PIN for {staff}").fill(PINS[staff])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/tablet/tabs")


def open_tab(page, name: str, table: str = "") -> int:
    page.goto("/tablet/tabs")
    page.get_by_label("Name").fill(name)
    if table:
        page.get_by_label("Table").fill(table)
    page.get_by_role("button", name="Open tab").click()
    page.wait_for_url("**/tablet/tabs/*")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def tap_item(page, name: str, category: str | None = None) -> None:
    if category:
        page.get_by_role("navigation", name="Menu categories").get_by_role(
            "link", name=category
        ).click()
    page.locator(".tile", has_text=name).first.click()


def confirm(page) -> None:
    """Answer the confirmation that money-moving actions ask for."""
    dialog = page.get_by_role("dialog", name="Please confirm")
    dialog.get_by_role("button", name="Confirm").click()


def wait_until_sent(page) -> None:
    """Wait until the offline queue is empty (every queued line answered by the server)."""
    page.wait_for_function("window.Tillshare && window.Tillshare.queue().length === 0")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def closed_check(name: str) -> Tab:
    """A check closed through the services: two fries and a soda, paid in cash."""
    casey = StaffMember.objects.get(display_name="Casey")
    tablet = Device.objects.get(name="Bar tablet")
    open_drawer(session_id=new_id(), drawer_id=tablet.drawer_id, count={}, staff=casey)
    tab = open_tab_service(client_id=new_id(), name=name, staff=casey, device=tablet)
    fries, soda = Item.objects.get(name="Fries"), Item.objects.get(name="Soda")
    for item in (fries, fries, soda):
        add_line(tab_id=tab.id, line_id=new_id(), item_id=item.id, staff=casey, device=tablet)
    # 4.50 + 4.50 + 3.00 = 12.00, tax 8.25% = 0.99: 12.99.
    pay_cash(tab_id=tab.id, payment_id=new_id(), amount=usd("12.99"), tendered=usd("12.99"),
             staff=casey, device=tablet)  # fmt: skip
    return Tab.objects.get(id=tab.id)
