"""The built restricted-party index, kept in the data directory between runs.

Building the index for the 25,921-entry list (reading the entries from the database and
normalising 57,000 names) costs about half a second per run; reading it back from this cache
costs a tenth of that. The cache file is named by everything that determines its content: the
active lists (id, name, file hash, entry count, import time; a list's entries never change
after import), the matching code itself and this file's layout. ``marshal`` holds only plain
data (no code runs when it is read); a cache file that cannot be read is ignored and rebuilt.

What a run needs at once (the names, and which names hold each search key) is read when the
file is; what only a match needs (the entries, who owns each name: in chunks of rows) and
each key's list of names stay packed until first asked for, with a checksum verified when
the file is read. Most runs meet few of the list's 57,000 names: unpacking everything cost a
small run's first match 60 ms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import marshal
import mmap
import os
import struct
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
_LAYOUT = "7"  # mapped; entries and owners in chunks, texts by field, postings in buckets
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


#: A packed part: bytes as written, a view of the mapped file as read.
Blob = bytes | memoryview
#: Rows per packed chunk: a small run unpacks the few chunks its matches touch (unpacking
#: all 26,000 entries and 57,000 owners cost its first match 60 ms).
CHUNK_ROWS = 512


def _chunked(rows: list[tuple[Any, ...]]) -> list[bytes]:
    return [marshal.dumps(rows[at:at + CHUNK_ROWS]) for at in range(0, len(rows), CHUNK_ROWS)]


class _Packed:
    """A marshalled list of ``count`` rows of ``width`` values, in chunks of CHUNK_ROWS,
    each unpacked on first use."""

    def __init__(self, blobs: list[Blob], width: int, count: int) -> None:
        if len(blobs) != -(-count // CHUNK_ROWS):
            raise ValueError("party index cache: chunks missing or extra")
        self._blobs, self._width, self._count = blobs, width, count
        self._chunks: list[list[tuple[Any, ...]] | None] = [None] * len(blobs)

    def row(self, index: int) -> tuple[Any, ...]:
        """Row ``index`` (0 <= index < count, else IndexError)."""
        if not 0 <= index < self._count:
            raise IndexError("party index cache: row out of range")
        at, offset = divmod(index, CHUNK_ROWS)
        chunk = self._chunks[at]
        if chunk is None:
            chunk = self._chunks[at] = self._unpack(at)
        return chunk[offset]

    def _unpack(self, at: int) -> list[tuple[Any, ...]]:
        rows = marshal.loads(self._blobs[at])
        expected = min(CHUNK_ROWS, self._count - at * CHUNK_ROWS)
        if len(rows) != expected or any(len(row) != self._width for row in rows):
            raise ValueError("party index cache: rows of the wrong width or count")
        return cast(list[tuple[Any, ...]], rows)


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
            row = self._packed.row(index)  # IndexError as a list would raise it
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
        if isinstance(index, slice):
            return [cast(tuple[int, str], self._packed.row(i))
                    for i in range(*index.indices(self._count))]
        return cast(tuple[int, str], self._packed.row(index + self._count if index < 0
                                                     else index))


class _Postings(Mapping[str, list[int]]):
    """Search key -> numbers of the names that hold it. The keys are packed in buckets by
    their first three characters, a bucket unpacked when a key of it is first asked for,
    each key's list when it is."""

    def __init__(self, buckets: dict[str, Blob], count: int) -> None:
        self._buckets, self._count = buckets, count
        self._opened: set[str] = set()
        self._packed: dict[str, bytes] = {}  # the keys of the buckets opened
        self._unpacked: dict[str, list[int]] = {}

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        found = self._unpacked.get(key)
        if found is None:
            bucket = key[:_BUCKET]
            if bucket not in self._opened:
                self._open(bucket)
            blob = self._packed.get(key)
            if blob is None:
                return default
            found = self._unpacked[key] = array("i", blob).tolist()
        return found

    def _open(self, bucket: str) -> None:
        blob = self._buckets.get(bucket)
        if blob is not None:
            keys = marshal.loads(blob)
            if not isinstance(keys, dict) or any(k[:_BUCKET] != bucket for k in keys):
                raise ValueError("party index cache: a bucket of search keys is damaged")
            self._packed.update(keys)
        self._opened.add(bucket)

    def __getitem__(self, key: str) -> list[int]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return cast(list[int], found)

    def __iter__(self) -> Iterator[str]:
        for bucket in self._buckets:
            if bucket not in self._opened:
                self._open(bucket)
        return iter(self._packed)

    def __len__(self) -> int:
        return self._count


#: Characters of a search key that name its bucket.
_BUCKET = 3


def _buckets(tokens: Mapping[str, list[int]]) -> dict[str, bytes]:
    grouped: dict[str, dict[str, bytes]] = {}
    for key, names in tokens.items():
        grouped.setdefault(key[:_BUCKET], {})[key] = array("i", names).tobytes()
    return {bucket: marshal.dumps(keys) for bucket, keys in grouped.items()}


