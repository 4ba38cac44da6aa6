"""The treasurer's screens and API, through the test client (session sign-in)."""

import datetime
import uuid

import pytest

from tests.treasury.conftest import sell, spend
from treasury.models import Disbursement
from treasury.services.earmarks import post_top_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(people, policy):
    sell("20000.00", day=datetime.date(2026, 1, 5))
    spend("19000.00", day=datetime.date(2026, 1, 6))
    post_top_up(period="2026Q1")  # the fridge holds 600.00
    return people


def test_the_dashboard_shows_the_quarter_to_the_treasurer_only(client, funded):
    client.force_login(funded["coordinator"])
    assert client.get("/treasurer/?period=2026Q1").status_code == 403
    client.force_login(funded["treasurer"])
    page = client.get("/treasurer/?period=2026Q1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "$20,000.00" in text  # qualifying net sales
    assert "$1,000.00" in text  # floor and designation
    assert "Community fridge &amp; pantry" in text


def test_the_close_screen_runs_the_checklist(client, funded):
    client.force_login(funded["treasurer"])
    page = client.get("/treasurer/close/2026Q1/")
    assert "Not run yet." in page.content.decode()
    answer = client.post("/treasurer/close/2026Q1/")
    assert answer.status_code == 302
    text = client.get("/treasurer/close/2026Q1/").content.decode()
    assert text.count("status-done") >= 6  # five steps and the run
    assert "locked at chain seq" in text


def test_the_api_creates_a_disbursement_once_and_refuses_another_body(client, funded):
    client.force_login(funded["coordinator"])
    body = {"id": str(uuid.uuid4()), "program": "community-fridge", "payee_type": "vendor",
            "payee_name": "Farm Foods", "help_type": "groceries",
            "public_title": "Fridge restock", "amount": "120.00"}  # fmt: skip
    assert client.post("/api/v1/treasury/disbursements", body).status_code == 403
    client.force_login(funded["board"])
    first = client.post("/api/v1/treasury/disbursements", body, content_type="application/json")
    again = client.post("/api/v1/treasury/disbursements", body, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["amount"] == "120.00"
    other = client.post("/api/v1/treasury/disbursements", {**body, "amount": "121.00"},
                        content_type="application/json")  # fmt: skip
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"
    assert Disbursement.objects.count() == 1


def test_the_api_answers_a_broken_rule_in_the_error_shape(client, funded):
    client.force_login(funded["board"])
    item_id = str(uuid.uuid4())
    client.post("/api/v1/treasury/disbursements",
                {"id": item_id, "program": "community-fridge", "payee_type": "vendor",
                 "payee_name": "Farm Foods", "help_type": "groceries",
                 "public_title": "Fridge restock", "amount": "120.00"},
                content_type="application/json")  # fmt: skip
    url = f"/api/v1/treasury/disbursements/{item_id}"
    submit = {"action_id": str(uuid.uuid4())}
    assert (
        client.post(f"{url}/submit", submit, content_type="application/json").json()["status"]
        == "submitted"
    )
    # A retry of the same action is answered without acting twice.
    assert client.post(f"{url}/submit", submit, content_type="application/json").status_code == 200
    own = client.post(f"{url}/approve", {"action_id": str(uuid.uuid4())},
                      content_type="application/json")  # fmt: skip
    assert own.status_code == 409
    assert own.json()["code"] == "separation_of_duties"
    bad = client.post(f"{url}/approve", {"action_id": "nope"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_input")
    earmark = client.get("/api/v1/treasury/earmarks/2026Q1").json()
    assert (earmark["designation"], earmark["by_program"][0]["amount"]) == ("1000.00", "600.00")


def test_a_new_policy_version_through_the_api_by_the_board_only(client, people, policy):
    body = {"effective_from": "2026-04-01", "floor_percent": "6", "share_percent": "35",
            "weights": {"community-fridge": 50, "skill-share": 50}, "dual_approval": "400.00",
            "pay_it_forward_mode": "restricted", "meal_credit": "12.00", "rollover_days": 45,
            "rollover_program": "community-fridge", "note": "Spring review"}  # fmt: skip
    client.force_login(people["coordinator"])
    refused = client.post("/api/v1/treasury/policy", body, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(people["board2"])
    first = client.post("/api/v1/treasury/policy", body, content_type="application/json")
    again = client.post("/api/v1/treasury/policy", body, content_type="application/json")
    assert first.json() == again.json() == {"version": 2, "effective_from": "2026-04-01"}
    other = client.post("/api/v1/treasury/policy", {**body, "floor_percent": "7"},
                        content_type="application/json")  # fmt: skip
    assert (other.status_code, other.json()["code"]) == (400, "invalid_input")
    versions = client.get("/treasurer/policy/").content.decode()
    assert "Version 2, in force from April 1, 2026" in versions
    assert "Version 1, in force from" in versions


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(client, funded):
    client.force_login(funded["board"])
    body = {"id": str(uuid.uuid4()), "program": "skill-share", "payee_type": "vendor",
            "payee_name": "Hardware Co-op", "help_type": "workshop materials",
            "public_title": "Bike repair kits", "amount": "80.00"}  # fmt: skip
    key = {"HTTP_IDEMPOTENCY_KEY": "req-1"}
    first = client.post("/api/v1/treasury/disbursements", body,
                        content_type="application/json", **key)  # fmt: skip
    again = client.post("/api/v1/treasury/disbursements", body,
                        content_type="application/json", **key)  # fmt: skip
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = client.post("/api/v1/treasury/disbursements", {**body, "id": str(uuid.uuid4())},
                        content_type="application/json", **key)  # fmt: skip
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_conflict")
