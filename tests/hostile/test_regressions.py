"""What the hostile runs found, pinned: each answered 500 or broke the schema or the error shape."""

import json
import uuid

import pytest
from django.test import Client

from pos.models import Tab, TabLine


@pytest.fixture
def cashier(actors):
    client = Client()
    client.cookies.load(actors["cashier"].cookies)
    return client, actors["cashier"].headers


def test_rounding_up_a_check_that_does_not_exist_is_404_and_adds_nothing(cashier):
    client, headers = cashier
    lines = TabLine.objects.count()

    response = client.post("/api/v1/tabs/987654/round-up", {"line_id": str(uuid.uuid4())},
                           content_type="application/json", headers=headers)  # fmt: skip

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found", "message": "There is no tab 987654", "details": {},
    }  # fmt: skip
    assert TabLine.objects.count() == lines


def test_cancelling_an_unknown_card_attempt_is_404(cashier):
    client, headers = cashier
    attempt = uuid.uuid4()

    response = client.post(f"/cards/attempts/{attempt}/cancel", {},
                           content_type="application/json", headers=headers)  # fmt: skip

    assert response.status_code == 404
    assert response.json()["message"] == f"There is no card attempt {attempt}"


@pytest.mark.parametrize("path", ["/cards/attempts/not-a-uuid", "/cards/tabs/-1/holds"])
def test_a_card_path_with_a_malformed_id_is_a_json_404(cashier, path):
    client, headers = cashier

    response = client.post(path, headers=headers)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_line_times_and_amounts_match_the_schema_when_unsent(cashier):
    client, headers = cashier

    tab = client.get("/api/v1/tabs", headers=headers).json()[0]
    detail = client.get(f"/api/v1/tabs/{tab['id']}", headers=headers).json()

    line = detail["lines"][0]
    assert (line["sent_at"], line["voided_at"]) == (None, None)
    assert isinstance(line["amount"], str)


def test_a_body_past_the_upload_limit_is_a_json_413_and_writes_nothing(cashier, settings):
    client, headers = cashier
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    tabs = Tab.objects.count()
    body = json.dumps({"client_id": str(uuid.uuid4()), "name": "x" * 20_000})

    response = client.post("/api/v1/tabs", body, content_type="application/json", headers=headers)

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request body is larger than 10000 bytes",
        "details": {"limit": 10000},
    }
    assert Tab.objects.count() == tabs
