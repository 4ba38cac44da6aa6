"""The games screens on a tablet: the board, start, pause, resume, stop, and the bill."""

import re

import pytest

from pos.rentals.models import RentalSession
from tests.screens import TabletClient

pytestmark = pytest.mark.django_db

BOARD = "/tablet/rentals/"


@pytest.fixture
def screen(floor):
    return TabletClient(floor.tablet, floor.cashier)


def start_form(page: str, resource_id: int) -> dict:
    """The hidden client UUID the board rendered for a resource's Start form."""
    field = (
        r'name="client_id" value="([0-9a-f-]+)">\s*'
        rf'<input type="hidden" name="resource_id" value="{resource_id}"'
    )
    return {"client_id": re.search(field, page).group(1), "resource_id": resource_id}


def test_the_board_needs_a_signed_in_tablet(floor, screen):
    response = screen.get(BOARD)
    assert response.status_code == 302
    assert response.url == "/tablet/device"


def test_worked_example_on_the_board_and_its_bill(floor, clock, screen, new_tab):
    tab = new_tab()
    clock.at(16, 50)
    screen.sign_in()
    page = screen.get(BOARD).content.decode()
    assert "Shuffleboard 1" in page
    assert "✓</span> Free" in page
    form = {**start_form(page, floor.table1.id), "tab_id": tab.id, "players": 2}
    assert screen.post(BOARD + "start", form).status_code == 302
    assert screen.post(BOARD + "start", form).status_code == 302  # a double tap: one session
    session = RentalSession.objects.get()
    clock.at(17, 30)
    screen.sign_in()
    running = screen.get(BOARD, headers={"HX-Request": "true"}).content.decode()
    assert "▶</span> In use" in running
    assert "0:40:00" in running
    assert "$10.33" in running
    screen.post(f"{BOARD}sessions/{session.id}/pause")
    clock.at(17, 40)
    screen.sign_in()
    assert "⏸</span> Paused" in screen.get(BOARD).content.decode()
    screen.post(f"{BOARD}sessions/{session.id}/resume")
    clock.at(18, 7)
    screen.sign_in()
    stopped = screen.post(f"{BOARD}sessions/{session.id}/stop")
    assert stopped.url == f"{BOARD}sessions/{session.id}"
    bill = screen.get(stopped.url).content.decode()
    rows = re.findall(r"<td>(\d\d:\d\d)</td><td>(\d\d:\d\d)</td>", bill)
    assert rows == [("16:50", "17:00"), ("17:00", "17:30"), ("17:30", "17:40"), ("17:40", "18:07")]
    assert "$16.33" in bill
    assert bill.count(">Games</a>") == 1, "the top bar's one link to the board"
    assert "$1.60" in bill


def test_a_refused_start_says_why(floor, clock, screen, new_tab):
    tab = new_tab()
    clock.at(12, 0)
    screen.sign_in()
    page = screen.get(BOARD).content.decode()
    form = {**start_form(page, floor.board1.id), "tab_id": tab.id}
    screen.post(BOARD + "start", form)
    again = screen.post(
        BOARD + "start", {**form, "client_id": start_form(page, floor.table1.id)["client_id"]}
    )
    assert again.status_code == 409
    assert "Dart board 1 is in_use" in again.content.decode()
    assert screen.post(BOARD + "start", {"resource_id": "x"}).status_code == 400


def test_every_tablet_screen_links_to_the_games_board(floor, screen):
    """Once, in the top bar: the board itself marks the link as the current page."""
    screen.sign_in()
    tabs_page = screen.get("/tablet/tabs").content.decode()
    assert '<a href="/tablet/rentals/" >Games</a>' in tabs_page
    board = screen.get(BOARD).content.decode()
    assert '<a href="/tablet/rentals/" aria-current="page">Games</a>' in board
    assert [page.count(">Games</a>") for page in (tabs_page, board)] == [1, 1]
