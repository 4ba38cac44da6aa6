"""The database itself refuses to break the ledger: raw SQL, QuerySet.update(), bulk_create().

Each test goes around the services and expects the trigger or constraint named in the error.
The same tests run on SQLite and on PostgreSQL.
"""

import datetime
import uuid

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from ledger import triggers
from ledger.models import (
    Account,
    BalanceSnapshot,
    ChainHead,
    JournalEntry,
    Period,
    Posting,
)
from ledger.services import close_period
from tests.conftest import Q1_DAY, TRIGGER_STATE, post_sale

pytestmark = pytest.mark.django_db


def refused(rule: str):
    """Expect the database to refuse the statement, naming the rule (or constraint)."""
    return pytest.raises((IntegrityError, DatabaseError), match=rule)


def run_sql(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def db_id(value: uuid.UUID):
    """The entry id as this backend stores it (hex text on SQLite, uuid on PostgreSQL)."""
    return JournalEntry._meta.pk.get_db_prep_value(value, connection)


@pytest.fixture(autouse=True)
def _remove_drafts():
    """Delete drafts a test left, so PostgreSQL's check at commit (run by Django's TestCase at
    teardown) does not refuse them: leaving a draft is refused, deleting one is allowed."""
    yield
    drafts = JournalEntry.objects.filter(status="draft")
    Posting.objects.filter(entry__in=drafts).delete()
    drafts.delete()


def draft_entry(
    *,
    effective_date=Q1_DAY,
    lines=(("Assets:Stripe:Clearing", "D", 500), ("Income:Sales:Food", "C", 500)),
):
    """Insert a draft and its postings without the service, as a raw-SQL author could."""
    period = Period.objects.get_or_create(
        name="2026Q1",
        defaults={
            "fiscal_year": 2026,
            "quarter": 1,
            "start_date": datetime.date(2026, 1, 1),
            "end_date": datetime.date(2026, 3, 31),
        },
    )[0]
    entry = JournalEntry.objects.create(
        id=uuid.uuid4(),
        kind="sale",
        effective_date=effective_date,
        period=period,
        recorded_at=timezone.now(),
        fingerprint="x" * 64,
    )
    for name, side, amount in lines:
        Posting.objects.create(
            entry=entry,
            account=Account.objects.get(name=name),
            side=side,
            amount=amount,
            effective_date=effective_date,
        )
    return entry


def post_flip(entry, *, seq=1, prev_hash="0" * 64):
    run_sql(
        "UPDATE ledger_journalentry SET status = 'posted', seq = %s, prev_hash = %s, hash = %s "
        "WHERE id = %s",
        [seq, prev_hash, "f" * 64, db_id(entry.id)],
    )


def test_every_ledger_trigger_is_installed_by_migrations():
    assert not TRIGGER_STATE["dropped"], "runs before any transactional test drops the triggers"
    assert triggers.installed(connection) == triggers.expected(connection)


def test_updating_a_posted_amount_with_raw_sql_is_refused():
    entry = post_sale(total="10.00")
    posting = entry.postings.first()

    with refused("ledger_posting_immutable"):
        run_sql("UPDATE ledger_posting SET amount = 1 WHERE id = %s", [posting.id])

    posting.refresh_from_db()
    assert posting.amount == 1000


def test_queryset_update_of_postings_is_refused():
    post_sale(total="10.00")
    with refused("ledger_posting_immutable"), transaction.atomic():
        Posting.objects.update(amount=999)


def test_deleting_a_posted_posting_or_entry_is_refused():
    entry = post_sale()
    with refused("ledger_posting_frozen_when_posted"):
        run_sql("DELETE FROM ledger_posting WHERE entry_id = %s", [db_id(entry.id)])
    with refused("ledger_entry_posted_is_final"):
        run_sql("DELETE FROM ledger_journalentry WHERE id = %s", [db_id(entry.id)])
    with refused("ledger_entry_posted_is_final"), transaction.atomic():
        JournalEntry.objects.filter(id=entry.id).update(memo="edited")
    assert Posting.objects.filter(entry=entry).count() == 2


def test_editing_any_column_of_a_posted_entry_is_refused():
    entry = post_sale()
    for column, value in [
        ("memo", "edited"),
        ("effective_date", "2026-02-20"),
        ("hash", "0" * 64),
        ("status", "draft"),
    ]:
        with refused("ledger_entry_posted_is_final"):
            run_sql(
                f"UPDATE ledger_journalentry SET {column} = %s WHERE id = %s",
                [value, db_id(entry.id)],
            )


def test_an_entry_cannot_be_inserted_as_posted_without_its_postings():
    """SQLite inserts only drafts; PostgreSQL also takes an entry inserted as posted after its
    postings (tests/ledger/test_insert_posted.py), so here it finds none."""
    period = post_sale().period
    rule = {"sqlite": "ledger_entry_insert_as_draft", "postgresql": "ledger_entry_balanced"}
    with refused(rule[connection.vendor]), transaction.atomic():
        JournalEntry.objects.create(
            id=uuid.uuid4(),
            status="posted",
            seq=2,
            kind="sale",
            effective_date=Q1_DAY,
            period=period,
            recorded_at=timezone.now(),
            fingerprint="x",
        )


def test_an_unbalanced_entry_cannot_be_posted():
    entry = draft_entry(
        lines=(("Assets:Stripe:Clearing", "D", 500), ("Income:Sales:Food", "C", 499))
    )
    with refused("ledger_entry_balanced"):
        post_flip(entry)
    assert JournalEntry.objects.get(id=entry.id).status == "draft"


def test_a_single_posting_entry_cannot_be_posted():
    entry = draft_entry(lines=(("Assets:Stripe:Clearing", "D", 500),))
    with refused("ledger_entry_balanced"):
        post_flip(entry)


def test_posting_takes_the_next_seq_and_links_the_chain():
    first = post_sale()
    entry = draft_entry()
    with refused("ledger_entry_seq_gapless"):
        post_flip(entry, seq=3, prev_hash=first.hash)
    with refused("ledger_entry_seq_gapless"):
        post_flip(entry, seq=1, prev_hash=first.hash)
    with refused("ledger_entry_chain_linked"):
        post_flip(entry, seq=2, prev_hash="0" * 64)
    post_flip(entry, seq=2, prev_hash=first.hash)
    assert JournalEntry.objects.get(id=entry.id).seq == 2


def test_posting_moves_the_chain_head_whoever_posts():
    first = post_sale()
    assert (ChainHead.objects.get().seq, ChainHead.objects.get().hash) == (1, first.hash)
    entry = draft_entry()
    post_flip(entry, seq=2, prev_hash=first.hash)  # raw SQL, not the service
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (2, "f" * 64)
    assert post_sale().prev_hash == "f" * 64


@pytest.mark.parametrize(("amount", "side"), [(0, "D"), (-100, "D"), (100, "X")])
def test_posting_amount_and_side_are_checked(amount, side):
    entry = draft_entry()
    with refused("ledger_posting_amount_positive|ledger_posting_side_valid"), transaction.atomic():
        Posting.objects.create(
            entry=entry,
            account=Account.objects.get(name="Income:Sales:Food"),
            side=side,
            amount=amount,
            effective_date=entry.effective_date,
        )


def test_postings_to_a_placeholder_account_cannot_be_posted():
    entry = draft_entry(lines=(("Assets:Stripe:Clearing", "D", 500), ("Income:Sales", "C", 500)))
    with refused("ledger_account_postable"):
        post_flip(entry)


def test_postings_outside_an_accounts_open_dates_cannot_be_posted():
    Account.objects.filter(name="Income:Sales:Food").update(opened_on=datetime.date(2026, 1, 2))
    entry = draft_entry(effective_date=datetime.date(2026, 1, 1))
    with refused("ledger_account_postable"):
        post_flip(entry)


def test_a_posted_entry_takes_no_new_postings():
    entry = post_sale()
    with refused("ledger_posting_frozen_when_posted"), transaction.atomic():
        Posting.objects.bulk_create(
            [
                Posting(
                    entry=entry,
                    account=Account.objects.get(name="Income:Sales:Food"),
                    side="C",
                    amount=1,
                    effective_date=entry.effective_date,
                ),
            ]
        )


def test_a_posting_carries_its_entrys_date():
    entry = draft_entry()
    with refused("ledger_posting_date_matches_entry"), transaction.atomic():
        Posting.objects.create(
            entry=entry,
            account=Account.objects.get(name="Income:Sales:Food"),
            side="C",
            amount=1,
            effective_date=datetime.date(2026, 2, 1),
        )


@pytest.mark.parametrize(
    ("bad_row", "rule"),
    [
        ("posted entry", "ledger_posting_frozen_when_posted"),
        ("misdated", "ledger_posting_date_matches_entry"),
    ],
)
def test_one_bad_row_refuses_a_multi_row_insert_of_postings_as_a_whole(bad_row, rule):
    """PostgreSQL checks a statement's new postings together, once; SQLite row by row."""
    posted = post_sale()
    draft = draft_entry()
    food = Account.objects.get(name="Income:Sales:Food").id
    good = [db_id(draft.id), food, "C", 1, Q1_DAY]
    bad = {
        "posted entry": [db_id(posted.id), food, "C", 1, Q1_DAY],
        "misdated": [db_id(draft.id), food, "C", 1, datetime.date(2026, 2, 1)],
    }[bad_row]
    with refused(rule):
        run_sql(
            "INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, "
            "memo) VALUES (%s, %s, %s, %s, %s, ''), (%s, %s, %s, %s, %s, '')",
            good + bad,
        )
    assert Posting.objects.filter(entry_id__in=[posted.id, draft.id]).count() == 4


def test_nothing_can_be_posted_on_or_before_a_closed_period_end():
    post_sale(effective_date=datetime.date(2026, 3, 31))
    close_period(period="2026Q1")
    entry = draft_entry(effective_date=datetime.date(2026, 1, 15))
    with refused("ledger_period_closed"):
        post_flip(entry, seq=2, prev_hash=JournalEntry.objects.get(seq=1).hash)


def test_a_closed_period_is_final():
    post_sale()
    period = close_period(period="2026Q1")
    with refused("ledger_period_closed_is_final"):
        run_sql("UPDATE ledger_period SET status = 'open' WHERE id = %s", [period.id])
    with refused("ledger_period_closed_is_final"):
        run_sql("DELETE FROM ledger_period WHERE id = %s", [period.id])


def test_balance_snapshots_are_written_once():
    post_sale()
    period = close_period(period="2026Q1")
    snapshot = BalanceSnapshot.objects.filter(period=period).first()
    with refused("ledger_snapshot_written_once"):
        run_sql("UPDATE ledger_balancesnapshot SET debits = 0 WHERE id = %s", [snapshot.id])
    with refused("ledger_snapshot_written_once"):
        run_sql("DELETE FROM ledger_balancesnapshot WHERE id = %s", [snapshot.id])
    with refused("ledger_snapshot_written_once"), transaction.atomic():
        BalanceSnapshot.objects.create(
            period=period,
            account=Account.objects.get(name="Assets:Bank:Checking"),
            debits=1,
            credits=0,
        )


def test_an_account_with_postings_keeps_its_name_currency_and_side():
    post_sale(income="Income:Sales:Food")
    for column, value in [
        ("name", "Income:Sales:Meals"),
        ("currency", "EUR"),
        ("normal_side", "D"),
        ("is_placeholder", True),
    ]:
        with refused("ledger_account_history_frozen"):
            run_sql(
                f"UPDATE ledger_account SET {column} = %s WHERE name = 'Income:Sales:Food'", [value]
            )
    with refused("ledger_account_history_frozen"):
        run_sql(
            "UPDATE ledger_account SET closed_on = %s WHERE name = 'Income:Sales:Food'",
            [datetime.date(2026, 2, 1)],
        )
    # Accounts without postings may still be renamed.
    run_sql(
        "UPDATE ledger_account SET name = 'Income:Sales:Snacks' "
        "WHERE name = 'Income:Sales:Merchandise'"
    )


def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is covered by the tests above")
    post_sale()
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending check at commit now
    for table in ("ledger_posting", "ledger_journalentry", "ledger_balancesnapshot"):
        with refused("ledger_no_truncate"):
            run_sql(f"TRUNCATE {table} CASCADE")


@pytest.mark.django_db(transaction=True)
def test_a_draft_left_at_commit_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("deferred constraint triggers are PostgreSQL's; SQLite checks at posting")
    with refused("left as a draft at commit"), transaction.atomic():
        draft_entry()
    assert not JournalEntry.objects.exists()
