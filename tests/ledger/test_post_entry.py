"""post_entry: worked examples and every rule it enforces, with the exact error raised."""

import datetime
import uuid

import pytest
from djmoney.money import Money

from ledger import exceptions
from ledger.models import GENESIS_HASH, Account, ChainHead, JournalEntry, Period, Posting
from ledger.selectors import account_balance, trial_balance
from ledger.services import Line, credit, debit, post_entry
from tests.conftest import Q1_DAY, post_sale, usd

pytestmark = pytest.mark.django_db


def card_sale_lines():
    """Card sale: $12 food + $10 darts, 8.36% tax on $22 = $1.84, $1 tip: $24.84 charged."""
    return [
        debit("Assets:Stripe:Clearing", usd("24.84")),
        credit("Income:Sales:Food", usd("12.00")),
        credit("Income:Rentals:Games", usd("10.00")),
        credit("Liabilities:SalesTax:Payable", usd("1.84")),
        credit("Liabilities:Tips:Payable", usd("1.00")),
    ]


def test_card_sale_with_tip_and_tax_posts_one_balanced_entry():
    entry_id = uuid.uuid4()
    entry = post_entry(
        entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=card_sale_lines()
    )

    assert entry.status == JournalEntry.Status.POSTED
    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert len(entry.hash) == 64
    assert entry.period.name == "2026Q1"
    stored = [(p.account.name, p.side, p.amount) for p in entry.postings.order_by("id")]
    assert stored == [
        ("Assets:Stripe:Clearing", "D", 2484),
        ("Income:Sales:Food", "C", 1200),
        ("Income:Rentals:Games", "C", 1000),
        ("Liabilities:SalesTax:Payable", "C", 184),
        ("Liabilities:Tips:Payable", "C", 100),
    ]
    assert account_balance(account="Assets:Stripe:Clearing") == usd("24.84")
    assert account_balance(account="Income:Sales") == usd("12.00")
    assert account_balance(account="Income") == usd("22.00")
    assert account_balance(account="Liabilities") == usd("2.84")
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (1, entry.hash)


def test_entries_chain_with_gapless_seq():
    first = post_sale(total="5.00")
    second = post_sale(total="7.50")
    third = post_sale(total="1.25")

    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_same_id_same_content_returns_the_stored_entry():
    entry_id = uuid.uuid4()
    first = post_entry(
        entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=card_sale_lines()
    )
    again = post_entry(
        entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=card_sale_lines()
    )

    assert again.id == first.id
    assert again.seq == first.seq
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "refund"}, "kind"),
        ({"effective_date": datetime.date(2026, 2, 15)}, "effective_date"),
        ({"memo": "other"}, "memo"),
        ({"source_ref": "order-2"}, "source_ref"),
    ],
)
def test_same_id_with_a_different_header_is_a_conflict_naming_the_field(change, field):
    entry_id = uuid.uuid4()
    base = {"kind": "sale", "effective_date": Q1_DAY, "memo": "", "source_ref": "order-1"}
    post_entry(entry_id=entry_id, lines=card_sale_lines(), **base)

    with pytest.raises(exceptions.EntryConflictError) as caught:
        post_entry(entry_id=entry_id, lines=card_sale_lines(), **{**base, **change})

    assert caught.value.field == field
    assert caught.value.code == f"exists_with_different_{field}"
    assert str(entry_id) in caught.value.message
    assert JournalEntry.objects.count() == 1


def test_same_id_with_a_different_amount_names_the_amount_and_the_line():
    entry_id = uuid.uuid4()
    post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=card_sale_lines())
    changed = card_sale_lines()
    changed[0] = debit("Assets:Stripe:Clearing", usd("25.84"))
    changed[4] = credit("Liabilities:Tips:Payable", usd("2.00"))

    with pytest.raises(exceptions.EntryConflictError) as caught:
        post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=changed)

    assert caught.value.code == "exists_with_different_amount"
    assert "posting 1: stored 2484, submitted 2584" in caught.value.message


