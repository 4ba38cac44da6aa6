"""python manage.py verify_ledger: recompute the chain and every total; exit 1 on any failure."""

from django.core.management.base import BaseCommand, CommandError

from ledger.verification import verify_ledger


class Command(BaseCommand):
    help = "Verify the hash chain, gapless seq, balance, snapshots and the trial balance."

    def handle(self, *args, **options):
        report = verify_ledger()
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
