"""Settings of the gunicorn that bench/load.py drives (and of its own setup and checks).

The shared base as it is: the database from DATABASE_URL (SQLite in WAL mode with IMMEDIATE
transactions and a 30 s busy timeout, or PostgreSQL), DEBUG off as in production, so no query
log and no debug pages. Not config.settings.production: that one wants a secret key, allowed
hosts and https from the environment, none of which a run on loopback has; and not
config.settings.dev, whose DEBUG records every query. Only loopback may call it.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
# The API serves no static file; nothing is collected for the run.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
