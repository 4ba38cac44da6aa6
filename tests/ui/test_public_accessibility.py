"""axe-core on the public transparency pages (issue 8): the index, a published quarter's report
and its Spanish reading, at a desktop and a phone width, have no serious or critical violation.

The browser fixtures are this folder's (tests/ui/conftest.py); the quarter is the reports
tests' worked 2026Q1, closed and published by their fixtures, imported here (the browser
fixture is session-wide, so it is not imported into tests/reports: two would start two
Playwrights in one thread).
"""

import pytest
from playwright.sync_api import expect

from tests.reports.conftest import closed_quarter, people, published  # noqa: F401 (fixtures)
from tests.ui.test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/transparency/", "/transparency/2026q1/", "/transparency/2026q1/?lang=es"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_public_pages_have_no_serious_or_critical_axe_violation(new_page, width):
    page = new_page(theme="light", viewport=VIEWPORTS[width])
    found: dict[str, list[str]] = {}
    for url in PAGES:
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        expect(page.locator("html")).to_have_attribute("lang", "es" if "lang=es" in url else "en")
        found[url] = blocking_violations(page)
    failing = {url: problems for url, problems in found.items() if problems}
    assert failing == {}, "\n".join(
        f"{url} at {width}: {problem}" for url, problems in failing.items() for problem in problems
    )
