"""Rule tables. One table per seed file, same column names, so export is a faithful round trip.

Every row carries its citation and a verification status (VERIFIED, PARTIAL, INFERRED,
UNVERIFIED) so that findings can say when they rest on unverified data.
"""

# No ``from __future__ import annotations`` here: SQLAlchemy would then evaluate every
# ``Mapped[...]`` annotation from its text at import, which costs each start-up 5 ms.

import datetime as dt

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.orm import Base
from screening.rules.chart import CHART_COLUMNS  # noqa: F401  (its former home)


class _Cited:
    citation: Mapped[str] = mapped_column(Text, default="")
    verification: Mapped[str] = mapped_column(String(12), default="UNVERIFIED")


class ChartRow(_Cited, Base):
    __tablename__ = "rule_country_chart"
    row_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(200))
    CB1: Mapped[bool] = mapped_column(Boolean, default=False)
    CB2: Mapped[bool] = mapped_column(Boolean, default=False)
    CB3: Mapped[bool] = mapped_column(Boolean, default=False)
    NP1: Mapped[bool] = mapped_column(Boolean, default=False)
    NP2: Mapped[bool] = mapped_column(Boolean, default=False)
    NS1: Mapped[bool] = mapped_column(Boolean, default=False)
    NS2: Mapped[bool] = mapped_column(Boolean, default=False)
    MT1: Mapped[bool] = mapped_column(Boolean, default=False)
    RS1: Mapped[bool] = mapped_column(Boolean, default=False)
    RS2: Mapped[bool] = mapped_column(Boolean, default=False)
    FC1: Mapped[bool] = mapped_column(Boolean, default=False)
    CC1: Mapped[bool] = mapped_column(Boolean, default=False)
    CC2: Mapped[bool] = mapped_column(Boolean, default=False)
    CC3: Mapped[bool] = mapped_column(Boolean, default=False)
    AT1: Mapped[bool] = mapped_column(Boolean, default=False)
    AT2: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    date_basis: Mapped[str] = mapped_column(Text, default="")
    unverified_cells: Mapped[str] = mapped_column(Text, default="")
    footnotes: Mapped[str] = mapped_column(Text, default="")
    referral: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class CountryGroup(_Cited, Base):
    __tablename__ = "rule_country_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    group: Mapped[str] = mapped_column(String(8))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    date_basis: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class CountryAlias(Base):
    __tablename__ = "rule_country_aliases"
    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    source: Mapped[str] = mapped_column(Text, default="")


class DestinationMapping(_Cited, Base):
    __tablename__ = "rule_destination_mappings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country_code: Mapped[str] = mapped_column(String(2))
    licensed_as: Mapped[str] = mapped_column(String(2))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class EccnEntry(_Cited, Base):
    __tablename__ = "rule_eccns"
    eccn: Mapped[str] = mapped_column(String(8), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    reasons_for_control: Mapped[str] = mapped_column(String(100), default="")
    points_to_itar: Mapped[str] = mapped_column(String(8), default="")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    supp2: Mapped[str] = mapped_column(String(8), default="no")
    supp2_since: Mapped[dt.date | None] = mapped_column(Date)
    supp2_citation: Mapped[str] = mapped_column(Text, default="")
    supp2_verification: Mapped[str] = mapped_column(String(12), default="")
    edition: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class _Scoped:
    """A licence-requirement row's scope, as the regulation words it and as parsed."""

    reason: Mapped[str] = mapped_column(String(8), default="")
    paragraphs: Mapped[str] = mapped_column(Text, default="")
    except_paragraphs: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    edition: Mapped[str] = mapped_column(String(20), default="")


class EccnControl(_Cited, _Scoped, Base):
    __tablename__ = "rule_eccn_controls"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    eccn: Mapped[str] = mapped_column(String(8), index=True)
    column: Mapped[str] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(Text, default="")


class SpecialControl(_Cited, _Scoped, Base):
    __tablename__ = "rule_special_controls"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    eccn: Mapped[str] = mapped_column(String(8), index=True)
    requirement: Mapped[str] = mapped_column(Text, default="")
    destinations: Mapped[str] = mapped_column(Text, default="")
    groups: Mapped[str] = mapped_column(Text, default="")
    except_groups: Mapped[str] = mapped_column(Text, default="")
    except_destinations: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(12))
    summary: Mapped[str] = mapped_column(Text, default="")


