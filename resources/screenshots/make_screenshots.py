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


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    workdir = Path(tempfile.mkdtemp(prefix="hkscreen-shots-"))
    os.environ["HKSCREEN_DATA_DIR"] = str(workdir)
    from screening.db import open_database
    from screening.paths import bundled_sample
    from screening.store.reviews import Disposition
    from ui.dialogs.import_wizard import ImportWizard
    from ui.dialogs.review import ReviewDialog, ReviewInput
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyle("Fusion")
    from ui.translations import install_translator
    install_translator(app, "en")  # as the app starts: English plurals
    db = open_database(f"sqlite:///{workdir / 'shots.sqlite3'}")
    settings = Settings(QSettings(str(workdir / "s.ini"), QSettings.Format.IniFormat))
    settings.set(Settings.REVIEWER, "A. Officer")
    window = MainWindow(db, settings, synchronous_jobs=True)
    window.resize(1500, 900)
    window.show()
    window.grab().save(str(HERE / "empty_state.png"))

    sample = bundled_sample()
    wizard = ImportWizard(sample, db, window.rules, window)
    wizard.resize(1000, 720)
    wizard.show()
    wizard.next()
    wizard.next()
    app.processEvents()
    wizard.grab().save(str(HERE / "wizard_mapping.png"))
    wizard.next()
    app.processEvents()
    wizard.grab().save(str(HERE / "wizard_preview.png"))
    choice = wizard.choice()
    wizard.hide()
    window.start_screening(choice)
    window.record_review([6], ReviewInput(Disposition.HOLD, "Waiting for GBS eligibility "
                                          "check by classification team", "", "", "A. Officer"))
    window.select_row(12)  # HK-1008: shipped to HK, licensed as CN, newly licensable
    app.processEvents()
    window.grab().save(str(HERE / "workbench.png"))
    dialog = ReviewDialog(1, settings.reviewer(), Disposition.LICENSE_OBTAINED, window)
    dialog.license_number.setText("D1234567")
    dialog.reason.setPlainText("BIS licence covers 2A290 generator sets to Harbour Power")
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(HERE / "review_dialog.png"))
    dialog.hide()
    run_id = window.run.id if window.run else 0
    window.close()

    # The same run in Traditional Chinese (Hong Kong), two input-file columns shown.
    install_translator(app, "zh_HK")
    settings.set(Settings.ORIGINAL_COLUMNS, ["End User", "Value (USD)"])
    chinese = MainWindow(db, settings, synchronous_jobs=True)
    chinese.resize(1500, 900)
    chinese.show()
    chinese.load_run(run_id)
    chinese.select_row(12)
    app.processEvents()
    chinese.grab().save(str(HERE / "workbench_zh_HK.png"))
    print("screenshots written to", HERE)


if __name__ == "__main__":
    main()
