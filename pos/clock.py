"""The venue's clock: now, local time, and the business date a moment belongs to.

A bar's evening runs past midnight: until POS_BUSINESS_DAY_STARTS_AT_HOUR (4 a.m. by default)
a sale belongs to the evening before. That business date is the ledger entry's effective date.

Services read the time through `now()`, so that `simulate` can replay a past evening with
`running_at(moment)`: prices, happy hours and business dates then follow the simulated clock.
Ledger entries still record when they were really written (`recorded_at`).
"""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

_simulated_now: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "simulated_now", default=None
)


def now() -> datetime.datetime:
    return _simulated_now.get() or timezone.now()


@contextlib.contextmanager
def running_at(moment: datetime.datetime) -> Iterator[None]:
    """Run the block as if the clock showed moment (an aware datetime)."""
    token = _simulated_now.set(moment)
    try:
        yield
    finally:
        _simulated_now.reset(token)


def business_date(moment: datetime.datetime | None = None) -> datetime.date:
    local = timezone.localtime(moment or now())
    return (local - datetime.timedelta(hours=settings.POS_BUSINESS_DAY_STARTS_AT_HOUR)).date()


def local_time(moment: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(moment or now())
