"""Restricted-party lists in the database: import, the active index, false positives."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from screening.parties import (
    STRONG,
    WEAK,
    PartyEntry,
    PartyIndex,
    PartyListError,
    entry_from_row,
    list_digest,
    normalize_party,
    scan_list_file,
)
from screening.party_screen import missing_from_dated
from screening.paths import resources_dir
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
    source_counts: dict[str, int] = field(default_factory=dict)
    origin: str = "import"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "format": self.format,
                "file": self.file_name, "sha256": self.file_sha256,
                "list_date": self.list_date.isoformat() if self.list_date else None,
                "entries": self.entry_count, "sources": self.source_counts,
                "origin": self.origin}


INSERT_BATCH = 5000


def import_list(session: Session, path: Path, *, name: str | None = None,
                list_date: dt.date | None = None, user: str = "",
                origin: str = "import") -> ListInfo:
    """Validate and store a list file, replacing an earlier list of the same name (kept,
    inactive, for the runs that used it). Entries are read and stored in batches (a list of
    half a million entries is never all in memory); a bad row anywhere raises
    PartyListError and the caller's transaction is rolled back, so nothing of the file is
    kept and the previous list stays active."""
    path = Path(path)
    if list_date is not None and list_date > dt.date.today() + dt.timedelta(days=1):
        # (s21 hunt: --date 2099-01-01 was taken, and its age never warned again.) A day's
        # grace for a list published where the day has begun.
        raise PartyListError([f"{path}: the list date {list_date.isoformat()} is in the "
                              f"future; give the date the list was published (--date)"])
    fmt, entries = scan_list_file(path)
    name = name or path.stem
    sha = list_digest(path)
    row = PartyList(name=name, format=fmt, file_name=path.name, file_sha256=sha,
                    list_date=list_date, imported_at=dt.datetime.now(dt.UTC), imported_by=user,
                    entry_count=0, active=False, origin=origin)
    session.add(row)
    session.flush()
    counts: Counter[str] = Counter()
    batch: list[dict[str, Any]] = []
    for entry in entries:
        counts[entry.source] += 1
        batch.append({"list_id": row.id, **entry.to_row()})
        if len(batch) >= INSERT_BATCH:
            session.execute(insert(PartyEntryRow), batch)
            batch = []
    if batch:
        session.execute(insert(PartyEntryRow), batch)
    # Only now, with every row valid and stored, does the new list replace the old one --
    # and any active copy of the same file under another name (the bundled list imported
    # again reported every match twice).
    session.execute(update(PartyList).where(
        or_(PartyList.name == name, PartyList.file_sha256 == sha), PartyList.id != row.id)
        .values(active=False))
    row.entry_count = sum(counts.values())
    row.source_counts_json = json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
    row.active = True
    session.flush()
    from screening.store import party_index_cache
    party_index_cache.warm(session)  # runs read the built index instead of building it
    return _info(row)


def remove_list(session: Session, name: str) -> int:
    """Deactivate the active list(s) called ``name`` (kept for the runs that used them);
    returns how many were active."""
    result = session.execute(update(PartyList).where(PartyList.name == name,
                                                     PartyList.active.is_(True))
                             .values(active=False))
    return int(getattr(result, "rowcount", 0) or 0)


def _info(row: PartyList) -> ListInfo:
    return ListInfo(row.id, row.name, row.format, row.file_name, row.file_sha256,
                    row.list_date, row.imported_at, row.entry_count,
                    json.loads(row.source_counts_json or "{}"), row.origin or "import")


def active_lists(session: Session) -> list[ListInfo]:
    return [_info(r) for r in session.scalars(
        select(PartyList).where(PartyList.active.is_(True)).order_by(PartyList.id))]


def load_entries(session: Session) -> list[PartyEntry]:
    table = PartyEntryRow.__table__
    rows = session.execute(
        select(table).join(PartyList, PartyList.id == table.c.list_id)
        .where(PartyList.active.is_(True)).order_by(table.c.id)).mappings()
    return [entry_from_row(r) for r in rows]


def load_index(session: Session, *, strong: float | None = None, weak: float | None = None
               ) -> tuple[PartyIndex | None, list[ListInfo]]:
    from screening.store import party_index_cache

    lists = active_lists(session)
    if not lists:
        return None, []
    strong, weak = strong or STRONG, weak or WEAK
    key = party_index_cache.cache_key(lists)
    index = party_index_cache.load(key, strong, weak)
    if index is None:
        index = PartyIndex.build(load_entries(session), strong, weak)
        party_index_cache.save(key, index)
    return index, lists


def suppressed_pairs(session: Session, decided_by: dt.datetime | None = None
                     ) -> frozenset[tuple[str, str, str]]:
    """The false-positive decisions (party, entry key, entry content hash); ``decided_by``:
    only those recorded by then (what a past run knew)."""
    query = select(PartyFalsePositive.party, PartyFalsePositive.entry_key,
                   PartyFalsePositive.content_hash)
    if decided_by is not None:
        query = query.where(PartyFalsePositive.created_at <= decided_by)
    return frozenset((party, key, content) for party, key, content in session.execute(query))


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


ENV_BUNDLED = "HKSCREEN_BUNDLED_LISTS"  # "0": do not install the bundled list (tests only)


def bundled_list_manifest() -> dict[str, Any]:
    return dict(json.loads((resources_dir() / "lists" / "bundled.json").read_text("utf-8")))


def ensure_bundled_list(session: Session) -> ListInfo | None:
    """Install the bundled Consolidated Screening List on first start (no list was ever
    imported); a database whose lists were removed on purpose is left without one."""
    if os.environ.get(ENV_BUNDLED) == "0":
        return None
    if session.scalar(select(PartyList.id).limit(1)) is not None:
        return None
    manifest = bundled_list_manifest()
    path = resources_dir() / "lists" / manifest["file"]
    digest = list_digest(path)
    if digest != manifest["sha256"]:
        raise PartyListError([f"{path}: SHA-256 {digest} does not match bundled.json "
                              f"({manifest['sha256']}): the bundled list is damaged"])
    return import_list(session, path, name=manifest["name"],
                       list_date=dt.date.fromisoformat(manifest["list_date"]),
                       user="hkscreen (bundled list)", origin="bundled")


ENV_MAX_AGE = "HKSCREEN_LIST_MAX_AGE_DAYS"
DEFAULT_MAX_AGE_DAYS = 30
NOT_PERFORMED = "party screening not performed"


def max_list_age_days(value: int | None = None) -> int:
    """The list-age limit: the caller's value, else HKSCREEN_LIST_MAX_AGE_DAYS, else 30."""
    if value is not None:
        return value
    text = os.environ.get(ENV_MAX_AGE, "").strip()
    return int(text) if text.isdigit() else DEFAULT_MAX_AGE_DAYS


