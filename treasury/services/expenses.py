"""Vendor bills and their payments, receipts, and the bank statement import.

A bill posts when it is entered (debit its nature: an expense, or stock bought into
inventory; credit accounts payable) and again when it is paid (debit accounts payable, credit
the bank). Receipts are checked before they are stored: at most RECEIPT_MAX_BYTES, and a PDF,
PNG or JPEG by their first bytes, not by the name the browser sent, that ends like one too.

The bank import reads a CSV (date, description, amount; money in positive), skips lines
imported before (a fingerprint of the file's name, the line's position and content), and
stores each line unmatched. A file past BANK_CSV_MAX_BYTES or CSV_MAX_LINES, not UTF-8, binary
(NUL bytes), without the columns, or with any line that does not parse (a date, an amount in
the API's grammar, a field past csv's size limit, extra fields) is refused whole, with the
problem and the line named; nothing of it is imported. `treasury.selectors.bank.suggestions`
proposes matches and `match_bank_line` records the treasurer's choice.
"""

import csv
import datetime
import hashlib
import io
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from config.fields import AMOUNT, MAX_AMOUNT
from ledger.exceptions import InvalidEntryError
from ledger.models import Account, EntryKind, JournalEntry
from ledger.money import to_cents
from ledger.services import credit, debit, post_entry
from treasury import accounts
from treasury.exceptions import IdempotencyConflictError, InvalidInputError, WrongStatusError
from treasury.models import Attachment, BankLine, Bill, Disbursement
from treasury.roles import TREASURER, require_role
from treasury.services import entry_id_for, usd
from treasury.services.disbursements import reconcile_disbursement

RECEIPT_MAX_BYTES = 5 * 1024 * 1024  # settings.TREASURY_RECEIPT_MAX_BYTES overrides it
RECEIPT_SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
                      b"\xff\xd8\xff": "image/jpeg"}  # fmt: skip
# What a whole file of each type ends with (within its last bytes): a cut-short upload, or a
# file that only starts like a receipt, has none.
RECEIPT_ENDINGS = {"application/pdf": b"%%EOF", "image/png": b"IEND\xaeB`\x82",
                   "image/jpeg": b"\xff\xd9"}  # fmt: skip
ENDING_WITHIN = 1024
TOO_BIG = "{name} is {size} bytes; a receipt may be at most {limit} bytes"
NOT_A_RECEIPT = "{name} is not a PDF, PNG or JPEG file"
NOT_WHOLE = "{name} starts like a {kind} file but does not end like one; was it cut short?"
NATURE_PREFIXES = ("Expenses:", "Assets:Inventory:", "Assets:Prepaid")
BAD_NATURE = "{account} is not a venue expense or stock account"
BAD_CSV = "Line {line} of {name}: {problem}"
BANK_CSV_MAX_BYTES = 2 * 1024 * 1024  # settings.TREASURY_BANK_CSV_MAX_BYTES overrides it
CSV_MAX_LINES = 20_000
CSV_COLUMNS = "{name} needs the columns date, description and amount"
CSV_TOO_BIG = "{name} is larger than {limit} bytes; a bank statement may be at most that"
CSV_TOO_LONG = "{name} has more than {lines} lines; import it a month at a time"
CSV_NOT_UTF8 = "{name} is not UTF-8 text (byte {at} is not); export the statement as CSV"
CSV_BINARY = "{name} is not a text file (it holds NUL bytes); export the statement as CSV"
EXTRA_FIELDS = "more fields than the header has columns"
BAD_AMOUNT = "{amount!r} is not an amount like -12.50 (at most {limit})"


def store_receipt(*, name: str, content: bytes, user) -> Attachment:
    """Check a receipt's size and type and store it. Raise InvalidInputError."""
    limit = getattr(settings, "TREASURY_RECEIPT_MAX_BYTES", RECEIPT_MAX_BYTES)
    if len(content) > limit:
        raise InvalidInputError(
            TOO_BIG.format(name=name, size=len(content), limit=limit), field="receipt"
        )
    content_type = next(
        (kind for magic, kind in RECEIPT_SIGNATURES.items() if content.startswith(magic)), None
    )
    if content_type is None:
        raise InvalidInputError(NOT_A_RECEIPT.format(name=name), field="receipt")
    if RECEIPT_ENDINGS[content_type] not in content[-ENDING_WITHIN:]:
        kind = content_type.split("/")[1].upper()
        raise InvalidInputError(NOT_WHOLE.format(name=name, kind=kind), field="receipt")
    return Attachment.objects.create(
        filename=name[:200], content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=user,
        uploaded_at=timezone.now(),
    )  # fmt: skip


