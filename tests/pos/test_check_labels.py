"""How the tablet screens name a check: by name, by table, or both, never with a stray
separator; and the closed-checks list dates a check of an earlier business day."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.utils import timezone

from pos.services.checkout import pay_cash
from pos.services.tabs import add_line, open_tab, send_to_preparation
from tests.pos.conftest import usd
from tests.screens import TabletClient

pytestmark = pytest.mark.django_db


def thursday_evening(later: datetime.timedelta = datetime.timedelta()) -> datetime.datetime:
    """Thursday 26 November 2026, 20:00 in the venue's time zone (plus `later`); the business
    day starts at 4:00."""
    venue_zone = timezone.get_current_timezone()
    return datetime.datetime(2026, 11, 26, 20, 0, tzinfo=venue_zone) + later


@pytest.fixture
def tablet(venue):
    """The venue's bar tablet's screens, for the cashier."""
    return TabletClient(venue.tablet, venue.cashier)


def closed_fries(venue, **who) -> int:
    """A check for one order of fries ($4.50 + 8.25% tax = $4.87), paid in cash; its id."""
    tab = open_tab(client_id=uuid.uuid4(), staff=venue.cashier, device=venue.tablet, **who)
    add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=venue.fries.id, staff=venue.cashier,
             device=venue.tablet)  # fmt: skip
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("4.87"), tendered=usd("5.00"),
             staff=venue.cashier, device=venue.tablet)  # fmt: skip
    return tab.id


def row_header(page: str, tab_id: int) -> str:
    return re.search(rf'<th scope="row">({tab_id}: [^<]*)</th>', page).group(1)


def test_the_closed_list_names_each_check_by_what_it_was_opened_with(venue, tablet):
    at_table = closed_fries(venue, table="19")
    named = closed_fries(venue, name="Alex")
    both = closed_fries(venue, name="Alex", table="13")
    tablet.sign_in()

    page = tablet.get("/tablet/closed").content.decode()

    assert row_header(page, at_table) == f"{at_table}: table 19"
    assert row_header(page, named) == f"{named}: Alex"
    assert row_header(page, both) == f"{both}: Alex · table 13"


def test_a_table_only_receipt_and_kitchen_ticket_start_with_the_table(venue, tablet):
    tab = open_tab(client_id=uuid.uuid4(), table="7", staff=venue.cashier, device=venue.tablet)
    add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=venue.fries.id, staff=venue.cashier,
             device=venue.tablet)  # fmt: skip
    send_to_preparation(tab_id=tab.id, staff=venue.cashier, device=venue.tablet)
    tablet.sign_in()

    receipt = tablet.get(f"/tablet/tabs/{tab.id}/receipt").content.decode()
    kitchen = tablet.get("/kitchen/tickets?station=grill").content.decode()

    assert re.search(r'<p class="center">table 7<br>', receipt)
    assert re.search(r'<h3 id="kticket-\d+">table 7 <span class="meta">', kitchen)


def test_a_check_of_an_earlier_business_day_shows_its_date(venue, tablet):
    with time_machine.travel(thursday_evening(), tick=False):
        yesterday = closed_fries(venue, name="Sam")
    # 1:30 after midnight still belongs to Thursday's business day; Friday 20:00 does not.
    with time_machine.travel(thursday_evening(datetime.timedelta(hours=5, minutes=30)), tick=False):
        late = closed_fries(venue, name="Kim")
    with time_machine.travel(thursday_evening(datetime.timedelta(days=1)), tick=False):
        today = closed_fries(venue, name="Ana")
        tablet.sign_in()
        page = tablet.get("/tablet/closed").content.decode()

    closed = dict(re.findall(r'<th scope="row">(\d+): [^<]*</th>\s*<td>([^<]*)</td>', page))
    assert closed == {str(yesterday): "Thu 26 Nov, 20:00", str(late): "Fri 27 Nov, 01:30",
                      str(today): "20:00"}  # fmt: skip


def test_a_check_number_opens_its_receipt_and_an_unknown_one_says_so(venue, tablet):
    number = closed_fries(venue, name="Sam")
    still_open = open_tab(client_id=uuid.uuid4(), name="Kim", staff=venue.cashier,
                          device=venue.tablet)  # fmt: skip
    tablet.sign_in()

    found = tablet.get("/tablet/closed", {"check": f"#{number}"})
    missing = tablet.get("/tablet/closed", {"check": "99999"})
    not_closed = tablet.get("/tablet/closed", {"check": str(still_open.id)})
    garbage = tablet.get("/tablet/closed", {"check": "1; drop"})
    huge = tablet.get("/tablet/closed", {"check": "9" * 30})

    assert (found.status_code, found.url) == (302, f"/tablet/tabs/{number}/receipt")
    assert {missing.status_code, not_closed.status_code, garbage.status_code, huge.status_code} == {
        404
    }
    assert "No closed check has the number 99999" in missing.content.decode()
    assert f"No closed check has the number {still_open.id}" in not_closed.content.decode()
    assert "No closed check has the number 1; drop" in garbage.content.decode()
