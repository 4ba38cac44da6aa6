"""python manage.py trial_balance [--as-of DATE | --period 2026Q1] [--format table|csv|json]."""

import csv
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from ledger.periods import quarter_named
from ledger.selectors import trial_balance


class Command(BaseCommand):
    help = "Print every account's balance as of a date (or a quarter's activity)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Balances at the end of this date (YYYY-MM-DD).")
        parser.add_argument("--period", help="Activity over one fiscal quarter, e.g. 2026Q1.")
        parser.add_argument(
            "--format", dest="output_format", choices=["table", "csv", "json"], default="table"
        )

    def handle(self, *args, as_of, period, output_format, **options):
        if as_of and period:
            raise CommandError("Give --as-of or --period, not both.")
        try:
            as_of_date = datetime.date.fromisoformat(as_of) if as_of else None
            if period:
                quarter_named(period)
        except ValueError as error:
            raise CommandError(str(error)) from error
        report = trial_balance(as_of=as_of_date, period=period)
        {"table": self._table, "csv": self._csv, "json": self._json}[output_format](report)

    def _table(self, report):
        width = max([len(row.account) for row in report.rows] + [len("Account")])
        scope = (
            f"activity {report.start} to {report.end}"
            if report.start
            else f"balances as of {report.end or 'today (all postings)'}"
        )
        self.stdout.write(f"Trial balance, {scope}")
        self.stdout.write(f"{'Account':<{width}}  {'Debit':>14}  {'Credit':>14}")
        for row in report.rows:
            line = f"{row.account:<{width}}  {_amount(row.debit):>14}  {_amount(row.credit):>14}"
            self.stdout.write(line.rstrip())
        for currency, (debits, credits) in report.totals.items():
            self.stdout.write(
                f"{'Total ' + currency:<{width}}  {debits.amount:>14,.2f}  {credits.amount:>14,.2f}"
            )
        self.stdout.write("Balanced." if report.balanced else "NOT BALANCED.")

    def _csv(self, report):
        writer = csv.writer(self.stdout)
        writer.writerow(["account", "currency", "debit", "credit"])
        for row in report.rows:
            writer.writerow(
                [row.account, row.currency, f"{row.debit.amount:.2f}", f"{row.credit.amount:.2f}"]
            )

    def _json(self, report):
        self.stdout.write(
            json.dumps(
                {
                    "start": report.start.isoformat() if report.start else None,
                    "end": report.end.isoformat() if report.end else None,
                    "balanced": report.balanced,
                    "rows": [
                        {
                            "account": row.account,
                            "currency": row.currency,
                            "debit": f"{row.debit.amount:.2f}",
                            "credit": f"{row.credit.amount:.2f}",
                        }
                        for row in report.rows
                    ],
                    "totals": {
                        currency: {"debit": f"{d.amount:.2f}", "credit": f"{c.amount:.2f}"}
                        for currency, (d, c) in report.totals.items()
                    },
                },
                indent=2,
            )
        )


def _amount(money) -> str:
    return f"{money.amount:,.2f}" if money.amount else ""
