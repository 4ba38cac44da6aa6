"""verify_ledger finds tampering that went around the triggers, and names the first bad entry."""

import contextlib
import datetime
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger import triggers
from ledger.models import JournalEntry
from ledger.services import close_period, reverse_entry
from ledger.verification import verify_ledger
from tests.conftest import post_sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """Five sales, a reversal, and a closed quarter."""
    sales = [
        post_sale(total=f"{n}.25", effective_date=datetime.date(2026, 3, 10 + n)) for n in range(5)
    ]
    close_period(period="2026Q1")
    reverse_entry(
        entry_id=uuid.uuid4(), reverses=sales[1].id, effective_date=datetime.date(2026, 4, 2)
    )
    return sales


def tamper(sql: str, params=()):
    """Run SQL with the ledger triggers dropped (rolled back with the test's transaction)."""
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def db_id(value):
    return JournalEntry._meta.pk.get_db_prep_value(value, connection)


def test_a_clean_ledger_verifies(history, capsys):
    call_command("verify_ledger")

    out = capsys.readouterr().out
    assert out.startswith("ledger OK - 6 entries, 12 postings, chain head seq 6 ")
    assert out.rstrip().endswith("1 closed period(s) checked")


def test_an_altered_amount_is_found_and_named(history):
    victim = history[2]
    tamper(
        "UPDATE ledger_posting SET amount = amount + 1 WHERE entry_id = %s AND side = 'D'",
        [db_id(victim.id)],
    )

    with pytest.raises(CommandError) as caught:
        call_command("verify_ledger")

    assert f"entry {victim.id} (seq 3): does not balance" in str(caught.value)


def test_a_balanced_alteration_breaks_the_hash(history):
    victim = history[3]
    tamper(
        "UPDATE ledger_posting SET amount = amount + 100 WHERE entry_id = %s", [db_id(victim.id)]
    )

    report = verify_ledger()

    assert not report.ok
    assert (
        report.problem
        == f"entry {victim.id} (seq 4): its rows no longer match its hash; it was altered"
    )


def test_an_edited_memo_breaks_the_hash(history):
    tamper("UPDATE ledger_journalentry SET memo = 'nothing to see' WHERE seq = 2")

    assert f"entry {history[1].id} (seq 2): its rows no longer match" in verify_ledger().problem


def test_a_deleted_entry_leaves_a_gap(history):
    victim = history[2]
    tamper("DELETE FROM ledger_posting WHERE entry_id = %s", [db_id(victim.id)])
    tamper("DELETE FROM ledger_journalentry WHERE id = %s", [db_id(victim.id)])

    assert verify_ledger().problem == (
        f"entry {history[3].id} (seq 4): seq 4 follows 2; the sequence has a gap"
    )


def test_a_rewritten_chain_link_is_found(history):
    tamper("UPDATE ledger_journalentry SET prev_hash = %s WHERE seq = 5", ["0" * 64])

    assert "(seq 5): prev_hash does not match the hash of seq 4" in verify_ledger().problem


def test_an_altered_snapshot_is_found(history):
    tamper("UPDATE ledger_balancesnapshot SET debits = debits + 1")

    assert verify_ledger().problem.startswith("period 2026Q1: snapshot differs from its postings")


def test_a_chain_head_out_of_step_is_found(history):
    tamper("UPDATE ledger_chainhead SET seq = 99")

    assert verify_ledger().problem == "chain head says seq 99, but the last entry is seq 6"


@contextlib.contextmanager
def triggers_bypassed(*tables: str):
    """As the database's owner would: the tables' triggers off for the block, then restored.

    PostgreSQL: ALTER TABLE ... DISABLE TRIGGER USER (the table owner may; no superuser).
    SQLite: drop each trigger, keeping its SQL, and create it again afterwards.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The history is still inside the test's transaction: run its deferred checks now,
            # as its COMMIT would have (ALTER TABLE refuses a table with pending trigger events).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield cursor
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        placeholders = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({placeholders})",
            tables,
        )
        saved = cursor.fetchall()
        for name, _ in saved:
            cursor.execute(f"DROP TRIGGER {name}")
        yield cursor
        for _, sql in saved:
            cursor.execute(sql)


def assert_triggers_back_in_force(entry_id):
    assert triggers.installed(connection) == triggers.expected(connection)
    with (
        pytest.raises((IntegrityError, DatabaseError), match="ledger_posting_immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE ledger_posting SET memo = 'again' WHERE entry_id = %s", [db_id(entry_id)]
        )


def test_an_amount_moved_by_the_owner_with_the_triggers_off_is_named(history):
    """A $2.25 sale cut to $1.25 on both sides: still balanced, so only the hash can tell."""
    victim = history[2]
    with triggers_bypassed("ledger_posting") as cursor:
        cursor.execute(
            "UPDATE ledger_posting SET amount = amount - 100 WHERE entry_id = %s",
            [db_id(victim.id)],
        )
    assert_triggers_back_in_force(victim.id)

    with pytest.raises(CommandError) as caught:
        call_command("verify_ledger")

    assert str(caught.value).startswith(
        f"ledger FAILED: entry {victim.id} (seq 3): its rows no longer match its hash; it was "
        "altered - 2 entries, 4 postings, chain head seq 2 "
    )


def test_an_entry_redated_by_the_owner_with_the_triggers_off_is_named(history):
    """The header and its postings moved together, so only the hash can tell."""
    victim = history[4]
    with triggers_bypassed("ledger_journalentry", "ledger_posting") as cursor:
        for table, column in (("ledger_journalentry", "id"), ("ledger_posting", "entry_id")):
            cursor.execute(
                f"UPDATE {table} SET effective_date = %s WHERE {column} = %s",
                [datetime.date(2026, 3, 1), db_id(victim.id)],
            )
    assert_triggers_back_in_force(victim.id)

    assert verify_ledger().problem == (
        f"entry {victim.id} (seq 5): its rows no longer match its hash; it was altered"
    )
