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
