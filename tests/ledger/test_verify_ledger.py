"""verify_ledger finds tampering that went around the triggers, and names the first bad entry."""

import datetime
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

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
