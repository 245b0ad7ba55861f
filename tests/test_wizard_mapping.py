"""The import wizard shows the same mapping error as the CLI for two columns that match one
field (issue 11) and makes the officer choose; it never lets the first column win silently."""

from __future__ import annotations

from screening.ingest.columns import Field
from ui.dialogs.import_wizard import ImportWizard


def test_wizard_makes_the_officer_choose_between_two_destination_columns(qtbot, db, rules,
                                                                          tmp_path) -> None:
    path = tmp_path / "two_dest.csv"
    path.write_text("Line,Dest,Destination,Ship Date,ECCN\n1,DE,HK,2021-03-01,3A001\n",
                    encoding="utf-8")
    wizard = ImportWizard(path, db, rules)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()  # header row -> mapping
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    message = page.duplicates.text()
    assert page.duplicates.isVisible() and "'Dest' (B)" in message and \
        "'Destination' (C)" in message
    assert page.combos[Field.DESTINATION].currentData() is None  # nothing picked for them
    assert page.status[Field.DESTINATION].text() == "choose one"
    assert not page.isComplete()
    page.combos[Field.DESTINATION].setCurrentIndex(3)  # (not mapped), Line, Dest, Destination
    assert page.isComplete() and not page.duplicates.isVisible()
    wizard.next()
    assert wizard.preview_page.isComplete()
    assert wizard.preview_page.model.rows[0][2] == "HK"
    assert wizard.choice().options.mapping.columns["destination"] == "Destination"


def test_wizard_refuses_a_broken_csv_before_any_page(qtbot, db, rules, tmp_path) -> None:
    import pytest

    from screening.ingest import IngestError
    path = tmp_path / "quote.csv"
    path.write_text('Line,Dest,Ship Date,ECCN\n1,"HK,2021-03-01,EAR99\n', encoding="utf-8")
    with pytest.raises(IngestError, match="never closed"):
        ImportWizard(path, db, rules)


def test_screening_that_hits_a_full_disk_shows_one_line_without_traceback(
        qtbot, db, tmp_path, monkeypatch) -> None:
    import errno

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from screening.service import ScreenOptions
    from tests.conftest import big_csv
    from ui.dialogs.import_wizard import ImportChoice
    from ui.main_window import MainWindow
    from ui.settings import Settings

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: shown.append((box.text(), box.detailedText())) or 0)

    def full(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr("screening.service.copy_hashing", full)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(window)
    window.start_screening(ImportChoice(big_csv(tmp_path / "in.csv", 5), ScreenOptions()))
    assert len(shown) == 1
    text, details = shown[0]
    assert "No space left on device (the disk is full" in text and details == ""


def test_the_preview_s_party_check_loads_off_the_gui_thread(qtbot, tmp_path, monkeypatch
                                                            ) -> None:  # type: ignore[no-untyped-def]
    """Building the party index (a second or two after a list import or an upgrade) must
    not freeze the wizard: it starts on a thread of its own when the mapping page opens."""
    import threading

    from screening.db import open_database
    from tests.conftest import SAMPLE_XLSX, advance_to, open_wizard
    from ui.dialogs import import_wizard

    threads: list[str] = []
    original = import_wizard._party_screen

    def recording(db, rules):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return original(db, rules)

    monkeypatch.setattr(import_wizard, "_party_screen", recording)
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        wizard = open_wizard(qtbot, db, SAMPLE_XLSX)
        advance_to(wizard, wizard.mapping_page)
        assert wizard._parties is not None  # started with the mapping page
        wizard.next()  # the preview uses the loaded check
        assert threads == ["hkscreen-wizard-parties"]  # loaded once, never on this thread
        wizard.reject()  # waits for nothing left running
    finally:
        db.dispose()
