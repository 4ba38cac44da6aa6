"""PostgreSQL's one-call post: `ledger_post_entry`, a server-side function for the usual entry.

Nearly every post is a new entry, dated in an open quarter whose row exists, to open postable
accounts in their own currency, not reversing anything, touching no bounded account toward its
bound. For that entry the function does in one statement, so one round trip, what
`post_entry` otherwise does in two: lock the chain head, check the entry is that usual kind,
compute its hash, insert its postings and then the entry itself, already posted (the two-step
path inserts a draft and flips it; ledger/triggers/ checks both ways alike).

Its statements are planned once per connection (PL/pgSQL caches their plans), where the
two-step path has PostgreSQL parse and plan every statement of every post. The plans are
generic by decree (`SET plan_cache_mode = force_generic_plan`, here and on the entry guard of
ledger/triggers/): left to choose, PostgreSQL came to plan their statements again on every
call once the ledger held tens of thousands of entries, a fifth of a post's time on the server.
Every statement looks rows up by key, so the generic plan is the right one.

It never decides that an entry is wrong: when anything is unusual (the id exists, the source
is taken, the quarter has no row or is closed, an account is missing, placeholder, closed,
in another currency or bounded and moved by a line toward its bound, no chain head yet) it
returns no row having written nothing, and `post_entry` takes its full path, which raises the
typed error or posts. The triggers of ledger/triggers/ check its writes like any other.

The lines arrive inside the entry's canonical content (`CanonicalEntry.content_json`, the text
whose SHA-256 is the fingerprint): one JSON text costs the client far less to send than five
arrays (psycopg quotes an array element by element, in Python).

The hash: `seq` and `prev_hash` are known only under the lock, so Python sends the canonical
JSON of the chain record split around the value of seq (`CanonicalEntry.chain_parts`), and the
function hashes prev_hash || head || seq || tail, the very text Python would hash
(`CanonicalEntry.chain_hash` hashes the same parts), encoded in UTF-8 on both sides.

A VOLATILE PL/pgSQL function takes a fresh snapshot for each statement, so under READ COMMITTED
the reads after the lock see what the poster before it committed, as the two-step path's
separate statements do.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

POST_ENTRY = r"""
CREATE OR REPLACE FUNCTION ledger_post_entry(
    p_id uuid, p_kind text, p_day date, p_quarter_start date, p_recorded_at timestamptz,
    p_memo text, p_source_ref text, p_fingerprint text, p_created_by bigint,
    p_content json, p_chain_head text, p_chain_tail text)
RETURNS TABLE (o_seq bigint, o_prev_hash text, o_hash text, o_period_id bigint)
LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    period bigint;
    taken boolean;
    inserted bigint;
    entry_hash text;
BEGIN
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM ledger_chainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- One statement for the entry's state (each statement costs, even planned once): its
    -- quarter's row, and whether the id or the source is taken or a closed period covers it.
    -- source_ref <> '' is repeated so that the partial unique index serves a generic plan too.
    SELECT (SELECT p.id FROM ledger_period p WHERE p.start_date = p_quarter_start),
        EXISTS (SELECT 1 FROM ledger_journalentry e WHERE e.id = p_id)
        OR (p_source_ref <> '' AND EXISTS (
            SELECT 1 FROM ledger_journalentry e
            WHERE e.kind = p_kind AND e.source_ref = p_source_ref AND e.source_ref <> ''))
        OR EXISTS (SELECT 1 FROM ledger_period p WHERE p.status = 'closed' AND p.end_date >= p_day)
    INTO period, taken;
    IF period IS NULL OR taken THEN
        RETURN;
    END IF;
    -- The postings first, then the entry as posted: the entry's insert checks them all
    -- (ledger_journalentry_guard) and moves the chain head. Inserting a draft and flipping it
    -- would write the entry twice, every index entry of it too, and leave a dead row behind.
    -- The lines come from the canonical content, each with its account if that takes the
    -- posting; they are inserted only if every line has one. A line that moves a bounded
    -- account toward its bound sends the entry to the full path, which sums the account's
    -- history (a conservative test: the full path decides). No row inserted: nothing written.
    WITH line AS (
        SELECT l.n, l.side, l.amount, l.memo, a.id AS account_id,
            (a.bound = 'debits_le_credits' AND l.side = 'D')
                OR (a.bound = 'credits_le_debits' AND l.side = 'C') AS toward_bound
        FROM ROWS FROM (json_to_recordset(p_content -> 'postings')
                AS (account text, currency text, side text, amount bigint, memo text))
            WITH ORDINALITY AS l(account, currency, side, amount, memo, n)
        LEFT JOIN ledger_account a ON a.name = l.account AND a.currency = l.currency
            AND NOT a.is_placeholder AND a.opened_on <= p_day
            AND (a.closed_on IS NULL OR a.closed_on >= p_day)
    )
    INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, memo)
    SELECT p_id, line.account_id, line.side, line.amount, p_day, line.memo
    FROM line
    WHERE NOT EXISTS (SELECT 1 FROM line WHERE account_id IS NULL OR toward_bound)
    ORDER BY line.n;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 0 THEN
        RETURN;
    END IF;
    entry_hash := encode(sha256(convert_to(
        head_hash || p_chain_head || (head_seq + 1)::text || p_chain_tail, 'UTF8')), 'hex');
    INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, period_id,
        recorded_at, memo, source_ref, reverses_id, fingerprint, prev_hash, hash, created_by_id)
    VALUES (p_id, head_seq + 1, 'posted', p_kind, p_day, period, p_recorded_at, p_memo,
        p_source_ref, NULL, p_fingerprint, head_hash, entry_hash, p_created_by);
    RETURN QUERY SELECT head_seq + 1, head_hash, entry_hash, period;
END $$"""


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the function; PostgreSQL only (SQLite posts in two steps)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POST_ENTRY)


# Every signature the function has had: replacing it means dropping the one before.
SIGNATURES = (
    "uuid, text, date, date, timestamptz, text, text, text, bigint, "
    "text[], text[], text[], bigint[], text[], text, text",  # lines as five arrays (0007)
    "uuid, text, date, date, timestamptz, text, text, text, bigint, json, text, text",
)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the function, whichever of its signatures the database holds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for signature in SIGNATURES:
                cursor.execute(f"DROP FUNCTION IF EXISTS ledger_post_entry({signature})")
