"""Back up the whole database while the venue keeps selling, and restore it elsewhere.

A backup is one consistent snapshot of every table: the ledger in it is the ledger at one
moment, every posted entry up to its chain head, together with the checks, payments and
idempotency records that were committed in the same transactions.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in ONE step,
  so under one read transaction of its own connection. In WAL mode a reader never blocks a
  writer, so the tablets keep selling, and that read transaction sees one snapshot (copied in
  several steps, a write between steps would restart the copy, forever on a busy night). The
  copy is then taken out of WAL mode: the backup is one self-contained file.
- PostgreSQL: `pg_dump --format=custom` runs in the snapshot of a REPEATABLE READ transaction
  that this process opened and exported (`pg_export_snapshot()`), and the entry count and
  chain head reported are read in that same transaction: they are exactly the dump's.
  Restoring runs `pg_restore --clean --if-exists --single-transaction`, so the target ends up
  as the dump or, on any error, as it was. pg_restore creates triggers after loading the rows,
  so the ledger's insert rules are not replayed on history. The password reaches pg_dump and
  pg_restore in PGPASSWORD, never on a command line (anyone on the machine can read those).

The file is written as PATH.partial and renamed into place only when complete: an interrupted
backup never leaves half a file under the name an operator would restore.

A restore refuses a file that is missing, damaged, not a Tillshare backup, or made by the other
database engine, and a target database that already holds ledger entries unless forced
(restoring over live books is almost always a mistake). It reports what it restored; the
`restore` command then runs `verify_ledger` on the result.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections

from ledger.models import GENESIS_HASH

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")  # /usr/lib/postgresql/<major>/bin, as scripts/
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LEDGER_TABLE = "ledger_journalentry"

NO_BACKUP = "There is no backup at {path}"
NOT_A_BACKUP = "{path} is not a Tillshare backup: neither a SQLite database nor a pg_dump archive"
NOT_TILLSHARE = "{path} is a {engine} backup of another application (it has no ledger tables)"
DAMAGED = "{path} is damaged and cannot be restored: {reason}"
OTHER_ENGINE = (
    "{path} is a {backup} backup, but this site's database is {site}: restore it on an "
    "installation that runs {backup}"
)
HOLDS_ENTRIES = (
    "The {engine} database {name} already holds {count} ledger entries; restoring would replace "
    "them. Restore into an empty database, or give --force to replace it"
)
UNSUPPORTED = "Backing up or restoring a {vendor} database is not supported"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message names the problem."""


@dataclass(frozen=True)
class LedgerState:
    """What a database's ledger holds: posted entries and the chain head."""

    entries: int
    head_seq: int
    head_hash: str

    def describe(self) -> str:
        return (
            f"{self.entries} ledger entries, chain head seq {self.head_seq} {self.head_hash[:16]}"
        )


def site_database() -> str:
    """Name the site's database for messages: engine and database name (or file)."""
    return f"{ENGINES.get(connection.vendor, connection.vendor)} database {_name()}"


def backup(*, path: Path) -> LedgerState:
    """Write one consistent snapshot of the site's database to path. Raise BackupError."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the path of the backup file to write")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            state = _sqlite_backup(partial)
        elif connection.vendor == "postgresql":
            state = _postgres_backup(partial)
        else:
            raise BackupError(UNSUPPORTED.format(vendor=connection.vendor))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return state


def restore(*, path: Path, force: bool = False) -> LedgerState:
    """Replace the site's database with the backup at path; return its ledger. Raise BackupError.

    Refuses a target that holds ledger entries unless force.
    """
    path = Path(path)
    engine = backup_engine(path)
    if engine != connection.vendor:
        site = ENGINES.get(connection.vendor, connection.vendor)
        raise BackupError(OTHER_ENGINE.format(path=path, backup=ENGINES[engine], site=site))
    if engine == "sqlite":
        _check_sqlite_backup(path)
    else:
        _check_pg_archive(path)
    held = _entries_held()
    if held and not force:
        raise BackupError(HOLDS_ENTRIES.format(engine=ENGINES[engine], name=_name(), count=held))
    connection.close()  # nothing of ours may hold the database while it is replaced
    if engine == "sqlite":
        _sqlite_restore(path)
    else:
        _postgres_restore(path)
    connection.close()  # the next query sees the restored database afresh
    with connection.cursor() as cursor:
        return _ledger_state(cursor)


def backup_engine(path: Path) -> str:
    """Return "sqlite" or "postgresql" for the backup at path, from its first bytes."""
    if not path.exists():
        raise BackupError(NO_BACKUP.format(path=path))
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(NOT_A_BACKUP.format(path=path))


def _name() -> str:
    return str(connection.settings_dict["NAME"])


def _ledger_state(cursor) -> LedgerState:
    """Read the ledger's size and head with a DB-API cursor (sqlite3's or Django's)."""
    cursor.execute(f"SELECT COUNT(*) FROM {LEDGER_TABLE} WHERE status = 'posted'")  # noqa: S608
    (entries,) = cursor.fetchone()
    cursor.execute("SELECT seq, hash FROM ledger_chainhead WHERE id = 1")
    seq, head = cursor.fetchone() or (0, GENESIS_HASH)
    return LedgerState(entries=entries, head_seq=seq, head_hash=head)


