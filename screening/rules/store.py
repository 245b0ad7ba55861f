"""Loading rule tables into the database and reading them back; the rules version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from screening.paths import seed_rules_dir
from screening.rules.files import RULE_FILES, format_cell, read_rule_dir
from screening.rules.schema import RuleMeta
from screening.runtime import current_user


def rules_version(tables: dict[str, list[dict[str, Any]]]) -> str:
    """SHA-256 over a canonical serialisation of the rule content (order-independent)."""
    canonical: dict[str, list[list[str]]] = {}
    for spec in RULE_FILES:
        rows = [[format_cell(row.get(c)) for c in spec.header]
                for row in tables.get(spec.filename, [])]
        canonical[spec.filename] = sorted(rows)
    blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_tables(session: Session) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for spec in RULE_FILES:
        columns = [spec.model.__table__.c[name] for name in spec.header]  # type: ignore[attr-defined]
        result = session.execute(select(*columns))
        tables[spec.filename] = [dict(zip(spec.header, row, strict=True)) for row in result]
    return tables


def replace_rules(session: Session, tables: dict[str, list[dict[str, Any]]], source: str) -> str:
    """Replace every rule table with ``tables`` inside the caller's transaction."""
    for spec in reversed(RULE_FILES):
        session.execute(delete(spec.model))
    for spec in RULE_FILES:
        rows = tables.get(spec.filename, [])
        if rows:
            session.execute(insert(spec.model), rows)
    version = rules_version(tables)
    session.add(RuleMeta(version=version, loaded_at=dt.datetime.now(dt.UTC),
                         loaded_by=current_user(), source=source))
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


def check_manifest(directory: Path, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every way the bundle differs from its manifest (empty when there is no manifest)."""
    path = directory / MANIFEST
    if not path.exists():
        return []
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    problems = []
    for spec in RULE_FILES:
        expected = files.get(spec.filename)
        actual = _sha256(directory / spec.filename) if (directory / spec.filename).exists() \
            else None
        if expected != actual:
            problems.append(f"{spec.filename}: SHA-256 {actual or 'missing'} does not match "
                            f"the manifest ({expected or 'not listed'})")
    version = rules_version(tables)
    if manifest.get("rules_version") != version:
        problems.append(f"{MANIFEST}: rules version {manifest.get('rules_version')} does not "
                        f"match the files' content ({version})")
    return problems


def import_rules(session: Session, directory: Path) -> str:
    """Validate every file in ``directory`` (and its manifest, for a bundle) and replace the
    rules; raises RuleFileError listing every problem, and then changes nothing."""
    from screening.rules.files import RuleFileError

    tables = read_rule_dir(directory)
    problems = check_manifest(directory, tables)
    if problems:
        raise RuleFileError(problems)
    return replace_rules(session, tables, f"import from {directory}")


def current_meta(session: Session) -> RuleMeta | None:
    return session.scalars(select(RuleMeta).order_by(RuleMeta.id.desc()).limit(1)).first()


def ensure_seeded(session: Session) -> None:
    """Load the bundled seed rules on first use (no rules yet), and after a schema upgrade
    that emptied the rule tables (migration 0007); otherwise leave them alone."""
    from screening.rules.schema import EccnEntry

    meta = current_meta(session)
    if meta is None or session.scalars(select(EccnEntry.eccn).limit(1)).first() is None:
        tables = read_rule_dir(seed_rules_dir())
        source = "bundled seed data" if meta is None else \
            "bundled seed data (reloaded after the schema upgrade to the whole Control List)"
        replace_rules(session, tables, source)