def _check_nature(account: str) -> None:
    row = Account.objects.filter(name=account, is_placeholder=False).first()
    if (
        row is None
        or not account.startswith(NATURE_PREFIXES)
        or account.startswith(accounts.PROGRAM_EXPENSES)
    ):
        raise InvalidInputError(BAD_NATURE.format(account=account), field="account")


@transaction.atomic
def record_bill(
    *,
    bill_id: uuid.UUID,
    user,
    vendor: str,
    account: str,
    function: str,
    amount: Money,
    bill_date: datetime.date,
    due_date: datetime.date | None = None,
    reference: str = "",
    receipt: Attachment | None = None,
) -> Bill:
    """Enter a vendor bill: post its expense (or stock) against accounts payable."""
    require_role(user, TREASURER, action="enter a bill")
    cents = to_cents(amount)
    existing = Bill.objects.filter(id=bill_id).first()
    if existing is not None:
        if (existing.vendor, existing.account, existing.amount, existing.bill_date) != (
            vendor, account, cents, bill_date,
        ):  # fmt: skip
            raise IdempotencyConflictError(f"Bill {bill_id} exists with other content")
        return existing
    _check_nature(account)
    if function not in Bill.Function.values:
        raise InvalidInputError(f"{function!r} is not a function of a venue cost")
    if cents <= 0 or not vendor.strip():
        raise InvalidInputError("A bill needs a vendor and a positive amount")
    source_ref = f"bill:{bill_id}"
    memo = f"{vendor.strip()} {reference}".strip()
    entry = post_entry(
        entry_id=entry_id_for(source_ref), kind=EntryKind.ADJUSTMENT, effective_date=bill_date,
        memo=memo, source_ref=source_ref, created_by=user,
        lines=[debit(account, amount, memo=memo), credit(accounts.ACCOUNTS_PAYABLE, amount)],
    )  # fmt: skip
    return Bill.objects.create(
        id=bill_id, vendor=vendor.strip(), reference=reference, account=account,
        function=function, amount=cents, bill_date=bill_date, due_date=due_date,
        receipt=receipt, entry_id=entry.id, created_by=user,
    )  # fmt: skip


@transaction.atomic
def pay_bill(*, bill_id: uuid.UUID, user, paid_on: datetime.date) -> Bill:
    """Pay an open bill from the bank."""
    require_role(user, TREASURER, action="pay a bill")
    bill = Bill.objects.select_for_update().filter(id=bill_id).first()
    if bill is None:
        raise InvalidInputError(f"There is no bill {bill_id}")
    if bill.status == Bill.Status.PAID:
        return bill
    if paid_on < bill.bill_date:
        raise InvalidInputError("A bill cannot be paid before its date")
    source_ref = f"bill-payment:{bill.id}"
    entry = post_entry(
        entry_id=entry_id_for(source_ref), kind=EntryKind.PAYOUT, effective_date=paid_on,
        memo=f"Paid {bill}", source_ref=source_ref, created_by=user,
        lines=[debit(accounts.ACCOUNTS_PAYABLE, usd(bill.amount)),
               credit(accounts.BANK, usd(bill.amount))],
    )  # fmt: skip
    bill.status, bill.paid_on, bill.payment_entry_id = Bill.Status.PAID, paid_on, entry.id
    bill.save(update_fields=["status", "paid_on", "payment_entry_id"])
    return bill


def _parse_row(name: str, number: int, row: dict) -> tuple[datetime.date, str, int]:
    if None in row:  # csv puts a row's extra fields under None
        raise InvalidInputError(BAD_CSV.format(line=number, name=name, problem=EXTRA_FIELDS))
    try:
        day = datetime.date.fromisoformat((row.get("date") or "").strip())
        text = (row.get("amount") or "").strip().replace(",", "").replace("$", "")
        # The API's money grammar: ASCII digits, a sign, no exponent, NaN or infinity.
        if not AMOUNT.fullmatch(text) or abs(Decimal(text)) > MAX_AMOUNT:
            raise ValueError(BAD_AMOUNT.format(amount=row.get("amount"), limit=MAX_AMOUNT))
        amount = Decimal(text)
        return day, (row.get("description") or "").strip()[:255], to_cents(Money(amount, "USD"))
    except (ValueError, InvalidOperation) as error:
        raise InvalidInputError(BAD_CSV.format(line=number, name=name, problem=error)) from error
    except InvalidEntryError as error:  # more decimals than cents
        raise InvalidInputError(
            BAD_CSV.format(line=number, name=name, problem=error.message)
        ) from error


