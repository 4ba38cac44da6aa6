"""What the quarterly close asks of other apps, without importing them.

The treasury never imports the point of sale. The point of sale registers, in its AppConfig
`ready()`, callables the close runs:

- cut-off checks (`register_cutoff_check`): "all drawers closed", "all checks closed" ... Each
  takes the quarter and returns a list of problems in plain words; any problem fails the
  cut-off step with those words.
- reconciliations (`register_reconciliation`): "closed checks by tender equal the ledger",
  "drawer variances" ... Each returns `(problems, notes)`: problems fail the step, notes are
  shown on the checklist (e.g. the quarter's drawer variances).
"""

from collections.abc import Callable

from ledger.periods import Quarter

CutoffCheck = Callable[[Quarter], list[str]]
Reconciliation = Callable[[Quarter], tuple[list[str], list[str]]]

_CUTOFF_CHECKS: dict[str, CutoffCheck] = {}
_RECONCILIATIONS: dict[str, Reconciliation] = {}


def register_cutoff_check(name: str, check: CutoffCheck) -> None:
    """Add (or replace) a named cut-off check."""
    _CUTOFF_CHECKS[name] = check


def register_reconciliation(name: str, check: Reconciliation) -> None:
    """Add (or replace) a named reconciliation."""
    _RECONCILIATIONS[name] = check


def cutoff_checks() -> dict[str, CutoffCheck]:
    return dict(sorted(_CUTOFF_CHECKS.items()))


def reconciliations() -> dict[str, Reconciliation]:
    return dict(sorted(_RECONCILIATIONS.items()))
