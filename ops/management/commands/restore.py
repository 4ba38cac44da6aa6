"""python manage.py restore PATH [--force]: replace the database with a backup, then verify it.

Refuses a damaged file, a file that is not a Tillshare backup, a backup of the other database
engine, and a database that already holds ledger entries (unless --force). Prints what it
restored, then `verify_ledger`'s summary; exits non-zero if the restored ledger fails it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.verification import verify_ledger
from ops.backup import BackupError, restore, site_database


class Command(BaseCommand):
    help = "Restore the whole database from a backup made by `backup`, then verify the ledger."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds ledger entries.",
        )

    def handle(self, *args, path, force, **options):
        source = Path(path)
        try:
            state = restore(path=source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {source} into the {site_database()}: {state.describe()}.")
        report = verify_ledger()
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
