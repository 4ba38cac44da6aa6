"""python manage.py close_period 2026Q1 [--user treasurer]: run the quarterly close checklist.

Runs the steps not done yet (re-run it after an interruption or a failed step: it continues
where it stopped), prints each step and, once closed, the quarter's earmark figures.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ledger.money import format_cents
from treasury.exceptions import TreasuryError
from treasury.models import CloseStep
from treasury.selectors.earmarks import quarter_figures
from treasury.services.close import STEP_TITLES, run_close


class Command(BaseCommand):
    help = "Close a fiscal quarter: cut-off, reconciliations, closing entry, top-up, lock."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The quarter, like 2026Q1.")
        parser.add_argument(
            "--user", default="treasurer", help="The treasurer's username (recorded per step)."
        )

    def handle(self, *args, period, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"There is no user {user!r}")

        def show(step: CloseStep) -> None:
            mark = {"done": "done", "failed": "FAILED", "pending": "to do"}[step.status]
            self.stdout.write(f"[{mark:>6}] {STEP_TITLES[step.name]}: {step.detail}")

        try:
            run = run_close(period=period, user=account, on_step=show)
        except TreasuryError as error:
            raise CommandError(error.message) from error
        failed = run.steps.filter(status=CloseStep.Status.FAILED).first()
        if failed is not None:
            raise CommandError(
                f"{period} is not closed: {STEP_TITLES[failed.name]} failed. Fix it and run "
                "the command again; it continues from that step."
            )
        figures = quarter_figures(period=run.period)
        policy = figures.policy
        self.stdout.write(f"{run.period} closed. Earmark policy v{policy.version}:")
        self.stdout.write(
            f"  qualifying net sales {format_cents(figures.qualifying_net_sales):>12}"
        )
        self.stdout.write(f"  venue surplus        {format_cents(figures.surplus):>12}")
        self.stdout.write(
            f"  floor ({policy.floor_percent}% of sales)  {format_cents(figures.floor):>10}"
        )
        self.stdout.write(
            f"  share ({policy.share_percent}% of surplus) {format_cents(figures.share):>9}"
        )
        self.stdout.write(f"  designation          {format_cents(figures.designation):>12}")
        for part in figures.parts:
            self.stdout.write(
                f"    {part.program.name:<28} weight {part.weight:>3} "
                f"{format_cents(part.cents):>12}"
            )
