"""Two tablets at once, committing for real, each in its own thread and database connection."""

import threading
import traceback
import uuid

import pytest
from django.db import connection

from pos.rentals.exceptions import BookingConflictError, ResourceBusyError
from pos.rentals.models import BookingSlot, RentalSession
from pos.rentals.services import bookings, sessions
from tests.rentals.conftest import local

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def together(*works):
    """Run each work() in its own thread, released at once; return results or the errors."""
    barrier = threading.Barrier(len(works))
    results = [None] * len(works)

    def run(index, work):
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except (ResourceBusyError, BookingConflictError) as error:
            results[index] = error
        except Exception:
            results[index] = AssertionError(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [r for r in results if isinstance(r, AssertionError)]
    assert not failures, failures[0]
    return results


def test_two_tablets_start_the_same_table_and_exactly_one_wins(floor, clock, new_tab):
    clock.at(12, 0)
    tabs = [new_tab("Sam"), new_tab("Kim")]

    def starter(tab):
        return lambda: sessions.start_session(
            session_id=uuid.uuid4(), resource_id=floor.table1.id, tab_id=tab.id,
            staff=floor.cashier, device=floor.tablet,
        )  # fmt: skip

    results = together(*(starter(tab) for tab in tabs))
    winners = [r for r in results if isinstance(r, RentalSession)]
    losers = [r for r in results if isinstance(r, ResourceBusyError)]
    assert (len(winners), len(losers)) == (1, 1)
    assert list(RentalSession.objects.values_list("id", flat=True)) == [winners[0].id]


def test_two_tablets_book_overlapping_slots_and_exactly_one_wins(floor, clock):
    clock.at(11, 0)

    def booker(name, start, end):
        return lambda: bookings.create_booking(
            booking_id=uuid.uuid4(), name=name, starts_at=local(*start), ends_at=local(*end),
            resource_ids=[floor.table1.id], staff=floor.cashier,
        )  # fmt: skip

    results = together(booker("Birthday", (18, 0), (20, 0)), booker("Team", (19, 0), (21, 0)))
    assert sorted(type(r).__name__ for r in results) == ["Booking", "BookingConflictError"]
    assert BookingSlot.objects.count() == 1
