"""The close checklist as the screen shows it: every step, run or not yet."""

from treasury.models import CloseRun, CloseStep
from treasury.services.close import STEPS


def close_checklist(*, period: str) -> tuple[CloseRun | None, list[tuple[str, CloseStep]]]:
    """The quarter's run (None before the first) and (title, step) for each step in order.

    Steps not created yet are shown as unsaved rows waiting to be run.
    """
    run = CloseRun.objects.filter(period=period).first()
    saved = {step.name: step for step in run.steps.all()} if run else {}
    steps = [
        (title, saved.get(name) or CloseStep(name=name, position=position))
        for position, (name, title) in enumerate(STEPS, 1)
    ]
    return run, steps
