"""Disbursements from program funds, the actions on them (who did what, when), attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ledger.models import Program


class Attachment(models.Model):
    """A receipt or invoice, kept in the database so it is backed up with the books."""

    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.filename


class Disbursement(models.Model):
    """A request to spend from a program's fund, and its way to being paid.

    draft -> submitted -> approved -> paid -> reconciled, or rejected / cancelled. Editing an
    approved request sends it back to submitted (its approvals no longer count: `round` grows).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        RECONCILED = "reconciled", "Reconciled"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    class PayeeType(models.TextChoices):
        VENDOR = "vendor", "Vendor"
        ORGANISATION = "organisation", "Organisation"
        INDIVIDUAL = "individual", "Individual"

    id = models.UUIDField(primary_key=True, help_text="The client's UUID.")
    program = models.ForeignKey(Program, related_name="+", on_delete=models.PROTECT)
    payee_type = models.CharField(max_length=12, choices=PayeeType)
    payee_name = models.CharField(
        max_length=120, blank=True, help_text="Vendors and organisations only; never a person."
    )
    help_type = models.CharField(max_length=60, help_text="groceries, utility bill, ...")
    public_title = models.CharField(max_length=120)
    private_note = models.TextField(blank=True, help_text="For the treasurer; never published.")
    amount = models.BigIntegerField(help_text="Cents.")
    receipt = models.ForeignKey(
        Attachment, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    round = models.PositiveIntegerField(
        default=1, help_text="Grows when an edit sends it back; approvals count per round."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()
    paid_on = models.DateField(null=True, blank=True)
    ledger_entry_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="treasury_disbursement_amount_positive",
                                   condition=Q(amount__gt=0)),
            # A person who is helped is counted, never named.
            models.CheckConstraint(
                name="treasury_disbursement_individual_unnamed",
                condition=~Q(payee_type="individual") | Q(payee_name=""),
            ),
            models.CheckConstraint(
                name="treasury_disbursement_paid_has_entry",
                condition=~Q(status__in=["paid", "reconciled"])
                | Q(ledger_entry_id__isnull=False, paid_on__isnull=False),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.public_title} ({self.get_status_display()})"


class DisbursementAction(models.Model):
    """One step someone took on a disbursement: the audit trail and the approvals."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        CANCEL = "cancel", "Cancelled"
        PAY = "pay", "Paid"
        RECONCILE = "reconcile", "Reconciled"

    disbursement = models.ForeignKey(Disbursement, related_name="actions", on_delete=models.PROTECT)
    action = models.CharField(max_length=10, choices=Action)
    round = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    role = models.CharField(max_length=20, help_text="The user's role then (treasurer, board).")
    at = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True)
    client_id = models.UUIDField(
        null=True, blank=True, unique=True, help_text="The client's UUID: a retry is a no-op."
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                name="treasury_approval_once_per_round",
                fields=["disbursement", "round", "user"],
                condition=Q(action="approve"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.user_id}"


class IdempotencyRecord(models.Model):
    """The first answer to a treasury API POST under an Idempotency-Key, per signed-in user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(name="treasury_idempotency_key_once", fields=["user", "key"])
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
