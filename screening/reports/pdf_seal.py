"""The PDF report's seal as its document information states it, for ``verify`` on a machine
without the issuing database.

A PDF report prints its digest, signature and signing key on its last page; its document
information repeats them (Keywords) with the run and the input's SHA-256 (Subject), in plain
ASCII that can be read without extracting the pages' text. Reading them proves nothing by
itself: the signature is checked against a key the verifier trusts, and the pages' text is
*not* checked against the digest (only the issuing database's record of the file can show the
text is unchanged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEAL_TAG = "hkscreen-seal v1"

_KEYWORDS = re.compile(rb"/Keywords \((" + re.escape(SEAL_TAG.encode()) + rb"[^()\\]*)\)")
_SUBJECT = re.compile(rb"/Subject \(Input SHA-256 ([0-9a-f]{64})\)")


def seal_keywords(digest: str, signature: str, key_fingerprint: str, run_id: int,
                  input_sha256: str) -> str:
    """The Keywords text of a PDF report (ASCII: hex digests, base64 signature)."""
    return (f"{SEAL_TAG}; run {run_id}; input-sha256 {input_sha256}; digest {digest}; "
            f"signature {signature or '-'}; key {key_fingerprint or '-'}")


@dataclass(frozen=True)
class StatedSeal:
    """What a report file states about itself ("" where it states nothing)."""

    digest: str = ""
    signature: str = ""
    key_fingerprint: str = ""
    run_id: str = ""
    input_sha256: str = ""
    conflicting: bool = False  # the file states two different seals


def read_pdf_seal(report: Path) -> StatedSeal:
    """The seal and input hash a PDF report's document information states. A PDF written
    before the seal was put there states only the input hash (its Subject)."""
    seals: set[str] = set()
    subjects: set[str] = set()
    overlap = b""
    with report.open("rb") as handle:  # in blocks: a big run's PDF is not read whole
        while block := handle.read(1 << 20):
            data = overlap + block
            seals.update(m.group(1).decode("ascii", "replace")
                         for m in _KEYWORDS.finditer(data))
            subjects.update(m.group(1).decode("ascii") for m in _SUBJECT.finditer(data))
            overlap = data[-4096:]
    input_sha = next(iter(subjects)) if len(subjects) == 1 else ""
    if not seals:
        return StatedSeal(input_sha256=input_sha, conflicting=len(subjects) > 1)
    parts = (part.split(" ", 1) for part in sorted(seals)[0].split("; ") if " " in part)
    fields = {key: ("" if value == "-" else value.strip()) for key, value in parts}
    return StatedSeal(digest=fields.get("digest", ""), signature=fields.get("signature", ""),
                      key_fingerprint=fields.get("key", ""), run_id=fields.get("run", ""),
                      input_sha256=fields.get("input-sha256", "") or input_sha,
                      conflicting=len(seals) > 1 or len(subjects) > 1)


def read_stated_seal(report: Path, fmt: str) -> StatedSeal:
    """What a PDF, JSON or CSV report states about its run's input (and, a PDF, its seal).
    A CSV report written before its rows ended with their run's facts states nothing."""
    if fmt == "pdf":
        return read_pdf_seal(report)
    if fmt == "json":
        return _json_run(report)
    if fmt == "csv":
        return _csv_run(report)
    return StatedSeal()


def _csv_run(report: Path) -> StatedSeal:
    """The run a CSV report's rows name (its "Run" and "Input SHA-256" columns), read from
    its first megabyte; two rows naming different runs or inputs are ``conflicting``."""
    import csv
    import io

    with report.open("rb") as handle:
        head = handle.read(1 << 20).decode("utf-8-sig", "replace")
    rows = csv.reader(io.StringIO(head[: head.rfind("\n") + 1] if "\n" in head else head))
    header = next(rows, [])
    if "Input SHA-256" not in header or "Run" not in header:
        return StatedSeal()
    # (The run's columns are the last ones: an input column may be named "Run" too.)
    run_at = len(header) - 1 - header[::-1].index("Run")
    sha_at = len(header) - 1 - header[::-1].index("Input SHA-256")
    stated = {(row[run_at], row[sha_at]) for row in rows if len(row) == len(header)}
    if not stated:
        return StatedSeal()
    run_id, sha = min(stated)
    return StatedSeal(run_id=run_id, input_sha256=sha, conflicting=len(stated) > 1)


def _json_run(report: Path) -> StatedSeal:
    """The run a JSON report describes: its first member, read without loading the lines."""
    import json

    opening = '{"run": '
    with report.open("rb") as handle:
        head = handle.read(1 << 20).decode("utf-8", "replace")
    if not head.startswith(opening):
        return StatedSeal()
    try:
        run, _ = json.JSONDecoder().raw_decode(head, len(opening))
        return StatedSeal(run_id=str(run.get("id", "")),
                          input_sha256=str(run["input"]["sha256"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return StatedSeal()
