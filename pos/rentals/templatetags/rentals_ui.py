"""Template filters of the games screens: status labels, durations, lookups."""

from django import template

from pos.rentals.models import RentalSession, Resource

register = template.Library()
LABELS = {**dict(Resource.Status.choices), **dict(RentalSession.Status.choices)}


@register.filter
def status_label(status: str) -> str:
    """ "in_use" -> "In use"; a session's "stopped" -> "Stopped"."""
    return LABELS.get(status, status)


@register.filter
def duration(seconds: int) -> str:
    """Seconds as h:mm:ss for people: 4020 -> "1:07:00"; negative ones keep their sign."""
    sign = "-" if seconds < 0 else ""
    minutes, second = divmod(abs(int(seconds)), 60)
    hours, minute = divmod(minutes, 60)
    return f"{sign}{hours}:{minute:02d}:{second:02d}"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "")
