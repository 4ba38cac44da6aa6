"""Treasury data: the earmark policy, program funds, disbursements, donations, meal credits,
bills, bank lines, the advisory vote and the quarterly close.

Design overview
---------------
- Money that moves is in the ledger (one balanced entry per business event, through
  `ledger.services.post_entry`); these rows hold the workflow around it (who asked, who
  approved, what is still waiting) and point at their ledger entries. Amounts are integer cents.
- `TreasuryPolicy` is versioned and effective-dated: every version is kept with who approved
  it; the version in force on a date is the latest whose `effective_from` is on or before it.
- Individual recipients are never stored by name: a disbursement to an individual keeps only a
  private note for the treasurer, and public reads never return it.
"""

from treasury.models.closing import CloseRun, CloseStep
from treasury.models.disbursements import (
    Attachment,
    Disbursement,
    DisbursementAction,
    IdempotencyRecord,
)
from treasury.models.expenses import BankLine, Bill
from treasury.models.funds import Donation, ImpactFigure, MealCreditMovement
from treasury.models.policy import ProgramWeight, TreasuryPolicy
from treasury.models.votes import Ballot, BallotPoints, BoardDecision, VoteRound

__all__ = [
    "Attachment",
    "Ballot",
    "BallotPoints",
    "BankLine",
    "Bill",
    "BoardDecision",
    "CloseRun",
    "CloseStep",
    "Disbursement",
    "DisbursementAction",
    "Donation",
    "IdempotencyRecord",
    "ImpactFigure",
    "MealCreditMovement",
    "ProgramWeight",
    "TreasuryPolicy",
    "VoteRound",
]
