"""What every tablet screen's view shares: the layout's context and form errors in words."""

from django import forms
from django.http import HttpRequest

from pos.ui import selectors
from pos.ui.session import LOCK_AFTER


def screen_context(request: HttpRequest, nav: str = "", **extra) -> dict:
    """What every staff screen's layout needs: the auto-lock delay and the 86'd items."""
    return {
        "nav": nav,
        "lock_after_seconds": int(LOCK_AFTER.total_seconds()),
        # A callable: the template calls it only for a whole page, not for a fragment.
        "out_of_stock_ids": selectors.out_of_stock_ids,
        **extra,
    }


def first_error(form: forms.Form) -> str:
    """The form's first error, with its field's label, for the screen's error line."""
    for field, messages in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label or field.replace('_', ' ').capitalize()}: {messages[0]}"
    return ""
