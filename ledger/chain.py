"""Canonical content of an entry, its fingerprint and its link in the hash chain.

The canonical form is JSON with sorted keys, no whitespace, integer cents, ISO dates and UTC
timestamps with microseconds: no floats, nothing that depends on the database or the locale.

- fingerprint = sha256(canonical content): what a client asked to post (for idempotency).
- hash = sha256(prev_hash + canonical content + seq, id, recorded_at, created_by): the chain.
  Changing any posted byte changes every hash after it, so `verify_ledger` names the first
  entry that no longer matches.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class CanonicalPosting:
    account: str
    side: str
    amount: int
    currency: str
    memo: str

    def as_dict(self) -> dict:
        return {
            "account": self.account,
            "side": self.side,
            "amount": self.amount,
            "currency": self.currency,
            "memo": self.memo,
        }


@dataclass(frozen=True)
class CanonicalEntry:
    """What an entry says, independent of when and by whom it was recorded."""

    kind: str
    effective_date: datetime.date
    memo: str
    source_ref: str
    reverses: str | None
    postings: tuple[CanonicalPosting, ...]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "effective_date": self.effective_date.isoformat(),
            "memo": self.memo,
            "source_ref": self.source_ref,
            "reverses": self.reverses,
            "postings": [posting.as_dict() for posting in self.postings],
        }

    def content_json(self) -> str:
        """The canonical content: the text whose SHA-256 is the fingerprint."""
        return canonical_json(self.as_dict())

    def fingerprint(self, content_json: str | None = None) -> str:
        return sha256_hex(content_json or self.content_json())

    def chain_hash(
        self,
        *,
        prev_hash: str,
        entry_id: str,
        seq: int,
        recorded_at: datetime.datetime,
        created_by: int | None,
    ) -> str:
        head, tail = self.chain_parts(
            entry_id=entry_id, recorded_at=recorded_at, created_by=created_by
        )
        return sha256_hex(f"{prev_hash}{head}{seq}{tail}")

    def chain_parts(
        self,
        *,
        entry_id: str,
        recorded_at: datetime.datetime,
        created_by: int | None,
        content_json: str | None = None,
    ) -> tuple[str, str]:
        """Return the chain record's canonical JSON split around the value of seq: (head, tail).

        hash = sha256(prev_hash + head + seq + tail). The parts let PostgreSQL's
        ledger_post_entry hash the record once it holds the chain-head lock and knows seq and
        prev_hash (ledger/functions.py); chain_hash hashes the same parts, so the two agree.

        The record is the content plus id, recorded_at, seq and created_by, so its canonical
        JSON is the content's with those four keys set in their sorted places: spliced in at
        the content's keys, not encoded a second time (this is on every post's path). A key
        such as ',"kind":' occurs in the content exactly once, as a key: inside a JSON string
        every quote is escaped. tests/ledger/test_chain.py checks the splice against
        `json.dumps` of the whole record.
        """
        content = content_json or self.content_json()
        # Sorted keys: effective_date, kind, memo, postings, reverses, source_ref.
        effective_date, rest = content.split(',"kind":', 1)
        up_to_postings, rest = rest.split(',"reverses":', 1)
        reverses, source_ref = rest.split(',"source_ref":', 1)
        stamp = recorded_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        head = (
            f'{{"created_by":{json.dumps(created_by)},{effective_date[1:]}'
            f',"id":{json.dumps(entry_id)},"kind":{up_to_postings}'
            f',"recorded_at":"{stamp}","reverses":{reverses},"seq":'
        )
        return head, f',"source_ref":{source_ref}'

    def first_difference(self, other: "CanonicalEntry") -> tuple[str, str] | None:
        """Return (field, detail) for the first way other differs from self, or None."""
        for field in ("kind", "effective_date", "source_ref", "memo", "reverses"):
            mine, theirs = getattr(self, field), getattr(other, field)
            if mine != theirs:
                return field, f"stored {mine!r}, submitted {theirs!r}"
        if len(self.postings) != len(other.postings):
            return "postings", f"stored {len(self.postings)}, submitted {len(other.postings)}"
        for number, (mine, theirs) in enumerate(zip(self.postings, other.postings, strict=True), 1):
            for field in ("account", "side", "amount", "currency", "memo"):
                if getattr(mine, field) != getattr(theirs, field):
                    name = "posting_memo" if field == "memo" else field
                    detail = (
                        f"posting {number}: stored {getattr(mine, field)!r}, "
                        f"submitted {getattr(theirs, field)!r}"
                    )
                    return name, detail
        return None


def canonical_json(value: dict) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
