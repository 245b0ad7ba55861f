"""Loading rule tables into the database and reading them back; the rules version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from screening.paths import seed_rules_dir, seed_stamp
from screening.rules.files import RULE_FILES, format_cell, read_rule_dir
from screening.rules.schema import RuleChange, RuleMeta
from screening.runtime import current_user


def rules_version(tables: dict[str, list[dict[str, Any]]]) -> str:
    """SHA-256 over a canonical serialisation of the rule content (order-independent)."""
    canonical: dict[str, list[list[str]]] = {}
    for spec in RULE_FILES:
        header = spec.header
        # Most cells are already text; format only the rest (8,000 rows on every run start).
        rows = [[v if type(v) is str else "" if v is None else format_cell(v)
                 for v in map(row.get, header)] for row in tables.get(spec.filename, [])]
        canonical[spec.filename] = sorted(rows)
    blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_tables(session: Session) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for spec in RULE_FILES:
        header = spec.header  # a property that builds the list: read once per table
        columns = [spec.model.__table__.c[name] for name in header]  # type: ignore[attr-defined]
        rows = session.execute(select(*columns)).all()  # one fetch, not one per row
        tables[spec.filename] = [dict(zip(header, row, strict=True)) for row in rows]
    return tables


def replace_rules(session: Session, tables: dict[str, list[dict[str, Any]]], source: str,
                  *, loaded_by: str | None = None) -> str:
    """Replace every rule table with ``tables`` inside the caller's transaction."""
    for spec in reversed(RULE_FILES):
        session.execute(delete(spec.model))
    for spec in RULE_FILES:
        rows = tables.get(spec.filename, [])
        if rows:
            session.execute(insert(spec.model), rows)
    version = rules_version(tables)
    session.add(RuleMeta(version=version, loaded_at=dt.datetime.now(dt.UTC),
                         loaded_by=loaded_by or current_user(), source=source))
    session.flush()
    return version


MANIFEST = "MANIFEST.json"


