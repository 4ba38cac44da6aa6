"""No double booking: two active booking slots of one resource never overlap in time.

PostgreSQL: an exclusion constraint on (resource_id WITH =, tstzrange(starts_at, ends_at) WITH
&&) over active slots, with btree_gist for the equality on an integer. SQLite has no exclusion
constraints: BEFORE INSERT and BEFORE UPDATE triggers refuse a slot that overlaps another
active slot of the same resource. Ranges are half-open, [starts_at, ends_at): a booking may
start the moment the previous one ends. Both fail with an IntegrityError naming
rentals_bookingslot_no_overlap; the booking service checks first and raises a typed error.

Django's SQLite schema editor rebuilds a table for many ALTERs and drops its triggers, so a
later migration that alters rentals_bookingslot must call `install` again.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

NAME = "rentals_bookingslot_no_overlap"

_SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'rentals_bookingslot_no_overlap: the resource is already booked then')
    WHERE EXISTS (
        SELECT 1 FROM rentals_bookingslot other
        WHERE other.resource_id = NEW.resource_id AND other.active AND other.id IS NOT NEW.id
          AND julianday(other.starts_at) < julianday(NEW.ends_at)
          AND julianday(NEW.starts_at) < julianday(other.ends_at)
    );"""

SQLITE = [
    f"""CREATE TRIGGER {NAME}_insert BEFORE INSERT ON rentals_bookingslot WHEN NEW.active
    BEGIN {_SQLITE_OVERLAP} END""",
    f"""CREATE TRIGGER {NAME}_update
    BEFORE UPDATE OF resource_id, starts_at, ends_at, active ON rentals_bookingslot WHEN NEW.active
    BEGIN {_SQLITE_OVERLAP} END""",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE rentals_bookingslot ADD CONSTRAINT {NAME}
    EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (active)""",
]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or re-create) the overlap guard on this connection's database."""
    uninstall(connection)
    with connection.cursor() as cursor:
        for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}[connection.vendor]:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_insert")
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_update")
        else:
            cursor.execute(f"ALTER TABLE rentals_bookingslot DROP CONSTRAINT IF EXISTS {NAME}")


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guard's triggers (SQLite) or constraint (PostgreSQL) present."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{NAME}%"],
            )
        else:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conname = %s", [NAME])
        return {row[0] for row in cursor.fetchall()}
