"""Restricted-party lists in the database: import, the active index, false positives."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from screening.parties import (
    STRONG,
    WEAK,
    PartyEntry,
    PartyIndex,
    entry_from_row,
    normalize_party,
    read_list_file,
)
from screening.store.schema import PartyEntryRow, PartyFalsePositive, PartyList


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    format: str
    file_name: str
    file_sha256: str
    list_date: dt.date | None
    imported_at: dt.datetime
    entry_count: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "format": self.format,
                "file": self.file_name, "sha256": self.file_sha256,
                "list_date": self.list_date.isoformat() if self.list_date else None,
                "entries": self.entry_count}


def import_list(session: Session, path: Path, *, name: str | None = None,
                list_date: dt.date | None = None, user: str = "") -> ListInfo:
    """Validate and store a list file, replacing an earlier list of the same name (kept,
    inactive, for the runs that used it). Raises PartyListError; nothing is stored then."""
    fmt, entries = read_list_file(path)
    name = name or Path(path).stem
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    session.execute(update(PartyList).where(PartyList.name == name).values(active=False))
    row = PartyList(name=name, format=fmt, file_name=Path(path).name, file_sha256=sha,
                    list_date=list_date, imported_at=dt.datetime.now(dt.UTC), imported_by=user,
                    entry_count=len(entries), active=True)
    session.add(row)
    session.flush()
    session.execute(insert(PartyEntryRow), [{"list_id": row.id, **e.to_row()}
                                            for e in entries])
    return _info(row)


def _info(row: PartyList) -> ListInfo:
    return ListInfo(row.id, row.name, row.format, row.file_name, row.file_sha256,
                    row.list_date, row.imported_at, row.entry_count)


def active_lists(session: Session) -> list[ListInfo]:
    return [_info(r) for r in session.scalars(
        select(PartyList).where(PartyList.active.is_(True)).order_by(PartyList.id))]


def load_entries(session: Session) -> list[PartyEntry]:
    table = PartyEntryRow.__table__
    rows = session.execute(
        select(table).join(PartyList, PartyList.id == table.c.list_id)
        .where(PartyList.active.is_(True)).order_by(table.c.id)).mappings()
    return [entry_from_row(dict(r)) for r in rows]


def load_index(session: Session, *, strong: float | None = None, weak: float | None = None
               ) -> tuple[PartyIndex | None, list[ListInfo]]:
    lists = active_lists(session)
    if not lists:
        return None, []
    return PartyIndex.build(load_entries(session), strong or STRONG, weak or WEAK), lists


def suppressed_pairs(session: Session) -> frozenset[tuple[str, str, str]]:
    rows = session.execute(select(PartyFalsePositive.party, PartyFalsePositive.entry_key,
                                  PartyFalsePositive.content_hash))
    return frozenset((party, key, content) for party, key, content in rows)


def mark_false_positive(session: Session, party: str, entry_key: str, *, reason: str,
                        reviewer: str, run_id: int | None = None, row: int | None = None) -> None:
    """Record that ``party`` is not list entry ``entry_key`` (as the entry reads now)."""
    if not reason.strip() or not reviewer.strip():
        raise ValueError("a false positive needs a reason and a reviewer")
    table = PartyEntryRow.__table__
    content_hash = session.scalar(
        select(table.c.content_hash).join(PartyList, PartyList.id == table.c.list_id)
        .where(PartyList.active.is_(True), table.c.key == entry_key))
    if content_hash is None:
        raise ValueError(f"no active list entry {entry_key!r}")
    session.add(PartyFalsePositive(party=normalize_party(party), entry_key=entry_key,
                                   content_hash=content_hash, run_id=run_id, row=row,
                                   reason=reason.strip(), reviewer=reviewer.strip(),
                                   created_at=dt.datetime.now(dt.UTC)))
    if run_id is not None and row is not None:  # in the line's review history as well
        from screening.store.reviews import Disposition, add_reviews
        add_reviews(session, run_id, [row], Disposition.NOTE,
                    reason=f"False positive: {party!r} is not list entry {entry_key}: "
                           f"{reason.strip()}", reviewer=reviewer)


def lists_json(lists: list[ListInfo]) -> str:
    return json.dumps([item.to_json() for item in lists])