@transaction.atomic
def import_bank_csv(*, name: str, content: bytes | str, user) -> list[BankLine]:
    """Import a statement (columns date, description, amount). Return the lines added.

    All or nothing: a file refused, or any line refused, imports no line (one transaction).
    Raise InvalidInputError naming the problem (and the line), NotAllowedError.
    """
    require_role(user, TREASURER, action="import a bank statement")
    reader = csv.DictReader(io.StringIO(_statement_text(name, content)))
    try:
        fieldnames = reader.fieldnames
        if not fieldnames or not {"date", "description", "amount"} <= {
            f.strip().lower() for f in fieldnames
        }:
            raise InvalidInputError(CSV_COLUMNS.format(name=name))
        reader.fieldnames = [f.strip().lower() for f in fieldnames]
        added, number = [], 1
        for number, row in enumerate(reader, 2):
            if number > CSV_MAX_LINES:
                raise InvalidInputError(CSV_TOO_LONG.format(name=name, lines=CSV_MAX_LINES))
            day, description, cents = _parse_row(name, number, row)
            fingerprint = hashlib.sha256(
                f"{name}|{number}|{day}|{description}|{cents}".encode()
            ).hexdigest()
            if BankLine.objects.filter(fingerprint=fingerprint).exists():
                continue
            added.append(
                BankLine.objects.create(
                    statement=name[:120],
                    fingerprint=fingerprint,
                    posted_on=day,
                    description=description,
                    amount=cents,
                    imported_at=timezone.now(),
                )
            )
    except csv.Error as error:  # a NUL byte, an unclosed quote, a field past csv's limit
        # csv raises while reading the record after the last one parsed.
        problem = BAD_CSV.format(line=number + 1, name=name, problem=error)
        raise InvalidInputError(problem) from error
    return added


def _statement_text(name: str, content: bytes | str) -> str:
    """The statement as text: at most the size limit, UTF-8, no NUL. Raise InvalidInputError."""
    limit = getattr(settings, "TREASURY_BANK_CSV_MAX_BYTES", BANK_CSV_MAX_BYTES)
    data = content.encode() if isinstance(content, str) else content
    if len(data) > limit:
        raise InvalidInputError(CSV_TOO_BIG.format(name=name, limit=limit))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(CSV_NOT_UTF8.format(name=name, at=error.start)) from error
    if "\x00" in text:
        raise InvalidInputError(CSV_BINARY.format(name=name))
    return text


@transaction.atomic
def match_bank_line(
    *, line_id: int, user, bill_id=None, disbursement_id=None, entry_id=None
) -> BankLine:
    """Record what explains a bank line: a paid bill, a paid disbursement or a ledger entry.

    A bill or a disbursement explains one line at most; an entry must be a posted one. Each
    refusal names what was chosen (a stale page or a tampered form gets a message, not a 500).
    """
    require_role(user, TREASURER, action="match a bank line")
    line = BankLine.objects.select_for_update().filter(id=line_id).first()
    if line is None:
        raise InvalidInputError(f"There is no bank line {line_id}")
    if line.is_matched:
        raise WrongStatusError(f"Bank line {line_id} is matched already")
    if [bill_id, disbursement_id, entry_id].count(None) != 2:
        raise InvalidInputError("Match a line to exactly one bill, disbursement or entry")
    if bill_id is not None:
        line.bill = _unmatched(Bill, "bill", bill_id, line)
    elif disbursement_id is not None:
        disbursement = _unmatched(Disbursement, "disbursement", disbursement_id, line)
        line.disbursement = disbursement
        if disbursement.status == Disbursement.Status.PAID:
            reconcile_disbursement(disbursement_id=disbursement.id, user=user)
    else:
        entry_id = _uuid("entry", entry_id)
        if not JournalEntry.objects.filter(id=entry_id, status=JournalEntry.Status.POSTED).exists():
            raise InvalidInputError(f"There is no posted ledger entry {entry_id}")
        line.entry_id = entry_id
    line.matched_by = user
    line.save()
    return line


def _unmatched(model, name: str, key, line: BankLine):
    """The bill or disbursement of this id, if no other bank line is matched to it."""
    found = model.objects.filter(id=_uuid(name, key)).first()
    if found is None:
        raise InvalidInputError(f"There is no {name} {key}")
    other = BankLine.objects.filter(**{name: found}).exclude(id=line.id).first()
    if other is not None:
        raise WrongStatusError(f"The {name} {key} is matched to bank line {other.id} already")
    return found


def _uuid(name: str, key) -> uuid.UUID:
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise InvalidInputError(f"{key!r} is not a valid {name} id") from None
