"""`manage.py publish_report 2026Q1`: publish the quarter's approved version (the screen's button).

For scripting the whole workflow, `--draft-as treasurer --summary "..."` drafts it first and
`--approve-as riley` approves it as that board member; the same rules apply as on the screen
(the approver is a board member who did not draft it).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports import selectors, services
from reports.snapshot.builder import SnapshotError


class Command(BaseCommand):
    help = "Build, seal and publish a quarter's approved transparency report."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The quarter, like 2026Q1.")
        parser.add_argument("--draft-as", help="Draft it first as this treasurer (username).")
        parser.add_argument("--summary", default="", help="The plain-language summary (English).")
        parser.add_argument("--summary-es", default="", help="The same summary in Spanish.")
        parser.add_argument("--errata", default="", help="For a correction: what changed, why.")
        parser.add_argument("--approve-as", help="Approve it as this board member (username).")
        parser.add_argument("--publish-as", help="Publish as this treasurer (default: drafter).")

    def handle(self, *args, **options):
        period = options["period"].upper()
        users = get_user_model().objects
        try:
            if options["draft_as"]:
                if not options["summary"].strip():
                    raise CommandError("Drafting needs --summary")
                services.draft_report(
                    period=period,
                    summary_en=options["summary"],
                    summary_es=options["summary_es"],
                    errata=options["errata"],
                    drafted_by=users.get(username=options["draft_as"]),
                )
            if options["approve_as"]:
                services.approve_report(
                    period=period, approved_by=users.get(username=options["approve_as"])
                )
            draft = selectors.open_version(period=period)
            if draft is None:
                raise CommandError(f"There is no draft of {period} (use --draft-as)")
            publisher = (
                users.get(username=options["publish_as"])
                if options["publish_as"]
                else draft.drafted_by
            )
            report = services.publish_report(period=period, published_by=publisher)
        except users.model.DoesNotExist as error:
            raise CommandError(f"No such user: {error}") from error
        except (services.ReportError, SnapshotError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Published {report.period} version {report.version}\n"
            f"  snapshot sha256  {report.snapshot_sha256}\n"
            f"  ledger head      {report.ledger_head_seq} {report.ledger_head_hash}\n"
            f"  previous seal    {report.previous_seal}\n"
            f"  seal             {report.seal}\n"
            f"  page             /transparency/{report.slug}/"
        )
