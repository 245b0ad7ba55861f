"""Screenshots of the desktop app on the bundled sample, for the README.

Run from the repository root:
    QT_QPA_PLATFORM=offscreen python3 resources/screenshots/make_screenshots.py
Uses a throw-away data directory and database, and QWidget.grab() (no display needed).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


SIZES = ((1400, 850), (1920, 1080))  # the default window, and a full-HD screen


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    workdir = Path(tempfile.mkdtemp(prefix="hkscreen-shots-"))
    os.environ["HKSCREEN_DATA_DIR"] = str(workdir)
    from screening.db import open_database
    from screening.paths import bundled_sample
    from screening.store.reviews import Disposition, review_conflicts
    from ui.dialogs.import_wizard import ImportWizard
    from ui.dialogs.review import ReviewDialog, ReviewInput
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.views.rules import RulesDialog
    from ui.views.runs import RunsDialog

    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyle("Fusion")
    from ui.translations import install_translator
    install_translator(app, "en")  # as the app starts: English plurals
    db = open_database(f"sqlite:///{workdir / 'shots.sqlite3'}")
    settings = Settings(QSettings(str(workdir / "s.ini"), QSettings.Format.IniFormat))
    settings.set(Settings.REVIEWER, "A. Officer")

    def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        app.processEvents()
        widget.grab().save(str(HERE / name))

    window = MainWindow(db, settings, synchronous_jobs=True)
    window.resize(*SIZES[0])
    window.show()
    shot(window, "empty_state.png")

    sample = bundled_sample()
    wizard = ImportWizard(sample, db, window.rules, window)
    wizard.resize(1000, 720)
    wizard.show()
    wizard.next()
    shot(wizard, "wizard_header.png")
    wizard.next()
    shot(wizard, "wizard_mapping.png")
    wizard.next()
    shot(wizard, "wizard_preview.png")
    choice = wizard.choice()
    wizard.hide()
    window.start_screening(choice)
    window.record_review([6], ReviewInput(Disposition.HOLD, "Waiting for GBS eligibility "
                                          "check by classification team", "", "", "A. Officer"))
    run_id = window.run.id if window.run else 0
    window.select_row(12)  # HK-1008: shipped to HK, licensed as CN, newly licensable
    shot(window, "workbench.png")
    window.resize(*SIZES[1])
    shot(window, "workbench_1920x1080.png")
    window.resize(*SIZES[0])

    def conflicts(disposition, exception):  # type: ignore[no-untyped-def]
        with db.sessions() as session:
            return review_conflicts(session, run_id, [8], disposition, exception)

    # HK-1004 claims GBS, which its findings say is suspended: confirming it needs an
    # override with a reason.
    dialog = ReviewDialog([(8, "HK-1004")], settings.reviewer(),
                          Disposition.EXCEPTION_CONFIRMED, window, suggested_exception="GBS",
                          conflicts=conflicts)
    dialog.reason.setPlainText("Item is eligible for GBS under 740.4")
    dialog.accept()  # refused: shows what is missing
    dialog.show()
    shot(dialog, "review_dialog.png")
    dialog.hide()
    runs = RunsDialog(db, window)
    runs.show()
    shot(runs, "run_history.png")
    runs.hide()
    rules = RulesDialog(window.rules, window, db=db, editor=settings.reviewer())
    rules.show()
    shot(rules, "rules_browser.png")
    rules.hide()
    window.close()

    # The same run in Traditional Chinese (Hong Kong), two input-file columns shown.
    install_translator(app, "zh_HK")
    settings.set(Settings.ORIGINAL_COLUMNS, ["End User", "Value (USD)"])
    chinese = MainWindow(db, settings, synchronous_jobs=True)
    chinese.resize(*SIZES[0])
    chinese.show()
    chinese.load_run(run_id)
    chinese.select_row(12)
    shot(chinese, "workbench_zh_HK.png")
    chinese.resize(*SIZES[1])
    shot(chinese, "workbench_zh_HK_1920x1080.png")
    chinese.resize(*SIZES[0])
    dialog = ReviewDialog([(8, "HK-1004")], settings.reviewer(),
                          Disposition.EXCEPTION_CONFIRMED, chinese, suggested_exception="GBS",
                          conflicts=conflicts)
    dialog.accept()
    dialog.show()
    shot(dialog, "review_dialog_zh_HK.png")
    dialog.hide()
    print("screenshots written to", HERE)


if __name__ == "__main__":
    main()
