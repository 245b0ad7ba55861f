"""The built restricted-party index, kept in the data directory between runs.

Building the index for the 25,921-entry list (reading the entries from the database and
normalising 57,000 names) costs about half a second per run; reading it back from this cache
costs a third of that. The cache file is named by everything that determines its content: the
active lists (id, name, file hash, entry count, import time; a list's entries never change
after import) and the matching code itself. ``marshal`` holds only plain data (no code runs
when it is read); a cache file that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

import screening.parties as parties_module
from screening.model import Severity
from screening.parties import PartyEntry, PartyIndex
from screening.paths import data_dir

log = logging.getLogger(__name__)
_FIELDS = [f.name for f in dataclasses.fields(PartyEntry)]
_CODE = hashlib.sha256(Path(parties_module.__file__).read_bytes()).hexdigest()


def cache_key(lists: list[Any]) -> str:
    """``lists``: the active ListInfo records."""
    parts = [_CODE, *(f"{x.id}|{x.name}|{x.file_sha256}|{x.entry_count}|"
                      f"{_utc(x.imported_at)}" for x in lists)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def _utc(value: dt.datetime) -> str:
    """The same text for the time as written (aware) and as SQLite returns it (naive UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def _path(key: str) -> Path:
    return data_dir() / "cache" / f"party-index-{key}.marshal"


def load(key: str, strong: float, weak: float) -> PartyIndex | None:
    path = _path(key)
    if not path.exists():
        return None
    try:
        data = marshal.loads(path.read_bytes())
        severities = {s.value: s for s in Severity}
        at = _FIELDS.index("severity")
        entries = [PartyEntry(*row[:at], severities[row[at]], *row[at + 1:])
                   for row in data["entries"]]
        return PartyIndex(entries, strong, weak, data["names"], data["compact"],
                          data.get("sorted_names") or [], data["owners"], data["tokens"])
    except Exception:  # a damaged or foreign file: build the index again
        log.warning("party index cache %s unreadable; rebuilding", path, exc_info=True)
        return None


#: Bigger lists are not kept: the serialised copy would double the memory a run needs.
MAX_ENTRIES = 200_000


def warm(session: Any) -> None:
    """Build and keep the index for the lists active in ``session`` (after an import, so
    the next run only reads it)."""
    from screening.store.parties import active_lists, load_entries

    lists = active_lists(session)
    if lists and sum(x.entry_count for x in lists) <= MAX_ENTRIES:
        save(cache_key(lists), PartyIndex.build(load_entries(session)))


def save(key: str, index: PartyIndex) -> None:
    target = _path(key)
    if len(index.entries) > MAX_ENTRIES:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = [tuple(e.severity.value if name == "severity" else getattr(e, name)
                      for name in _FIELDS) for e in index.entries]
        blob = marshal.dumps({"entries": rows, "names": index.names, "compact": index.compact,
                              "sorted_names": index.sorted_names,
                              "owners": index.owners, "tokens": index.tokens})
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, target)
        for old in target.parent.glob("party-index-*.marshal"):  # only the newest is useful
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        log.warning("party index cache %s not written", target, exc_info=True)
