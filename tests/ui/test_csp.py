"""The screens work under production's Content-Security-Policy (config/csp.py) in Chromium,
with no violation: the tablet's order screen (tap an item, the line reaches the server), the
games board (its refresh, which no longer evaluates a string), the public transparency pages
with a published quarter (inline SVG charts, the inlined stylesheet), the treasurer's screens,
the statements, the admin and the kitchen display.

The test server runs the test settings, so each response gets production's header here, on its
way to the browser (Playwright's routing). A control proves the policy is really enforced and
its violations really caught: an injected inline script is refused and reported.
"""

import pytest
from csp.utils import build_policy
from playwright.sync_api import expect

from config.csp import CONTENT_SECURITY_POLICY
from pos.demo import DEVICES, STAFF
from tests.reports.conftest import closed_quarter, people, published  # noqa: F401 (fixtures)
from tests.ui.screens import open_tab, sign_in, tap_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KITCHEN = DEVICES[2][3]
PASSWORDS = {username: password for username, _, _, _, password in STAFF}
HEADER = build_policy(config=CONTENT_SECURITY_POLICY["DIRECTIVES"])
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                           e.sourceFile + ":" + e.lineNumber);
});
"""


def under_production_csp(page) -> list[str]:
    """Give every response production's CSP header; return the list the violations go to."""
    console: list[str] = []

    def with_policy(route) -> None:
        response = route.fetch(max_redirects=0)  # the browser follows redirects itself
        route.fulfill(response=response,
                      headers={**response.headers, "content-security-policy": HEADER})  # fmt: skip

    page.route("**/*", with_policy)
    page.add_init_script(WATCH)
    page.on("console", lambda m: console.append(m.text) if "Security Policy" in m.text else None)
    return console


def violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


def refused_inline_script(page) -> bool:
    """Inject an inline script: under the policy it does not run, and it is reported."""
    ran = page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__inlineRan = true";
        document.head.appendChild(s);
        return window.__inlineRan === true;
    }""")
    page.wait_for_function("() => window.__violations.length > 0")  # a function: no eval
    return not ran


def test_the_order_screen_and_the_games_board_run_under_the_policy(venue, new_page):
    page = new_page()
    console = under_production_csp(page)
    sign_in(page)
    tab_id = open_tab(page, "Ari")
    tap_item(page, "Sticker", category="Merchandise")
    # (screens.wait_until_sent passes an expression, which Playwright evaluates: not under CSP)
    page.wait_for_function("() => window.Tillshare && window.Tillshare.queue().length === 0")
    expect(page.locator("#ticket")).to_contain_text("Sticker")
    page.goto("/tablet/rentals/")
    with page.expect_request("**/tablet/rentals/"):  # the board refreshes itself
        pass
    page.goto(f"/tablet/tabs/{tab_id}/pay")
    assert violations(page, console) == []
    assert refused_inline_script(page)
    page.unroute_all(behavior="ignoreErrors")  # the board may still be polling


@pytest.mark.usefixtures("published")
def test_the_transparency_pages_run_under_the_policy(new_page):
    page = new_page(theme="light")
    console = under_production_csp(page)
    for url in ("/transparency/", "/transparency/2026q1/", "/transparency/2026q1/?lang=es"):
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        assert response.headers["content-security-policy"] == HEADER
        assert violations(page, console) == [], url
    expect(page.locator("svg").first).to_be_visible()
    assert refused_inline_script(page)
    page.unroute_all(behavior="ignoreErrors")


def test_the_back_office_and_the_kitchen_run_under_the_policy(venue, new_page):
    page = new_page(theme="light")
    console = under_production_csp(page)
    page.goto("/admin/login/?next=/treasurer/")
    page.get_by_label("Username").fill("treasurer")
    page.get_by_label("Password").fill(PASSWORDS["treasurer"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/treasurer/")
    for url in ("/treasurer/", "/treasurer/disbursements/", "/treasurer/bank/",
                "/treasurer/policy/", "/treasurer/close/2026Q1/", "/reports/statements/",
                "/reports/statements/activities/", "/reports/transparency/",
                "/admin/"):  # fmt: skip
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        assert violations(page, console) == [], url
    sign_in(page, token=KITCHEN, staff=None)
    page.goto("/kitchen/")
    with page.expect_request("**/kitchen/tickets*"):  # the display refreshes itself
        pass
    assert violations(page, console) == []
    page.unroute_all(behavior="ignoreErrors")


def test_the_api_docs_run_under_the_policy_from_this_site_alone(venue, new_page, live_server):
    """Swagger UI comes from the site's static files (drf-spectacular-sidecar): it renders the
    schema with no violation and asks nothing of any other host (no CDN on the venue's wifi)."""
    page = new_page(theme="light")
    console = under_production_csp(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto("/api/docs/")

    assert response is not None
    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tillshare API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert violations(page, console) == []
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert any("swagger-ui-bundle.js" in url for url in requested)
    page.unroute_all(behavior="ignoreErrors")
