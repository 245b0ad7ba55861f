"""Domain records shared by ingest, engine, store, reports, CLI and GUI.

All are frozen dataclasses: they cross threads and layers without surprises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: From this day Hong Kong is licensed on China's Country Chart row and Country Groups
#: (85 FR 83765).
HK_AS_CHINA_FROM = dt.date(2020, 12, 23)


class Verdict(StrEnum):
    PROHIBITED = "PROHIBITED"
    LICENSE_REQUIRED = "LICENSE_REQUIRED"
    ERROR = "ERROR"
    REVIEW = "REVIEW"
    CLEAR = "CLEAR"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return _VERDICT_RANK[self]


_VERDICT_RANK = {
    Verdict.CLEAR: 0,
    Verdict.REVIEW: 1,
    Verdict.ERROR: 2,
    Verdict.LICENSE_REQUIRED: 3,
    Verdict.PROHIBITED: 4,
}

VERDICT_ORDER: tuple[Verdict, ...] = tuple(sorted(Verdict, key=lambda v: -v.rank))


def worst(verdicts: list[Verdict] | tuple[Verdict, ...]) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=Verdict.CLEAR)


class Severity(StrEnum):
    INFO = "info"
    REVIEW = "review"
    ERROR = "error"
    LICENSE = "license"
    PROHIBITED = "prohibited"


#: The verdict each finding severity forces on its line.
SEVERITY_VERDICT: dict[Severity, Verdict] = {
    Severity.INFO: Verdict.CLEAR,
    Severity.REVIEW: Verdict.REVIEW,
    Severity.ERROR: Verdict.ERROR,
    Severity.LICENSE: Verdict.LICENSE_REQUIRED,
    Severity.PROHIBITED: Verdict.PROHIBITED,
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    citations: tuple[str, ...] = ()
    #: Rule data this finding relies on that is marked INFERRED/UNVERIFIED/PARTIAL.
    unverified: tuple[str, ...] = ()
    #: What a restricted-party match is about (role, name, list entry key), so the same
    #: match found again for the ship-to country is told apart from a new one; never
    #: stored, never compared.
    subject: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def verdict(self) -> Verdict:
        return SEVERITY_VERDICT[self.severity]

    def to_json(self) -> dict[str, Any]:
        message = self.message
        if self.unverified:
            message = f"{message} (relies on unverified rule data: {'; '.join(self.unverified)})"
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": message,
            "citations": list(self.citations),
        }
        if self.unverified:
            out["unverified"] = list(self.unverified)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        unverified = tuple(data.get("unverified", ()))
        message = data["message"]
        suffix = f" (relies on unverified rule data: {'; '.join(unverified)})"
        if unverified and message.endswith(suffix):
            message = message[: -len(suffix)]
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            message=message,
            citations=tuple(data.get("citations", ())),
            unverified=unverified,
        )


@dataclass(frozen=True, slots=True)
class Eccn:
    """A parsed classification. ``base`` is the five-character entry, e.g. ``5A992``."""

    base: str
    paragraph: str = ""  # dotted, lower case, e.g. "c" or "a.7"

    @property
    def text(self) -> str:
        return f"{self.base}.{self.paragraph}" if self.paragraph else self.base

    @property
    def is_ear99(self) -> bool:
        return self.base == "EAR99"


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    """One data row of the input, with original and normalised values.

    ``problems`` holds the findings found while reading the row (bad or missing values);
    the engine turns any of those into an ERROR verdict.
    """

    row: int  # 1-based row number in the sheet/file, as a user sees it
    line_id: str
    raw: tuple[str, ...]  # original cell texts, aligned with the run's header row
    destination: str | None = None  # ISO alpha-2, shipped-to / consignee country
    ultimate_destination: str | None = None
    export_date: dt.date | None = None
    eccn: Eccn | None = None
    license_exception: str | None = None
    license_number: str | None = None
    end_user: str | None = None
    end_user_type: str | None = None
    consignee: str | None = None
    value: float | None = None
    quantity: float | None = None
    description: str | None = None
    hs_code: str | None = None
    date_assumed: bool = False  # export date came from --as-of, not the row
    problems: tuple[Finding, ...] = ()
    #: Owners of the line's party as (column header, name): parent company, ultimate parent,
    #: owner, beneficial owner; screened against the lists like the consignee.
    owners: tuple[tuple[str, str], ...] = ()
    ownership_pct: float | None = None  # the stated ownership share, 0-100
    #: Other parties to the transaction as (column header, name): purchaser, intermediate
    #: consignee, notify party; screened against the lists like the consignee.
    other_parties: tuple[tuple[str, str], ...] = ()

    def normalized(self) -> dict[str, Any]:
        """JSON-ready normalised values (what the engine saw)."""
        return {
            "destination": self.destination,
            "ultimate_destination": self.ultimate_destination,
            "export_date": self.export_date.isoformat() if self.export_date else None,
            "date_assumed": self.date_assumed,
            "eccn": self.eccn.text if self.eccn else None,
            "license_exception": self.license_exception,
            "license_number": self.license_number,
            "end_user": self.end_user,
            "end_user_type": self.end_user_type,
            "consignee": self.consignee,
            "value": self.value,
            "quantity": self.quantity,
            "description": self.description,
            "hs_code": self.hs_code,
            **({"owners": [list(o) for o in self.owners]} if self.owners else {}),
            **({"ownership_pct": self.ownership_pct}
               if self.ownership_pct is not None else {}),
        }


@dataclass(frozen=True, slots=True)
class Screening:
    """The engine's result for one line."""

    row: int
    line_id: str
    verdict: Verdict
    destination: str | None
    licensing_destination: str | None
    newly_licensable: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "line_id": self.line_id,
            "verdict": self.verdict.value,
            "destination": self.destination,
            "licensing_destination": self.licensing_destination,
            "newly_licensable": self.newly_licensable,
            "findings": [f.to_json() for f in self.findings],
        }
