"""`manage.py verify_report PATH_OR_URL`: check a downloaded report JSON against its seal.

It recomputes the SHA-256 of the file's bytes and the seal from the ledger head and previous
seal the file records, and looks for that seal, for that quarter and version, in the list of
published seals: `--seals PATH_OR_URL`, else the site's /transparency/seals.json when the
report was given as a URL, else this installation's database. Where this database has the
quarter closed, the ledger head in the file must also be the one recorded at the close.
Any changed byte changes the digest, so the seal is no longer in the list: it fails.
"""

import json
import urllib.parse
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ledger.models import Period
from reports import selectors
from reports.snapshot.seal import SnapshotFormatError, seal_of


def _read(location: str) -> bytes:
    if location.startswith(("http://", "https://")):
        with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310 (http(s) only)
            return response.read()
    return Path(location).read_bytes()


class Command(BaseCommand):
    help = "Recompute a transparency report's seal and check it against the published seals."

    def add_arguments(self, parser):
        parser.add_argument("location", help="Path or URL of the report's .json download.")
        parser.add_argument("--seals", help="Path or URL of seals.json (default: see above).")

    def handle(self, *args, **options):
        location = options["location"]
        try:
            check = seal_of(_read(location))
        except (OSError, SnapshotFormatError) as error:
            raise CommandError(f"FAIL: {error}") from error
        self.stdout.write(f"{check.period} version {check.version}")
        self.stdout.write(f"  sha256 of the file   {check.snapshot_sha256}")
        self.stdout.write(f"  recomputed seal      {check.seal}")
        if not check.canonical:
            raise CommandError("FAIL: the file is not in canonical form (it was re-written)")
        seals = self._seals(location, options["seals"])
        match = [s for s in seals if s["seal"] == check.seal]
        if not match or (match[0]["period"], match[0]["version"]) != (check.period, check.version):
            raise CommandError(
                "FAIL: this seal is not among the published seals: the file differs from "
                "what was published"
            )
        closed = Period.objects.filter(name=check.period, status=Period.Status.CLOSED).first()
        if closed is not None and (closed.head_seq, closed.head_hash) != (
            match[0]["ledger_head_seq"],
            match[0]["ledger_head_hash"],
        ):
            raise CommandError("FAIL: the ledger head differs from the one recorded at the close")
        self.stdout.write(self.style.SUCCESS("OK: the seal matches the published seal"))

    def _seals(self, location: str, seals_location: str | None) -> list[dict]:
        if seals_location is None and location.startswith(("http://", "https://")):
            seals_location = urllib.parse.urljoin(location, "/transparency/seals.json")
        if seals_location is None:
            return selectors.seals()
        try:
            return json.loads(_read(seals_location))["seals"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"FAIL: cannot read the seals: {error}") from error
