"""F1: the keys of the current tab, read from the live widgets.

Nothing here is a hand-written list: a list kept apart from the screens goes stale the day a
button changes. ``collect_keys`` walks what the window has now — the current tab's shortcuts
(each matched to its button: a ``forms.key_button`` records its key, another button names
it in its text or tooltip), its actions with a shortcut (the inner views'
Ctrl+1 …) and its buttons' own shortcuts — keeping only those on visible widgets, which are the
keys that work now. Keys of an inner view (the Stock tab's Counts view, a customer's History) are
grouped under the view's title; the window's menus and tab keys come last. ``KeysDialog`` shows
them as a table: key, what it does, more.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.ui.forms import ERROR_COLOR

MORE_WIDTH = 80  # characters on one line of the "More" column
_MODIFIER = r"(?:Ctrl|Shift|Alt|Meta)\+"
_NAMED = (r"(?:F(?:[1-9]|1[0-9]|2[0-4])|Enter|Return|Esc|Escape|Del|Delete|Ins|Insert|Tab|PgUp|PgDown|Home|End"
          r"|Space|Backspace|Up|Down|Left|Right)")
# A key as the screens write it: "F12", "Ctrl+Enter", "Ctrl+Shift+P", "Del". A bare letter or digit
# is not a key on its own ("A part"), only with a modifier ("Ctrl+1").
_KEY = rf"(?:{_MODIFIER})*{_NAMED}(?![\w+])|(?:{_MODIFIER})+[^\s()+]+"
_LEADING = re.compile(rf"^\s*(?:{_KEY})(?:\s*/\s*(?:{_KEY}))*\s+(?=\S)")
_TRAILING = re.compile(rf"\s*\((?:{_KEY})(?:\s*(?:/|,|or)\s*(?:{_KEY}))*\)\s*$")
_ANY_KEY = re.compile(rf"(?<![\w+])(?:{_KEY})")


def key_name(sequence: QKeySequence) -> str:
    """The key as the screens write it: Return and the keypad's Enter are both "Enter"."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText).replace("Return", "Enter")


def _same_key(text: str) -> str:
    """``text`` (a key as written on a button) normalised, to compare with ``key_name``."""
    return key_name(QKeySequence(text.replace("Enter", "Return")))


def plain_text(text: str) -> str:
    """A button's or action's text without its mnemonic marks (``&Save`` → ``Save``)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def without_key(text: str) -> str:
    """A button's text without the key it shows: "F12 Tender" → "Tender", "Adjust (Ctrl+Enter)"
    → "Adjust", "Enter Open order" → "Open order"."""
    text = plain_text(text)
    stripped = _TRAILING.sub("", _LEADING.sub("", text, count=1), count=1).strip()
    return stripped or text.strip()


def tab_name(text: str) -> str:
    """A tab's title without its mnemonic and its badge: "Stoc&k (12)" → "Stock"."""
    return re.sub(r"\s*\([\d,]+\)$", "", plain_text(text)).strip()


def keys_in(text: str) -> set[str]:
    """The keys ``text`` names, normalised with ``key_name``."""
    return {_same_key(found) for found in _ANY_KEY.findall(plain_text(text))}


@dataclass
class KeyEntry:
    key: str  # as written: "F12", "Ctrl+Enter"
    text: str  # what it does (the button's or action's text without the key)
    tip: str = ""  # more: the tooltip
    clash: str = ""  # what else the same key does here (then it may do neither: Qt calls it ambiguous)


@dataclass
class KeyGroup:
    title: str  # the tab's, the inner view's, or the window's
    entries: list[KeyEntry] = field(default_factory=list)


def _inner_titles(tab: QWidget) -> dict[QWidget, str]:
    """The pages of the tab's inner tab widgets → their titles (without the "(Ctrl+2)" they show)."""
    titles: dict[QWidget, str] = {}
    for tabs in tab.findChildren(QTabWidget):
        for index in range(tabs.count()):
            titles[tabs.widget(index)] = without_key(tabs.tabText(index))
    return titles


