"""CSRF: every write to a page or API that signs people in with Django's session cookie is
refused without the CSRF token.

Those are the tablet screens (their device and PIN sign-in live in the session), the
treasurer's screens, the report workflow, the Django admin, and the treasury API (DRF's
SessionAuthentication, which enforces CSRF for session-authenticated requests).

The point-of-sale API (/api/v1/ apart from the treasury, /cards/) is not cookie-based: it
authenticates every request with `Authorization: Device <token>` and `X-Staff-Token`, headers a
browser never adds on its own to a cross-site request, so it is not CSRF-prone and takes no
CSRF token; a session cookie alone gets nothing from it (tested below). The Stripe webhook is
exempt too: Stripe's signature of the body is its credential (tests/cards).
"""

import re
import uuid

import pytest
from django.test import Client

from tests.security.conftest import API, BAR_TABLET, PINS, member
from tests.security.policy import ANONYMOUS, MANAGER, POLICY, ROLES
from tests.security.test_access_matrix import person, url_of

pytestmark = pytest.mark.django_db

HEADER_TOKEN_ROUTES = re.compile(r"^(api/v1/(?!treasury/)|cards/(?!reconciliation/)|\^cards/)")
NOT_SESSION = {"stripe/webhook/"}  # signed by Stripe, csrf_exempt


def session_writes() -> list[tuple[str, str, str]]:
    """(route, method, a role allowed to use it) for every write that rides on the session."""
    writes = []
    for (route, method), roles in sorted(POLICY.items()):
        if method == "GET" or route in NOT_SESSION or HEADER_TOKEN_ROUTES.match(route):
            continue
        writes.append((route, method, next(r for r in ROLES if r in roles and r != ANONYMOUS)))
    # The admin's model pages (not in POLICY): its actions, e.g. retiring a tablet.
    writes.append(("admin/pos/device/", "POST", MANAGER))
    return writes


def test_the_session_writes_are_the_expected_ones():
    writes = {route for route, _, _ in session_writes()}
    assert {
        "treasurer/close/<str:period>/", "api/v1/treasury/policy", "tablet/tabs", "tablet/pin",
        "reports/transparency/", "admin/logout/", "admin/pos/device/",
    } <= writes  # fmt: skip
    assert not any(route.startswith(("api/v1/tabs", "cards/")) for route in writes)
    assert len(writes) > 30


def test_every_session_write_without_the_csrf_token_is_refused(demo):
    people = {role: person(role) for role in ROLES if role != ANONYMOUS}
    refused, accepted = [], []
    for route, method, role in session_writes():
        guarded = Client(enforce_csrf_checks=True)
        guarded.cookies = people[role]["client"].cookies  # the role's signed-in session
        url = url_of(route)
        if route.startswith("api/"):
            response = guarded.generic(method, url, "{}", "application/json")
        else:
            response = guarded.generic(method, url, "", "application/x-www-form-urlencoded")
        if response.status_code == 403 and b"CSRF" in response.content:
            refused.append(route)
        else:
            accepted.append(f"{method} {url} as {role}: {response.status_code}")
    print(f"\nCSRF: {len(refused)} session-authenticated writes refused without the token")
    assert not accepted, "\n".join(accepted)


def test_with_the_token_the_same_writes_go_through(demo):
    """The refusals above are the missing token, not the role: with it, a tablet signs in and
    opens a tab; the same tab without it is refused."""
    client = Client(enforce_csrf_checks=True)

    def post(url: str, data: dict, *, token: bool = True):
        if token:
            data = {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        return client.post(url, data)

    client.get("/tablet/device")
    assert post("/tablet/device", {"token": BAR_TABLET}).status_code == 302
    casey = member("casey")
    assert post("/tablet/pin", {"staff": casey.id, "pin": PINS["casey"]}).status_code == 302
    tab = {"client_id": str(uuid.uuid4()), "name": "Sam"}
    assert post("/tablet/tabs", tab, token=False).status_code == 403
    opened = post("/tablet/tabs", tab)
    assert opened.status_code == 302
    assert opened["Location"].startswith("/tablet/tabs/")


def test_a_session_cookie_alone_gets_nothing_from_the_header_token_api(demo):
    signed_in = person("manager")["client"]  # web session and tablet session, no headers
    assert signed_in.get(API + "tabs").status_code == 401
    response = signed_in.post(API + "tabs", {"client_id": "x"}, content_type="application/json")
    assert response.status_code == 401  # the tokens, not the cookies, are the credential
