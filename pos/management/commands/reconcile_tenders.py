"""python manage.py reconcile_tenders --start DATE --end DATE: checks by tender vs the ledger."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ledger.money import format_cents
from pos.selectors import closed_check_tenders, ledger_sale_tenders


class Command(BaseCommand):
    help = "Compare what closed checks collected per tender with the ledger's sale entries."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="First business date (YYYY-MM-DD).")
        parser.add_argument("--end", required=True, help="Last business date (YYYY-MM-DD).")

    def handle(self, *args, start, end, **options):
        try:
            first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        except ValueError as error:
            raise CommandError(str(error)) from error
        checks = closed_check_tenders(start=first, end=last)
        ledger = ledger_sale_tenders(start=first, end=last, accounts=list(checks))
        self.stdout.write(f"{'Tender account':<26} {'Closed checks':>14} {'Ledger debits':>14}")
        for account in sorted(set(checks) | set(ledger)):
            self.stdout.write(
                f"{account:<26} {format_cents(checks.get(account, 0)):>14} "
                f"{format_cents(ledger.get(account, 0)):>14}"
            )
        if checks != ledger:
            raise CommandError("Closed checks and the ledger disagree.")
        self.stdout.write(f"Equal to the cent, {first} to {last}.")
