"""Staff members (with roles and PINs) and the tablets they work on."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    CASHIER = "cashier", "Cashier"
    MANAGER = "manager", "Manager"
    TREASURER = "treasurer", "Treasurer"
    BOARD = "board", "Board member"
    ADMIN = "admin", "Administrator"


class StaffMember(models.Model):
    """A person who works the floor or the books. The PIN is stored hashed, never in clear."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="staff", on_delete=models.PROTECT
    )
    display_name = models.CharField(max_length=60)
    role = models.CharField(max_length=10, choices=Role)
    pin_hash = models.CharField(max_length=128)
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                name="pos_staff_role_valid",
                condition=Q(role__in=["cashier", "manager", "treasurer", "board", "admin"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)


class Device(models.Model):
    """A shared tablet (or the kitchen display), authenticated by its own token."""

    name = models.CharField(max_length=60, unique=True)
    station = models.CharField(max_length=10, blank=True, help_text="bar, grill or blank")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    drawer = models.ForeignKey(
        "pos.Drawer", null=True, blank=True, related_name="devices", on_delete=models.PROTECT
    )
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
