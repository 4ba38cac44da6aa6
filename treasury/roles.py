"""Who may do what in the treasury: Django groups "treasurer" and "board" (a data migration
creates them; `manage.py demo` puts the demo sign-ins in them)."""

from treasury.exceptions import NotAllowedError

TREASURER = "treasurer"
BOARD = "board"
NOT_ALLOWED = "{user} may not {action}: it needs the {roles} role"


def role_of(user) -> str:
    """The user's treasury role ("treasurer", "board") or "" for anybody else."""
    if user is None or not user.is_authenticated:
        return ""
    groups = set(user.groups.values_list("name", flat=True))
    for role in (TREASURER, BOARD):
        if role in groups:
            return role
    return ""


def require_role(user, *roles: str, action: str) -> str:
    """Return the user's role if it is one of roles. Raise NotAllowedError."""
    role = role_of(user)
    if role not in roles:
        raise NotAllowedError(
            NOT_ALLOWED.format(user=user, action=action, roles=" or ".join(roles)), action=action
        )
    return role
