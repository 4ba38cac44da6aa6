"""Ledger invariants written as database triggers, for SQLite and for PostgreSQL.

The services check every rule first and raise typed errors; these triggers are the backstop
that no path can bypass: not `QuerySet.update()`, not `bulk_create()`, not raw SQL in a shell.

The rules, with the same names on both vendors (the error message starts with the rule name):
- ledger_entry_insert_as_draft: an entry is inserted as a draft, without seq. PostgreSQL also
  takes an entry inserted as posted once its postings are in place (ledger_post_entry writes
  the usual entry so, to write its row once): that insert gets every check of posting below.
- ledger_entry_balanced: it becomes posted only with at least two postings whose debits equal
  its credits per currency.
- ledger_entry_seq_gapless / ledger_entry_chain_linked: when posted it takes the next seq and
  its prev_hash is the hash of the entry before it.
- ledger_entry_posted_is_final / ledger_posting_frozen_when_posted / ledger_posting_immutable:
  a posted entry and its postings are never updated or deleted, and a posted entry takes no
  new postings; postings are never updated.
- ledger_account_postable / ledger_period_closed: at posting, no line may go to a placeholder
  account, to an account outside its open dates, or be dated on or before a closed period's end.
- ledger_account_history_frozen: an account with postings keeps its name, currency, type and
  side, stays postable, and its open dates keep covering its postings.
- ledger_posting_date_matches_entry: the date a posting carries is its entry's date.
- ledger_chain_head_follows: posting an entry moves the chain head row to its seq and hash, in
  the same statement, so the head never lags the entries (and post_entry saves a statement).
  SQLite has a trigger of that name; on PostgreSQL the entry guard moves the head itself.
- ledger_period_closed_is_final, ledger_snapshot_written_once: closes and snapshots are final.
- PostgreSQL only: TRUNCATE is refused, and a deferred check at COMMIT refuses to leave a draft.

The PostgreSQL entry guard runs its statements with generic plans (plan_cache_mode), for the
reason ledger/functions.py gives.

On PostgreSQL the rules for a new posting (frozen when posted, date matches entry) run once per
INSERT statement, not once per row: an AFTER INSERT ... FOR EACH STATEMENT trigger takes the
chain-head lock, then checks every row the statement inserted (its transition table) in one
query, and a statement with one bad row is refused as a whole. A posting whose entry does not
exist yet passes: ledger_post_entry inserts the postings before their entry, whose insert checks
them. Row by row, a post of five lines took the lock and read its entry five times. Updates and
deletes of postings keep a BEFORE ... FOR EACH ROW trigger.

Django's SQLite schema editor rebuilds a table for many ALTERs and the rebuild drops the
table's triggers, so a migration that alters a ledger table must call `install` again; a test
checks that every trigger in `SQLITE_TRIGGERS` / `POSTGRESQL_TRIGGERS` exists.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE = [
    """CREATE TRIGGER ledger_entry_insert_as_draft BEFORE INSERT ON ledger_journalentry
    WHEN NEW.status <> 'draft' OR NEW.seq IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_insert_as_draft: insert an entry as a draft without seq, then post it');
    END""",
    """CREATE TRIGGER ledger_entry_posted_is_final BEFORE UPDATE ON ledger_journalentry
    WHEN OLD.status = 'posted'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_posted_is_final: a posted entry cannot be changed; post a reversing entry');
    END""",
    """CREATE TRIGGER ledger_entry_posted_not_deleted BEFORE DELETE ON ledger_journalentry
    WHEN OLD.status = 'posted'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_posted_is_final: a posted entry cannot be deleted; post a reversing entry');
    END""",
    """CREATE TRIGGER ledger_entry_post_checks BEFORE UPDATE ON ledger_journalentry
    WHEN OLD.status = 'draft' AND NEW.status = 'posted'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_balanced: an entry needs at least two postings')
        WHERE (SELECT COUNT(*) FROM ledger_posting WHERE entry_id = NEW.id) < 2;
        SELECT RAISE(ABORT, 'ledger_entry_balanced: debits must equal credits per currency')
        WHERE EXISTS (
            SELECT 1 FROM ledger_posting p JOIN ledger_account a ON a.id = p.account_id
            WHERE p.entry_id = NEW.id GROUP BY a.currency
            HAVING SUM(CASE p.side WHEN 'D' THEN p.amount ELSE -p.amount END) <> 0);
        SELECT RAISE(ABORT, 'ledger_entry_seq_gapless: seq must be the last posted seq plus one')
        WHERE NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM ledger_journalentry), 0) + 1;
        SELECT RAISE(ABORT, 'ledger_entry_chain_linked: prev_hash must be the hash of the entry before')
        WHERE length(NEW.hash) <> 64 OR NEW.prev_hash IS NOT CASE WHEN NEW.seq = 1
            THEN '0000000000000000000000000000000000000000000000000000000000000000'
            ELSE (SELECT hash FROM ledger_journalentry WHERE seq = NEW.seq - 1) END;
        SELECT RAISE(ABORT, 'ledger_account_postable: a placeholder account, or one not open on the entry date')
        WHERE EXISTS (
            SELECT 1 FROM ledger_posting p JOIN ledger_account a ON a.id = p.account_id
            WHERE p.entry_id = NEW.id AND (a.is_placeholder OR NEW.effective_date < a.opened_on
                OR (a.closed_on IS NOT NULL AND NEW.effective_date > a.closed_on)));
        SELECT RAISE(ABORT, 'ledger_period_closed: the entry is dated on or before a closed period end')
        WHERE EXISTS (
            SELECT 1 FROM ledger_period WHERE status = 'closed' AND end_date >= NEW.effective_date);
        SELECT RAISE(ABORT, 'ledger_posting_date_matches_entry: a posting carries its entry''s date')
        WHERE EXISTS (SELECT 1 FROM ledger_posting
            WHERE entry_id = NEW.id AND effective_date IS NOT NEW.effective_date);
    END""",
    """CREATE TRIGGER ledger_chain_head_follows AFTER UPDATE ON ledger_journalentry
    WHEN OLD.status = 'draft' AND NEW.status = 'posted'
    BEGIN
        UPDATE ledger_chainhead SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    END""",
    """CREATE TRIGGER ledger_posting_insert_into_draft BEFORE INSERT ON ledger_posting
    BEGIN
        SELECT RAISE(ABORT, 'ledger_posting_frozen_when_posted: a posted entry takes no new postings')
        WHERE (SELECT status FROM ledger_journalentry WHERE id = NEW.entry_id) = 'posted';
        SELECT RAISE(ABORT, 'ledger_posting_date_matches_entry: a posting carries its entry''s date')
        WHERE NEW.effective_date IS NOT (
            SELECT effective_date FROM ledger_journalentry WHERE id = NEW.entry_id);
    END""",
    """CREATE TRIGGER ledger_posting_immutable BEFORE UPDATE ON ledger_posting
    BEGIN
        SELECT RAISE(ABORT, 'ledger_posting_immutable: postings are never updated; post a reversing entry');
    END""",
    """CREATE TRIGGER ledger_posting_posted_not_deleted BEFORE DELETE ON ledger_posting
    WHEN (SELECT status FROM ledger_journalentry WHERE id = OLD.entry_id) = 'posted'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_posting_frozen_when_posted: postings of a posted entry cannot be deleted');
    END""",
    """CREATE TRIGGER ledger_account_history_frozen BEFORE UPDATE ON ledger_account
    WHEN (NEW.name IS NOT OLD.name OR NEW.currency IS NOT OLD.currency
          OR NEW.root_type IS NOT OLD.root_type OR NEW.normal_side IS NOT OLD.normal_side
          OR (NEW.is_placeholder AND NOT OLD.is_placeholder))
      AND EXISTS (SELECT 1 FROM ledger_posting WHERE account_id = OLD.id)
    BEGIN
        SELECT RAISE(ABORT, 'ledger_account_history_frozen: an account with postings keeps its name, currency, type and side');
    END""",
    """CREATE TRIGGER ledger_account_dates_cover_postings BEFORE UPDATE ON ledger_account
    WHEN (NEW.opened_on IS NOT OLD.opened_on OR NEW.closed_on IS NOT OLD.closed_on)
      AND EXISTS (
        SELECT 1 FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id
        WHERE p.account_id = OLD.id AND (e.effective_date < NEW.opened_on
            OR (NEW.closed_on IS NOT NULL AND e.effective_date > NEW.closed_on)))
    BEGIN
        SELECT RAISE(ABORT, 'ledger_account_history_frozen: open dates must cover the account''s postings');
    END""",
    """CREATE TRIGGER ledger_period_closed_is_final BEFORE UPDATE ON ledger_period
    WHEN OLD.status = 'closed'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_period_closed_is_final: a closed period cannot be changed or reopened');
    END""",
    """CREATE TRIGGER ledger_period_closed_not_deleted BEFORE DELETE ON ledger_period
    WHEN OLD.status = 'closed'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_period_closed_is_final: a closed period cannot be deleted');
    END""",
    """CREATE TRIGGER ledger_snapshot_written_once BEFORE UPDATE ON ledger_balancesnapshot
    BEGIN
        SELECT RAISE(ABORT, 'ledger_snapshot_written_once: balance snapshots are never updated');
    END""",
    """CREATE TRIGGER ledger_snapshot_not_deleted BEFORE DELETE ON ledger_balancesnapshot
    BEGIN
        SELECT RAISE(ABORT, 'ledger_snapshot_written_once: balance snapshots are never deleted');
    END""",
    """CREATE TRIGGER ledger_snapshot_before_close BEFORE INSERT ON ledger_balancesnapshot
    WHEN (SELECT status FROM ledger_period WHERE id = NEW.period_id) = 'closed'
    BEGIN
        SELECT RAISE(ABORT, 'ledger_snapshot_written_once: snapshots are written while closing, not after');
    END""",
]

POSTGRESQL = [
    r"""CREATE OR REPLACE FUNCTION ledger_journalentry_guard() RETURNS trigger
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    DECLARE
        posting_count bigint;
        any_unbalanced boolean;
        any_unpostable boolean;
        any_misdated boolean;
        last_seq bigint;
        last_hash varchar(64);
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.status = 'draft' AND NEW.seq IS NULL THEN
                RETURN NEW;
            END IF;
            IF NEW.status <> 'posted' THEN
                RAISE EXCEPTION 'ledger_entry_insert_as_draft: insert entry % as a draft without seq, or as posted after its postings', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
        ELSE
            IF OLD.status = 'posted' THEN
                RAISE EXCEPTION 'ledger_entry_posted_is_final: posted entry % (seq %) cannot be changed or deleted; post a reversing entry', OLD.id, OLD.seq
                    USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            IF NEW.status <> 'posted' THEN
                RETURN NEW;
            END IF;
        END IF;
        -- The entry becomes posted: a draft flipped by UPDATE, or an INSERT that comes after
        -- the entry's postings (ledger_post_entry). One pass over its postings answers four
        -- rules (each statement costs).
        SELECT coalesce(sum(n), 0), coalesce(bool_or(unbalanced), false),
            coalesce(bool_or(unpostable), false), coalesce(bool_or(misdated), false)
        INTO posting_count, any_unbalanced, any_unpostable, any_misdated
        FROM (
            SELECT count(*) AS n,
                sum(CASE p.side WHEN 'D' THEN p.amount ELSE -p.amount END) <> 0 AS unbalanced,
                bool_or(a.is_placeholder OR NEW.effective_date < a.opened_on
                    OR (a.closed_on IS NOT NULL AND NEW.effective_date > a.closed_on))
                    AS unpostable,
                bool_or(p.effective_date IS DISTINCT FROM NEW.effective_date) AS misdated
            FROM ledger_posting p LEFT JOIN ledger_account a ON a.id = p.account_id
            WHERE p.entry_id = NEW.id GROUP BY a.currency
        ) per_currency;
        IF posting_count < 2 THEN
            RAISE EXCEPTION 'ledger_entry_balanced: entry % needs at least two postings', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF any_unbalanced THEN
            RAISE EXCEPTION 'ledger_entry_balanced: entry % debits must equal credits per currency', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        -- The last posted entry: its seq plus one is the next, its hash the next prev_hash.
        SELECT e.seq, e.hash INTO last_seq, last_hash FROM ledger_journalentry e
            WHERE e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1;
        IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1 THEN
            RAISE EXCEPTION 'ledger_entry_seq_gapless: entry % seq % is not the last posted seq plus one', NEW.id, NEW.seq
                USING ERRCODE = 'check_violation';
        END IF;
        IF length(NEW.hash) <> 64
            OR NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
            RAISE EXCEPTION 'ledger_entry_chain_linked: entry % prev_hash must be the hash of seq %', NEW.id, NEW.seq - 1
                USING ERRCODE = 'check_violation';
        END IF;
        IF any_unpostable THEN
            RAISE EXCEPTION 'ledger_account_postable: entry % posts to a placeholder account or one not open on %', NEW.id, NEW.effective_date
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM ledger_period WHERE status = 'closed' AND end_date >= NEW.effective_date) THEN
            RAISE EXCEPTION 'ledger_period_closed: entry % is dated % on or before a closed period end', NEW.id, NEW.effective_date
                USING ERRCODE = 'check_violation';
        END IF;
        IF any_misdated THEN
            RAISE EXCEPTION 'ledger_posting_date_matches_entry: a posting of entry % carries another date', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        -- ledger_chain_head_follows: the head moves with the entry, in the same statement.
        UPDATE ledger_chainhead SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_journalentry_guard
    BEFORE INSERT OR UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_journalentry_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_journalentry_posted_at_commit() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = NEW.id AND status = 'draft') THEN
            RAISE EXCEPTION 'ledger_entry_balanced: entry % was left as a draft at commit', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_posted_at_commit
    AFTER INSERT ON ledger_journalentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'draft')
    EXECUTE FUNCTION ledger_journalentry_posted_at_commit()""",
    r"""CREATE OR REPLACE FUNCTION ledger_posting_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'ledger_posting_immutable: posting % is never updated; post a reversing entry', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT status FROM ledger_journalentry WHERE id = OLD.entry_id) = 'posted' THEN
            RAISE EXCEPTION 'ledger_posting_frozen_when_posted: posting % of posted entry % cannot be deleted', OLD.id, OLD.entry_id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER ledger_posting_guard
    BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_posting_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_posting_insert_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        bad_entry uuid;
        into_posted boolean;
    BEGIN
        -- Postings may come before their entry (ledger_post_entry inserts the entry as posted
        -- after them; the entry's insert checks them all), so a posting whose entry does not
        -- exist yet passes here. The chain-head lock, which every poster holds until commit,
        -- is taken before the entries are read: it orders this statement after any
        -- transaction posting the same entry, and the read below (a new snapshot) then sees
        -- that entry posted. Without it a posting could slip into an entry posted meanwhile.
        PERFORM 1 FROM ledger_chainhead WHERE id = 1 FOR UPDATE;
        -- Every row of the statement in one query; a row into a posted entry is named first.
        -- Each row looks its entry up by key (OFFSET 0 keeps the lookup a subquery, out of
        -- join planning): the plan is cached for the session, and a join planned while the
        -- journal looked small would scan the whole journal on every later insert.
        SELECT e.id, e.status = 'posted' INTO bad_entry, into_posted
            FROM ledger_posting_inserted p CROSS JOIN LATERAL (
                SELECT j.id, j.status, j.effective_date FROM ledger_journalentry j
                WHERE j.id = p.entry_id OFFSET 0) e
            WHERE e.status = 'posted' OR p.effective_date IS DISTINCT FROM e.effective_date
            ORDER BY e.status = 'posted' DESC LIMIT 1;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        IF into_posted THEN
            RAISE EXCEPTION 'ledger_posting_frozen_when_posted: posted entry % takes no new postings', bad_entry
                USING ERRCODE = 'check_violation';
        END IF;
        RAISE EXCEPTION 'ledger_posting_date_matches_entry: a posting of entry % carries another date', bad_entry
            USING ERRCODE = 'check_violation';
    END $$""",
    """CREATE TRIGGER ledger_posting_insert_guard
    AFTER INSERT ON ledger_posting REFERENCING NEW TABLE AS ledger_posting_inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_posting_insert_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_account_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF ((NEW.name, NEW.currency, NEW.root_type, NEW.normal_side)
                IS DISTINCT FROM (OLD.name, OLD.currency, OLD.root_type, OLD.normal_side)
            OR (NEW.is_placeholder AND NOT OLD.is_placeholder))
           AND EXISTS (SELECT 1 FROM ledger_posting WHERE account_id = OLD.id) THEN
            RAISE EXCEPTION 'ledger_account_history_frozen: account % has postings; it keeps its name, currency, type and side', OLD.name
                USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.opened_on, NEW.closed_on) IS DISTINCT FROM (OLD.opened_on, OLD.closed_on)
           AND EXISTS (
                SELECT 1 FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id
                WHERE p.account_id = OLD.id AND (e.effective_date < NEW.opened_on
                    OR (NEW.closed_on IS NOT NULL AND e.effective_date > NEW.closed_on))) THEN
            RAISE EXCEPTION 'ledger_account_history_frozen: open dates of % must cover its postings', OLD.name
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_period_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'closed' THEN
            RAISE EXCEPTION 'ledger_period_closed_is_final: period % is closed; it cannot be changed, reopened or deleted', OLD.name
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_period_guard BEFORE UPDATE OR DELETE ON ledger_period
    FOR EACH ROW EXECUTE FUNCTION ledger_period_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_balancesnapshot_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'ledger_snapshot_written_once: balance snapshots are never updated or deleted'
                USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT status FROM ledger_period WHERE id = NEW.period_id) = 'closed' THEN
            RAISE EXCEPTION 'ledger_snapshot_written_once: snapshots are written while closing, not after'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_balancesnapshot_guard
    BEFORE INSERT OR UPDATE OR DELETE ON ledger_balancesnapshot
    FOR EACH ROW EXECUTE FUNCTION ledger_balancesnapshot_guard()""",
    r"""CREATE OR REPLACE FUNCTION ledger_no_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_no_truncate: % is append-only; TRUNCATE is refused', TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END $$""",
    *(
        f"""CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_no_truncate()"""
        for table in (
            "ledger_journalentry",
            "ledger_posting",
            "ledger_balancesnapshot",
            "ledger_period",
            "ledger_account",
        )
    ),
]

