"""Test settings: the same database choice as production code, fast password hashing.

SQLite tests use a real file (not ":memory:") so that threads in concurrency tests share one
database, with the same WAL and IMMEDIATE settings the venue runs on. Setting DATABASE_URL runs
the same suite on PostgreSQL.
"""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{worker}.sqlite3")}  # noqa: F405

# Static files are served from the apps (finders); only production collects them.
STATIC_ROOT = None
