"""The hash chain: what is hashed, and PostgreSQL's one-call post hashing the very same text."""

import datetime
import hashlib
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.chain import CanonicalEntry, CanonicalPosting, canonical_json
from ledger.models import JournalEntry
from ledger.selectors import canonical_of, entry_row
from ledger.services import credit, debit, post_entry
from ledger.verification import verify_ledger
from tests.conftest import Q1_DAY, post_sale, usd

# A memo that holds the text the chain record is split at, quotes, and non-ASCII letters.
AWKWARD_MEMO = 'Café "Ñandú" ,"seq":0,"source_ref":"x" \\ end'


def test_the_chain_hash_is_sha256_of_prev_hash_and_the_record_json():
    entry = CanonicalEntry(
        kind="sale",
        effective_date=datetime.date(2026, 2, 14),
        memo=AWKWARD_MEMO,
        source_ref='order ,"seq":0,"source_ref":',
        reverses=None,
        postings=(
            CanonicalPosting("Assets:Cash:Drawer1", "D", 1234, "USD", AWKWARD_MEMO),
            CanonicalPosting("Income:Sales:Food", "C", 1234, "USD", ""),
        ),
    )
    recorded_at = datetime.datetime(2026, 2, 14, 18, 30, 5, 120, tzinfo=datetime.UTC)
    record = json.dumps(
        {
            "kind": "sale",
            "effective_date": "2026-02-14",
            "memo": AWKWARD_MEMO,
            "source_ref": 'order ,"seq":0,"source_ref":',
            "reverses": None,
            "postings": [
                {
                    "account": "Assets:Cash:Drawer1",
                    "side": "D",
                    "amount": 1234,
                    "currency": "USD",
                    "memo": AWKWARD_MEMO,
                },
                {
                    "account": "Income:Sales:Food",
                    "side": "C",
                    "amount": 1234,
                    "currency": "USD",
                    "memo": "",
                },
            ],
            "id": "0e4a1f3c-5d2b-4c6a-9f1e-2b3c4d5e6f70",
            "seq": 4021,
            "recorded_at": "2026-02-14T18:30:05.000120+00:00",
            "created_by": 7,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    prev_hash = "ab" * 32

    chained = entry.chain_hash(
        prev_hash=prev_hash,
        entry_id="0e4a1f3c-5d2b-4c6a-9f1e-2b3c4d5e6f70",
        seq=4021,
        recorded_at=recorded_at,
        created_by=7,
    )

    assert chained == hashlib.sha256((prev_hash + record).encode("utf-8")).hexdigest()


# Text that holds the keys the record is spliced at, quotes, backslashes and non-ASCII.
TRICKY_TEXT = st.lists(
    st.sampled_from(['"', "\\", ",", ":", "{", "}", "a", "é", "\u2028", "\x00"])
    | st.sampled_from([',"kind":', ',"reverses":', ',"source_ref":', ',"seq":0', '"memo":']),
    max_size=8,
).map("".join)


@given(
    memo=TRICKY_TEXT,
    source_ref=TRICKY_TEXT,
    posting_memo=TRICKY_TEXT,
    reverses=st.none() | st.just("9b2f0c7e-3a41-4d5e-8f60-1a2b3c4d5e6f"),
    created_by=st.none() | st.integers(min_value=1, max_value=10**9),
    seq=st.integers(min_value=1, max_value=10**12),
)
def test_the_spliced_chain_record_is_the_canonical_json_of_the_whole_record(
    memo, source_ref, posting_memo, reverses, created_by, seq
):
    """chain_parts splices id, recorded_at, seq and created_by into the content's JSON."""
    entry = CanonicalEntry(
        kind="sale",
        effective_date=datetime.date(2026, 5, 1),
        memo=memo,
        source_ref=source_ref,
        reverses=reverses,
        postings=(
            CanonicalPosting("Assets:Cash:Drawer1", "D", 500, "USD", posting_memo),
            CanonicalPosting("Income:Sales:Food", "C", 500, "USD", memo),
        ),
    )
    recorded_at = datetime.datetime(2026, 5, 1, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    entry_id = "0e4a1f3c-5d2b-4c6a-9f1e-2b3c4d5e6f70"
    head, tail = entry.chain_parts(
        entry_id=entry_id, recorded_at=recorded_at, created_by=created_by
    )
    record = {
        **entry.as_dict(),
        "id": entry_id,
        "seq": seq,
        "recorded_at": "2026-05-01T23:59:59.999999+00:00",
        "created_by": created_by,
    }

    assert f"{head}{seq}{tail}" == canonical_json(record)


@pytest.mark.django_db
def test_an_awkward_entry_posted_in_one_call_hashes_as_python_does():
    """On PostgreSQL the database computes the hash (ledger_post_entry); on SQLite Python does."""
    # The first entry creates the chain head and the quarter's row (the full path).
    post_sale(total="3.00")
    entry = post_entry(
        entry_id=uuid.uuid4(),
        kind="sale",
        effective_date=Q1_DAY,
        memo=AWKWARD_MEMO,
        source_ref='order ,"seq":0,"source_ref":',
        lines=[
            debit("Assets:Cash:Drawer1", usd("12.34"), memo=AWKWARD_MEMO),
            credit("Income:Sales:Food", usd("12.34")),
        ],
    )

    stored = JournalEntry.objects.get(id=entry.id)
    assert (stored.prev_hash, stored.hash) == (entry.prev_hash, entry.hash)
    recomputed = canonical_of(entry_row(entry.id)).chain_hash(
        prev_hash=stored.prev_hash,
        entry_id=str(stored.id),
        seq=stored.seq,
        recorded_at=stored.recorded_at,
        created_by=stored.created_by_id,
    )
    assert recomputed == stored.hash
    assert [(p.account.name, p.memo) for p in stored.postings.order_by("id")] == [
        ("Assets:Cash:Drawer1", AWKWARD_MEMO),
        ("Income:Sales:Food", ""),
    ]
    assert verify_ledger().ok
