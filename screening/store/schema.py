"""Tables for runs and their line results."""

# No ``from __future__ import annotations`` here: SQLAlchemy would then evaluate every
# ``Mapped[...]`` annotation from its text at import, which costs each start-up 5 ms.

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from screening.orm import Base


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    input_name: Mapped[str] = mapped_column(Text)
    input_size: Mapped[int] = mapped_column(Integer)
    input_sha256: Mapped[str] = mapped_column(String(64), index=True)
    input_copy: Mapped[str] = mapped_column(Text, default="")
    sheet: Mapped[str] = mapped_column(Text, default="")
    header_row: Mapped[int | None] = mapped_column(Integer)
    mapping_json: Mapped[str] = mapped_column(Text, default="{}")
    headers_json: Mapped[str] = mapped_column(Text, default="[]")
    mapping_profile: Mapped[str] = mapped_column(Text, default="")
    date_order: Mapped[str] = mapped_column(String(3), default="")
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    app_version: Mapped[str] = mapped_column(String(40))
    rules_version: Mapped[str] = mapped_column(String(64), index=True)
    user: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(Text, default="")
    database: Mapped[str] = mapped_column(String(40), default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    blank_rows: Mapped[int] = mapped_column(Integer, default=0)
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    newly_licensable: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    #: Runs are audit records: never deleted, only archived (hidden from the default list).
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The restricted-party lists the run was screened against (name, date, file hash).
    party_lists_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: Whether party screening was performed, the thresholds, the list-age limit and the
    #: warnings stated on every report of the run.
    party_check_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    #: The process writing a running run, and when it last wrote: a run whose process is gone
    #: (or, on another machine, that has not written for a while) was interrupted.
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FindingSet(Base):
    """One distinct list of findings within a run. Lines share them: a big file has far
    fewer distinct outcomes than lines, and the findings text is most of a line's size."""

    __tablename__ = "run_finding_sets"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"),
                                        primary_key=True)
    set_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    findings_json: Mapped[str] = mapped_column(Text)


class RunLine(Base):
    """One input line: original cells (raw_json, aligned with the run's headers), the
    normalised values the engine saw, and the verdict."""

    __tablename__ = "run_lines"
    __table_args__ = (
        Index("ix_run_lines_run_row", "run_id", "row"),
        Index("ix_run_lines_run_verdict", "run_id", "verdict"),
        ForeignKeyConstraint(["run_id", "findings_set"],
                             ["run_finding_sets.run_id", "run_finding_sets.set_no"],
                             name="fk_run_lines_findings_set"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"))
    row: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str | None] = mapped_column(String(2))
    ultimate_destination: Mapped[str | None] = mapped_column(String(2))
    licensing_destination: Mapped[str | None] = mapped_column(String(2))
    newly_licensable: Mapped[bool] = mapped_column(Boolean, default=False)
    export_date: Mapped[dt.date | None] = mapped_column(Date)
    date_assumed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Normalised from free input, so unbounded: PostgreSQL enforces VARCHAR lengths.
    eccn: Mapped[str | None] = mapped_column(Text)
    license_exception: Mapped[str | None] = mapped_column(Text)
    license_number: Mapped[str | None] = mapped_column(Text)
    end_user: Mapped[str | None] = mapped_column(Text)
    end_user_type: Mapped[str | None] = mapped_column(String(20))
    consignee: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    quantity: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    hs_code: Mapped[str | None] = mapped_column(Text)
    #: The line's original cells as a JSON array; "" when they are stored with its batch's
    #: in ``run_line_cells`` (runs since migration 0013: see store.line_cells).
    raw_json: Mapped[str] = mapped_column(Text)
    findings_set: Mapped[int] = mapped_column(Integer)


class LineCells(Base):
    """The original cells of the lines of one stored batch of a run (input rows
    ``first_row..last_row``): ``{"rows": [...], "cells": [[...], ...]}``, one entry per
    line, in input order. Stored once per batch, not per line: see store.line_cells."""

    __tablename__ = "run_line_cells"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"),
                                        primary_key=True)
    first_row: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_row: Mapped[int] = mapped_column(Integer)
    cells_json: Mapped[str] = mapped_column(Text)


class MappingProfile(Base):
    __tablename__ = "mapping_profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    mapping_json: Mapped[str] = mapped_column(Text)
    date_order: Mapped[str] = mapped_column(String(3), default="")
    header_signature: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200), default="")


class Review(Base):
    """An officer's decision on one line. Append-only: a later review supersedes an earlier
    one for the same line but never changes or deletes it."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_run_row", "run_id", "row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"))
    row: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(Text, default="")
    disposition: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    license_number: Mapped[str] = mapped_column(Text, default="")
    license_exception: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the decision goes against a finding (an exception the findings say is
    #: suspended or unavailable confirmed, a PROHIBITED line cleared): why, in the
    #: reviewer's words.
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The OS account and machine the decision was recorded from (``user@host``), beside
    #: the reviewer's typed name; empty for decisions recorded before it was kept.
    account: Mapped[str] = mapped_column(Text, default="", server_default="")


class PartyList(Base):
    """One imported screening list (a later import under the same name replaces it)."""

    __tablename__ = "party_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    list_date: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str] = mapped_column(Text, default="")
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Entries per source list ({"Entity List (EL) - ...": 3420, ...}).
    source_counts_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    #: "bundled" (installed on first start) or "import".
    origin: Mapped[str] = mapped_column(String(16), default="import", server_default="import")


class PartyEntryRow(Base):
    __tablename__ = "party_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("party_lists.id", ondelete="RESTRICT"),
                                         index=True)
    key: Mapped[str] = mapped_column(Text)
    list_code: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    alt_names: Mapped[str] = mapped_column(Text, default="[]")
    countries: Mapped[str] = mapped_column(Text, default="[]")
    addresses: Mapped[str] = mapped_column(Text, default="[]")
    license_requirement: Mapped[str] = mapped_column(Text, default="")
    license_policy: Mapped[str] = mapped_column(Text, default="")
    federal_register_notice: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(Text, default="", server_default="")
    content_hash: Mapped[str] = mapped_column(String(16))


class PartyFalsePositive(Base):
    """A reviewer's decision that a party is not the listed entry (append-only)."""

    __tablename__ = "party_false_positives"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party: Mapped[str] = mapped_column(Text, index=True)  # normalised party name
    entry_key: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"))
    row: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SigningKey(Base):
    """A public key this database signs its reports with (the private key stays in a file:
    the data directory, or a team's key path). Append-only: a key is never changed."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(Text)  # base64 of the raw 32-byte Ed25519 key
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(Text, default="")


class IssuedReport(Base):
    """One report this database issued: what it states (digest), its signature, when, who
    and in which format. Append-only."""

    __tablename__ = "issued_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    signature: Mapped[str] = mapped_column(Text)  # base64 Ed25519 signature
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(Text, default="")
