"""PostgreSQL's one-call post: `ledger_post_entry`, a server-side function for the usual entry.

Nearly every post is a new entry, dated in an open quarter whose row exists, to open postable
accounts in their own currency, not reversing anything, touching no bounded account toward its
bound. For that entry the function does in one statement, so one round trip, what
`post_entry` otherwise does in two: lock the chain head, check the entry is that usual kind,
insert it as a draft with its postings, compute its hash and post it. Its statements are
planned once per connection (PL/pgSQL caches their plans), where the two-step path has
PostgreSQL parse and plan every statement of every post.

It never decides that an entry is wrong: when anything is unusual (the id exists, the source
is taken, the quarter has no row or is closed, an account is missing, placeholder, closed,
in another currency or bounded in the direction the entry moves it, no chain head yet) it
returns no row having written nothing, and `post_entry` takes its full path, which raises the
typed error or posts. The triggers of ledger/triggers.py check its writes like any other.

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
    p_accounts text[], p_currencies text[], p_sides text[], p_amounts bigint[], p_memos text[],
    p_chain_head text, p_chain_tail text)
RETURNS TABLE (o_seq bigint, o_prev_hash text, o_hash text, o_period_id bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    period bigint;
    account_ids bigint[];
    entry_hash text;
BEGIN
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM ledger_chainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_journalentry e WHERE e.id = p_id) THEN
        RETURN;
    END IF;
    -- source_ref <> '' repeated so that the partial unique index serves a generic plan too.
    IF p_source_ref <> '' AND EXISTS (
        SELECT 1 FROM ledger_journalentry e
        WHERE e.kind = p_kind AND e.source_ref = p_source_ref AND e.source_ref <> ''
    ) THEN
        RETURN;
    END IF;
    SELECT p.id INTO period FROM ledger_period p WHERE p.start_date = p_quarter_start;
    IF period IS NULL OR EXISTS (
        SELECT 1 FROM ledger_period p WHERE p.status = 'closed' AND p.end_date >= p_day
    ) THEN
        RETURN;
    END IF;
    SELECT array_agg(a.id ORDER BY l.n) INTO account_ids
    FROM unnest(p_accounts, p_currencies) WITH ORDINALITY AS l(name, currency, n)
    JOIN ledger_account a ON a.name = l.name
    WHERE a.currency = l.currency AND NOT a.is_placeholder AND a.opened_on <= p_day
        AND (a.closed_on IS NULL OR a.closed_on >= p_day);
    IF cardinality(account_ids) IS DISTINCT FROM cardinality(p_accounts) THEN
        RETURN;
    END IF;
    IF EXISTS (
        SELECT 1 FROM unnest(account_ids, p_sides, p_amounts) AS l(account_id, side, amount)
        JOIN ledger_account a ON a.id = l.account_id
        WHERE a.bound <> ''
        GROUP BY a.id, a.bound
        HAVING (a.bound = 'debits_le_credits'
                AND sum(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END) > 0)
            OR (a.bound = 'credits_le_debits'
                AND sum(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END) < 0)
    ) THEN
        RETURN;
    END IF;
    entry_hash := encode(sha256(convert_to(
        head_hash || p_chain_head || (head_seq + 1)::text || p_chain_tail, 'UTF8')), 'hex');
    INSERT INTO ledger_journalentry (id, seq, status, kind, effective_date, period_id,
        recorded_at, memo, source_ref, reverses_id, fingerprint, prev_hash, hash, created_by_id)
    VALUES (p_id, NULL, 'draft', p_kind, p_day, period, p_recorded_at, p_memo, p_source_ref,
        NULL, p_fingerprint, '', '', p_created_by);
    INSERT INTO ledger_posting (entry_id, account_id, side, amount, effective_date, memo)
    SELECT p_id, l.account_id, l.side, l.amount, p_day, l.memo
    FROM unnest(account_ids, p_sides, p_amounts, p_memos) WITH ORDINALITY
        AS l(account_id, side, amount, memo, n)
    ORDER BY l.n;
    UPDATE ledger_journalentry SET status = 'posted', seq = head_seq + 1, prev_hash = head_hash,
        hash = entry_hash
    WHERE id = p_id;
    RETURN QUERY SELECT head_seq + 1, head_hash, entry_hash, period;
END $$"""


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the function; PostgreSQL only (SQLite posts in two steps)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POST_ENTRY)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP FUNCTION IF EXISTS ledger_post_entry(uuid, text, date, date, timestamptz, "
                "text, text, text, bigint, text[], text[], text[], bigint[], text[], text, text)"
            )
