"""Canonical JSON and the seal.

The canonical form is the one every verifier can reproduce: UTF-8 JSON with keys sorted, no
whitespace between tokens, amounts as integer cents (floats are refused, so no number can
depend on a float's rounding), dates as ISO strings. The published `.json` download is these
exact bytes, so `sha256sum 2026q1.json` prints `snapshot_sha256`.

The seal chains publications together:

    seal = SHA-256(canonical JSON of {"ledger_head_hash", "ledger_head_seq",
                                      "previous_seal", "snapshot_sha256"})

where the ledger head is the chain head recorded when the quarter closed and previous_seal
is the seal published before this one (64 zeros for the first). The snapshot carries its own
ledger head and previous seal under "seal_inputs", so the seal can be recomputed from the
downloaded file alone and compared with the list at /transparency/seals.json.
"""

import hashlib
import json
from dataclasses import dataclass

FLOAT_REFUSED = "Snapshots hold no floats (found {value!r} at {path}); use integer cents or strings"


class SnapshotFormatError(ValueError):
    """The document is not a canonical snapshot."""


def _refuse_floats(value, path: str = "$") -> None:
    if isinstance(value, float):
        raise SnapshotFormatError(FLOAT_REFUSED.format(value=value, path=path))
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_floats(item, f"{path}[{index}]")


def canonical_bytes(snapshot: dict) -> bytes:
    """Return the snapshot as canonical JSON bytes. Raise SnapshotFormatError on a float."""
    _refuse_floats(snapshot)
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compute_seal(
    *, snapshot_sha256: str, ledger_head_seq: int, ledger_head_hash: str, previous_seal: str
) -> str:
    """Return the seal over a snapshot digest, the ledger head at the close and the last seal."""
    inputs = {
        "ledger_head_hash": ledger_head_hash,
        "ledger_head_seq": ledger_head_seq,
        "previous_seal": previous_seal,
        "snapshot_sha256": snapshot_sha256,
    }
    return sha256_hex(canonical_bytes(inputs))


@dataclass(frozen=True)
class SealCheck:
    snapshot_sha256: str
    seal: str
    canonical: bool  # the bytes are exactly the canonical form of what they parse to
    period: str
    version: int


def seal_of(data: bytes) -> SealCheck:
    """Recompute the digest and seal of downloaded snapshot bytes. Raise SnapshotFormatError."""
    try:
        snapshot = json.loads(data.decode("utf-8"), parse_float=_float_refused)
        inputs = snapshot["seal_inputs"]
        period, version = snapshot["period"]["name"], snapshot["version"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise SnapshotFormatError(f"Not a transparency snapshot: {error}") from error
    digest = sha256_hex(data)
    seal = compute_seal(
        snapshot_sha256=digest,
        ledger_head_seq=inputs["ledger_head_seq"],
        ledger_head_hash=inputs["ledger_head_hash"],
        previous_seal=inputs["previous_seal"],
    )
    return SealCheck(digest, seal, canonical_bytes(snapshot) == data, period, version)


def _float_refused(text: str):
    raise SnapshotFormatError(f"Snapshots hold no floats (found {text})")
