"""Editing one rule cell with a permanent change log and an optimistic lock.

The lock is compare-and-swap on the cell itself: the update only applies while the cell
still holds the value the editor saw, so of two editors changing the same rule the second
gets a conflict instead of silently overwriting the first."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.rules.files import RULE_FILES, Column, RuleFile, format_cell
from screening.rules.schema import RuleChange, RuleMeta
from screening.rules.store import current_meta, read_tables, rules_version


class RuleEditError(ValueError):
    """The edit was refused; the message says why."""


class RuleConflict(RuleEditError):
    """Someone changed the rule since the editor read it."""


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    rule_file: str
    row_key: dict[str, Any]
    column: str
    old_value: str
    new_value: str
    reason: str
    citation: str
    changed_by: str
    changed_at: dt.datetime
    version_before: str
    version_after: str


def parse_key(text: str) -> dict[str, str]:
    """``"country_code=HK,group=B"`` -> {"country_code": "HK", "group": "B"}."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts or any("=" not in p for p in parts):
        raise RuleEditError(f"{text!r}: use column=value[,column=value]")
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in parts)}


def _spec(filename: str) -> RuleFile:
    for spec in RULE_FILES:
        if spec.filename in (filename, f"{filename}.csv"):
            return spec
    names = ", ".join(s.filename for s in RULE_FILES)
    raise RuleEditError(f"unknown rule file {filename!r} (one of: {names})")


def _require_reason(reason: str, citation: str) -> None:
    if not reason.strip() or not citation.strip():
        raise RuleEditError("a rule change needs both a reason and a citation")


def _column(spec: RuleFile, name: str) -> Column:
    for col in spec.columns:
        if col.name == name:
            return col
    raise RuleEditError(f"{spec.filename}: no column {name!r}")


def _parse(spec: RuleFile, col: Column, text: str) -> Any:
    """A cell typed by a user, checked like a rule file's cell."""
    try:
        return col.parse(text)
    except ValueError as exc:
        raise RuleEditError(f"{spec.filename}, column {col.name}: {text!r}: {exc}") from None


def _one_row(session: Session, spec: RuleFile, table: Any, key: dict[str, str]) -> Any:
    rows = session.execute(select(table).where(*_where(spec, table, key))).mappings().all()
    if len(rows) != 1:
        raise RuleEditError(f"{spec.filename}: {len(rows)} rows match {key} (need exactly one)")
    return rows[0]


def get_rule_value(session: Session, filename: str, key: dict[str, str], column: str) -> str:
    spec = _spec(filename)
    table = spec.model.__table__  # type: ignore[attr-defined]
    return format_cell(_one_row(session, spec, table, key)[column])


def _where(spec: RuleFile, table: Any, key: dict[str, str]) -> list[Any]:
    clauses = []
    for name, text in key.items():
        value = _parse(spec, _column(spec, name), text)
        clauses.append(table.c[name].is_(None) if value is None else table.c[name] == value)
    return clauses


def set_rule_value(session: Session, filename: str, key: dict[str, str], column: str,
                   new_text: str, *, expected: str, reason: str, citation: str,
                   changed_by: str) -> ChangeRecord:
    """Change one cell from ``expected`` to ``new_text`` inside the caller's transaction;
    returns the change record (the rules version changes with the content)."""
    _require_reason(reason, citation)
    spec = _spec(filename)
    col = _column(spec, column)
    new_value = _parse(spec, col, new_text)
    if col.required and new_value in ("", None):
        raise RuleEditError(f"{spec.filename}, column {column}: a value is required")
    table = spec.model.__table__  # type: ignore[attr-defined]
    current = get_rule_value(session, spec.filename, key, column)
    if current != expected:
        raise RuleConflict(f"{spec.filename} {key} {column} is now {current!r}, not "
                           f"{expected!r}: someone changed it since you read it; reload and "
                           f"decide again")
    old_value = col.parse(expected) if expected else col.parse("")
    condition = (table.c[column].is_(None) if old_value is None
                 else table.c[column] == old_value)
    result = session.execute(update(table).where(*_where(spec, table, key), condition)
                             .values({column: new_value}))
    if result.rowcount != 1:  # changed between our read and our write
        raise RuleConflict(f"{spec.filename} {key} {column} was changed by someone else just "
                           f"now; reload and decide again")
    return _log(session, spec, key, column, expected, format_cell(new_value), reason,
                citation, changed_by)


