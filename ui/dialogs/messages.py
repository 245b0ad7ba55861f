"""Small dialogs shared by the window and its actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ui.dialogs.lifetime import deleted_after


def warn(parent: QWidget, message: str, details: str = "") -> None:
    """A warning the officer must acknowledge (bad file, refused change, failed job)."""
    with deleted_after(QMessageBox(QMessageBox.Icon.Warning, "hkscreen", message,
                                   parent=parent)) as box:
        if details:
            box.setDetailedText(details)
        box.exec()


def busy_dialog(parent: QWidget, text: str, *, modality: Qt.WindowModality,
                show_after_ms: int) -> QProgressDialog:
    """A busy indicator without Cancel, for work that is one transaction or one atomic write
    and cannot stop halfway; close it with ``reset()`` when the job finishes."""
    busy = QProgressDialog(text, "", 0, 0, parent)
    busy.setCancelButton(None)
    busy.setWindowModality(modality)
    busy.setMinimumDuration(show_after_ms)
    return busy