def test_same_id_with_another_account_or_line_count_is_a_conflict():
    entry_id = uuid.uuid4()
    post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=card_sale_lines())
    other_account = card_sale_lines()
    other_account[1] = credit("Income:Sales:Alcohol", usd("12.00"))
    fewer = [
        debit("Assets:Stripe:Clearing", usd("24.84")),
        credit("Income:Sales:Food", usd("24.84")),
    ]

    with pytest.raises(exceptions.EntryConflictError) as by_account:
        post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=other_account)
    with pytest.raises(exceptions.EntryConflictError) as by_count:
        post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=fewer)

    assert by_account.value.field == "account"
    assert by_count.value.field == "postings"


def test_unbalanced_entries_are_rejected_with_both_totals():
    entry_id = uuid.uuid4()
    lines = [
        debit("Assets:Stripe:Clearing", usd("10.00")),
        credit("Income:Sales:Food", usd("9.99")),
    ]

    with pytest.raises(exceptions.UnbalancedEntryError) as caught:
        post_entry(entry_id=entry_id, kind="sale", effective_date=Q1_DAY, lines=lines)

    assert caught.value.message == (
        f"Entry {entry_id} does not balance in USD: debits 10.00, credits 9.99"
    )
    assert not JournalEntry.objects.exists()


def test_an_entry_needs_two_postings():
    with pytest.raises(exceptions.TooFewPostingsError, match="at least two postings, got 1"):
        post_entry(
            entry_id=uuid.uuid4(),
            kind="sale",
            effective_date=Q1_DAY,
            lines=[debit("Assets:Stripe:Clearing", usd("1.00"))],
        )


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_amounts_must_be_positive(amount):
    lines = [debit("Assets:Stripe:Clearing", usd(amount)), credit("Income:Sales:Food", usd(amount))]
    with pytest.raises(exceptions.NonPositiveAmountError, match="must be positive"):
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=lines)


def test_sub_cent_amounts_are_an_error_never_rounded():
    lines = [
        debit("Assets:Stripe:Clearing", usd("1.005")),
        credit("Income:Sales:Food", usd("1.005")),
    ]
    with pytest.raises(exceptions.SubCentAmountError, match=r"1\.005 has more decimals than USD"):
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=lines)


def test_floats_are_refused():
    lines = [
        Line("Assets:Stripe:Clearing", "D", 1.10),
        Line("Income:Sales:Food", "C", 1.10),
    ]
    with pytest.raises(exceptions.InvalidEntryError, match="Expected a Money amount"):
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=lines)


def test_currency_must_match_the_account():
    lines = [
        debit("Assets:Stripe:Clearing", Money("5.00", "EUR")),
        credit("Income:Sales:Food", Money("5.00", "EUR")),
    ]
    with pytest.raises(exceptions.CurrencyMismatchError, match="holds USD, not EUR"):
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=lines)


def test_unknown_accounts_are_named():
    lines = [debit("Assets:Nowhere", usd("5.00")), credit("Income:Sales:Food", usd("5.00"))]
    with pytest.raises(exceptions.UnknownAccountError, match="unknown account"):
        post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=lines)


def test_unknown_kind_is_refused():
    lines = [debit("Assets:Stripe:Clearing", usd("1")), credit("Income:Sales:Food", usd("1"))]
    with pytest.raises(exceptions.InvalidEntryError, match="'bribe' is not a kind"):
        post_entry(entry_id=uuid.uuid4(), kind="bribe", effective_date=Q1_DAY, lines=lines)


def test_placeholder_accounts_take_no_postings():
    with pytest.raises(exceptions.AccountNotPostableError, match="Income:Sales is a placeholder"):
        post_sale(income="Income:Sales")


def test_accounts_take_postings_only_while_open():
    food = "Income:Sales:Food"
    Account.objects.filter(name=food).update(closed_on=datetime.date(2026, 3, 1))

    post_sale(income=food, effective_date=datetime.date(2026, 3, 1))
    with pytest.raises(exceptions.AccountNotPostableError, match="not open on 2026-03-02"):
        post_sale(income=food, effective_date=datetime.date(2026, 3, 2))
    with pytest.raises(exceptions.AccountNotPostableError, match="not open on 2025-12-31"):
        post_sale(income=food, effective_date=datetime.date(2025, 12, 31))


