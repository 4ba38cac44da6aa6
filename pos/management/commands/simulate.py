"""python manage.py simulate --days N [--seed S] [--start YYYY-MM-DD]: realistic trading days."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.chart import CHART_OPENED_ON
from pos.simulation import simulate


class Command(BaseCommand):
    help = "Simulate trading days at the demo venue through the same services as the API."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--start", help="First business day (YYYY-MM-DD); default: --days days ago."
        )

    def handle(self, *args, days, seed, start, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        try:
            first = (
                datetime.date.fromisoformat(start)
                if start
                else timezone.localdate() - datetime.timedelta(days=days)
            )
        except ValueError as error:
            raise CommandError(f"--start: {error}") from error
        if first < CHART_OPENED_ON:
            raise CommandError(
                f"The ledger's accounts open on {CHART_OPENED_ON}: start there or later "
                f"(--start {CHART_OPENED_ON} or fewer --days)."
            )
        began = time.perf_counter()
        totals = simulate(days=days, start=first, seed=seed)
        last = first + datetime.timedelta(days=days - 1)
        self.stdout.write(
            f"Simulated {days} days ({first} to {last}, seed {seed}): {totals['checks']} checks, "
            f"{totals['refunds']} refunds, {totals['declines']} declined cards, "
            f"in {time.perf_counter() - began:.1f} s."
        )
