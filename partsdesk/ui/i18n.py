"""The window's language: PartsDesk's own catalogue and Qt's (standard buttons, dialogs) loaded into
Qt, dates and numbers of Qt's widgets (calendars, date edits) in the language's locale, and a
Chinese font when the system has none (the one PartsDesk ships for its PDFs).

The language is this PC's ``ui.language``, else the shop's ``shop.language``
(``partsdesk.services.settings.language``); ``apply_language`` also sets it for the layers below Qt
(``partsdesk.i18n``), so messages and printed documents follow the window.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase

from partsdesk import i18n

log = logging.getLogger(__name__)

FONT_FILE = i18n.CATALOGUE_DIR.parent / "fonts" / "DroidSansFallbackFull.ttf"
QT_CATALOGUES = ("qtbase",)


class CatalogueTranslator(QTranslator):
    """PartsDesk's ``.qm``. Qt asks in the context of each class (``self.tr``); the catalogue has one
    context (``partsdesk.i18n.CONTEXT``): the same English text has the same translation everywhere."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None, not "": Qt takes an empty text from Python for a translation; None lets it fall back
        # to the next catalogue (Qt's own) and then to the English text.
        return super().translate(i18n.CONTEXT, source_text, disambiguation, n) or None


_installed: list[QTranslator] = []


def apply_language(language: str) -> str:
    """Translate everything made from now on into ``language`` (unknown: English). Widgets already
    made keep their texts: the caller makes the window again. Returns the language applied."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(language)
    language = i18n.language()
    # English keeps the PC's own locale (its date order); Chinese writes dates and weekdays the Chinese way
    QLocale.setDefault(QLocale.system() if language == i18n.SOURCE_LANGUAGE else QLocale(language))
    if language == i18n.SOURCE_LANGUAGE:
        return language
    own = CatalogueTranslator(app)
    if own.load(str(i18n.catalogue_file(language, ".qm"))):
        _installed.append(own)
    else:
        log.warning("no compiled catalogue for %s: %s", language, i18n.catalogue_file(language, ".qm"))
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in QT_CATALOGUES:
        qt = QTranslator(app)
        if qt.load(f"{name}_{language}", qt_folder):
            _installed.append(qt)
        else:
            log.warning("no Qt catalogue %s_%s in %s: standard buttons stay in English", name, language, qt_folder)
    for translator in _installed:
        app.installTranslator(translator)
    log.info("language %s: %d catalogue(s) loaded", language, len(_installed))
    if language.startswith("zh") and FONT_FILE.is_file() and \
            not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        QFontDatabase.addApplicationFont(str(FONT_FILE))
    return language


def shop_language(settings_file: Path | None = None) -> str:
    """The language of this PC: its own ``ui.language``, else the shop's ``shop.language``."""
    from partsdesk.services import settings

    return settings.terminal("ui.language", settings_file) or settings.get("shop.language")
