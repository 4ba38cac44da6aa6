"""A database of the test run's engine that a test owns outright, for other processes to use.

The suite's own test database lives inside pytest-django's transactions (or is flushed after a
transactional test), so a server or a `manage.py` subprocess needs a database of its own with
committed rows: a temporary SQLite file, or a scratch database created in the PostgreSQL
cluster the suite runs on (scripts/with-postgres), dropped afterwards.

`manage(...)` runs `manage.py` on it with the test settings (fast password hashing);
`query(sql)` reads it with a plain DB-API connection, outside Django.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


class ScratchDatabase:
    def __init__(self, directory: Path, label: str = "scratch") -> None:
        self.vendor = connection.vendor
        self._server = dict(connection.settings_dict)
        if self.vendor == "sqlite":
            self.path = directory / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.name = str(self.path)
        else:
            self.name = f"{label}_{uuid.uuid4().hex[:10]}"
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            user = urllib.parse.quote(self._server["USER"] or "", safe="")
            password = urllib.parse.quote(self._server["PASSWORD"] or "", safe="")
            login = f"{user}:{password}@" if password else f"{user}@"
            host = f"{self._server['HOST']}:{self._server['PORT']}"
            self.url = f"postgres://{login}{host}/{self.name}"

    def _admin(self, dbname: str = "postgres") -> psycopg.Connection:
        server = self._server
        return psycopg.connect(
            host=server["HOST"], port=server["PORT"], user=server["USER"],
            password=server["PASSWORD"] or None, dbname=dbname, autocommit=True,
        )  # fmt: skip

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONUNBUFFERED": "1",
        }

    def manage(
        self, *args: str, check: bool = True, at: datetime.datetime | None = None
    ) -> subprocess.CompletedProcess:
        """Run manage.py on this database; return the finished process (output as text).

        at: the moment the process's clock starts from (tests/ops/manage_at.py), else now.
        """
        done = subprocess.run(
            manage_command(*args, at=at),
            cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {done.stdout}{done.stderr}")
        return done

    def query(self, sql: str) -> list[tuple]:
        """Rows of one read-only SQL statement (no parameters: the tests write constants)."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as db:
                return db.execute(sql).fetchall()
        with self._admin(self.name) as db:
            return db.execute(sql).fetchall()

    def value(self, sql: str):
        return self.query(sql)[0][0]

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def manage_command(*args: str, at: datetime.datetime | None = None) -> list[str]:
    """The command line of manage.py ARGS, with its clock moved to `at` if given."""
    if at is None:
        return [sys.executable, str(ROOT / "manage.py"), *args]
    return [sys.executable, str(ROOT / "tests" / "ops" / "manage_at.py"), at.isoformat(), *args]
