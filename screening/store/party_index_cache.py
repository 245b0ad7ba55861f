"""The built restricted-party index, kept in the data directory between runs.

Building the index for the 25,921-entry list (reading the entries from the database and
normalising 57,000 names) costs about half a second per run; reading it back from this cache
costs a tenth of that. The cache file is named by everything that determines its content: the
active lists (id, name, file hash, entry count, import time; a list's entries never change
after import), the matching code itself and this file's layout. ``marshal`` holds only plain
data (no code runs when it is read); a cache file that cannot be read is ignored and rebuilt.

What a run needs at once (the names, and which names hold each search key) is read when the
file is; what only a match needs (the entries, who owns each name) and each key's list of
names stay packed until first asked for, with a checksum verified when the file is read.
Most runs meet few of the list's 57,000 names: unpacking everything cost a small run 40 ms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import marshal
import os
import tempfile
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast, overload

import screening.parties as parties_module
from screening.model import Severity
from screening.parties import PartyEntry, PartyIndex
from screening.paths import data_dir

log = logging.getLogger(__name__)
_FIELDS = [f.name for f in dataclasses.fields(PartyEntry)]
_CODE = hashlib.sha256(Path(parties_module.__file__).read_bytes()).hexdigest()
_LAYOUT = "4"  # entries and owners packed, postings as int32 arrays, texts by field
#: PartyIndex's lists of name texts (names, compact, ...), stored as they are.
_TEXTS = [f.name for f in dataclasses.fields(PartyIndex) if f.name not in
          ("entries", "owners", "tokens", "strong", "weak") and not f.name.startswith("_")]
_SEVERITY_AT = _FIELDS.index("severity")
_SEVERITIES = {s.value: s for s in Severity}


def cache_key(lists: list[Any]) -> str:
    """``lists``: the active ListInfo records."""
    parts = [_CODE, _LAYOUT, *(f"{x.id}|{x.name}|{x.file_sha256}|{x.entry_count}|"
                               f"{_utc(x.imported_at)}" for x in lists)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def _utc(value: dt.datetime) -> str:
    """The same text for the time as written (aware) and as SQLite returns it (naive UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def _path(key: str) -> Path:
    return data_dir() / "cache" / f"party-index-{key}.marshal"


class _Packed:
    """A marshalled list, unpacked on first use."""

    def __init__(self, blob: bytes, width: int) -> None:
        self._blob, self._width = blob, width
        self._rows: list[tuple[Any, ...]] | None = None

    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            rows = marshal.loads(self._blob)
            if any(len(row) != self._width for row in rows):
                raise ValueError("party index cache: rows of the wrong width")
            self._rows, self._blob = rows, b""
        return self._rows


class _Entries(Sequence[PartyEntry]):
    """The cached entries, each made a PartyEntry when first asked for."""

    def __init__(self, packed: _Packed, count: int) -> None:
        self._packed, self._count = packed, count
        self._made: dict[int, PartyEntry] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> PartyEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[PartyEntry]: ...

    def __getitem__(self, index: int | slice) -> PartyEntry | list[PartyEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        entry = self._made.get(index)
        if entry is None:
            row = self._packed.rows()[index]  # IndexError as a list would raise it
            entry = self._made[index] = PartyEntry(
                *row[:_SEVERITY_AT], _SEVERITIES[row[_SEVERITY_AT]], *row[_SEVERITY_AT + 1:])
        return entry


class _Owners(Sequence[tuple[int, str]]):
    """(entry number, name as listed) of each name, unpacked on first use."""

    def __init__(self, packed: _Packed, count: int) -> None:
        self._packed, self._count = packed, count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[int, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, str] | list[tuple[int, str]]:
        rows = self._packed.rows()
        return cast(tuple[int, str], rows[index]) if isinstance(index, int) \
            else cast(list[tuple[int, str]], rows[index])


class _Postings(Mapping[str, list[int]]):
    """Search key -> numbers of the names that hold it, each list unpacked on first use."""

    def __init__(self, packed: dict[str, bytes]) -> None:
        self._packed = packed
        self._unpacked: dict[str, list[int]] = {}

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        found = self._unpacked.get(key)
        if found is None:
            blob = self._packed.get(key)
            if blob is None:
                return default
            found = self._unpacked[key] = array("i", blob).tolist()
        return found

    def __getitem__(self, key: str) -> list[int]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return cast(list[int], found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


def load(key: str, strong: float, weak: float) -> PartyIndex | None:
    path = _path(key)
    if not path.exists():
        return None
    try:
        data = marshal.loads(path.read_bytes())
        entries, owners, texts = data["entries"], data["owners"], data["texts"]
        if data["layout"] != _LAYOUT or data["checksum"] != _checksum(entries, owners) or \
                sorted(texts) != sorted(_TEXTS) or \
                any(len(v) not in (0, data["owner_count"]) for v in texts.values()):
            raise ValueError("party index cache: damaged or of another layout")
        # PartyIndex reads entries and owners by position and tokens with get() or []: the
        # sequences and the mapping serve it as the lists and the dict would.
        return PartyIndex(
            entries=cast(list[PartyEntry], _Entries(_Packed(entries, len(_FIELDS)),
                                                    data["entry_count"])),
            owners=cast(list[tuple[int, str]], _Owners(_Packed(owners, 2),
                                                       data["owner_count"])),
            tokens=cast(dict[str, list[int]], _Postings(data["tokens"])),
            strong=strong, weak=weak, **texts)
    except Exception:  # a damaged or foreign file: build the index again
        log.warning("party index cache %s unreadable; rebuilding", path, exc_info=True)
        return None


def _checksum(*blobs: bytes) -> int:
    crc = 0
    for blob in blobs:
        crc = zlib.crc32(blob, crc)
    return crc


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
        entries = marshal.dumps([
            tuple(e.severity.value if name == "severity" else getattr(e, name)
                  for name in _FIELDS) for e in index.entries])
        owners = marshal.dumps([tuple(o) for o in index.owners])
        blob = marshal.dumps({
            "layout": _LAYOUT, "checksum": _checksum(entries, owners),
            "entry_count": len(index.entries), "entries": entries,
            "owner_count": len(index.owners), "owners": owners,
            "texts": {name: getattr(index, name) for name in _TEXTS},
            "tokens": {k: array("i", v).tobytes() for k, v in index.tokens.items()}})
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, target)
        for old in target.parent.glob("party-index-*.marshal"):  # only the newest is useful
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        log.warning("party index cache %s not written", target, exc_info=True)