def write_bundle(tables: dict[str, list[dict[str, Any]]], directory: Path, *, author: str,
                 note: str = "") -> dict[str, Any]:
    """A rule bundle: the CSV files plus a manifest of their hashes and the rules version,
    so a colleague can check that what they import is what was signed off."""
    from screening.rules.files import write_rule_dir

    write_rule_dir(tables, directory)
    manifest = {
        "rules_version": rules_version(tables),
        "files": {spec.filename: _sha256(directory / spec.filename) for spec in RULE_FILES},
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "exported_by": author, "note": note,
    }
    tmp = directory / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(directory / MANIFEST)
    return manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_manifest(directory: Path, tables: dict[str, list[dict[str, Any]]] | None
                   ) -> list[str]:
    """Every way the bundle differs from its manifest; a directory without a manifest is
    not a bundle and is refused (``tables`` None: the files could not be read, so only their
    hashes are checked)."""
    path = directory / MANIFEST
    if not path.is_file():
        return [f"{MANIFEST}: missing; rules are imported only from a bundle written by "
                f"`hkscreen rules export` (its manifest lists every file's SHA-256)"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not an object")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    problems = []
    for spec in RULE_FILES:
        expected = files.get(spec.filename)
        actual = _sha256(directory / spec.filename) if (directory / spec.filename).is_file() \
            else None
        if expected != actual:
            problems.append(f"{spec.filename}: SHA-256 {actual or 'missing'} does not match "
                            f"the manifest ({expected or 'not listed'})")
    if tables is not None:
        version = rules_version(tables)
        if manifest.get("rules_version") != version:
            problems.append(f"{MANIFEST}: rules version {manifest.get('rules_version')} does "
                            f"not match the files' content ({version})")
    return problems


def import_rules(session: Session, directory: Path, *, reason: str, citation: str,
                 changed_by: str | None = None) -> str:
    """Validate a bundle (its manifest and every file) and replace the rules, logging one
    change-log entry per changed table with ``reason`` and ``citation``; raises
    RuleFileError listing every problem, and then changes nothing."""
    from screening.rules.files import RuleFileError

    if not reason.strip() or not citation.strip():
        raise RuleFileError(["a rules import needs both a reason and a citation"])
    try:
        tables = read_rule_dir(directory)
    except RuleFileError as exc:
        raise RuleFileError(check_manifest(directory, None) + exc.problems) from None
    problems = check_manifest(directory, tables)
    if problems:
        raise RuleFileError(problems)
    before = read_tables(session)
    meta = current_meta(session)
    who = changed_by or current_user()
    version = replace_rules(session, tables, f"import from {directory}: {reason.strip()}",
                            loaded_by=who)
    now = dt.datetime.now(dt.UTC)
    for spec in RULE_FILES:
        removed, added = _table_diff(spec.header, before.get(spec.filename, []),
                                     tables.get(spec.filename, []))
        if removed or added:
            session.add(RuleChange(
                rule_file=spec.filename, row_key=json.dumps(
                    {"bundle": str(directory), "rows removed": len(removed),
                     "rows added": len(added)}, ensure_ascii=False),
                column="(table imported)", old_value=_rows_text(removed),
                new_value=_rows_text(added), reason=reason.strip(),
                citation=citation.strip(), changed_by=who, changed_at=now,
                version_before=meta.version if meta else "", version_after=version))
    session.flush()
    return version


def _table_diff(header: list[str], old: list[dict[str, Any]], new: list[dict[str, Any]]
                ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(rows only in ``old``, rows only in ``new``), as text; a changed row is in both."""
    def rows(table: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
        out = {}
        for row in table:
            cells = {c: format_cell(row.get(c)) for c in header}
            out[json.dumps(cells, sort_keys=True, ensure_ascii=False)] = cells
        return out

    old_rows, new_rows = rows(old), rows(new)
    return ([old_rows[k] for k in sorted(old_rows.keys() - new_rows.keys())],
            [new_rows[k] for k in sorted(new_rows.keys() - old_rows.keys())])


def _rows_text(rows: list[dict[str, str]]) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)


def current_meta(session: Session) -> RuleMeta | None:
    return session.scalars(select(RuleMeta).order_by(RuleMeta.id.desc()).limit(1)).first()


#: How a full load of the bundled rules is recorded (``RuleMeta.source``), with their date.
BUNDLED = "bundled seed data"
#: Who made the changes hkscreen itself makes on top of the bundled rules.
_HKSCREEN_MADE = "hkscreen ("


def ensure_seeded(session: Session) -> None:
    """Load the bundled seed rules on first use (no rules yet), and after a schema upgrade
    that emptied the rule tables (migration 0007); otherwise leave them alone."""
    from screening.rules.schema import EccnEntry

    meta = current_meta(session)
    if meta is None or session.scalars(select(EccnEntry.eccn).limit(1)).first() is None:
        tables = read_rule_dir(seed_rules_dir())
        _version, date = seed_stamp()
        source = f"{BUNDLED} of {date}" if meta is None else \
            f"{BUNDLED} of {date} (reloaded after the schema upgrade to the whole Control List)"
        replace_rules(session, tables, source)
    correct_seed_rows(session)
    add_seed_rows(session)


def _since_bundled(session: Session) -> tuple[RuleMeta | None, RuleMeta | None]:
    """(the last load of bundled rules, the first change an officer or an edition update
    made after it): walking the rules' history back from now, whichever comes first; the
    other is None (neither: no such load and no such change)."""
    for row in session.scalars(select(RuleMeta).order_by(RuleMeta.id.desc())):
        if row.source.startswith(BUNDLED):
            return row, None
        if not (row.loaded_by or "").startswith(_HKSCREEN_MADE):
            return None, row
    return None, None


def refresh_bundled(session: Session) -> str | None:
    """Load this app's bundled rules into a database whose rules are an earlier app's
    bundled rules, untouched (s22 hunt: a database seeded before a correction of the seed
    data kept 0D001, which the ITAR controls, CLEAR to China after the upgrade, and said
    nothing). Rules an officer edited, imported or updated to another Control List edition
    since are left as they are, and so are rules a later app's bundled data loaded. Returns
    the rules version replaced, or None."""
    version, date = seed_stamp()
    meta = current_meta(session)
    if meta is None or meta.version == version:
        return None
    loaded, _changed = _since_bundled(session)
    if loaded is None:
        return None  # an officer's change since the bundled rules were loaded, or no load
    loaded_date = loaded.source.removeprefix(f"{BUNDLED} of ").split(" ", 1)[0]
    if loaded.source.startswith(f"{BUNDLED} of ") and loaded_date >= date:
        return None  # this app's bundled rules or a later app's
    replace_rules(session, read_rule_dir(seed_rules_dir()),
                  f"{BUNDLED} of {date} (this version's bundled rules, replacing the rules "
                  f"{meta.version[:16]}... an earlier version bundled)",
                  loaded_by="hkscreen (upgrade of the bundled rules)")
    correct_seed_rows(session)
    add_seed_rows(session)
    return meta.version


def bundled_rules_note(session: Session) -> str | None:
    """Why the rules in use are not this version's bundled rules, when an officer's change
    or an edition update since kept ``refresh_bundled`` from loading them (s22 second
    review: silent); None when they are, or when a later version loaded them."""
    version, date = seed_stamp()
    meta = current_meta(session)
    if meta is None or meta.version == version:
        return None
    _loaded, changed = _since_bundled(session)
    if changed is None:
        return None  # a later version's, or ones ``refresh_bundled`` replaces
    return (f"the rules in use ({meta.version[:16]}...) are not this version's bundled rules "
            f"of {date}: they were changed since they were loaded ({changed.source}, by "
            f"{changed.loaded_by}), so the bundled rules and their corrections were not "
            f"loaded over them; compare them (hkscreen rules export) and load the "
            f"corrections you need")


#: Rows earlier seed data held that were wrong, removed from a database seeded with them:
#: (file, key, the country it held, reason, citation). Each removal is a logged rule change.
SEED_CORRECTIONS = (
    ("country_aliases.csv", {"alias": "Congo"}, "CG",
     '"Congo" alone names two countries (CG, the Republic of the Congo, and CD, the '
     "Democratic Republic of the Congo): it was read as CG without a word",
     "ISO 3166-1 (CG, CD); 15 CFR 738 Supp. 1 (Country Chart: both Congos)"),
)


def correct_seed_rows(session: Session) -> None:
    """Apply SEED_CORRECTIONS to a database still holding the rows (a logged removal, so
    the rules version changes and the change log says why)."""
    from screening.rules.edit import RuleEditError, get_rule_value, remove_rule_row

    for filename, key, held, reason, citation in SEED_CORRECTIONS:
        try:
            value = get_rule_value(session, filename, key, "country_code")
        except RuleEditError:  # no such row (or no longer one): nothing to correct
            continue
        if value == held:
            remove_rule_row(session, filename, key, reason=reason, citation=citation,
                            changed_by="hkscreen (correction of earlier seed data)")


_COMMON_NAME = ("a common English name of the country (its former ISO 3166 short name)",
                "ISO 3166-1; 15 CFR 738 Supp. 1 (Country Chart)")
#: Rows later seed data holds that a database seeded before lacks: (file, row, reason,
#: citation). Each is added once, as a logged rule change, unless the row is there or an
#: earlier change touched its key (an officer who removed it keeps it removed).
SEED_ADDITIONS: tuple[tuple[str, dict[str, str], str, str], ...] = tuple(
    ("country_aliases.csv", {"alias": alias, "country_code": code,
                             "source": "common English name"},
     f"{alias!r} is {_COMMON_NAME[0]}: a destination written so was an unreadable value "
     f"(ERROR) on ordinary files", _COMMON_NAME[1])
    for alias, code in (("Turkey", "TR"), ("Republic of Turkey", "TR"), ("Ivory Coast", "CI"),
                        ("Macedonia", "MK"), ("Republic of Macedonia", "MK"),
                        ("Swaziland", "SZ"), ("Vatican", "VA"),
                        ("Holy See", "VA"), ("East Timor", "TL"), ("Palestine", "PS")))


def add_seed_rows(session: Session) -> None:
    """Add SEED_ADDITIONS a database seeded before them lacks (a logged change each)."""
    from screening.rules.edit import RuleEditError, add_rule_row, get_rule_value
    from screening.rules.schema import RuleChange

    for filename, values, reason, citation in SEED_ADDITIONS:
        key = {"alias": values["alias"]}
        try:
            get_rule_value(session, filename, key, "country_code")
            continue  # there (seeded with it, or added before)
        except RuleEditError:
            pass
        touched = session.scalars(select(RuleChange.id).where(
            RuleChange.rule_file == filename,
            RuleChange.row_key == json.dumps(key, sort_keys=True)).limit(1)).first()
        if touched is None:
            add_rule_row(session, filename, values, reason=reason, citation=citation,
                         changed_by="hkscreen (addition to earlier seed data)")