SQLITE_TRIGGERS = [
    "ledger_entry_insert_as_draft",
    "ledger_entry_posted_is_final",
    "ledger_entry_posted_not_deleted",
    "ledger_entry_post_checks",
    "ledger_chain_head_follows",
    "ledger_posting_insert_into_draft",
    "ledger_posting_immutable",
    "ledger_posting_posted_not_deleted",
    "ledger_account_history_frozen",
    "ledger_account_dates_cover_postings",
    "ledger_period_closed_is_final",
    "ledger_period_closed_not_deleted",
    "ledger_snapshot_written_once",
    "ledger_snapshot_not_deleted",
    "ledger_snapshot_before_close",
]
# (trigger, table) pairs; a PostgreSQL trigger name is unique per table, not per database.
POSTGRESQL_TRIGGERS = [
    ("ledger_journalentry_guard", "ledger_journalentry"),
    ("ledger_journalentry_posted_at_commit", "ledger_journalentry"),
    ("ledger_posting_guard", "ledger_posting"),
    ("ledger_posting_insert_guard", "ledger_posting"),
    ("ledger_account_guard", "ledger_account"),
    ("ledger_period_guard", "ledger_period"),
    ("ledger_balancesnapshot_guard", "ledger_balancesnapshot"),
    ("ledger_no_truncate", "ledger_journalentry"),
    ("ledger_no_truncate", "ledger_posting"),
    ("ledger_no_truncate", "ledger_balancesnapshot"),
    ("ledger_no_truncate", "ledger_period"),
    ("ledger_no_truncate", "ledger_account"),
]

# Triggers that earlier migrations created and the guards have since absorbed, each with its
# function of the same name: uninstall drops them too, so re-installing brings an old database
# to the current set.
RETIRED_POSTGRESQL_TRIGGERS = [("ledger_chain_head_follows", "ledger_journalentry")]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or re-create) every ledger trigger on this connection's database."""
    uninstall(connection)
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every ledger trigger (migrations backwards, and tests that wipe the ledger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name, table in POSTGRESQL_TRIGGERS + RETIRED_POSTGRESQL_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name, _ in RETIRED_POSTGRESQL_TRIGGERS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the names of the ledger triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_%'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT t.tgname || ' ON ' || c.relname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE 'ledger_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def expected(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the trigger names `installed` must report on this vendor."""
    if connection.vendor == "sqlite":
        return set(SQLITE_TRIGGERS)
    return {f"{name} ON {table}" for name, table in POSTGRESQL_TRIGGERS}
