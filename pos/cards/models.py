"""Card payments (Stripe): readers, card attempts, webhook events, balance transactions, payouts.

Reader: a Stripe Terminal reader, assigned in the admin to a station (Device.station); card
payments from a tablet go to the reader of its station.
CardAttempt: one try at a card, keyed by our attempt UUID (for a charge it is the pos Payment's
id; for a hold, the hold's own id and the Payment that captures it later). It mirrors the
PaymentIntent's state as last fetched, with a reason people can read when it failed.
StripeEvent: each webhook event once, by Stripe's id (the primary key makes a redelivery a
no-op).
BalanceTransaction: a movement of the Stripe balance we learned of (a charge with its fee, a
refund, a dispute, a payout), linked to the payout that paid it out; reconciliation compares
them with the ledger. Payout: a transfer to the bank, posted against clearing once paid.
Amounts are integer cents.
"""

from django.db import models
from django.db.models import Q

from pos.models import Device, Payment, StaffMember, Tab


class Reader(models.Model):
    stripe_id = models.CharField(max_length=64, unique=True, help_text="tmr_… in Stripe.")
    label = models.CharField(max_length=60)
    station = models.CharField(
        max_length=20, blank=True, help_text="The station whose tablets use it (e.g. bar)."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            # One active reader per station: a tablet never has to guess.
            models.UniqueConstraint(
                fields=["station"],
                condition=Q(active=True) & ~Q(station=""),
                name="cards_reader_one_active_per_station",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.station or 'unassigned'})"


class CardAttempt(models.Model):
    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        HOLD = "hold", "Hold"

    class Status(models.TextChoices):
        PROCESSING = "processing", "Waiting for the card"
        AUTHORIZED = "authorized", "Held on the card"
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=6, choices=Kind)
    tab = models.ForeignKey(Tab, related_name="card_attempts", on_delete=models.PROTECT)
    amount = models.BigIntegerField(help_text="Cents asked of the card (tip included).")
    payment_intent = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reader = models.ForeignKey(
        Reader, null=True, blank=True, related_name="attempts", on_delete=models.PROTECT
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PROCESSING)
    reason = models.CharField(max_length=255, blank=True, help_text="Why it failed.")
    capture_before = models.DateTimeField(null=True, blank=True)
    captured_by = models.OneToOneField(
        Payment, null=True, blank=True, related_name="captured_hold", on_delete=models.PROTECT,
        help_text="For a hold: the payment that captured it.",
    )  # fmt: skip
    created_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    device = models.ForeignKey(Device, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="cards_cardattempt_amount_positive", condition=Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.tab_id}: {self.status}"


class StripeEvent(models.Model):
    id = models.CharField(max_length=255, primary_key=True, help_text="evt_… in Stripe.")
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Payout(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    id = models.CharField(max_length=64, primary_key=True, help_text="po_… in Stripe.")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=6, choices=Status)
    arrival_date = models.DateField()
    ledger_entry_id = models.UUIDField(null=True, blank=True, unique=True)
    reversal_entry_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["arrival_date", "id"]

    def __str__(self) -> str:
        return f"Payout {self.id} ({self.status})"


class BalanceTransaction(models.Model):
    id = models.CharField(max_length=64, primary_key=True, help_text="txn_… in Stripe.")
    type = models.CharField(max_length=40)
    source = models.CharField(max_length=64, db_index=True)
    payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    amount = models.BigIntegerField()
    fee = models.BigIntegerField()
    net = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payout = models.ForeignKey(
        Payout, null=True, blank=True, related_name="transactions", on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="cards_balancetransaction_net",
                condition=Q(net=models.F("amount") - models.F("fee")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}: {self.net}"
