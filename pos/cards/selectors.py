"""Reads for card payments: holds that should be captured or released soon."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from pos import clock
from pos.cards.models import CardAttempt

STUCK_MINUTES = 10  # a reader waiting longer than this for a card has been forgotten
# The reader a station's card payments go to (fixed SQL, a WHERE on cards_reader; %s: the
# station): its one active reader (a constraint), the lowest id should that ever change.
STATION_READER = "id = (SELECT min(id) FROM cards_reader WHERE station = %s AND active)"


def holds_to_sweep(*, now: datetime.datetime | None = None) -> QuerySet[CardAttempt]:
    """Authorized holds that are stale or near their capture deadline, oldest first."""
    now = now or clock.now()
    stale = now - datetime.timedelta(hours=settings.CARDS_HOLD_STALE_HOURS)
    deadline = now + datetime.timedelta(hours=settings.CARDS_HOLD_DEADLINE_MARGIN_HOURS)
    return (
        CardAttempt.objects.filter(kind=CardAttempt.Kind.HOLD, status=CardAttempt.Status.AUTHORIZED)
        .filter(Q(created_at__lt=stale) | Q(capture_before__lt=deadline))
        .select_related("tab")
        .order_by("created_at")
    )


def stuck_attempts(*, now: datetime.datetime | None = None) -> QuerySet[CardAttempt]:
    """Attempts still waiting on a reader long after the guest should have tapped."""
    now = now or clock.now()
    return CardAttempt.objects.filter(
        status=CardAttempt.Status.PROCESSING,
        updated_at__lt=now - datetime.timedelta(minutes=STUCK_MINUTES),
    ).select_related("reader")
