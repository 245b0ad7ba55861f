"""Every visible string goes through tr(), every tr() string is translated, and the compiled
translations match their sources."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from ui.translations import chosen_language, install_translator

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "hkscreen_zh_HK.ts"
QM = TS.with_suffix(".qm")
EN_TS = TS.with_name("hkscreen_en.ts")
TOOLS = Path(PySide6.__file__).resolve().parent
UI_FILES = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))


def _tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.skip(f"{name} is not shipped with this PySide6")
    return str(path)


def test_every_tr_string_is_in_the_translation_and_finished(tmp_path) -> None:
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    out = subprocess.run([_tool("lupdate"), *UI_FILES, "-ts", str(copy), "-no-obsolete",
                          "-locations", "none"],
                         capture_output=True, text=True, check=True).stdout
    assert "(0 new and" in out, out  # lupdate found no string the .ts lacks
    assert copy.read_text(encoding="utf-8") == TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in TS.read_text(encoding="utf-8")


@pytest.mark.parametrize("ts", [TS, EN_TS], ids=["zh_HK", "en"])
def test_compiled_translation_matches_its_source(tmp_path, ts) -> None:
    qm = tmp_path / ts.with_suffix(".qm").name
    subprocess.run([_tool("lrelease"), str(ts), "-qm", str(qm)], capture_output=True,
                   check=True)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), \
        "run pyside6-lrelease (resources/translations/README.md)"


def test_english_plurals_cover_every_numerus_string(tmp_path) -> None:
    copy = tmp_path / EN_TS.name
    shutil.copy(EN_TS, copy)
    subprocess.run([_tool("lupdate"), *UI_FILES, "-ts", str(copy), "-pluralonly",
                    "-no-obsolete", "-locations", "none"], capture_output=True, check=True)
    assert copy.read_text(encoding="utf-8") == EN_TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in EN_TS.read_text(encoding="utf-8")


def test_english_says_one_line_not_line_s(qtbot, monkeypatch) -> None:
    monkeypatch.delenv("HKSCREEN_LANG", raising=False)
    app = QCoreApplication.instance()
    assert app is not None
    before = set(app.findChildren(QTranslator))
    assert install_translator(app, "en") == "en"
    try:
        text = "One decision, recorded for each of %n line(s): %1."
        assert QCoreApplication.translate("ReviewDialog", text, "", 1) == \
            "One decision, recorded for each of 1 line: %1."
        assert QCoreApplication.translate("ReviewDialog", text, "", 3) == \
            "One decision, recorded for each of 3 lines: %1."
    finally:
        for translator in set(app.findChildren(QTranslator)) - before:
            app.removeTranslator(translator)
            translator.deleteLater()


# Calls whose first argument a user reads: it must come from tr()/translate(), not a literal.
_VISIBLE = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction",
            "setText", "setWindowTitle", "setPlaceholderText", "setToolTip", "showMessage",
            "setTitle", "setSubTitle", "addTab", "addMenu", "addSection", "setLabelText"}


def _literal_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value != "hkscreen" and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value))
                   for v in node.values)
    return False


def test_visible_strings_go_through_tr() -> None:
    offenders = []
    for name in UI_FILES:
        tree = ast.parse(Path(name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else ""
            if called in _VISIBLE and _literal_text(node.args[0]):
                offenders.append(f"{Path(name).relative_to(ROOT)}:{node.lineno} {called}")
            # pyside6-lupdate does not mark translate(ctx, text, "", n) as a plural: use
            # self.tr(text, "", n) for %n strings.
            if called == "translate" and len(node.args) > 2:
                offenders.append(f"{Path(name).relative_to(ROOT)}:{node.lineno} translate "
                                 f"with a count")
            # lupdate collects only literals: a variable here is never translated.
            if called == "QT_TRANSLATE_NOOP" and not all(
                    isinstance(a, ast.Constant) for a in node.args[:2]):
                offenders.append(f"{Path(name).relative_to(ROOT)}:{node.lineno} {called} "
                                 f"with a non-literal")
    assert not offenders, offenders


def test_language_choice(monkeypatch) -> None:
    monkeypatch.setenv("HKSCREEN_LANG", "zh_HK")
    assert chosen_language("en") == "zh_HK"  # the environment wins
    monkeypatch.setenv("HKSCREEN_LANG", "xx")
    assert chosen_language() == "en"  # unknown: English, never a half-loaded state
    monkeypatch.delenv("HKSCREEN_LANG")
    assert chosen_language("zh_HK") == "zh_HK"


def test_window_speaks_traditional_chinese(qtbot, db, tmp_path, monkeypatch) -> None:
    from ui.main_window import MainWindow
    from ui.settings import Settings
    monkeypatch.delenv("HKSCREEN_LANG", raising=False)
    app = QCoreApplication.instance()
    assert app is not None
    before = set(app.findChildren(QTranslator))
    assert install_translator(app, "zh_HK") == "zh_HK"
    try:
        window = MainWindow(db, Settings(QSettings(str(tmp_path / "s.ini"),
                                                   QSettings.Format.IniFormat)),
                            synchronous_jobs=True)
        qtbot.addWidget(window)
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus[0] == "檔案(&F)" and "審核(&R)" in menus
        assert window.model.headerData(6, PySide6.QtCore.Qt.Orientation.Horizontal) == "結果"
    finally:
        for translator in set(app.findChildren(QTranslator)) - before:
            app.removeTranslator(translator)
            translator.deleteLater()
