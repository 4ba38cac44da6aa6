"""sweep_authorizations, a hold taken on the reader, and the staff-only reconciliation page."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from pos.cards.models import CardAttempt
from pos.cards.terminal import hold_card
from tests.cards.conftest import check_with, deliver_all
from tests.pos.conftest import usd

pytestmark = pytest.mark.django_db


def hold(venue, amount="50.00"):
    tab = check_with(venue, venue.fries)
    return hold_card(tab_id=tab.id, hold_id=uuid.uuid4(), amount=usd(amount),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip


def test_a_hold_taken_on_the_reader_is_authorized_by_its_webhook(venue, fake, reader, client):
    attempt = hold(venue)
    assert attempt.status == CardAttempt.Status.PROCESSING
    fake.present_card("tmr_bar_1")
    deliver_all(client, fake)
    attempt.refresh_from_db()
    assert attempt.status == CardAttempt.Status.AUTHORIZED
    assert attempt.capture_before is not None
    assert fake.held == {attempt.payment_intent: 5000}


def test_sweep_lists_stale_and_expiring_holds_and_cancels_them_on_request(venue, fake):
    fresh, stale, expiring = hold(venue), hold(venue, "20.00"), hold(venue, "30.00")
    now = timezone.now()
    CardAttempt.objects.filter(id=stale.id).update(created_at=now - datetime.timedelta(hours=25))
    CardAttempt.objects.filter(id=expiring.id).update(
        capture_before=now + datetime.timedelta(hours=2)
    )
    out = io.StringIO()
    call_command("sweep_authorizations", stdout=out)
    report = out.getvalue()
    assert str(stale.id) in report
    assert str(expiring.id) in report
    assert str(fresh.id) not in report
    assert "2 hold(s) to review" in report
    assert len(fake.held) == 3, "listing releases nothing"

    out = io.StringIO()
    call_command("sweep_authorizations", "--cancel", stdout=out)
    assert "2 hold(s) released" in out.getvalue()
    assert set(fake.held) == {fresh.payment_intent}
    statuses = dict(CardAttempt.objects.values_list("id", "status"))
    assert statuses == {fresh.id: "authorized", stale.id: "cancelled", expiring.id: "cancelled"}


def test_the_reconciliation_page_is_for_staff_only(venue, fake, client, admin_client):
    assert client.get("/cards/reconciliation/").status_code == 302
    page = admin_client.get("/cards/reconciliation/")
    assert page.status_code == 200
    assert b"Everything reconciles." in page.content
