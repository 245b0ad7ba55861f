"""Application entry point: logging, Qt message routing, crash dialog, main window."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
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
    box = QMessageBox(QMessageBox.Icon.Critical,
                      QApplication.translate("app", "hkscreen: unexpected error"),
                      f"{exc_type.__name__}: {exc}\n\n" + QApplication.translate(
                          "app", "The application keeps running. Details are in the log:")
                      + f"\n{log_path()}")
    box.setDetailedText(details)
    copy = box.addButton(QApplication.translate("app", "Copy details"),
                         QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def no_display_message() -> str | None:
    """Why Qt cannot show a window here, or None. (Without this check Qt aborts with a
    message about platform plugins that tells an officer nothing.)"""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("hkscreen gui needs a desktop session (neither DISPLAY nor WAYLAND_DISPLAY is "
            "set). Without one, screen from the command line, e.g.\n"
            "  hkscreen screen resources/samples/hk_shipments_2020_2025.xlsx "
            "--report report.xlsx")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hkscreen gui", description="Open the desktop app.")
    parser.add_argument("file", nargs="?", help="a spreadsheet to open in the import wizard")
    parser.add_argument("--sample", action="store_true",
                        help="screen the bundled sample file at once and show its results")
    args, _qt_args = parser.parse_known_args(argv[1:])  # Qt takes its own (-platform …)
    return args


def main(argv: list[str] | None = None) -> int:
    from screening.db import DatabaseError, open_database
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.translations import install_translator

    argv = argv if argv is not None else sys.argv
    args = parse_args(argv)
    problem = no_display_message()
    if problem:
        print(problem, file=sys.stderr)
        if not args.sample:
            return 2
        # The README's first command on a machine without a desktop still does the job:
        # the same screening of the sample, from the command line (its exit codes).
        from screening.cli import main as cli_main
        from screening.db import ENV_URL, default_database_url
        from screening.paths import bundled_sample
        url = os.environ.get(ENV_URL) or default_database_url()
        print(f"Screening the bundled sample from the command line instead; the run is "
              f"recorded in the database {url} (set {ENV_URL} to record it elsewhere):",
              file=sys.stderr)
        return cli_main(["screen", str(bundled_sample())])
    configure_logging()
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("hkscreen")
    app.setOrganizationName("hkscreen")
    settings = Settings()
    install_translator(app, str(settings.get(Settings.LANGUAGE) or ""))
    sys.excepthook = show_exception
    try:
        db = open_database(settings.get(Settings.DATABASE_URL) or None)
    except DatabaseError as exc:
        QMessageBox.critical(None, "hkscreen", QApplication.translate(
            "app", "Cannot open the database:\n%1").replace("%1", str(exc)))
        return 2
    window = MainWindow(db, settings)
    window.show()
    if args.sample:
        window.screen_sample()
    elif args.file:
        window.open_file(Path(args.file))
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
