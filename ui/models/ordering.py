"""Which of a run's lines the workbench shows, and in what order. No Qt here: the same code
runs in the window's process for small runs and in the ordering helper process
(``ui.models.order_server``) for big ones, so both give identical results.

A line is named by its index in the run's ``LineTable`` (input order)."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from screening.model import Verdict
from screening.store.reviews import Disposition
from screening.store.runs import LineTable


class Col(IntEnum):
    """The workbench's fixed columns; the input file's own columns follow them."""

    ROW = 0
    LINE_ID = 1
    SHIPPED_TO = 2
    LICENSED_AS = 3
    ECCN = 4
    EXCEPTION = 5
    VERDICT = 6
    NEWLY = 7
    REVIEW = 8


UNREVIEWED = "Unreviewed"
#: A line on hold has been looked at but not decided (a note never decides either: it is
#: not a decision in force). Both count, and filter, as unreviewed.
ON_HOLD = Disposition.HOLD.label
UNDECIDED = frozenset({UNREVIEWED, ON_HOLD})
#: The quick filter finds text within one cell. Cells never hold NUL (the importer refuses
#: control characters), so it separates them in the search text.
CELL_SEPARATOR = "\x00"
NOT_NEEDED = ""  # CLEAR lines without a review need none
_TABLE_COLUMNS = {Col.ROW: "rows", Col.LINE_ID: "line_ids", Col.SHIPPED_TO: "destinations",
                  Col.LICENSED_AS: "licensing", Col.ECCN: "eccns", Col.EXCEPTION: "exceptions",
                  Col.VERDICT: "verdicts", Col.NEWLY: "newly"}


def table_column(table: LineTable, col: Col) -> list:  # type: ignore[type-arg]
    """The LineTable list behind a fixed column (all but REVIEW, which is derived)."""
    return getattr(table, _TABLE_COLUMNS[col])  # type: ignore[no-any-return]


def review_state(decision: str | None, verdict: str) -> str:
    """What the Review status column says: the decision in force, else whether the line
    needs one (flagged) or not (CLEAR)."""
    if decision:
        return decision
    return NOT_NEEDED if verdict == Verdict.CLEAR.value else UNREVIEWED


@dataclass(frozen=True)
class Filters:
    verdicts: frozenset[str] = frozenset()  # empty = all
    destination: str = ""
    finding_code: str = ""
    review: str = ""  # "", "unreviewed", "reviewed", or a disposition label
    newly_only: bool = False
    text: str = ""

    def to_json(self) -> dict[str, object]:
        return {"verdicts": sorted(self.verdicts), "destination": self.destination,
                "finding_code": self.finding_code, "review": self.review,
                "newly_only": self.newly_only, "text": self.text}

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Filters:
        return cls(frozenset(d["verdicts"]), str(d["destination"]),  # type: ignore[arg-type]
                   str(d["finding_code"]), str(d["review"]), bool(d["newly_only"]),
                   str(d["text"]))


@dataclass(frozen=True)
class Sort:
    column: int = Col.ROW
    descending: bool = False


#: Streams every line's original cells in input order (read from the run's database rows).
RawCells = Callable[[], Iterable[list[str]]]


def natural_key(text: str) -> tuple[int, float, str]:
    """Sort key for a cell as imported: numbers by value ("9,000" before "12,500"), then text
    case-insensitively, blanks last. Decided on the case-folded text (so a cell and its
    case-folded copy, which is what the ordering helper keeps, get the same key); "nan" is
    text, not a number that would compare with nothing."""
    t = text.casefold().strip()
    if not t:
        return (2, 0.0, "")
    try:
        number = float(t.replace(",", ""))
    except ValueError:
        return (1, 0.0, t)
    return (1, 0.0, t) if math.isnan(number) else (0, number, "")


@dataclass
class LineOrdering:
    """Filters and sorts a LineTable. ``reviews`` maps input row -> label of the decision in
    force (only reviewed lines). ``raw`` gives the input file's own cells, read only when a
    sort or the quick filter needs them."""

    table: LineTable
    reviews: dict[int, str] = field(default_factory=dict)
    raw: RawCells | None = None
    _search: list[str] | None = None
    _raw_keys: dict[int, list[tuple[int, float, str]]] = field(default_factory=dict)

    def review_status(self, i: int) -> str:
        return review_state(self.reviews.get(self.table.rows[i]), self.table.verdicts[i])

    def order(self, filters: Filters, sort: Sort) -> array[int]:
        """The visible line indexes for ``filters``, in ``sort`` order. Ties keep input order.
        The quick filter (``filters.text``) shows the lines with a cell (a workbench column
        but the review status, or one of the input file's own) that contains the text,
        ignoring case."""
        view = self._filtered(filters)
        if sort != Sort():  # the filtered view is already in input order
            view = self._sorted(view, sort)
        return array("i", view)

    def _sort_keys(self, column: int) -> list:  # type: ignore[type-arg]
        if column >= len(Col):  # the input file's own column
            return self._raw_column_keys(column - len(Col))
        col = Col(column)
        if col == Col.VERDICT:  # most severe first, not alphabetical
            rank = {v.value: -v.rank for v in Verdict}
            return [rank[v] for v in self.table.verdicts]
        if col == Col.REVIEW:
            return [self.review_status(i) for i in range(len(self.table))]
        values = table_column(self.table, col)
        if col in (Col.ROW, Col.NEWLY):
            return values
        return [v.casefold() if v else "\uffff" for v in values]  # blanks last

    def _sorted(self, view: list[int], sort: Sort) -> list[int]:
        # One C-level sort: big runs are ordered in the helper process, whose interpreter
        # the window does not share, so there is no need to break it up. Stable: ties keep
        # input order, ascending or descending.
        return sorted(view, key=self._sort_keys(sort.column).__getitem__,
                      reverse=sort.descending)

    def _filtered(self, f: Filters) -> list[int]:
        t = self.table
        indexes: list[int] = list(range(len(t)))
        if f.verdicts:
            verdicts = t.verdicts
            indexes = [i for i in indexes if verdicts[i] in f.verdicts]
        if f.destination:
            d, lic = t.destinations, t.licensing
            indexes = [i for i in indexes if f.destination in (d[i], lic[i])]
        if f.newly_only:
            newly = t.newly
            indexes = [i for i in indexes if newly[i]]
        if f.finding_code:
            sets = {n for n, codes in t.set_codes.items() if f.finding_code in codes}
            fs = t.finding_sets
            indexes = [i for i in indexes if fs[i] in sets]
        if f.review:
            want = f.review
            if want == "unreviewed":
                indexes = [i for i in indexes if self.review_status(i) in UNDECIDED]
            elif want == "reviewed":  # decided
                rows, reviews = t.rows, self.reviews
                indexes = [i for i in indexes
                           if rows[i] in reviews and reviews[rows[i]] != ON_HOLD]
            else:
                indexes = [i for i in indexes if self.review_status(i) == want]
        if f.text:
            needle = f.text.casefold()
            haystack = self._haystack()
            # Text holding the separator would only match across two cells: none match.
            indexes = [] if CELL_SEPARATOR in needle else \
                [i for i in indexes if needle in haystack[i]]
        return indexes

    def _raw_column_keys(self, k: int) -> list[tuple[int, float, str]]:
        keys = self._raw_keys.get(k)
        if keys is None:
            cells = self.raw() if self.raw else ([] for _ in self.table.rows)
            keys = [natural_key(c[k] if k < len(c) else "") for c in cells]
            if len(keys) != len(self.table):
                raise ValueError(f"the run has {len(self.table)} lines but {len(keys)} rows "
                                 f"of original cells")
            self._raw_keys[k] = keys
        return keys

    def _haystack(self) -> list[str]:
        """One case-folded search text per line (the workbench's columns and the input
        file's own cells, separated by a character cells never hold), built on the first
        quick filter."""
        if self._search is None:
            t = self.table
            raw = self.raw() if self.raw else ([] for _ in t.rows)
            self._search = [
                CELL_SEPARATOR.join((str(r), lid, d or "", lic or "", e or "", x or "", v,
                                     *cells)).casefold()
                for r, lid, d, lic, e, x, v, cells in zip(
                    t.rows, t.line_ids, t.destinations, t.licensing, t.eccns, t.exceptions,
                    t.verdicts, raw, strict=True)]
        return self._search


def inverse(order: array[int], size: int) -> array[int]:
    """Position of each line in ``order``, -1 where it is filtered out."""
    pos = array("i", [-1]) * size
    for p, i in enumerate(order):
        pos[i] = p
    return pos
