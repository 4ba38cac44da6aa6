"""python manage.py demo: load the demo venue (idempotent) and print its sign-ins.

Safe to run again and again: the chart, programs, menu, staff, drawers and tablets are created
only when missing, the demo PINs and passwords are reset, and the opening-balances entry has a
fixed id, so the ledger's idempotency turns a second posting into a no-op.
"""

import datetime
import uuid

from django.core.management.base import BaseCommand
from django.db import transaction
from djmoney.money import Money

from ledger.chart import install_chart
from ledger.models import Account, EntryKind, Program
from ledger.services import credit, debit, post_entry
from pos.demo import DEVICES, STAFF, load_demo_venue
from pos.models import StaffMember

DEMO_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-4d0e-9a57-0d5e7a1c9b10")
OPENING_ENTRY_ID = uuid.uuid5(DEMO_NAMESPACE, "opening-balances")
OPENING_DATE = datetime.date(2026, 1, 1)
OPENING_BALANCES = [
    ("Assets:Bank:Checking", "12000.00"),
    ("Assets:Cash:Safe", "1500.00"),
    ("Assets:Inventory:Food", "2400.00"),
    ("Assets:Inventory:Drinks", "600.00"),
    ("Assets:Inventory:Alcohol", "3100.00"),
    ("Assets:Inventory:Merchandise", "900.00"),
]


class Command(BaseCommand):
    help = "Load the demo venue: chart, programs, menu, staff, drawers, tablets, opening balances."

    @transaction.atomic
    def handle(self, *args, **options):
        accounts_created = install_chart(Account, Program)
        counts = load_demo_venue()
        total = sum((Money(amount, "USD") for _, amount in OPENING_BALANCES), Money(0, "USD"))
        entry = post_entry(
            entry_id=OPENING_ENTRY_ID,
            kind=EntryKind.OPENING,
            effective_date=OPENING_DATE,
            memo="Opening balances of the demo venue",
            lines=[debit(name, Money(amount, "USD")) for name, amount in OPENING_BALANCES]
            + [credit("NetAssets:WithoutDonorRestrictions:Undesignated", total)],
            created_by=StaffMember.objects.get(user__username="treasurer").user,
        )
        self.stdout.write(
            f"Demo venue ready: {Account.objects.count()} accounts ({accounts_created} new), "
            f"{Program.objects.count()} programs, {counts['items']} menu items in "
            f"{counts['categories']} categories, {counts['staff']} staff, {counts['drawers']} "
            f"drawers, {counts['devices']} tablets; opening balances at ledger seq {entry.seq}."
        )
        self.stdout.write("Web sign-in at http://127.0.0.1:8000/admin/ (username / password):")
        for username, name, role, _, password in STAFF:
            if password:
                self.stdout.write(f"  {name:<8} {role:<10} {username} / {password}")
        self.stdout.write("Staff PINs on the tablets:")
        for _, name, role, pin, _ in STAFF:
            self.stdout.write(f"  {name:<8} {role:<10} PIN {pin}")
        self.stdout.write("Tablet tokens (header 'Authorization: Device <token>'):")
        for name, _, _, token in DEVICES:
            self.stdout.write(f"  {name:<22} {token}")
