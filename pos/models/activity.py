"""The floor's audit trail: who did what, on which tablet, when, and who approved it."""

from django.db import models

from pos.models.staff import Device, StaffMember


class Activity(models.Model):
    """One action taken on the floor (opening a tab, a void, a payment, a drawer count...)."""

    at = models.DateTimeField()
    action = models.CharField(max_length=40, help_text='e.g. "line.void", "drawer.close".')
    staff = models.ForeignKey(StaffMember, related_name="activities", on_delete=models.PROTECT)
    device = models.ForeignKey(
        Device, null=True, blank=True, related_name="activities", on_delete=models.PROTECT
    )
    approved_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="approvals", on_delete=models.PROTECT
    )
    tab = models.ForeignKey(
        "pos.Tab", null=True, blank=True, related_name="activities", on_delete=models.PROTECT
    )
    detail = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tab", "at"], name="pos_activity_tab_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.staff}"


class SignIn(models.Model):
    """One sign-in attempt or PIN check, refused or not: the security audit trail.

    Every PIN typed on a tablet (a staff sign-in or a manager's approval), every tablet token
    typed on a sign-in screen and every web sign-in (password) writes one row. The rows are
    also the memory of the per-tablet PIN limit (pos.services.staff): wrong PINs spread over
    many staff members on one tablet lock that tablet's PIN pad for a while.
    """

    class Kind(models.TextChoices):
        PIN = "pin", "Staff sign-in (PIN)"
        APPROVAL = "approval", "Manager approval (PIN)"
        DEVICE = "device", "Tablet sign-in (token)"
        WEB = "web", "Web sign-in (password)"

    class Outcome(models.TextChoices):
        OK = "ok", "Signed in"
        WRONG = "wrong", "Wrong PIN, password or token"
        LOCKED = "locked", "Refused: staff member locked out"
        THROTTLED = "throttled", "Refused: too many wrong PINs on this tablet"

    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind)
    outcome = models.CharField(max_length=10, choices=Outcome)
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="sign_ins", on_delete=models.PROTECT
    )
    device = models.ForeignKey(
        Device, null=True, blank=True, related_name="sign_ins", on_delete=models.PROTECT
    )
    username = models.CharField(max_length=150, blank=True, help_text="Web sign-ins.")
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["device", "outcome", "at"], name="pos_signin_device_idx")]

    def __str__(self) -> str:
        who = self.staff or self.username or "unknown"
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {who}: {self.outcome}"
