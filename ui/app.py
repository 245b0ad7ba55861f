"""Application entry point: logging, Qt message routing, crash dialog, main window."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("hkscreen")


def log_path() -> Path:
    folder = Path(platformdirs.user_log_dir("hkscreen", False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "hkscreen.log"


def configure_logging() -> Path:
    path = log_path()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    return path


def _qt_message(mode: QtMsgType, _context, message: str) -> None:  # type: ignore[no-untyped-def]
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    logging.getLogger("qt").log(level, message)


def show_exception(exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
    """Uncaught exception: log it, show it with the log path, keep the app running."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("uncaught exception\n%s", details)
    if QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "hkscreen: unexpected error",
                      f"{exc_type.__name__}: {exc}\n\nThe application keeps running. Details "
                      f"are in the log:\n{log_path()}")
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def main(argv: list[str] | None = None) -> int:
    from screening.db import DatabaseError, open_database
    from ui.main_window import MainWindow
    from ui.settings import Settings

    argv = argv if argv is not None else sys.argv
    configure_logging()
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("hkscreen")
    app.setOrganizationName("hkscreen")
    sys.excepthook = show_exception
    settings = Settings()
    try:
        db = open_database(settings.get(Settings.DATABASE_URL) or None)
    except DatabaseError as exc:
        QMessageBox.critical(None, "hkscreen", f"Cannot open the database:\n{exc}")
        return 2
    window = MainWindow(db, settings)
    window.show()
    files = [a for a in argv[1:] if not a.startswith("-")]
    if files:
        window.open_file(Path(files[0]))
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
