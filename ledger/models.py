"""Double-entry ledger.

Design overview
---------------
- `Account`: where value sits. Its unique `name` is a full beancount-compatible colon path
  (`Assets:Cash:Drawer1`); the parent is the path minus its last component (adjacency, no tree
  library; a subtree is a name prefix). Accounts hold one currency. Placeholders group others
  and take no postings.
- `JournalEntry`: one business event. Its id is the client's UUID (the idempotency key). It is
  inserted as a draft, its postings are added, then it is flipped to posted in one transaction;
  at that flip it gets `seq` (gapless, 1, 2, 3, ...) and its link in the SHA-256 hash chain.
  A posted entry is final: mistakes are corrected by a reversing entry (`reverses`, at most once).
- `Posting`: one line of an entry: account, side (D or C) and a positive amount in integer
  minor units (cents), plus a copy of the entry's date for fast balances. Per currency a
  posted entry's debits equal its credits.
- `Period`: a fiscal quarter. Once closed, no posting may be dated on or before its end (the
  lock date), and `BalanceSnapshot` rows hold each account's cumulative totals at its end, so a
  balance is one snapshot plus the postings after it: its cost follows the number of accounts,
  not the length of history.
- `ChainHead`: the single row that holds the chain's last seq and hash. Posters lock it, which
  serializes the assignment of seq and hash so that concurrent posters never fork the chain;
  a trigger moves it whenever an entry is posted.

The rules that raw SQL could break live in the database: CHECK constraints here, and triggers
for SQLite and PostgreSQL in `ledger/triggers/` (installed by migrations). The services in
`ledger/services/` check the same rules first and raise typed errors.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

# Beancount account names: a root, then components that start with an upper-case letter or a
# digit and continue with letters, digits or hyphens (beancount/core/account.py), ASCII here.
ACCOUNT_NAME_RE = re.compile(
    r"^(Assets|Liabilities|NetAssets|Income|Expenses)(:[A-Z0-9][A-Za-z0-9-]*)*$"
)
GENESIS_HASH = "0" * 64
ROOT_TYPES = {
    "Assets": "asset",
    "Liabilities": "liability",
    "NetAssets": "net_assets",
    "Income": "income",
    "Expenses": "expense",
}
INVALID_ACCOUNT_NAME = (
    "{name!r} is not an account name: a root (Assets, Liabilities, NetAssets, Income, Expenses) "
    "then components that start with a capital letter or digit, joined by colons"
)
WRONG_ROOT_TYPE = "{name} is under {root}, so its type must match"
WRONG_PARENT = "The parent of {name} must be {parent!r}"


class Side(models.TextChoices):
    DEBIT = "D", "Debit"
    CREDIT = "C", "Credit"


class Program(models.Model):
    """A mutual-aid program the venue funds (community fridge & pantry, skill-share, ...)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    account_component = models.CharField(
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Za-z0-9-]*$")],
        help_text="The program's component in account names, e.g. CommunityFridge.",
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    allocation_order = models.PositiveIntegerField(
        default=0, help_text="Deterministic tie-break when cents are split across programs."
    )

    class Meta:
        ordering = ["allocation_order", "id"]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    class RootType(models.TextChoices):
        ASSET = "asset", "Asset"
        LIABILITY = "liability", "Liability"
        NET_ASSETS = "net_assets", "Net assets"
        INCOME = "income", "Income"
        EXPENSE = "expense", "Expense"

    class Function(models.TextChoices):
        """Functional class of an expense (ASC 958): programs, management & general, fundraising."""

        PROGRAM = "program", "Program services"
        MANAGEMENT_GENERAL = "management_general", "Management and general"
        FUNDRAISING = "fundraising", "Fundraising"

    class Bound(models.TextChoices):
        NONE = "", "No bound"
        DEBITS_NOT_OVER_CREDITS = "debits_le_credits", "Debits must not exceed credits"
        CREDITS_NOT_OVER_DEBITS = "credits_le_debits", "Credits must not exceed debits"

    name = models.CharField(
        max_length=255,
        unique=True,
        validators=[RegexValidator(ACCOUNT_NAME_RE)],
        help_text="Full colon path, e.g. Assets:Cash:Drawer1.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    root_type = models.CharField(max_length=12, choices=RootType)
    normal_side = models.CharField(max_length=1, choices=Side)
    currency = models.CharField(max_length=3, default="USD")
    is_placeholder = models.BooleanField(default=False, help_text="Groups accounts; no postings.")
    program = models.ForeignKey(
        Program, null=True, blank=True, related_name="accounts", on_delete=models.PROTECT
    )
    function = models.CharField(max_length=20, choices=Function, blank=True)
    bound = models.CharField(max_length=20, choices=Bound, blank=True, default="")
    opened_on = models.DateField()
    closed_on = models.DateField(
        null=True, blank=True, help_text="Last date on which the account may take postings."
    )
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="ledger_account_root_type_valid",
                condition=Q(
                    root_type__in=["asset", "liability", "net_assets", "income", "expense"]
                ),
            ),
            models.CheckConstraint(
                name="ledger_account_normal_side_valid", condition=Q(normal_side__in=["D", "C"])
            ),
            models.CheckConstraint(
                name="ledger_account_function_only_on_expenses",
                condition=Q(function="") | Q(root_type="expense"),
            ),
            models.CheckConstraint(
                name="ledger_account_bound_valid",
                condition=Q(bound__in=["", "debits_le_credits", "credits_le_debits"]),
            ),
            models.CheckConstraint(
                name="ledger_account_closed_after_opened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check that the name, its parent and the root type tell the same story."""
        if not ACCOUNT_NAME_RE.match(self.name or ""):
            raise ValidationError({"name": INVALID_ACCOUNT_NAME.format(name=self.name)})
        root = self.name.split(":")[0]
        if ROOT_TYPES[root] != self.root_type:
            raise ValidationError({"root_type": WRONG_ROOT_TYPE.format(name=self.name, root=root)})
        parent_name = self.name.rpartition(":")[0]
        if (self.parent.name if self.parent_id else "") != parent_name:
            raise ValidationError(
                {"parent": WRONG_PARENT.format(name=self.name, parent=parent_name)}
            )
        if self.function and self.root_type != self.RootType.EXPENSE:
            raise ValidationError({"function": "Only expense accounts have a functional class."})


class Period(models.Model):
    """A fiscal quarter, named like 2026Q1 after the calendar year in which its fiscal year ends."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSING = "closing", "Closing"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=8, unique=True)
    fiscal_year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    start_date = models.DateField(unique=True)
    end_date = models.DateField(unique=True)
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_seq = models.BigIntegerField(null=True, blank=True, help_text="Chain head at the close.")
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                name="ledger_period_dates_ordered", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(
                name="ledger_period_quarter_valid", condition=Q(quarter__gte=1, quarter__lte=4)
            ),
            models.CheckConstraint(
                name="ledger_period_status_valid",
                condition=Q(status__in=["open", "closing", "closed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"
    VOID = "void", "Void"
    PAYMENT_FEE = "payment_fee", "Payment fee"
    PAYOUT = "payout", "Payout"
    DESIGNATION = "designation", "Designation"
    CLOSING = "closing", "Closing"
    REVERSAL = "reversal", "Reversal"
    ADJUSTMENT = "adjustment", "Adjustment"
    OPENING = "opening", "Opening balances"


class JournalEntry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Posted"

    id = models.UUIDField(primary_key=True, help_text="Client-supplied; the idempotency key.")
    seq = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="Gapless, at posting."
    )
    status = models.CharField(max_length=6, choices=Status, default=Status.DRAFT)
    kind = models.CharField(max_length=20, choices=EntryKind)
    effective_date = models.DateField(help_text="The venue's local business date.")
    # No index of its own: nothing looks entries up by period (the date index serves ranges),
    # and one index fewer is one page fewer written by every post.
    period = models.ForeignKey(
        Period, related_name="entries", on_delete=models.PROTECT, db_index=False
    )
    recorded_at = models.DateTimeField()
    memo = models.CharField(max_length=255, blank=True)
    source_ref = models.CharField(
        max_length=255, blank=True, help_text="Unique per kind: an order id, a Stripe txn id..."
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, related_name="reversed_by", on_delete=models.PROTECT
    )
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the canonical content.")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    # No index either: only deleting a user looks entries up by author (PROTECT), a rare scan.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name_plural = "journal entries"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["effective_date"], name="ledger_entry_date_idx"),
            # Drafts exist only inside post_entry's transaction; balances exclude any left over
            # by looking them up here instead of joining every entry.
            models.Index(
                fields=["status"], name="ledger_entry_drafts_idx", condition=Q(status="draft")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="ledger_entry_status_valid", condition=Q(status__in=["draft", "posted"])
            ),
            models.CheckConstraint(
                name="ledger_entry_seq_only_when_posted",
                condition=Q(status="draft", seq__isnull=True)
                | Q(status="posted", seq__isnull=False, seq__gte=1),
            ),
            models.UniqueConstraint(
                name="ledger_entry_source_unique_per_kind",
                fields=["kind", "source_ref"],
                condition=~Q(source_ref=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.id}" if self.seq else f"draft {self.id}"


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, related_name="postings", on_delete=models.PROTECT)
    # Indexed by ledger_posting_account_idx (account, effective_date), which serves lookups by
    # account alone too; a second index on the account would only slow every post.
    account = models.ForeignKey(
        Account, related_name="postings", on_delete=models.PROTECT, db_index=False
    )
    side = models.CharField(max_length=1, choices=Side)
    amount = models.BigIntegerField(help_text="Minor units (cents) in the account's currency, > 0.")
    # The entry's date, copied so that balances read a range of one index instead of joining
    # every entry in history; triggers keep it equal to the entry's.
    effective_date = models.DateField()
    memo = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["effective_date"], name="ledger_posting_date_idx"),
            models.Index(fields=["account", "effective_date"], name="ledger_posting_account_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="ledger_posting_amount_positive", condition=Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="ledger_posting_side_valid", condition=Q(side__in=["D", "C"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.account.name} {self.amount}"


class BalanceSnapshot(models.Model):
    """Cumulative debit and credit totals of one account at a closed period's end; written once."""

    period = models.ForeignKey(Period, related_name="snapshots", on_delete=models.PROTECT)
    account = models.ForeignKey(Account, related_name="snapshots", on_delete=models.PROTECT)
    debits = models.BigIntegerField()
    credits = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                name="ledger_snapshot_one_per_account", fields=["period", "account"]
            ),
            models.CheckConstraint(
                name="ledger_snapshot_totals_not_negative",
                condition=Q(debits__gte=0, credits__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.account}: D {self.debits} C {self.credits}"


class ChainHead(models.Model):
    """The one row holding the last posted seq and hash; posters lock it to append in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(name="ledger_chainhead_single_row", condition=Q(id=1))
        ]

    def __str__(self) -> str:
        return f"chain head seq {self.seq}"