def _tab_naming(tab: QWidget, key: str) -> str:
    """The title of the inner tab whose text or tooltip names ``key`` ("History", tooltip "Ctrl+3"),
    or ""."""
    for tabs in tab.findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.isTabVisible(index) and key in keys_in(tabs.tabText(index)) | keys_in(tabs.tabToolTip(index)):
                return without_key(tabs.tabText(index))
    return ""


def _view_of(widget: QObject | None, tab: QWidget, titles: dict[QWidget, str]) -> str:
    """The outermost inner view ``widget`` lies in, or "" for the tab itself."""
    view = ""
    while widget is not None and widget is not tab:
        if widget in titles:
            view = titles[widget]
        widget = widget.parent()
    return view


def _shown(widget: QObject | None, window: QWidget) -> bool:
    return isinstance(widget, QWidget) and widget.isVisible() and widget.window() is window


def _button_entry(key: str, button: QAbstractButton) -> KeyEntry:
    return KeyEntry(key, without_key(button.text()) or plain_text(button.toolTip()), button.toolTip())


def collect_keys(window: QMainWindow, tab: QWidget, *, tab_title: str) -> list[KeyGroup]:
    """The keys that work now on ``tab`` of ``window`` (its visible widgets), by view, then the
    window's own (its menus, the tabs' Alt keys)."""
    titles = _inner_titles(tab)
    tab_group = QCoreApplication.translate("KeysDialog", "{tab} tab").format(tab=tab_title)
    groups: dict[str, KeyGroup] = {"": KeyGroup(tab_group)}
    seen: set[tuple[str, str]] = set()
    buttons = [b for b in tab.findChildren(QAbstractButton) if _shown(b, window)]
    unlabelled: list[tuple[str, str]] = []  # (view, key) of shortcuts no button names

    def add(view: str, entry: KeyEntry) -> None:
        if (view, entry.key) in seen:
            return
        seen.add((view, entry.key))
        groups.setdefault(view, KeyGroup(view)).entries.append(entry)

    for shortcut in tab.findChildren(QShortcut):
        scope = shortcut.parent()
        if not shortcut.isEnabled() or not _shown(scope, window):
            continue
        view = _view_of(scope, tab, titles)
        key = key_name(shortcut.key())
        if shortcut.whatsThis():
            add(view, KeyEntry(key, shortcut.whatsThis()))
        else:
            # the button of the key: one the user sees, else one of the shortcut's own widget
            # (scrolled out of sight, on a collapsed part), else one the tab shows elsewhere; a
            # key_button says its key, another button names it in its text or its tooltip
            near = scope.findChildren(QAbstractButton)
            candidates = [b for b in near if b.isVisible()] + near + buttons
            named = [b for b in candidates if b.property("key") and _same_key(b.property("key")) == key] or \
                    [b for b in candidates if key in keys_in(b.text())] or \
                    [b for b in candidates if key in keys_in(b.toolTip())]
            tab_text = _tab_naming(tab, key)
            if named:
                add(view, _button_entry(key, named[0]))
            elif tab_text:
                add(view, KeyEntry(key, tab_text))
            else:
                unlabelled.append((view, key))

    for widget in [tab, *tab.findChildren(QWidget)]:
        if not _shown(widget, window):
            continue
        view = _view_of(widget, tab, titles)
        for action in widget.actions():
            if isinstance(action, QMenu) or not action.isVisible():
                continue
            for sequence in action.shortcuts():
                add(view, KeyEntry(key_name(sequence), without_key(action.text()), action.toolTip()
                                   if action.toolTip() != plain_text(action.text()) else ""))
        if isinstance(widget, QAbstractButton) and not widget.shortcut().isEmpty() \
                and widget.shortcut() != QKeySequence.mnemonic(widget.text()):
            add(view, _button_entry(key_name(widget.shortcut()), widget))

    for view, key in unlabelled:  # a second key for something a button already names ("Ctrl+Enter")
        if (view, key) not in seen:
            add(view, KeyEntry(key, QCoreApplication.translate(
                "KeysDialog", "(a key of this view, not shown on a button)")))

    window_group = KeyGroup(QCoreApplication.translate("KeysDialog", "Whole window"))
    window_keys: set[str] = set()

    def menu_keys(actions: list[QAction]) -> None:
        for action in actions:
            if not action.isVisible() or action.isSeparator():
                continue
            if action.menu() is not None:
                menu_keys(action.menu().actions())
                continue
            for sequence in action.shortcuts():
                key = key_name(sequence)
                if key not in window_keys:
                    window_keys.add(key)
                    where = QCoreApplication.translate("KeysDialog", "Menu: {menu}").format(
                        menu=_menu_path(action, window))
                    window_group.entries.append(KeyEntry(key, without_key(action.text()).rstrip("…"), where))

    menu_keys(window.menuBar().actions())
    tabs = window.centralWidget()
    if isinstance(tabs, QTabWidget):
        for index in range(tabs.count()):
            mnemonic = QKeySequence.mnemonic(tabs.tabText(index))
            if tabs.isTabVisible(index) and not mnemonic.isEmpty():
                go = QCoreApplication.translate("KeysDialog", "Go to the {tab} tab").format(
                    tab=tab_name(tabs.tabText(index)))
                window_group.entries.append(KeyEntry(key_name(mnemonic), go))
    # A window key the tab uses too reaches neither while the tab's widget has the focus.
    tab_keys = {entry.key: entry.text for group in groups.values() for entry in group.entries}
    for entry in window_group.entries:
        if entry.key in tab_keys:
            entry.clash = tab_keys[entry.key]
    result = []
    for view, group in groups.items():
        if group.entries:
            group.entries.sort(key=_key_order)
            if view:
                group.title = QCoreApplication.translate("KeysDialog", "{view} view").format(view=view)
            result.append(group)
    return result + ([window_group] if window_group.entries else [])