class _Text:
    """One of PartyIndex's lists of name texts, still marshalled."""

    def __init__(self, blob: Blob, count: int) -> None:
        self.blob, self.count = blob, count

    def unpack(self) -> list[str]:
        texts = marshal.loads(self.blob)
        if not isinstance(texts, list) or len(texts) not in (0, self.count):
            raise ValueError("party index cache: a list of name texts is damaged")
        return texts


class _Unpacked:
    """A PartyIndex field read from the cache: the list, unpacked when first read (most
    runs read few of the five)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, index: Any, owner: type | None = None) -> Any:
        if index is None:
            return self
        value = index.__dict__[self.name]
        if value.__class__ is _Text:
            value = index.__dict__[self.name] = value.unpack()
        return value

    def __set__(self, index: Any, value: Any) -> None:
        index.__dict__[self.name] = value


class _CachedIndex(PartyIndex):
    """The PartyIndex of a cache file: its lists of name texts unpacked on first use."""


for _name in _TEXTS:
    _field = _Unpacked()
    _field.__set_name__(_CachedIndex, _name)
    setattr(_CachedIndex, _name, _field)


def load(key: str, strong: float, weak: float) -> PartyIndex | None:
    path = _path(key)
    if not path.exists():
        return None
    try:
        # Mapped, not read: its pages are the file's own in the system's cache, where a
        # read would copy all 15 MB into new memory (a third of a small run's load).
        with path.open("rb") as handle:
            view = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        if view[:len(_MAGIC)] != _MAGIC:
            raise ValueError("party index cache: not a cache file")
        size, crc = _HEAD.unpack_from(view, len(_MAGIC))
        start = len(_MAGIC) + _HEAD.size
        header, body = view[start:start + size], view[start + size:]
        if zlib.crc32(body, zlib.crc32(header)) != crc:
            raise ValueError("party index cache: damaged")
        data = marshal.loads(header)
        if data["layout"] != _LAYOUT or sorted(data["texts"]) != sorted(_TEXTS):
            raise ValueError("party index cache: of another layout")

        def part(span: tuple[int, int]) -> memoryview:
            at, length = span
            if at < 0 or length < 0 or at + length > len(body):
                raise ValueError("party index cache: a part lies outside the file")
            return body[at:at + length]

        entry_count, owner_count = data["entry_count"], data["owner_count"]
        # PartyIndex reads entries and owners by position and tokens with get() or []: the
        # sequences and the mapping serve it as the lists and the dict would.
        return _CachedIndex(
            entries=cast(list[PartyEntry], _Entries(_Packed(
                list(map(part, data["entries"])), len(_FIELDS), entry_count), entry_count)),
            owners=cast(list[tuple[int, str]], _Owners(
                _Packed(list(map(part, data["owners"])), 2, owner_count), owner_count)),
            tokens=cast(dict[str, list[int]], _Postings(
                {bucket: part(span) for bucket, span in data["tokens"].items()},
                data["token_count"])),
            strong=strong, weak=weak,
            **{name: _Text(part(span), owner_count) for name, span in data["texts"].items()})
    except Exception:  # a damaged or foreign file: build the index again
        log.warning("party index cache %s unreadable; rebuilding", path, exc_info=True)
        return None


_MAGIC = b"hkscreen party index\n"
_HEAD = struct.Struct("<QI")  # the header's size, the CRC-32 of header and body


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
        entries = _chunked([
            tuple(e.severity.value if name == "severity" else getattr(e, name)
                  for name in _FIELDS) for e in index.entries])
        owners = _chunked([tuple(o) for o in index.owners])
        texts = {name: marshal.dumps(getattr(index, name)) for name in _TEXTS}
        tokens = _buckets(index.tokens)
        body: list[bytes] = []
        at = 0

        def place(blob: bytes) -> tuple[int, int]:
            nonlocal at
            body.append(blob)
            at += len(blob)
            return at - len(blob), len(blob)

        header = marshal.dumps({
            "layout": _LAYOUT, "entry_count": len(index.entries),
            "entries": [place(b) for b in entries], "owner_count": len(index.owners),
            "owners": [place(b) for b in owners],
            "texts": {name: place(b) for name, b in texts.items()},
            "token_count": len(index.tokens),
            "tokens": {bucket: place(b) for bucket, b in tokens.items()}})
        crc = zlib.crc32(b"".join(body), zlib.crc32(header))
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + _HEAD.pack(len(header), crc) + header)
            handle.writelines(body)
        os.replace(tmp, target)
        for old in target.parent.glob("party-index-*.marshal"):  # only the newest is useful
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:  # (a read-only data directory): only the next start is slower
        log.info("party index cache %s not written", target, exc_info=True)
