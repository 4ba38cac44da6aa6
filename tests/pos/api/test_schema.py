"""The OpenAPI schema: valid OpenAPI 3, every endpoint documented, no generator warnings."""

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/auth/pin": {"post"},
    "/api/v1/auth/me": {"get"},
    "/api/v1/ping": {"get"},
    "/api/v1/catalog": {"get"},
    "/api/v1/items/{item_id}/stock": {"post"},
    "/api/v1/tabs": {"get", "post"},
    "/api/v1/tabs/{tab_id}": {"get"},
    "/api/v1/tabs/{tab_id}/rename": {"post"},
    "/api/v1/tabs/{tab_id}/lines": {"post"},
    "/api/v1/lines/{line_id}/void": {"post"},
    "/api/v1/tabs/{tab_id}/send": {"post"},
    "/api/v1/tickets": {"get"},
    "/api/v1/tabs/{tab_id}/transfer": {"post"},
    "/api/v1/tabs/{tab_id}/merge": {"post"},
    "/api/v1/tabs/{tab_id}/split": {"post"},
    "/api/v1/tabs/{tab_id}/even-split": {"get"},
    "/api/v1/tabs/{tab_id}/adjustments": {"post"},
    "/api/v1/tabs/{tab_id}/payments": {"post"},
    "/api/v1/tabs/{tab_id}/close": {"post"},
    "/api/v1/tabs/{tab_id}/donations": {"post"},
    "/api/v1/tabs/{tab_id}/round-up": {"post"},
    "/api/v1/tabs/{tab_id}/meal-credits": {"post"},
    "/api/v1/tabs/{tab_id}/community-credit": {"post"},
    "/api/v1/tabs/{tab_id}/reopen": {"post"},
    "/api/v1/tabs/{tab_id}/refunds": {"post"},
    "/api/v1/drawers/{drawer_id}/open": {"post"},
    "/api/v1/drawer-sessions/{session_id}/movements": {"post"},
    "/api/v1/drawer-sessions/{session_id}/close": {"post"},
    "/api/v1/drawer-sessions/{session_id}/report": {"get"},
    # Game rentals (pos.rentals).
    "/api/v1/rentals/board": {"get"},
    "/api/v1/rentals/resources/{resource_id}/status": {"post"},
    "/api/v1/rentals/sessions": {"post"},
    "/api/v1/rentals/sessions/{session_id}": {"get"},
    "/api/v1/rentals/sessions/{session_id}/pause": {"post"},
    "/api/v1/rentals/sessions/{session_id}/resume": {"post"},
    "/api/v1/rentals/sessions/{session_id}/players": {"post"},
    "/api/v1/rentals/sessions/{session_id}/games": {"post"},
    "/api/v1/rentals/sessions/{session_id}/extend": {"post"},
    "/api/v1/rentals/sessions/{session_id}/transfer": {"post"},
    "/api/v1/rentals/sessions/{session_id}/adjustments": {"post"},
    "/api/v1/rentals/sessions/{session_id}/stop": {"post"},
    "/api/v1/rentals/deposits": {"get", "post"},
    "/api/v1/rentals/deposits/{deposit_id}/return": {"post"},
    "/api/v1/rentals/deposits/{deposit_id}/forfeit": {"post"},
    "/api/v1/rentals/deposits/{deposit_id}/apply": {"post"},
    "/api/v1/rentals/bookings": {"get", "post"},
    "/api/v1/rentals/bookings/{booking_id}/arrive": {"post"},
    "/api/v1/rentals/bookings/{booking_id}/no-show": {"post"},
    "/api/v1/rentals/bookings/{booking_id}/cancel": {"post"},
    # The treasury (session sign-in; treasurer and board).
    "/api/v1/treasury/earmarks/{period}": {"get"},
    "/api/v1/treasury/funds": {"get"},
    "/api/v1/treasury/disbursements": {"post"},
    "/api/v1/treasury/disbursements/{id}/{action}": {"post"},
    "/api/v1/treasury/close/{period}": {"get", "post"},
    "/api/v1/treasury/policy": {"post"},
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document


def test_every_endpoint_is_documented_with_its_methods(schema):
    documented = {
        path: set(operations) - {"parameters"}
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
    }
    assert documented == ENDPOINTS


def test_every_post_takes_an_idempotency_key_and_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/"):
                continue
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            expected = (
                {"Idempotency-Key"} if method == "post" and path != "/api/v1/auth/pin" else set()
            )
            assert headers == expected, (method, path)


def test_the_tablet_authenticates_with_a_device_token_and_a_staff_token(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["device"]["name"] == "Authorization"
    assert schemes["staffToken"]["name"] == "X-Staff-Token"
    assert schema["paths"]["/api/v1/auth/pin"]["post"]["security"] == [{"device": []}]
    assert schema["paths"]["/api/v1/tabs"]["get"]["security"] == [{"device": [], "staffToken": []}]


def test_the_generator_raises_no_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_the_interactive_docs_are_served(client):
    assert client.get("/api/docs/").status_code == 200
