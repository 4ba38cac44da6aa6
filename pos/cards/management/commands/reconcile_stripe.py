"""python manage.py reconcile_stripe [--payout ID]: payouts against the ledger; exit 1 if off."""

from django.core.management.base import BaseCommand, CommandError

from pos.cards.reconciliation import money, reconcile


class Command(BaseCommand):
    help = "Check each Stripe payout's balance transactions and the clearing balance."

    def add_arguments(self, parser):
        parser.add_argument("--payout", help="Check only this payout (po_…).")

    def handle(self, *args, payout=None, **options):
        report = reconcile(payout_id=payout)
        if payout and not report.payouts:
            raise CommandError(f"No payout {payout} has been recorded")
        for check in report.payouts:
            self.stdout.write(
                f"Payout {check.payout.id} ({check.payout.status}, arriving "
                f"{check.payout.arrival_date}): {money(check.payout.amount)}; "
                f"{len(check.transactions)} balance transactions, "
                f"net {money(check.transactions_net)}"
            )
            for txn in check.transactions:
                self.stdout.write(
                    f"  {txn.id:<16} {txn.type:<10} {txn.source:<28} amount {money(txn.amount):>10}"
                    f"  fee {money(txn.fee):>8}  net {money(txn.net):>10}"
                )
            for mismatch in check.mismatches:
                self.stdout.write(f"  MISMATCH: {mismatch}")
        self.stdout.write(
            f"Clearing (Assets:Stripe:Clearing): ledger {money(report.clearing_in_ledger)}, "
            f"expected {money(report.clearing_expected)}"
        )
        for mismatch in report.mismatches:
            self.stdout.write(f"MISMATCH: {mismatch}")
        if not report.ok:
            raise CommandError("Stripe does not reconcile with the ledger (see MISMATCH lines)")
        self.stdout.write("Reconciled: every payout adds up and clearing is as expected.")
