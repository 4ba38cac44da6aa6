"""The venue's clock: local time, and the business date a moment belongs to.

A bar's evening runs past midnight: until POS_BUSINESS_DAY_STARTS_AT_HOUR (4 a.m. by default)
a sale belongs to the evening before. That business date is the ledger entry's effective date.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def business_date(moment: datetime.datetime | None = None) -> datetime.date:
    local = timezone.localtime(moment or timezone.now())
    return (local - datetime.timedelta(hours=settings.POS_BUSINESS_DAY_STARTS_AT_HOUR)).date()


def local_time(moment: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(moment or timezone.now())
