"""python manage.py sweep_authorizations [--cancel]: stale or expiring card holds, stuck readers.

Lists authorized holds older than CARDS_HOLD_STALE_HOURS or within
CARDS_HOLD_DEADLINE_MARGIN_HOURS of their capture deadline; with --cancel, releases each one
(the guest is not charged). Attempts waiting on a reader for too long are listed too.
"""

from django.core.management.base import BaseCommand

from ledger.money import from_cents
from pos.cards.selectors import holds_to_sweep, stuck_attempts
from pos.cards.terminal import release_hold


class Command(BaseCommand):
    help = "List (and with --cancel, release) stale or expiring card holds."

    def add_arguments(self, parser):
        parser.add_argument("--cancel", action="store_true", help="Release the holds listed.")

    def handle(self, *args, cancel=False, **options):
        holds = list(holds_to_sweep())
        for hold in holds:
            deadline = hold.capture_before.isoformat() if hold.capture_before else "unknown"
            line = (
                f"Hold {hold.id} on check {hold.tab_id}: {from_cents(hold.amount, 'USD')}, "
                f"held since {hold.created_at.isoformat()}, capture before {deadline}"
            )
            if cancel:
                hold = release_hold(attempt_id=hold.id, reason="Released by sweep_authorizations")
                line += f" -> {hold.status}"
            self.stdout.write(line)
        for attempt in stuck_attempts():
            reader = attempt.reader.label if attempt.reader else "no reader"
            self.stdout.write(
                f"Attempt {attempt.id} on check {attempt.tab_id} has waited on {reader} "
                f"since {attempt.updated_at.isoformat()}"
            )
        self.stdout.write(f"{len(holds)} hold(s) {'released' if cancel else 'to review'}")
