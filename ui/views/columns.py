"""Which workbench columns are shown, the input file's own columns included. The shown input
columns are remembered by header name, so they come back for the next file with the same
headers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QMenu

from ui.models.ordering import Col
from ui.models.results import ResultsModel
from ui.settings import Settings


def fill_menu(menu: QMenu, header: QHeaderView, results: ResultsModel,
              settings: Settings) -> QMenu:
    menu.clear()

    def toggle(section: int, shown: bool) -> None:
        header.setSectionHidden(section, not shown)
        if section >= len(Col):
            settings.set(Settings.ORIGINAL_COLUMNS,
                         [n for k, n in enumerate(results.headers)
                          if not header.isSectionHidden(len(Col) + k)])

    def add(section: int) -> None:
        action = menu.addAction(str(results.headerData(section, Qt.Orientation.Horizontal)))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(section))
        action.toggled.connect(lambda on, s=section: toggle(s, on))

    for col in Col:
        if col not in (Col.ROW, Col.VERDICT):  # a line is always named and decided
            add(col)
    if results.headers:
        menu.addSection(QCoreApplication.translate("Columns", "Columns of the input file"))
        for k in range(len(results.headers)):
            add(len(Col) + k)
    return menu


def show_saved(header: QHeaderView, results: ResultsModel, settings: Settings) -> None:
    """Input-file columns are hidden unless the officer chose to see them."""
    shown = set(settings.get(Settings.ORIGINAL_COLUMNS))
    for k, name in enumerate(results.headers):
        header.setSectionHidden(len(Col) + k, name not in shown)
