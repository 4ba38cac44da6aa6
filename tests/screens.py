"""A Django test client on a tablet's screens, for the screens tested without a browser."""

from django.test import Client
from django.utils import timezone

from pos.models import Device, StaffMember
from pos.ui.session import DEVICE_KEY, SEEN_KEY, STAFF_KEY


class TabletClient(Client):
    """A test client that signs in as a tablet's web session does (device, then staff)."""

    def __init__(self, device: Device, staff: StaffMember) -> None:
        super().__init__()
        self.device, self.staff = device, staff

    def sign_in(self) -> None:
        """Sign in (again): the session counts as just used, so it is not locked."""
        session = self.session
        session[DEVICE_KEY], session[STAFF_KEY] = self.device.id, self.staff.id
        session[SEEN_KEY] = timezone.now().timestamp()
        session.save()