class DestinationControl(_Cited, Base):
    """Licence requirements that depend on the destination alone (Part 746 embargoes and
    sanctions, which the Country Chart does not govern)."""

    __tablename__ = "rule_destination_controls"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    items: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    requirement: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class CclDate(_Cited, Base):
    """When an entry or some of its paragraphs came into force (the edition does not say)."""

    __tablename__ = "rule_ccl_dates"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    eccn: Mapped[str] = mapped_column(String(8), index=True)
    paragraphs: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class EccnParagraph(Base):
    """The "Items" paragraphs of an entry, for showing an officer what a paragraph is."""

    __tablename__ = "rule_eccn_paragraphs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    eccn: Mapped[str] = mapped_column(String(8), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[str] = mapped_column(String(40), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(String(20), default="")


class EccnExceptionFlag(Base):
    """An entry's "List Based License Exceptions" line (LVS $5000, GBS Yes/N/A, ...)."""

    __tablename__ = "rule_eccn_exception_flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    eccn: Mapped[str] = mapped_column(String(8), index=True)
    exception: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(String(20), default="")


class ChartFootnote(Base):
    __tablename__ = "rule_chart_footnotes"
    footnote: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(String(20), default="")


class LicenseException(_Cited, Base):
    __tablename__ = "rule_license_exceptions"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text, default="")
    eligible_groups: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class LicenseExceptionRule(_Cited, Base):
    __tablename__ = "rule_license_exception_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(8), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class EndUseRule(_Cited, Base):
    __tablename__ = "rule_end_use_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(12))
    country_code: Mapped[str] = mapped_column(String(2))
    scope: Mapped[str] = mapped_column(String(8))
    end_user: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(12), default="")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class EeiRule(_Cited, Base):
    __tablename__ = "rule_eei_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country_code: Mapped[str] = mapped_column(String(2))
    scope: Mapped[str] = mapped_column(String(8))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class SavingsClause(_Cited, Base):
    __tablename__ = "rule_savings_clauses"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2))
    change_date: Mapped[dt.date | None] = mapped_column(Date)
    lost: Mapped[str] = mapped_column(String(20))
    export_by: Mapped[dt.date | None] = mapped_column(Date)
    edge_date: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class RegimeChange(_Cited, Base):
    __tablename__ = "rule_regime_changes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    effective: Mapped[dt.date | None] = mapped_column(Date)
    published: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class RuleMeta(Base):
    """The rules version in force and when/how it was loaded."""

    __tablename__ = "rule_meta"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text, default="")


class RuleChange(Base):
    """One edit of one rule cell: permanent, with who, when, why and the source for it."""

    __tablename__ = "rule_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_file: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(Text)  # JSON of the key columns
    column: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version_before: Mapped[str] = mapped_column(String(64))
    version_after: Mapped[str] = mapped_column(String(64))


class AffiliateRule(_Cited, Base):
    """The Entity List / MEU "affiliates" (50 percent) rule and its suspensions, by date:
    ``status`` is ``in_force`` or ``suspended`` from valid_from to valid_to (inclusive)."""

    __tablename__ = "rule_affiliate_rules"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lists: Mapped[str] = mapped_column(Text, default="")  # ;-separated list codes
    min_share_pct: Mapped[float] = mapped_column(Float, default=50.0)
    status: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    published: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


#: One row: a random token that triggers on every rule table replace on each change
#: (screening.rules.revision), naming the rules' content for the kept copy of them.
rules_revision = Table(
    "rules_revision", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("token", String(32), nullable=False),
)
