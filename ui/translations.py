"""Which language the window speaks. Translations are Qt ``.qm`` files built from the ``.ts``
sources in ``resources/translations/`` (``pyside6-lupdate`` collects every ``tr()`` string,
``pyside6-lrelease`` compiles; see the README). Qt's own dialogs (file picker, standard
buttons) use Qt's bundled translations."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from screening.paths import resources_dir

ENV_LANGUAGE = "HKSCREEN_LANG"
#: language code -> name shown in Settings > Language (in that language)
LANGUAGES = {"en": "English", "zh_HK": "繁體中文（香港）"}
# Qt ships Traditional Chinese as zh_TW: the closest for Hong Kong.
_QT_FALLBACK = {"zh_HK": "zh_TW"}


def translations_dir() -> str:
    return str(resources_dir() / "translations")


def chosen_language(setting: str = "") -> str:
    """The language to use: $HKSCREEN_LANG, else the setting, else the system's if hkscreen
    has it, else English."""
    wanted = os.environ.get(ENV_LANGUAGE) or setting
    if wanted:
        return wanted if wanted in LANGUAGES else "en"
    for name in QLocale.system().uiLanguages():  # e.g. "zh-Hant-HK", "en-GB"
        parts = name.replace("-", "_").split("_")
        if parts[0] == "zh" and ("HK" in parts or "Hant" in parts or "MO" in parts
                                 or "TW" in parts):
            return "zh_HK"
        if parts[0] == "en":
            return "en"
    return "en"


def install_translator(app: QCoreApplication, setting: str = "") -> str:
    """Load the chosen language's translations into ``app``; returns the language used."""
    language = chosen_language(setting)
    ours = QTranslator(app)
    if language != "en" and not ours.load(f"hkscreen_{language}", translations_dir()):
        language = "en"  # its file is missing: English, never a half-translated window
    if language == "en":  # the source strings, plus English plurals ("1 line", "2 lines")
        if ours.load("hkscreen_en", translations_dir()):
            app.installTranslator(ours)
        return language
    app.installTranslator(ours)
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{_QT_FALLBACK.get(language, language)}", qt_dir):
        app.installTranslator(qt)
    return language
