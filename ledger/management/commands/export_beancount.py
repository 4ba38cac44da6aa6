"""python manage.py export_beancount PATH [--period 2026Q1]: a file bean-check accepts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.beancount import write_beancount
from ledger.periods import quarter_named


class Command(BaseCommand):
    help = "Export the ledger (or one period, with opening balances) as a beancount file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write ('-' for standard output).")
        parser.add_argument("--period", help="Only this fiscal quarter, e.g. 2026Q1.")

    def handle(self, *args, path, period, **options):
        if period is not None:
            try:
                quarter_named(period)
            except ValueError as error:
                raise CommandError(str(error)) from error
        if path == "-":
            written = write_beancount(self.stdout, period=period)
        else:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as out:
                written = write_beancount(out, period=period)
            self.stderr.write(f"wrote {written} entries to {target}")
