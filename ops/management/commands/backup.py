"""python manage.py backup PATH: one consistent snapshot of the whole database (see ops.backup).

Safe while the venue sells: SQLite is copied with its online backup API, PostgreSQL with
pg_dump in one exported snapshot. Prints the ledger the backup holds (entries, chain head).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup, site_database


class Command(BaseCommand):
    help = "Back up the whole database to PATH (SQLite online backup, or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write (replaced if it exists).")

    def handle(self, *args, path, **options):
        target = Path(path)
        try:
            state = backup(path=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {site_database()} to {target} ({target.stat().st_size:,} bytes): "
            f"{state.describe()}."
        )
