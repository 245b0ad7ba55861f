"""Defect (newcomer check, s10): closing the Rules browser (View > Rules browser, Ctrl+B)
leaves the RulesDialog as cyclic garbage owned by Python. The next cyclic garbage collection
deletes that QWidget on whichever thread triggers it; when that is a background job's thread
(File > Export runs ``write_report`` on a plain ``threading.Thread``), Qt deletes a widget
off the GUI thread and the app dies with a segmentation fault: no crash dialog, no log
line. Seen driving the GUI: Ctrl+B, close, File > Export > XLSX -> SIGSEGV in
``screening/rules/cache.py`` "Garbage-collecting" on the ``hkscreen-job`` thread.

The test opens and closes the Rules browser as ``MainWindow.show_rules`` does, then runs
one garbage collection on a non-GUI thread (what a job's allocations trigger at any time).
It runs in a child process because the defect kills the interpreter (exit -11).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import gc, os, sys, threading
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from screening.db import open_database
from ui.main_window import MainWindow
from ui.settings import Settings

work = Path(os.environ["HKSCREEN_DATA_DIR"])
app = QApplication(sys.argv)
db = open_database(f"sqlite:///{work / 'db.sqlite3'}")
settings = Settings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat))
window = MainWindow(db, settings, synchronous_jobs=True)
window.show()


def close_modal():
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(50, close_modal)
        return
    dialog.reject()


QTimer.singleShot(100, close_modal)
window.show_rules()  # the officer opens the Rules browser and closes it
collector = threading.Thread(target=gc.collect, name="hkscreen-job")
collector.start()
collector.join()
app.processEvents()
window.close()
db.dispose()
print("survived")
"""


def test_closing_the_rules_browser_leaves_nothing_for_a_worker_thread_to_delete(
        tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HKSCREEN_DATA_DIR": str(tmp_path),
           "HKSCREEN_BUNDLED_LISTS": "0"}
    env.pop("HKSCREEN_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "survived" in done.stdout, (
        f"exit {done.returncode}: the app crashed when a worker thread collected the closed "
        f"Rules browser\n{done.stderr[-2000:]}")
