"""Backup and restore: a snapshot of a busy database restores elsewhere to the same ledger.

Three writer threads sell fries through the services (open a check, add fries $4.50, 8.25 % tax
= $0.37, pay $4.87 in cash: one sale entry each) while `manage.py backup` runs. The backup is
restored into another database (another SQLite file, or another database in the same
PostgreSQL cluster) by `manage.py restore` in a subprocess, which verifies the restored
ledger. It must be the source's ledger at one moment: the same chain head (seq and full hash)
as the backup reported, every entry up to it, and the checks committed with their entries.
"""

import re
import threading
import time
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from djmoney.money import Money

from ledger.models import EntryKind, JournalEntry
from pos.services.checkout import pay_cash
from pos.services.tabs import add_line, open_tab
from tests.conftest import post_sale
from tests.ops.scratch import ScratchDatabase

WRITERS = 3
FRIES_CHECK = Money("4.87", "USD")  # $4.50 + 8.25 % tax ($0.37125, half-up once per check)
ENGINE = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
STATE = re.compile(r"(\d+) ledger entries, chain head seq (\d+) ([0-9a-f]{16})")


def sell_fries(venue) -> None:
    staff, device = venue.cashier, venue.tablet
    tab = open_tab(client_id=uuid.uuid4(), name="Guest", staff=staff, device=device)
    add_line(tab_id=tab.id, line_id=uuid.uuid4(), item_id=venue.fries.id, staff=staff,
             device=device)  # fmt: skip
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=FRIES_CHECK, tendered=FRIES_CHECK,
             staff=staff, device=device)  # fmt: skip


def sales() -> int:
    return JournalEntry.objects.filter(kind=EntryKind.SALE).count()


def wait_for(condition, what: str) -> None:
    """Poll until condition() holds (a guard against a stuck writer, not a timing assertion)."""
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def target(tmp_path):
    database = ScratchDatabase(tmp_path, "restored")
    yield database
    database.drop()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_busy_database_restores_elsewhere_to_the_same_ledger(venue, tmp_path, target):
    stop, failures = threading.Event(), []

    def writer() -> None:
        try:
            while not stop.is_set():
                sell_fries(venue)
        except Exception as error:  # the main thread reports it
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: sales() >= 20 or failures, "the first sales")
        before = sales()
        out = StringIO()
        call_command("backup", str(tmp_path / "busy.backup"), stdout=out)
        during = sales() - before
        wait_for(lambda: sales() >= before + during + 6 or failures, "sales after the backup")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures, failures[0]
    backed_up = STATE.search(out.getvalue())
    entries, head_seq, head_prefix = int(backed_up[1]), int(backed_up[2]), backed_up[3]
    # The writers went on selling after the snapshot: the source has moved past it.
    assert entries == head_seq
    assert before <= head_seq < sales()

    restored = target.manage("restore", str(tmp_path / "busy.backup")).stdout

    lines = restored.splitlines()
    assert STATE.search(lines[0]).groups() == (str(entries), str(head_seq), head_prefix)
    assert lines[1].startswith(f"ledger OK - {entries} entries, {5 * entries} postings, ")
    assert f"chain head seq {head_seq} {head_prefix}" in lines[1]
    # The same chain, byte for byte: the source's entry at the head seq has the restored hash.
    source_head = JournalEntry.objects.get(seq=head_seq).hash
    assert target.query("SELECT seq, hash FROM ledger_chainhead") == [(head_seq, source_head)]
    # One moment for every table: each check closed in it has its sale entry, and no other.
    assert target.query(
        "SELECT COUNT(*), SUM(t.total), COUNT(e.id) FROM pos_tab t "
        "LEFT JOIN ledger_journalentry e ON e.id = t.ledger_entry_id AND e.kind = 'sale' "
        "WHERE t.status = 'closed'"
    ) == [(head_seq, 487 * head_seq, head_seq)]
    assert target.value("SELECT COUNT(*) FROM pos_tab WHERE status = 'open'") <= WRITERS

    # Once the writers stopped: a backup of the final state replaces it there, when forced.
    call_command("backup", str(tmp_path / "final.backup"), stdout=StringIO())
    forced = target.manage("restore", "--force", str(tmp_path / "final.backup")).stdout
    final = JournalEntry.objects.order_by("-seq").first()
    assert f"chain head seq {final.seq} {final.hash[:16]}" in forced.splitlines()[1]
    assert target.query("SELECT seq, hash FROM ledger_chainhead") == [(final.seq, final.hash)]
    print(
        f"\n{WRITERS} writers: {before} sales before the backup, {during} committed while it ran, "
        f"{final.seq} in all\n{out.getvalue()}{restored}then, forced, the final state:\n{forced}"
    )


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_ledger_entries(tmp_path):
    call_command("backup", str(tmp_path / "empty.backup"), stdout=StringIO())
    post_sale(total="12.34")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "empty.backup"))

    assert str(refused.value) == (
        f"The {ENGINE} database {connection.settings_dict['NAME']} already holds 1 ledger "
        "entries; restoring would replace them. Restore into an empty database, or give --force "
        "to replace it"
    )
    assert JournalEntry.objects.count() == 1


@pytest.mark.django_db
def test_restore_names_what_is_wrong_with_the_file(tmp_path):
    good = tmp_path / "good.backup"
    call_command("backup", str(good), stdout=StringIO())
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(good.read_bytes()[: 2 * 4096 + 100])  # cut off in its third page
    missing = tmp_path / "missing.backup"
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"these are not the books you are looking for\n")
    other = tmp_path / "other.backup"
    sqlite_header = b"SQLite format 3\x00" + bytes(84)
    other.write_bytes(b"PGDMP\x01\x0e\x00" if connection.vendor == "sqlite" else sqlite_header)
    other_engine = "PostgreSQL" if connection.vendor == "sqlite" else "SQLite"
    expected = {
        missing: f"There is no backup at {missing}",
        junk: f"{junk} is not a Tillshare backup: neither a SQLite database nor a pg_dump",
        other: f"{other} is a {other_engine} backup, but this site's database is {ENGINE}: "
        f"restore it on an installation that runs {other_engine}",
        damaged: f"{damaged} is damaged and cannot be restored: ",
    }
    for path, message in expected.items():
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(path))
        assert str(refused.value).startswith(message), refused.value
