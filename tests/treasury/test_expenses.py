"""Bills by nature and function, receipts checked before they are kept, the bank import."""

import datetime
import uuid

import pytest

from ledger.selectors import account_balance
from tests.treasury.conftest import usd
from treasury.exceptions import InvalidInputError, WrongStatusError
from treasury.selectors.bank import bank_lines
from treasury.services.expenses import (
    import_bank_csv,
    match_bank_line,
    pay_bill,
    record_bill,
    store_receipt,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_bill_posts_its_cost_then_its_payment_and_the_bank_line_is_matched(people, policy):
    treasurer = people["treasurer"]
    receipt = store_receipt(name="rent-march.pdf", content=PDF, user=treasurer)
    bill = record_bill(bill_id=uuid.uuid4(), user=treasurer, vendor="Main Street Properties",
                       account="Expenses:Rent", function="management_general",
                       amount=usd("5500.00"), bill_date=datetime.date(2026, 3, 1),
                       receipt=receipt)  # fmt: skip
    assert account_balance(account="Liabilities:AccountsPayable") == usd("5500.00")
    pay_bill(bill_id=bill.id, user=treasurer, paid_on=datetime.date(2026, 3, 5))
    assert account_balance(account="Liabilities:AccountsPayable") == usd("0.00")
    assert account_balance(account="Assets:Bank:Checking") == usd("-5500.00")
    statement = "date,description,amount\n2026-03-06,MAIN ST PROPERTIES ACH,-5500.00\n" \
                "2026-03-07,UNKNOWN DEPOSIT,120.00\n"  # fmt: skip
    added = import_bank_csv(name="march.csv", content=statement, user=treasurer)
    assert len(added) == 2
    assert import_bank_csv(name="march.csv", content=statement, user=treasurer) == []
    (rent, found), (_deposit, nothing) = bank_lines()
    assert [(s.kind, s.key) for s in found] == [("bill", str(bill.id))]
    assert nothing == []  # listed as unmatched
    match_bank_line(line_id=rent.id, user=treasurer, bill_id=bill.id)
    rent.refresh_from_db()
    assert rent.is_matched


def test_receipts_are_checked_by_size_and_content(people):
    with pytest.raises(InvalidInputError, match="not a PDF, PNG or JPEG"):
        store_receipt(name="receipt.pdf", content=b"MZ\x90\x00 not a pdf", user=people["treasurer"])
    with pytest.raises(InvalidInputError, match="at most 5242880 bytes"):
        store_receipt(name="big.pdf", content=PDF + b"0" * 5 * 1024 * 1024,
                      user=people["treasurer"])  # fmt: skip


def test_program_spending_is_not_a_bill_and_a_bad_statement_says_which_line(people):
    with pytest.raises(InvalidInputError, match="not a venue expense"):
        record_bill(bill_id=uuid.uuid4(), user=people["treasurer"], vendor="Farm Foods",
                    account="Expenses:Programs:CommunityFridge", function="management_general",
                    amount=usd("10.00"), bill_date=datetime.date(2026, 3, 1))  # fmt: skip
    with pytest.raises(InvalidInputError, match=r"Line 2 of bad\.csv"):
        import_bank_csv(name="bad.csv", content="date,description,amount\nyesterday,x,1\n",
                        user=people["treasurer"])  # fmt: skip


def test_a_bank_line_match_that_cannot_be_is_refused_by_name(people, policy):
    """A stale page or a tampered form gets a message naming the choice, never a 500."""
    treasurer = people["treasurer"]
    bill = record_bill(bill_id=uuid.uuid4(), user=treasurer, vendor="Main Street Properties",
                       account="Expenses:Rent", function="management_general",
                       amount=usd("5500.00"), bill_date=datetime.date(2026, 3, 1))  # fmt: skip
    statement = "date,description,amount\n2026-03-06,RENT ACH,-5500.00\n" \
                "2026-03-07,RENT ACH AGAIN,-5500.00\n"  # fmt: skip
    first, second = import_bank_csv(name="march.csv", content=statement, user=treasurer)
    nowhere = uuid.UUID(int=7)
    refusals = [
        ({"bill_id": nowhere}, InvalidInputError, f"There is no bill {nowhere}"),
        ({"bill_id": "not-an-id"}, InvalidInputError, "'not-an-id' is not a valid bill id"),
        ({"disbursement_id": nowhere}, InvalidInputError, f"There is no disbursement {nowhere}"),
        ({"entry_id": nowhere}, InvalidInputError, f"There is no posted ledger entry {nowhere}"),
        ({"entry_id": "x"}, InvalidInputError, "'x' is not a valid entry id"),
    ]
    for choice, error, message in refusals:
        with pytest.raises(error) as refused:
            match_bank_line(line_id=first.id, user=treasurer, **choice)
        assert refused.value.message == message
    match_bank_line(line_id=first.id, user=treasurer, bill_id=bill.id)
    with pytest.raises(WrongStatusError) as refused:
        match_bank_line(line_id=second.id, user=treasurer, bill_id=bill.id)
    assert refused.value.message == (
        f"The bill {bill.id} is matched to bank line {first.id} already"
    )
    second.refresh_from_db()
    assert not second.is_matched
    match_bank_line(line_id=second.id, user=treasurer, entry_id=bill.entry_id)
    second.refresh_from_db()
    assert second.entry_id == bill.entry_id