def _record(c: RuleChange) -> ChangeRecord:
    return ChangeRecord(c.id, c.rule_file, json.loads(c.row_key), c.column, c.old_value,
                        c.new_value, c.reason, c.citation, c.changed_by, c.changed_at,
                        c.version_before, c.version_after)


def change_log(session: Session) -> list[ChangeRecord]:
    return [_record(c) for c in session.scalars(select(RuleChange).order_by(RuleChange.id))]


def _log(session: Session, spec: RuleFile, key: dict[str, Any], column: str, old: str,
         new: str, reason: str, citation: str, changed_by: str) -> ChangeRecord:
    meta = current_meta(session)
    after = rules_version(read_tables(session))
    now = dt.datetime.now(dt.UTC)
    change = RuleChange(rule_file=spec.filename, row_key=json.dumps(key, sort_keys=True),
                        column=column, old_value=old, new_value=new, reason=reason.strip(),
                        citation=citation.strip(), changed_by=changed_by, changed_at=now,
                        version_before=meta.version if meta else "", version_after=after)
    session.add(change)
    session.add(RuleMeta(version=after, loaded_at=now, loaded_by=changed_by,
                         source=f"edit of {spec.filename}: {reason.strip()}"))
    session.flush()
    return _record(change)


def add_rule_row(session: Session, filename: str, values: dict[str, str], *, reason: str,
                 citation: str, changed_by: str) -> ChangeRecord:
    """Add one row (e.g. a country newly in Country Group D:5), validated like a rule file
    row and logged with the whole row as the new value."""
    _require_reason(reason, citation)
    spec = _spec(filename)
    unknown = set(values) - {c.name for c in spec.columns}
    if unknown:
        raise RuleEditError(f"{spec.filename}: no column(s) {', '.join(sorted(unknown))}")
    row: dict[str, Any] = {}
    for col in spec.columns:
        text = values.get(col.name, "")
        if col.required and not text.strip():
            raise RuleEditError(f"{spec.filename}, column {col.name}: a value is required")
        row[col.name] = _parse(spec, col, text)
    table = spec.model.__table__  # type: ignore[attr-defined]
    if spec.key:
        key = {k: format_cell(row[k]) for k in spec.key}
        if session.execute(select(table).where(*_where(spec, table, key))).first():
            raise RuleEditError(f"{spec.filename}: a row with {key} already exists")
    session.execute(table.insert().values(row))
    key = {k: format_cell(row[k]) for k in (spec.key or tuple(row))}
    return _log(session, spec, key, "(row added)", "",
                json.dumps({k: format_cell(v) for k, v in row.items()}, ensure_ascii=False),
                reason, citation, changed_by)


def remove_rule_row(session: Session, filename: str, key: dict[str, str], *, reason: str,
                    citation: str, changed_by: str) -> ChangeRecord:
    """Remove one row; the change log keeps the whole removed row as the old value."""
    _require_reason(reason, citation)
    spec = _spec(filename)
    table = spec.model.__table__  # type: ignore[attr-defined]
    row = _one_row(session, spec, table, key)
    old = json.dumps({c.name: format_cell(row[c.name]) for c in spec.columns},
                     ensure_ascii=False)
    result = session.execute(table.delete().where(*_where(spec, table, key)))
    if result.rowcount != 1:
        raise RuleConflict(f"{spec.filename} {key} was changed by someone else just now")
    return _log(session, spec, key, "(row removed)", old, "", reason, citation, changed_by)
