"""Every operation of /api/schema/, fuzzed by schemathesis as each role, in-process.

Schemathesis reads the schema the running app serves (drf-spectacular) and sends generated
requests, valid and invalid, to Django's WSGI handler (config.wsgi's) in this process, so they
hit the test database. Each response must pass: no 5xx, a documented status code and content
type, a body that matches the documented schema. Requests go out as each role (cashier,
manager, treasurer, board member, admin) with both sign-ins: the tablet's headers and a web
session with its CSRF cookie, so session-authenticated operations (the treasury's) are reached
too.

Random identifiers in a path only ever find nothing, so half the time a path parameter is
replaced by one that exists (the demo venue's, or what earlier requests created): the requests
then reach the services behind the 404s. The number of examples per operation is bounded
(HOSTILE_FUZZ_EXAMPLES, default 4: 5 roles x 63 operations x 4 = 1,260 requests, half of
them generated to be invalid) and the run is derandomized, so it is repeatable.
"""

import os
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ledger.periods import quarter_of
from pos.models import Drawer, DrawerSession, Item, Tab, TabLine
from pos.rentals.models import Booking, Deposit, RentalSession, Resource
from treasury.models import Disbursement

EXAMPLES = int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# (path pattern, parameter) -> where existing values come from.
EXISTING = [
    (r"/tabs/", "tab_id", lambda: Tab.objects.values_list("id", flat=True)),
    (r"/items/", "item_id", lambda: Item.objects.values_list("id", flat=True)),
    (r"/lines/", "line_id", lambda: TabLine.objects.values_list("id", flat=True)),
    (r"/drawers/", "drawer_id", lambda: Drawer.objects.values_list("id", flat=True)),
    (r"/drawer-sessions/", "session_id",
     lambda: DrawerSession.objects.values_list("id", flat=True)),
    (r"/rentals/resources/", "resource_id", lambda: Resource.objects.values_list("id", flat=True)),
    (r"/rentals/sessions/", "session_id",
     lambda: RentalSession.objects.values_list("id", flat=True)),
    (r"/rentals/deposits/", "deposit_id", lambda: Deposit.objects.values_list("id", flat=True)),
    (r"/rentals/bookings/", "booking_id", lambda: Booking.objects.values_list("id", flat=True)),
    (r"/treasury/disbursements/", "id", lambda: Disbursement.objects.values_list("id", flat=True)),
    (r"/treasury/disbursements/", "action",
     lambda: ["submit", "approve", "reject", "cancel", "pay"]),
    (r"/treasury/", "period", lambda: ["2026Q1", "2026Q2", quarter_of(timezone.localdate()).name]),
]  # fmt: skip


@pytest.fixture
def wsgi_app(actors):
    """The project's WSGI handler, keeping the test's database connection between requests.

    Django closes old connections when a request starts and ends; inside a test that would
    close the connection holding the test's transaction (its own test client unhooks them too).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def existing_values(path: str, name: str) -> list[str]:
    for pattern, parameter, values in EXISTING:
        if parameter == name and re.search(pattern, path):
            return [str(value) for value in values()]
    return []


def fuzz(operation, actor) -> tuple[int, list[str]]:
    """Send EXAMPLES generated requests to one operation; return (sent, failure reports)."""
    sent, failures = [0], []
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])  # fmt: skip
    @given(case=cases, data=st.data())
    def send(case, data):
        for name in list(case.path_parameters or {}):
            known = existing_values(case.path, name)
            if known and data.draw(st.booleans(), label=f"existing {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
        sent[0] += 1
        try:
            case.call_and_validate(headers=actor.headers, cookies=actor.cookies, checks=CHECKS)
        except FailureGroup as error:
            failures.append(str(error))

    send()
    return sent[0], failures


def fuzz_as(role: str):
    """A test of every operation of the schema, signed in as this role."""

    def test(wsgi_app, actors):
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
        operations = [result.ok() for result in schema.get_all_operations()]
        report = {}
        for operation in operations:
            report[operation.label] = fuzz(operation, actors[role])
        sent = sum(count for count, _ in report.values())
        failed = {label: found for label, (_, found) in report.items() if found}
        print(f"{role}: {len(operations)} operations, {sent} requests, "
              f"{sum(map(len, failed.values()))} failures in {len(failed)} operations")  # fmt: skip
        assert not failed, "\n".join(f"{label}:\n{found[0]}" for label, found in failed.items())

    return test


test_as_cashier = fuzz_as("cashier")
test_as_manager = fuzz_as("manager")
test_as_treasurer = fuzz_as("treasurer")
test_as_board_member = fuzz_as("board")
test_as_admin = fuzz_as("admin")
