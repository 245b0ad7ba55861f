"""Verdicts by export month, for the charts in the XLSX Summary and on the PDF's first page,
with the two dates of the Hong Kong change marked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.model import VERDICT_ORDER
from screening.store.schema import RunLine

#: The dates the charts mark, with what changed (short enough for a chart label).
MARKS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2020, 6, 30), "2020-06-30: exceptions for HK suspended (740.2(a)(23))"),
    (dt.date(2020, 12, 23), "2020-12-23: HK licensed as China (85 FR 83765)"),
)
VERDICTS = tuple(v.value for v in VERDICT_ORDER)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


@dataclass
class MonthlyVerdicts:
    """Lines per (export month, verdict); lines without an export date counted apart."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    undated: Counter[str] = field(default_factory=Counter)

    def add(self, export_date: dt.date | None, verdict: str, count: int = 1) -> None:
        if export_date is None:
            self.undated[verdict] += count
        else:
            self.counts[(month_of(export_date), verdict)] += count

    def months(self) -> list[str]:
        """Every month from the first to the last export month, including the months of the
        marked dates (so the marks always show), without gaps."""
        seen = {m for m, _ in self.counts}
        if not seen:
            return []
        seen |= {month_of(day) for day, _ in MARKS}
        months, month, last = [], min(seen), max(seen)
        while month <= last:
            months.append(month)
            month = _next_month(month)
        return months

    def table(self) -> list[tuple[str, list[int]]]:
        """(month, [count per verdict, most severe first]) for every month."""
        return [(m, [self.counts.get((m, v), 0) for v in VERDICTS]) for m in self.months()]

    def mark_label(self, month: str) -> str:
        return "; ".join(text for day, text in MARKS if month_of(day) == month)

    def chart_top(self) -> int:
        """The value axis maximum: the busiest month plus headroom, a whole number."""
        busiest = max((sum(c) for _, c in self.table()), default=0)
        return max(busiest + 1, int(busiest * 1.15 + 0.999))

    @property
    def undated_total(self) -> int:
        return sum(self.undated.values())


def monthly_verdicts(session: Session, run_id: int) -> MonthlyVerdicts:
    """Aggregated in the database (one row per export date and verdict), bucketed here."""
    result = MonthlyVerdicts()
    query = (select(RunLine.export_date, RunLine.verdict, func.count())
             .where(RunLine.run_id == run_id)
             .group_by(RunLine.export_date, RunLine.verdict))
    for export_date, verdict, count in session.execute(query):
        result.add(export_date, verdict, int(count))
    return result
