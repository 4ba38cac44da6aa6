"""The access matrix: every route of the site x every role, exactly as tests/security/policy.py
says.

The routes come from the URL resolver (and the API's from the drf-spectacular schema too), not
from a hand-kept list: a new route, or a new method on an API view, without a rule in the
policy fails the test until someone decides who may use it. Each role is one person of the demo
venue with every credential the role gets: a web session (the cashier too, though the demo
gives cashiers no password: a cashier who got one still sees no back office), the bar tablet
signed in with a PIN on its screens (refused for the treasurer and the board, who then have
only the tablet), and the API's Device and staff tokens.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from pos.models import StaffMember
from tests.security.conftest import BAR_TABLET, PINS, ROLE_MEMBER, sign_in
from tests.security.policy import ADMIN_MODELS, ANONYMOUS, POLICY, ROLES

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = {"/admin/login/", "/tablet/device", "/tablet/pin"}
SIGN_OUTS = {("tablet/lock", "POST"), ("admin/logout/", "POST")}  # their answer: a sign-in page
UUID = "00000000-0000-4000-8000-000000000000"
# A value for each path parameter: ids that do not exist (the gate answers before the lookup).
SAMPLES = {
    "slug:slug": "2099q1", "int:version": "1", "slug:name": "trial-balance",
    "str:period": "2099Q1", "str:action": "approve", "slug:action": "pause",
    "path:content_type_id": "1", "path:object_id": "1",
}  # fmt: skip
ADMIN_APPS = re.compile(r"\(\?P<app_label>[a-z_|]+\)")


def routes() -> dict[str, object]:
    """Every route of config.urls (admin model pages apart) and its view callback."""
    models = {f"admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}
    found = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route not in models:  # each model's pages: test_admin_models
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found[ADMIN_APPS.sub("APPS", route)] = pattern.callback

    walk(get_resolver().url_patterns, "")
    return found


def view_methods(callback) -> set[str] | None:
    """The methods a class-based view answers (None for a function view)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return None
    return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}


def url_of(route: str) -> str:
    if route == "admin/^APPS/$":
        return "/admin/pos/"
    if route.endswith(".*$"):  # a catch-all: its 404
        return "/" + re.sub(r"\^|\(\?P<url>\.\*\)\$|\.\*\$", "", route) + "no-such-page/"

    def fill(match: re.Match) -> str:
        key = match.group(1)
        return SAMPLES.get(key) or (UUID if key.startswith("uuid:") else "999999")

    return "/" + re.sub(r"<([a-z]+:\w+)>", fill, route)


def allowed(response, route: str, method: str) -> bool:
    assert response.status_code not in (405, 500), (route, method, response.status_code)
    if response.status_code == 403 and response.get("Content-Type") == "application/json":
        # Past the gate, the service asks for a manager's PIN (the override's own rule).
        return response.json()["code"] == "manager_approval_required"
    if response.status_code in (401, 403):
        return False
    location = response.get("HX-Redirect") or (
        response.get("Location") if response.status_code in (301, 302, 303) else None
    )
    if location and urlsplit(location).path in SIGN_IN_PAGES:
        return (route, method) in SIGN_OUTS
    return True


def person(role: str) -> dict:
    """A client with every credential of the role's demo member, and its API headers."""
    client = Client()
    if role == ANONYMOUS:
        return {"client": client, "headers": {}}
    username = ROLE_MEMBER[role]
    staff = StaffMember.objects.select_related("user").get(user__username=username)
    client.force_login(staff.user)
    client.post("/tablet/device", {"token": BAR_TABLET})
    client.post("/tablet/pin", {"staff": staff.id, "pin": PINS[username]})  # floor roles only
    token = sign_in(Client(), BAR_TABLET, staff, PINS[username]).json()["staff_token"]
    return {
        "client": client,
        "headers": {"Authorization": f"Device {BAR_TABLET}", "X-Staff-Token": token},
    }


def request(who: dict, method: str, url: str):
    client, headers = who["client"], who["headers"]
    if method == "GET":
        return client.get(url, headers=headers)
    if url.startswith(("/api/", "/cards/")):
        return client.generic(method, url, "{}", "application/json", headers=headers)
    return client.generic(method, url, "", "application/x-www-form-urlencoded", headers=headers)


def test_every_route_has_a_rule_for_each_method_it_answers():
    found = routes()
    ruled = {route for route, _ in POLICY}
    missing, stale = sorted(set(found) - ruled), sorted(ruled - set(found))
    assert not missing, f"routes without a rule in tests/security/policy.py: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"
    for route, callback in found.items():
        methods = view_methods(callback)
        if methods and not route.startswith("admin/"):  # a catch-all has none: all
            assert methods == {m for r, m in POLICY if r == route}, route
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS), "admin models without a rule in ADMIN_MODELS"


def test_every_api_operation_in_the_schema_has_a_rule():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (path, method.upper())
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    ruled = {("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r).replace("{pk}", "{id}"), m)
             for r, m in POLICY}  # fmt: skip
    missing = sorted(operations - ruled)
    assert not missing, f"API operations without a rule in tests/security/policy.py: {missing}"
    assert len(operations) > 60  # the schema was really read


def test_access_matrix(demo, capsys):
    people = {role: person(role) for role in ROLES}
    # Signing out last: it ends the session the other requests use.
    cells = sorted(POLICY.items(), key=lambda cell: cell[0] in SIGN_OUTS)
    wrong = []
    for (route, method), expected in cells:
        url = url_of(route)
        for role in ROLES:
            got = allowed(request(people[role], method, url), route, method)
            if got != (role in expected):
                wrong.append(f"{method} {url} {role}: {'allowed' if got else 'denied'}")
    with capsys.disabled():
        print(
            f"\naccess matrix: {len(POLICY)} route-methods x {len(ROLES)} roles = "
            f"{len(POLICY) * len(ROLES)} cells, {len(wrong)} unexpected"
        )
    assert not wrong, "\n".join(wrong)


def test_admin_models(demo, capsys):
    people = {role: person(role) for role in ROLES}
    wrong = []
    for label, (listed, adding) in sorted(ADMIN_MODELS.items()):
        app, model = label.split(".")
        for url, expected in (
            (f"/admin/{app}/{model}/", listed),
            (f"/admin/{app}/{model}/add/", adding),
        ):
            for role in ROLES:
                got = allowed(request(people[role], "GET", url), url, "GET")
                if got != (role in expected):
                    wrong.append(f"GET {url} {role}: {'allowed' if got else 'denied'}")
    with capsys.disabled():
        print(
            f"\nadmin matrix: {len(ADMIN_MODELS) * 2} pages x {len(ROLES)} roles = "
            f"{len(ADMIN_MODELS) * 2 * len(ROLES)} cells, {len(wrong)} unexpected"
        )
    assert not wrong, "\n".join(wrong)
