"""Applying a new eCFR edition of the Control List: what changed, and one logged rule change.

``plan_update`` builds the new tables and the difference without touching anything;
``apply_update`` replaces the rules inside the caller's transaction and writes one change-log
entry (who, when, reason, citation = the edition). Runs already made keep the rules version
they were screened with.

``python -m screening.rules.ccl_update EDITION_DIR RULES_DIR --edition DATE`` rebuilds a seed
directory (how ``resources/rules`` is derived from ``resources/ccl``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from screening.rules.ccl_edition import edition_tables, read_edition
from screening.rules.files import format_cell, read_rule_dir, write_rule_dir
from screening.rules.schema import CHART_COLUMNS, RuleChange
from screening.rules.store import current_meta, read_tables, replace_rules, rules_version

CHANGE_FILE = "ccl_edition"


@dataclass
class CclDiff:
    """What a new edition changes, in the terms an officer reads the Control List in."""

    eccns_added: list[str] = field(default_factory=list)
    eccns_removed: list[str] = field(default_factory=list)
    #: ECCN -> (requirement rows no longer there, requirement rows new)
    rows_changed: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    headings_changed: list[str] = field(default_factory=list)
    #: destination -> (columns gaining an X, columns losing it)
    chart_changed: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    destinations_added: list[str] = field(default_factory=list)
    destinations_removed: list[str] = field(default_factory=list)
    #: destination -> (groups joined, groups left)
    groups_changed: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    paragraph_text_changed: list[str] = field(default_factory=list)
    exception_flags_changed: list[str] = field(default_factory=list)
    footnotes_changed: list[str] = field(default_factory=list)
    #: Requirement rows of the same words read into other paragraphs (this version of
    #: hkscreen reads the words better than the one that loaded the rules): (row id, before,
    #: after). Loading the same edition again applies them.
    readings_changed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines()

    def lines(self) -> list[str]:
        out: list[str] = []
        out += [f"ECCN added: {e}" for e in self.eccns_added]
        out += [f"ECCN removed: {e}" for e in self.eccns_removed]
        for eccn, (gone, new) in sorted(self.rows_changed.items()):
            out += [f"ECCN {eccn}: requirement row removed: {r}" for r in gone]
            out += [f"ECCN {eccn}: requirement row added: {r}" for r in new]
        out += [f"ECCN {e}: heading changed" for e in self.headings_changed]
        out += [f"Country Chart destination added: {d}" for d in self.destinations_added]
        out += [f"Country Chart destination removed: {d}" for d in self.destinations_removed]
        for dest, (gained, lost) in sorted(self.chart_changed.items()):
            out += [f"Country Chart {dest}: column {c} now X" for c in gained]
            out += [f"Country Chart {dest}: column {c} no longer X" for c in lost]
        for dest, (joined, left) in sorted(self.groups_changed.items()):
            out += [f"Country Group {g}: {dest} added" for g in joined]
            out += [f"Country Group {g}: {dest} removed" for g in left]
        out += [f"ECCN {e}: paragraph text changed" for e in self.paragraph_text_changed]
        out += [f"ECCN {e}: license exception lines changed"
                for e in self.exception_flags_changed]
        out += [f"Country Chart footnote {f} changed" for f in self.footnotes_changed]
        out += [f"Requirement row {row} read anew: {before} -> {after}"
                for row, before, after in self.readings_changed]
        return out

    def summary(self) -> dict[str, Any]:
        return {"eccns_added": self.eccns_added, "eccns_removed": self.eccns_removed,
                "eccns_with_changed_rows": sorted(self.rows_changed),
                "chart_destinations_changed": sorted(self.chart_changed),
                "changes": len(self.lines())}


def _edition_rows(tables: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    return [r for r in tables.get(name, []) if r.get("edition")]


def _requirement_rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Counter[str]]:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for r in _edition_rows(tables, "eccn_controls.csv"):
        rows[r["eccn"]][f"{r['scope'] or r['reason']} -> {r['column']}"] += 1
    for r in _edition_rows(tables, "special_controls.csv"):
        rows[r["eccn"]][f"{r['scope'] or r['reason']} -> {r['requirement']}"] += 1
    return rows


_READING = ("paragraphs", "except_paragraphs", "condition")


def _reading(row: dict[str, Any]) -> str:
    paragraphs, excepted, condition = (format_cell(row.get(c)) for c in _READING)
    text = "paragraphs " + (paragraphs or "the whole entry")
    text += f" except {excepted}" if excepted else ""
    return text + (" (with a condition the data cannot check)" if condition else "")


def _readings_changed(old: dict[str, list[dict[str, Any]]],
                      new: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, str]]:
    """Rows of the same id and words read otherwise: their paragraphs, or (an off-chart
    row) the destinations they apply to."""
    out: list[tuple[str, str, str]] = []
    for name in ("eccn_controls.csv", "special_controls.csv"):
        before = {r["id"]: r for r in _edition_rows(old, name)}
        for row in _edition_rows(new, name):
            was = before.get(row["id"])
            if was is None or was.get("scope") != row.get("scope") or \
                    was.get("requirement") != row.get("requirement"):
                continue
            if any(format_cell(was.get(c)) != format_cell(row.get(c)) for c in _READING):
                out.append((row["id"], _reading(was), _reading(row)))
            elif any(format_cell(was.get(c)) != format_cell(row.get(c)) for c in _WHERE):
                out.append((row["id"], _where(was), _where(row)))
    return out


_WHERE = ("destinations", "groups", "except_groups", "except_destinations", "severity")


def _where(row: dict[str, Any]) -> str:
    return ", ".join(f"{c} {format_cell(row.get(c))}" for c in _WHERE
                     if format_cell(row.get(c))) or "no destinations"


def diff_tables(old: dict[str, list[dict[str, Any]]],
                new: dict[str, list[dict[str, Any]]]) -> CclDiff:
    diff = CclDiff()
    old_e = {r["eccn"]: r for r in _edition_rows(old, "eccns.csv")}
    new_e = {r["eccn"]: r for r in _edition_rows(new, "eccns.csv")}
    diff.eccns_added = sorted(set(new_e) - set(old_e))
    diff.eccns_removed = sorted(set(old_e) - set(new_e))
    both = sorted(set(old_e) & set(new_e))
    diff.headings_changed = [e for e in both
                             if old_e[e]["description"] != new_e[e]["description"]]
    old_rows, new_rows = _requirement_rows(old), _requirement_rows(new)
    for eccn in both:
        gone = sorted((old_rows[eccn] - new_rows[eccn]).elements())
        added = sorted((new_rows[eccn] - old_rows[eccn]).elements())
        if gone or added:
            diff.rows_changed[eccn] = (gone, added)
    old_c = {r["row_key"]: r for r in _edition_rows(old, "country_chart.csv")}
    new_c = {r["row_key"]: r for r in _edition_rows(new, "country_chart.csv")}
    diff.destinations_added = sorted(new_c[k]["name"] for k in set(new_c) - set(old_c))
    diff.destinations_removed = sorted(old_c[k]["name"] for k in set(old_c) - set(new_c))
    for key in sorted(set(old_c) & set(new_c)):
        gained = [c for c in CHART_COLUMNS if new_c[key][c] and not old_c[key][c]]
        lost = [c for c in CHART_COLUMNS if old_c[key][c] and not new_c[key][c]]
        if gained or lost:
            diff.chart_changed[new_c[key]["name"]] = (gained, lost)
    old_g, new_g = _groups(old), _groups(new)
    for code in sorted(set(old_g) | set(new_g)):
        joined = sorted(new_g[code] - old_g[code])
        left = sorted(old_g[code] - new_g[code])
        if joined or left:
            diff.groups_changed[code] = (joined, left)
    diff.paragraph_text_changed = _per_eccn_changes(old, new, "eccn_paragraphs.csv",
                                                    ("paragraph", "depth", "text"), both)
    diff.exception_flags_changed = _per_eccn_changes(old, new, "eccn_exception_flags.csv",
                                                     ("exception", "text"), both)
    diff.readings_changed = _readings_changed(old, new)
    old_f = {r["footnote"]: r["text"] for r in old.get("chart_footnotes.csv", [])}
    new_f = {r["footnote"]: r["text"] for r in new.get("chart_footnotes.csv", [])}
    diff.footnotes_changed = sorted(k for k in set(old_f) | set(new_f)
                                    if old_f.get(k) != new_f.get(k))
    return diff


def _groups(tables: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in _edition_rows(tables, "country_groups.csv"):
        out[r["country_code"]].add(r["group"])
    return out


def _per_eccn_changes(old: dict[str, list[dict[str, Any]]], new: dict[str, list[dict[str, Any]]],
                      name: str, columns: tuple[str, ...], eccns: list[str]) -> list[str]:
    def by_eccn(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[str, ...]]]:
        out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for r in tables.get(name, []):
            out[r["eccn"]].append(tuple(format_cell(r[c]) for c in columns))
        return out

    a, b = by_eccn(old), by_eccn(new)
    return [e for e in eccns if sorted(a.get(e, [])) != sorted(b.get(e, []))]


@dataclass(frozen=True)
class UpdatePlan:
    edition: str
    tables: dict[str, list[dict[str, Any]]]
    diff: CclDiff
    version_before: str
    version_after: str


def plan_update(session: Session, directory: Path, edition: str,
                groups_edition: str | None = None) -> UpdatePlan:
    """The new tables and the differences, or ``RuleFileError`` (file, row, column)."""
    current = read_tables(session)
    aliases = {r["alias"]: r["country_code"] for r in current["country_aliases.csv"]}
    parsed = read_edition(directory, edition, aliases, groups_edition)
    tables = edition_tables(parsed, current)
    return UpdatePlan(edition, tables, diff_tables(current, tables), rules_version(current),
                      rules_version(tables))


def apply_update(session: Session, plan: UpdatePlan, *, reason: str, citation: str,
                 changed_by: str) -> RuleChange:
    """Replace the rules with ``plan``'s and log one change, inside the caller's transaction."""
    meta = current_meta(session)
    old_editions = sorted({r["edition"] for r in read_tables(session)["eccns.csv"]
                           if r.get("edition")})
    after = replace_rules(session, plan.tables, f"Control List edition {plan.edition}")
    change = RuleChange(
        rule_file=CHANGE_FILE, row_key=json.dumps({"edition": plan.edition}),
        column="(edition)", old_value=", ".join(old_editions),
        new_value=json.dumps({"edition": plan.edition, **plan.diff.summary(),
                              "differences": plan.diff.lines()[:500]}, ensure_ascii=False),
        reason=reason.strip(), citation=citation.strip(), changed_by=changed_by,
        changed_at=dt.datetime.now(dt.UTC), version_before=meta.version if meta else "",
        version_after=after)
    session.add(change)
    session.flush()
    return change


def rebuild_seed(edition_dir: Path, rules_dir: Path, edition: str,
                 groups_edition: str | None = None) -> CclDiff:
    """Re-derive the edition rows of a seed directory (keeping its hand-built rows)."""
    current = read_rule_dir(rules_dir)
    aliases = {r["alias"]: r["country_code"] for r in current["country_aliases.csv"]}
    tables = edition_tables(read_edition(edition_dir, edition, aliases, groups_edition),
                            current)
    diff = diff_tables(current, tables)
    write_rule_dir(tables, rules_dir)
    return diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("edition_dir", type=Path)
    parser.add_argument("rules_dir", type=Path)
    parser.add_argument("--edition", required=True)
    parser.add_argument("--groups-edition")
    args = parser.parse_args(argv)
    diff = rebuild_seed(args.edition_dir, args.rules_dir, args.edition, args.groups_edition)
    print(f"{len(diff.lines())} difference(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
