"""The report digest: SHA-256 over a canonical serialisation of what the report states.

The same canonical form is computed when the report is written (from the values written)
and by ``hkscreen verify`` (from the cells read back), so any edit to a covered cell shows.
Sections are hashed separately (rows can then be streamed in any interleaving) and the digest
is the hash of the section hashes in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

SECTIONS = ("summary", "findings", "lines", "reviews")
_encode = json.JSONEncoder(ensure_ascii=False).encode
DIGEST_LABEL = "Report digest (SHA-256)"


def canon(value: object) -> str:
    """One cell as text, identical for the value written and the value read back."""
    if value.__class__ is str:
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Digest:
    def __init__(self) -> None:
        self._sections = {name: hashlib.sha256() for name in SECTIONS}
        self.rows = dict.fromkeys(SECTIONS, 0)

    def add(self, section: str, row: Sequence[object]) -> None:
        line = _encode([canon(v) for v in row]) + "\n"
        self._sections[section].update(line.encode("utf-8"))
        self.rows[section] += 1

    def hexdigest(self) -> str:
        combined = json.dumps({name: h.hexdigest() for name, h in self._sections.items()},
                              sort_keys=True)
        return hashlib.sha256(combined.encode("ascii")).hexdigest()
