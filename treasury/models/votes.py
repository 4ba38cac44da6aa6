"""The advisory member vote on the program split, and the board's decision beside it.

Ballots carry no name: only a hash of the member's ballot code, so a member votes once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ledger.models import Program


class VoteRound(models.Model):
    period = models.CharField(max_length=8, unique=True, help_text="The quarter it advises.")
    min_points = models.PositiveSmallIntegerField(default=0)
    max_points = models.PositiveSmallIntegerField(default=100)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.CheckConstraint(
                name="treasury_vote_bounds_valid",
                condition=Q(min_points__lte=models.F("max_points"), max_points__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"Vote for {self.period}"


class Ballot(models.Model):
    round = models.ForeignKey(VoteRound, related_name="ballots", on_delete=models.PROTECT)
    code_hash = models.CharField(max_length=64, help_text="SHA-256 of the member's ballot code.")
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(name="treasury_ballot_once", fields=["round", "code_hash"]),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.id} for {self.round.period}"


class BallotPoints(models.Model):
    ballot = models.ForeignKey(Ballot, related_name="points", on_delete=models.PROTECT)
    program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    points = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(name="treasury_points_once", fields=["ballot", "program"]),
        ]

    def __str__(self) -> str:
        return f"{self.points} points to {self.program}"


class BoardDecision(models.Model):
    round = models.OneToOneField(VoteRound, related_name="decision", on_delete=models.PROTECT)
    split = models.JSONField(help_text="Program slug -> points, summing to 100.")
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Board decision for {self.round.period}"
