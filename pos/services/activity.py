"""Record an action in the audit trail, inside the transaction of the action itself.

`record` writes one action. A service that takes several actions in one step (a payment that
closes its check) builds them with `entry` and writes them with `record_all`: one INSERT for
the lot, in order. `record_sign_in` writes a sign-in attempt (pos.models.SignIn).
"""

import datetime

from django.utils import timezone

from pos import clock, sql
from pos.models import Activity, Device, SignIn, StaffMember, Tab


def entry(
    *,
    action: str,
    staff: StaffMember | int,
    device: Device | int | None,
    tab: Tab | int | None = None,
    approved_by: StaffMember | None = None,
    **detail,
) -> Activity:
    """Return the (unsaved) record that `staff` did `action` on `device`, with its details.

    Staff, device and tab are objects or their ids (a service that holds only the ids need not
    load the rows). Detail values are stored as strings.
    """
    return Activity(
        at=clock.now(),
        action=action,
        staff_id=getattr(staff, "pk", staff),
        device_id=getattr(device, "pk", device),
        approved_by=approved_by,
        tab_id=getattr(tab, "pk", tab),
        detail={key: str(value) for key, value in detail.items()},
    )


def record(
    *,
    action: str,
    staff: StaffMember,
    device: Device | None,
    tab: Tab | None = None,
    approved_by: StaffMember | None = None,
    **detail,
) -> Activity:
    """Write who did `action`, on which device, with its details (JSON-safe values)."""
    activity = entry(
        action=action, staff=staff, device=device, tab=tab, approved_by=approved_by, **detail
    )
    activity.save(force_insert=True)
    return activity


def record_all(activities: list[Activity]) -> None:
    """Write the records built by `entry`, in order, in one statement (fixed SQL: pos.sql)."""
    if activities:
        sql.insert(activities)


def record_sign_in(
    *,
    kind: str,
    outcome: str,
    staff: StaffMember | None = None,
    device: Device | None = None,
    username: str = "",
    address: str | None = None,
    at: datetime.datetime | None = None,
) -> SignIn:
    """Write one sign-in attempt (SignIn.Kind, SignIn.Outcome), refused or not."""
    return SignIn.objects.create(
        at=at or timezone.now(),
        kind=kind,
        outcome=outcome,
        staff=staff,
        device=device,
        username=username[:150],
        address=address,
    )
