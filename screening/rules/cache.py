"""The rule tables as read from the database, kept in the data directory between runs with
the rules version computed from them.

Reading the 19 rule tables (8,000 rows) and hashing them for the rules version cost a small
run about 45 ms; reading this file costs a sixth of that. The file is named by the database's
rules revision token (``screening.rules.revision``: the database gives it a new random value
on every change to a rule table, by anyone) and by the code that reads the tables and
computes the version, so a changed database or a changed app never meets an old file: the
version a run records is always the one computed from the rules it screened with.

``marshal`` holds only plain data (no code runs when it is read); dates are kept as day
numbers. A file that cannot be read, or fails its checksum, is ignored and written again; one that
cannot be written (a read-only data directory) only costs the next run the full read. Neither
is the user's concern: they are logged at INFO, not shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

from screening.paths import data_dir

log = logging.getLogger(__name__)
_LAYOUT = "1"
_HERE = Path(__file__).resolve().parent
#: What the kept content depends on: the table reader and the version hash (store.py), the
#: rule files' columns and cell formatting (files.py), this file's layout, and the country
#: alias keys kept beside the tables (ruleset.py, normalize.alias_key).
_CODE = hashlib.sha256(b"".join(
    path.read_bytes() for path in (*(_HERE / name for name in (
        "store.py", "files.py", "cache.py", "ruleset.py")), _HERE.parent / "normalize.py"))
).hexdigest()

Tables = dict[str, list[dict[str, Any]]]


def _key(token: str) -> str:
    return hashlib.sha256(f"{_CODE}|{_LAYOUT}|{token}".encode()).hexdigest()[:32]


def _path(token: str) -> Path:
    return data_dir() / "cache" / f"rules-{_key(token)}.marshal"


def _pack(tables: Tables) -> dict[str, Any] | None:
    """Each table as (header, date column numbers, rows as tuples); None when a value is of
    a type kept as something else (a datetime where a date is expected, ...)."""
    packed: dict[str, Any] = {}
    for name, rows in tables.items():
        header = list(rows[0]) if rows else []
        values = [tuple(row[c] for c in header) for row in rows]
        if any(list(row) != header for row in rows):
            return None
        dates = sorted({i for row in values for i, v in enumerate(row) if type(v) is dt.date})
        for i in dates:
            if any(row[i] is not None and type(row[i]) is not dt.date for row in values):
                return None
        if dates:
            values = [tuple(v.toordinal() if i in dates and v is not None else v
                            for i, v in enumerate(row)) for row in values]
        packed[name] = (header, dates, values)
    return packed


def _unpack(packed: dict[str, Any]) -> Tables:
    tables: Tables = {}
    fromordinal = dt.date.fromordinal
    for name, (header, dates, values) in packed.items():
        rows = values
        if dates:
            rows = []
            for packed_row in values:
                row = list(packed_row)
                for i in dates:
                    if row[i] is not None:
                        row[i] = fromordinal(row[i])
                rows.append(row)
        tables[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return tables


def load(token: str) -> tuple[Tables, str] | None:
    """(tables, rules version) kept for ``token``, or None."""
    path = _path(token)
    try:
        data = marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: read the database instead
        log.info("rules cache %s unreadable; reading the database", path, exc_info=True)
        return None
    try:
        blob = data["tables"]
        if data["layout"] != _LAYOUT or data["token"] != token or \
                data["checksum"] != zlib.crc32(blob):
            raise ValueError("rules cache: damaged or of another layout")
        return _unpack(marshal.loads(blob)), str(data["version"])
    except Exception:
        log.info("rules cache %s unreadable; reading the database", path, exc_info=True)
        return None


def save(token: str, tables: Tables, version: str) -> None:
    """Keep ``tables`` and their ``version`` for ``token`` (best effort: a failure to write
    only costs the next run the full read)."""
    target = _path(token)
    packed = _pack(tables)
    if packed is None:
        return
    try:
        blob = marshal.dumps(packed)
        data = marshal.dumps({"layout": _LAYOUT, "token": token, "version": version,
                              "checksum": zlib.crc32(blob), "tables": blob})
    except ValueError:  # a value marshal does not keep
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in target.parent.glob("rules-*.marshal"):  # only the newest is useful
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        log.info("rules cache %s not written", target, exc_info=True)
