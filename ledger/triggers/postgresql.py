"""The ledger's triggers on PostgreSQL: a guard function per table, raising check_violation
with a message that starts with the rule's name (see the package's docstring for the rules)."""

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
