"""The ledger's triggers on SQLite: one per rule and event, each refusing with RAISE(ABORT)
and a message that starts with the rule's name (see the package's docstring for the rules)."""

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