def party_check(lists: list[ListInfo], screened_on: dt.date, *, max_age_days: int,
                strong: float, weak: float, party_columns: bool = True,
                empty_columns: bool = False) -> dict[str, Any]:
    """What a run states about restricted-party screening: performed or not, the lists with
    their age on the screening date, the thresholds and every warning. ``party_columns``:
    whether the input has a consignee, end-user or owner column mapped (without one there
    is no name to check, whatever the lists)."""
    warnings: list[str] = []
    described = []
    for item in lists:
        age = (screened_on - item.list_date).days if item.list_date else None
        described.append({**item.to_json(), "age_days": age})
        if age is None:
            warnings.append(f"{item.name} has no publication date: its age at screening is "
                            f"unknown (import it with --date).")
        elif age > max_age_days:
            warnings.append(f"{item.name} of {item.list_date}, {age} days old at screening "
                            f"(limit {max_age_days} days): download the current list and "
                            f"import it (hkscreen lists import).")
    if missing := missing_from_dated(lists, screened_on):
        warnings.append(f"no dated list loaded holds the {' or the '.join(missing)}: every "
                        f"line is REVIEW (import the current Consolidated Screening List "
                        f"with --date).")
    if lists:
        statement = "Restricted-party screening performed against " + "; ".join(
            f"{item.name} of {item.list_date or 'unknown date'} ({item.entry_count:,} "
            f"entries, SHA-256 {item.file_sha256[:16]}...)" for item in lists) + "." + \
            LISTS_AS_PUBLISHED
    else:
        statement = (f"Restricted-party screening: {NOT_PERFORMED}: no screening list is "
                     f"loaded, so no consignee, end user or owner was checked against any "
                     f"list (hkscreen lists import FILE).")
        warnings.insert(0, f"{NOT_PERFORMED} (no screening list loaded)")
    if lists and not party_columns:
        why = ("its consignee, end-user and owner columns are empty on every line"
               if empty_columns else "the input has no consignee, end-user or owner column "
               "mapped")
        statement = (f"Restricted-party screening: {NOT_PERFORMED}: {why}, so no party was "
                     f"checked against the lists loaded (map the column that names the "
                     f"parties).")
        short = "party columns empty" if empty_columns else "no party column mapped"
        warnings.insert(0, f"{NOT_PERFORMED} ({short})")
    return {"performed": bool(lists) and party_columns, "statement": statement,
            "warnings": warnings,
            "lists": described, "thresholds": {"strong": strong, "weak": weak},
            "max_list_age_days": max_age_days}


#: What the lists cannot show of a line exported before their date (s29 rules hunt: an
#: Entity List party of 2020-2023, gone from today's list, was CLEAR on a 2021 line).
LISTS_AS_PUBLISHED = (
    " Each list is as published on its date: a line exported earlier is not checked against "
    "the lists in force on its export date, so a party listed then and removed since is not "
    "flagged.")


def party_check_of_run(lists_json: str, check_json: str) -> dict[str, Any]:
    """The stored statement of a run (runs recorded before it existed: from their lists)."""
    check = json.loads(check_json or "{}")
    if check:
        return dict(check)
    lists = json.loads(lists_json or "[]")
    return {"performed": bool(lists),
            "statement": "Restricted-party screening performed against " + "; ".join(
                f"{item.get('name')} ({item.get('entries')} entries)" for item in lists) + "."
            if lists else f"Restricted-party screening: {NOT_PERFORMED} (no list recorded).",
            "warnings": [] if lists else [f"{NOT_PERFORMED} (no list recorded)"],
            "lists": lists, "thresholds": None, "max_list_age_days": None}
