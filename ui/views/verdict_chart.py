"""The workbench's picture of a run: one bar split by verdict (most severe first, in the
table's verdict colours), and under it how many lines are newly licensable and how many
flagged lines have a decision. Painted with QPainter (no chart library). Clicking a verdict's
part of the bar asks for that verdict's filter."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from screening.model import VERDICT_ORDER
from ui.models.results import VERDICT_COLOURS

NEWLY_COLOUR = "#B00020"
REVIEWED_COLOUR = "#2E75B6"
TRACK_COLOUR = "#E6E6E6"


@dataclass(frozen=True)
class Segment:
    verdict: str
    count: int
    rect: QRectF


class VerdictChart(QWidget):
    verdict_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.newly = 0
        self.flagged = 0
        self.reviewed = 0  # flagged lines with a decision (hold and note are not one)
        self.on_hold = 0
        self.setMinimumWidth(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(320, 34)

    def set_counts(self, counts: dict[str, int], newly: int, flagged: int,
                   reviewed: int, on_hold: int = 0) -> None:
        self.counts = {v.value: counts.get(v.value, 0) for v in VERDICT_ORDER}
        self.newly, self.flagged, self.reviewed = newly, flagged, reviewed
        self.on_hold = on_hold
        self.setToolTip(self._tooltip())
        self.update()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _bar(self) -> QRectF:
        return QRectF(1, 2, max(self.width() - 2, 1), 16)

    def segments(self) -> list[Segment]:
        """Each verdict's part of the bar (verdicts with no lines have none)."""
        total = self.total
        if not total:
            return []
        bar = self._bar()
        x, out = bar.left(), []
        for verdict, count in self.counts.items():
            if count:
                width = bar.width() * count / total
                out.append(Segment(verdict, count, QRectF(x, bar.top(), width, bar.height())))
                x += width
        return out

    def _tooltip(self) -> str:
        lines = [f"{verdict}: {count:,}" for verdict, count in self.counts.items()]
        lines.append(self.tr("Newly licensable: %1 of %2 lines").replace(
            "%1", f"{self.newly:,}").replace("%2", f"{self.total:,}"))
        lines.append(self.tr("Flagged lines with a decision: %1 of %2").replace(
            "%1", f"{self.reviewed:,}").replace("%2", f"{self.flagged:,}"))
        if self.on_hold:
            lines.append(self.tr("On hold, not yet decided: %1").replace(
                "%1", f"{self.on_hold:,}"))
        return "\n".join(lines)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        bar = self._bar()
        painter.fillRect(bar, QColor(TRACK_COLOUR))
        font = painter.font()
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 6.5))
        painter.setFont(font)
        for segment in self.segments():
            painter.fillRect(segment.rect, QColor(VERDICT_COLOURS[segment.verdict]))
            painter.setPen(QPen(QColor("#808080"), 1))
            painter.drawRect(segment.rect.adjusted(0, 0, -1, -1))
            label = f"{segment.count:,}"
            if painter.fontMetrics().horizontalAdvance(label) + 4 < segment.rect.width():
                painter.setPen(QColor("#000000"))
                painter.drawText(segment.rect, Qt.AlignmentFlag.AlignCenter, label)
        # Two thin gauges: newly licensable among all lines, decided among flagged lines.
        for row, (part, whole, colour) in enumerate(
                ((self.newly, self.total, NEWLY_COLOUR),
                 (self.reviewed, self.flagged, REVIEWED_COLOUR))):
            track = QRectF(bar.left(), bar.bottom() + 3 + row * 6, bar.width(), 4)
            painter.fillRect(track, QColor(TRACK_COLOUR))
            if whole:
                painter.fillRect(QRectF(track.left(), track.top(),
                                        track.width() * min(part / whole, 1.0),
                                        track.height()), QColor(colour))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for segment in self.segments():
            if segment.rect.contains(event.position()):
                self.verdict_clicked.emit(segment.verdict)
                return
        super().mousePressEvent(event)