def _key_order(entry: KeyEntry) -> tuple[int, int]:
    """F-keys first, by number (the order of the keyboard's top row), then the others as found
    (Python's sort is stable)."""
    match = re.fullmatch(r"F(\d+)", entry.key)
    return (0, int(match.group(1))) if match else (1, 0)


def _menu_path(action: QAction, window: QMainWindow) -> str:
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is not None and action in menu.actions():
            return plain_text(top.text())
    return ""


class KeysDialog(QDialog):
    """The keys of one tab, grouped by view: key, what it does, more. Esc closes it."""

    def __init__(self, title: str, groups: list[KeyGroup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups = groups
        self.setWindowTitle(self.tr("Keys — {tab}").format(tab=title))
        intro = QLabel(self.tr("The keys that work now on the {tab} tab. The buttons show their key too; hold the "
                               "mouse over a button for more.").format(tab=title))
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setColumnCount(3)
        self.table.setHeaderLabels([self.tr("Key"), self.tr("What it does"), self.tr("More")])
        self.table.setRootIsDecorated(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to pick: Esc and the wheel are enough
        self.table.setUniformRowHeights(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        bold = QFont(self.font())
        bold.setBold(True)
        for group in groups:
            heading = QTreeWidgetItem([group.title])
            heading.setFirstColumnSpanned(True)
            heading.setFont(0, bold)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.addTopLevelItem(heading)
            for entry in group.entries:
                more = entry.tip
                if entry.clash:
                    more = self.tr("{more} — this tab uses {key} too ({other}): the key may do neither").format(
                        more=entry.tip, key=entry.key, other=entry.clash)
                # broken into lines here: the tree's own word wrap does not grow its rows
                item = QTreeWidgetItem(heading, [entry.key, entry.text, "\n".join(textwrap.wrap(more, MORE_WIDTH))])
                item.setFont(0, bold)
                item.setToolTip(2, more)
                if entry.clash:
                    item.setForeground(2, QColor(ERROR_COLOR))
            heading.setExpanded(True)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox()
        close = buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 600)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, key, what it does) of every row, in order (tests read the table this way)."""
        found = []
        for i in range(self.table.topLevelItemCount()):
            heading = self.table.topLevelItem(i)
            for j in range(heading.childCount()):
                item = heading.child(j)
                found.append((heading.text(0), item.text(0), item.text(1)))
        return found
