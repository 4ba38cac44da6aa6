"""python manage.py demo: load the demo venue (idempotent) and print its sign-ins.

Safe to run again and again: the chart and programs are created only when missing, the demo
people are reset to their demo passwords, and the opening-balances entry has a fixed id, so the
ledger's idempotency turns a second posting into a no-op.
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from djmoney.money import Money

from ledger.chart import CHART_OPENED_ON, install_chart
from ledger.models import Account, EntryKind, Program
from ledger.services import credit, debit, post_entry

DEMO_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-4d0e-9a57-0d5e7a1c9b10")
OPENING_ENTRY_ID = uuid.uuid5(DEMO_NAMESPACE, "opening-balances")
DEMO_PEOPLE = [
    # Each: username, password, whether superuser, and what the sign-in is for.
    ("admin", "tillshare-admin", True, "administrator (Django admin)"),
    ("treasurer", "tillshare-treasurer", False, "treasurer"),
]
OPENING_BALANCES = [
    ("Assets:Bank:Checking", "12000.00"),
    ("Assets:Cash:Safe", "600.00"),
    ("Assets:Cash:Drawer1", "200.00"),
    ("Assets:Cash:Drawer2", "200.00"),
]


class Command(BaseCommand):
    help = "Load the demo venue: chart of accounts, programs, people and opening balances."

    @transaction.atomic
    def handle(self, *args, **options):
        created = install_chart(Account, Program)
        users = get_user_model()
        for username, password, superuser, _ in DEMO_PEOPLE:
            person, _ = users.objects.get_or_create(username=username)
            person.is_staff = True
            person.is_superuser = superuser
            person.set_password(password)
            person.save()
        total = sum(Money(amount, "USD") for _, amount in OPENING_BALANCES)
        entry = post_entry(
            entry_id=OPENING_ENTRY_ID,
            kind=EntryKind.OPENING,
            effective_date=max(CHART_OPENED_ON, datetime.date(2026, 1, 1)),
            memo="Opening balances of the demo venue",
            lines=[debit(name, Money(amount, "USD")) for name, amount in OPENING_BALANCES]
            + [credit("NetAssets:WithoutDonorRestrictions:Undesignated", total)],
            created_by=users.objects.get(username="treasurer"),
        )
        self.stdout.write(
            f"Demo venue ready: {Account.objects.count()} accounts ({created} new), "
            f"{Program.objects.count()} programs, opening balances at seq {entry.seq}."
        )
        self.stdout.write("Sign in at http://127.0.0.1:8000/admin/ with:")
        for username, password, _, description in DEMO_PEOPLE:
            self.stdout.write(f"  {description:<30} {username} / {password}")