def _entries_held() -> int:
    if LEDGER_TABLE not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {LEDGER_TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


# SQLite


def _sqlite_path() -> Path:
    name = _name()
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name} is not a file; there is nothing to copy")
    return Path(name)


def _sqlite_connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 30)
    if read_only:
        return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)
    return sqlite3.connect(path, timeout=timeout)


def _sqlite_backup(partial: Path) -> LedgerState:
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}")
    source = _sqlite_connect(source_path)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=-1)  # every page in one step: one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # a single file, no -wal beside it
        return _ledger_state(copy.cursor())
    finally:
        copy.close()
        source.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        backup_file = _sqlite_connect(path, read_only=True)
        try:
            problems = [row[0] for row in backup_file.execute("PRAGMA quick_check")]
            tables = {
                row[0]
                for row in backup_file.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            backup_file.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(DAMAGED.format(path=path, reason=error)) from error
    if problems != ["ok"]:
        raise BackupError(DAMAGED.format(path=path, reason="; ".join(problems[:3])))
    if LEDGER_TABLE not in tables:
        raise BackupError(NOT_TILLSHARE.format(path=path, engine="SQLite"))


def _sqlite_restore(path: Path) -> None:
    source = _sqlite_connect(path, read_only=True)
    target = _sqlite_connect(_sqlite_path())
    try:
        source.backup(target, pages=-1)  # replaces every page of the target, under its lock
    finally:
        target.close()
        source.close()


# PostgreSQL


def _postgres_backup(partial: Path) -> LedgerState:
    # A connection of its own: the snapshot must be this transaction's first statement, and a
    # caller's open transaction (its uncommitted rows) has no place in a backup.
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        own.set_autocommit(False)
        with own.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            state = _ledger_state(cursor)
            # The snapshot lives as long as this transaction: keep it open while pg_dump reads.
            _run_pg("pg_dump", ["--format=custom", f"--file={partial}", f"--snapshot={snapshot}"])
        own.rollback()
    finally:
        own.close()
    return state


def _check_pg_archive(path: Path) -> None:
    failure = DAMAGED.replace("{path}", str(path))
    listing = _run_pg("pg_restore", ["--list", str(path)], connect=False, failure=failure)
    if f" TABLE public {LEDGER_TABLE} " not in listing:
        raise BackupError(NOT_TILLSHARE.format(path=path, engine="PostgreSQL"))


def _postgres_restore(path: Path) -> None:
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run_pg(
        "pg_restore",
        [*options, "--exit-on-error", str(path)],
        failure=f"pg_restore could not restore {path}; the database is unchanged: {{reason}}",
    )


def _pg_binary(name: str) -> str:
    """The newest Debian server's binary (as scripts/with-postgres finds it), else PATH's."""
    versions = sorted(
        (int(d.name), d / "bin" / name)
        for d in (DEBIAN_PG_ROOT.iterdir() if DEBIAN_PG_ROOT.is_dir() else [])
        if d.name.isdigit() and (d / "bin" / name).is_file()
    )
    if versions:
        return str(versions[-1][1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs")
    return found


def _run_pg(
    name: str, args: list[str], *, connect: bool = True, failure: str = "{program} failed: {reason}"
) -> str:
    """Run a PostgreSQL client program on the site's database; return its output.

    On failure raise BackupError(failure), its {program} and {reason} filled in.
    """
    settings = connection.settings_dict
    env = dict(os.environ)
    command = [_pg_binary(name)]
    if connect:
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = str(settings["PASSWORD"])
        if settings.get("OPTIONS", {}).get("sslmode"):
            env["PGSSLMODE"] = settings["OPTIONS"]["sslmode"]
        command += ["--no-password", f"--dbname={settings['NAME']}"]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings.get(key):
                command.append(f"{option}={settings[key]}")
    done = subprocess.run(  # noqa: S603 - our own argument list, no shell
        [*command, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(failure.replace("{program}", name).replace("{reason}", reason))
    return done.stdout
