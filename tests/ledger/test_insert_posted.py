"""PostgreSQL: an entry inserted as posted, after its postings, passes every check of posting.

ledger_post_entry writes the usual entry that way (postings, then the entry with its seq and
hash), so the guards accept it from any author, raw SQL included, and check it exactly as they
check the flip of a draft. A posting that comes before its entry is held to the chain-head
lock: it cannot slip into an entry that another transaction posts meanwhile.
"""

import threading
import uuid

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from ledger.models import Account, ChainHead, JournalEntry, Period, Posting
from tests.conftest import Q1_DAY, post_sale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite inserts every entry as a draft and flips it (ledger/triggers/)")


def refused(rule: str):
    return pytest.raises((IntegrityError, DatabaseError), match=rule)


SALE = (("Assets:Stripe:Clearing", "D", 500), ("Income:Sales:Food", "C", 500))


def insert_postings(entry_id: uuid.UUID, lines=SALE, *, cursor) -> None:
    for name, side, amount in lines:
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, "
            "memo) VALUES (%s, %s, %s, %s, %s, '')",
            [entry_id, Account.objects.get(name=name).id, side, amount, Q1_DAY],
        )


def insert_posted(entry_id: uuid.UUID, *, seq: int, prev_hash: str, cursor) -> None:
    cursor.execute(
        "INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, period_id, "
        "recorded_at, memo, source_ref, reverses_id, fingerprint, prev_hash, hash, "
        "created_by_id) VALUES (%s, %s, 'posted', 'sale', %s, %s, %s, '', '', NULL, %s, %s, "
        "%s, NULL)",
        [
            entry_id,
            seq,
            Q1_DAY,
            Period.objects.get(name="2026Q1").id,
            timezone.now(),
            "x" * 64,
            prev_hash,
            "e" * 64,
        ],
    )


def post_raw(lines=SALE, *, seq: int, prev_hash: str) -> uuid.UUID:
    """Insert the postings, then the entry as posted, in one transaction of raw SQL."""
    entry_id = uuid.uuid4()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_postings(entry_id, lines, cursor=cursor)
        insert_posted(entry_id, seq=seq, prev_hash=prev_hash, cursor=cursor)
    return entry_id


def test_an_entry_inserted_as_posted_after_its_postings_is_posted_and_moves_the_head():
    first = post_sale()
    entry_id = post_raw(seq=2, prev_hash=first.hash)
    entry = JournalEntry.objects.get(id=entry_id)
    assert (entry.status, entry.seq, entry.postings.count()) == ("posted", 2, 2)
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (2, "e" * 64)
    assert post_sale().prev_hash == "e" * 64


@pytest.mark.parametrize(
    ("lines", "seq", "linked", "rule"),
    [
        ((), 2, True, "ledger_entry_balanced: .* needs at least two postings"),
        (SALE[:1], 2, True, "ledger_entry_balanced: .* needs at least two postings"),
        (
            (("Assets:Stripe:Clearing", "D", 500), ("Income:Sales:Food", "C", 499)),
            2,
            True,
            "ledger_entry_balanced: .* debits must equal credits",
        ),
        (
            (("Assets:Stripe:Clearing", "D", 500), ("Income:Sales", "C", 500)),
            2,
            True,
            "ledger_account_postable",
        ),
        (SALE, 3, True, "ledger_entry_seq_gapless"),
        (SALE, 1, True, "ledger_entry_seq_gapless"),
        (SALE, 2, False, "ledger_entry_chain_linked"),
    ],
)
def test_an_entry_inserted_as_posted_gets_every_check_of_posting(lines, seq, linked, rule):
    first = post_sale()
    with refused(rule):
        post_raw(lines, seq=seq, prev_hash=first.hash if linked else "0" * 64)
    assert JournalEntry.objects.count() == 1
    assert ChainHead.objects.get().seq == 1


def insert_postings_at_once(rows, *, cursor) -> None:
    """One multi-row INSERT of (entry_id, account name, side, amount) rows."""
    cursor.execute(
        "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, memo) "
        "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, '')"] * len(rows)),
        [
            value
            for entry_id, name, side, amount in rows
            for value in (entry_id, Account.objects.get(name=name).id, side, amount, Q1_DAY)
        ],
    )


def test_postings_inserted_in_one_statement_before_their_entry_are_posted_with_it():
    first = post_sale()
    entry_id = uuid.uuid4()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_postings_at_once([(entry_id, *line) for line in SALE], cursor=cursor)
        insert_posted(entry_id, seq=2, prev_hash=first.hash, cursor=cursor)
    assert JournalEntry.objects.get(id=entry_id).postings.count() == 2


def test_one_posting_into_a_posted_entry_refuses_the_statement_of_new_postings_with_it():
    first = post_sale()
    entry_id = uuid.uuid4()
    rows = [(entry_id, *line) for line in SALE] + [(first.id, "Income:Sales:Food", "C", 1)]
    with (
        refused("ledger_posting_frozen_when_posted: posted entry .* takes no new postings"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        insert_postings_at_once(rows, cursor=cursor)
    assert Posting.objects.filter(entry_id__in=[first.id, entry_id]).count() == 2


@pytest.mark.parametrize("status", ["draft", "void"])
def test_an_entry_with_a_seq_is_inserted_only_as_posted(status):
    first = post_sale()
    with (
        refused("ledger_entry_insert_as_draft"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, "
            "period_id, recorded_at, memo, source_ref, fingerprint, prev_hash, hash) "
            "VALUES (%s, 2, %s, 'sale', %s, %s, %s, '', '', %s, %s, %s)",
            [
                uuid.uuid4(),
                status,
                Q1_DAY,
                first.period_id,
                timezone.now(),
                "x" * 64,
                first.hash,
                "e" * 64,
            ],
        )


@pytest.mark.django_db(transaction=True)
def test_a_posting_cannot_slip_into_an_entry_another_transaction_is_posting():
    """Transaction A posts entry X; meanwhile B inserts one more posting for X and commits
    after A. B's posting must wait for A's chain-head lock and then find X posted."""
    first = post_sale()
    entry_id = uuid.uuid4()
    b_inserted = threading.Event()
    a_committed = threading.Event()
    b_outcome: list[str] = []

    def transaction_b():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                insert_postings(entry_id, (("Income:Sales:Food", "C", 1),), cursor=cursor)
                b_inserted.set()
                a_committed.wait(timeout=10)
            b_outcome.append("committed")
        except (IntegrityError, DatabaseError) as error:
            b_outcome.append(str(error))
        finally:
            connection.close()

    b = threading.Thread(target=transaction_b)
    with transaction.atomic(), connection.cursor() as cursor:
        insert_postings(entry_id, cursor=cursor)
        insert_posted(entry_id, seq=2, prev_hash=first.hash, cursor=cursor)
        b.start()
        # B queues on the lock A holds; without the lock it would insert at once.
        assert not b_inserted.wait(timeout=1)
    a_committed.set()
    b.join(timeout=10)

    assert len(b_outcome) == 1
    assert "ledger_posting_frozen_when_posted" in b_outcome[0]
    assert Posting.objects.filter(entry_id=entry_id).count() == 2