def test_source_reference_is_unique_per_kind():
    first = post_sale(source_ref="order-1001")
    refund = post_entry(
        entry_id=uuid.uuid4(),
        kind="refund",
        effective_date=Q1_DAY,
        source_ref="order-1001",
        lines=[
            debit("Income:Sales:Food", usd("10.00")),
            credit("Assets:Stripe:Clearing", usd("10.00")),
        ],
    )
    assert refund.seq == 2

    with pytest.raises(exceptions.DuplicateSourceError) as caught:
        post_sale(source_ref="order-1001")
    assert str(first.id) in caught.value.message


def test_balance_bound_keeps_a_drawer_from_going_negative():
    # Float: $100.00 from the bank into drawer 1 (the bank itself has no bound).
    post_entry(
        entry_id=uuid.uuid4(),
        kind="adjustment",
        effective_date=Q1_DAY,
        lines=[
            debit("Assets:Cash:Drawer1", usd("100.00")),
            credit("Assets:Bank:Checking", usd("100.00")),
        ],
    )
    paid_out = [
        debit("Expenses:Supplies", usd("100.01")),
        credit("Assets:Cash:Drawer1", usd("100.01")),
    ]

    with pytest.raises(exceptions.BalanceBoundError) as caught:
        post_entry(entry_id=uuid.uuid4(), kind="adjustment", effective_date=Q1_DAY, lines=paid_out)

    assert "would leave Assets:Cash:Drawer1 at -0.01" in caught.value.message
    exact = [
        debit("Expenses:Supplies", usd("100.00")),
        credit("Assets:Cash:Drawer1", usd("100.00")),
    ]
    post_entry(entry_id=uuid.uuid4(), kind="adjustment", effective_date=Q1_DAY, lines=exact)
    assert account_balance(account="Assets:Cash:Drawer1") == usd("0.00")


def test_entries_get_their_fiscal_quarter():
    post_sale(effective_date=datetime.date(2026, 3, 31))
    post_sale(effective_date=datetime.date(2026, 4, 1))

    assert list(Period.objects.values_list("name", "start_date", "end_date")) == [
        ("2026Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ("2026Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
    ]


def test_trial_balance_sums_to_zero_and_lists_net_balances():
    post_entry(entry_id=uuid.uuid4(), kind="sale", effective_date=Q1_DAY, lines=card_sale_lines())
    post_sale(total="5.16", tender="Assets:Stripe:Clearing", income="Income:Sales:Alcohol")

    report = trial_balance()

    rows = {row.account: (row.debit, row.credit) for row in report.rows}
    assert rows == {
        "Assets:Stripe:Clearing": (usd("30.00"), usd("0")),
        "Income:Rentals:Games": (usd("0"), usd("10.00")),
        "Income:Sales:Alcohol": (usd("0"), usd("5.16")),
        "Income:Sales:Food": (usd("0"), usd("12.00")),
        "Liabilities:SalesTax:Payable": (usd("0"), usd("1.84")),
        "Liabilities:Tips:Payable": (usd("0"), usd("1.00")),
    }
    assert report.totals == {"USD": (usd("30.00"), usd("30.00"))}
    assert report.balanced


def test_balances_as_of_a_date_exclude_later_postings():
    post_sale(total="4.00", effective_date=datetime.date(2026, 1, 10))
    post_sale(total="6.00", effective_date=datetime.date(2026, 1, 20))

    assert account_balance(account="Income:Sales:Food", as_of=datetime.date(2026, 1, 9)) == usd("0")
    assert account_balance(account="Income:Sales:Food", as_of=datetime.date(2026, 1, 10)) == usd(
        "4"
    )
    assert account_balance(account="Income:Sales:Food") == usd("10.00")
