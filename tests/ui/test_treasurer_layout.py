"""The treasurer's dashboard in Chromium: its sums are read whole, at a laptop's width and a
phone's, however large a busy quarter makes them."""

import pytest

from pos.demo import STAFF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = {username: password for username, _, _, _, password in STAFF}["treasurer"]
LARGE = "$1,239,768.64"


@pytest.mark.parametrize("width", [1280, 390])
def test_each_figure_of_the_quarter_stays_on_one_line_inside_its_tile(venue, new_page, width):
    page = new_page(theme="light", viewport={"width": width, "height": 800})
    page.goto("/admin/login/?next=/treasurer/")
    page.get_by_label("Username").fill("treasurer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/treasurer/")
    # The demo quarter's sums are small: the first becomes a busy quarter's sales.
    page.locator(".figure .value").first.evaluate(f"(value) => value.textContent = '{LARGE}'")

    layout = page.locator(".figure .value").evaluate_all("""values => values.map(value => {
        const tile = value.closest(".figure").getBoundingClientRect();
        const box = value.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(value).lineHeight);
        return [value.textContent, box.height < 1.5 * line,
                box.left >= tile.left && box.right <= tile.right];
    })""")

    assert layout[0] == [LARGE, True, True]
    assert [(one_line, inside) for _, one_line, inside in layout] == [(True, True)] * 7


@pytest.mark.parametrize("path", ["/treasurer/", "/treasurer/disbursements/"])
def test_on_a_phone_the_page_is_as_wide_as_the_screen_and_wide_tables_scroll_in_their_card(
    venue, new_page, path
):
    page = new_page(theme="light", viewport={"width": 390, "height": 800})
    page.goto(f"/admin/login/?next={path}")
    page.get_by_label("Username").fill("treasurer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")

    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert page.locator("header .who").text_content() == "Taylor · treasurer"
    cards = page.locator(".card").evaluate_all(
        "cards => cards.map(card => card.getBoundingClientRect().right <= 390)"
    )
    assert len(cards) >= 2
    assert all(cards)
