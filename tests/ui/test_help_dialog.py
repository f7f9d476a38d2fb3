"""F1: the keys of the current tab, read from the live window (ui.help_dialog)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from partsdesk.ui.forms import key_button
from partsdesk.ui.help_dialog import KeysDialog, keys_in, without_key
from partsdesk.ui.main_window import MainWindow, window_settings


def _window(qtbot, runner, actor, db_url, config_dir) -> MainWindow:
    window = MainWindow(runner, actor, url=db_url, settings=window_settings(config_dir), auto_backups=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _press_f1(qtbot, window: MainWindow) -> KeysDialog:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus if focus is not None and focus.window() is window else window.tabs.currentWidget(),
                   Qt.Key.Key_F1)  # wherever the user is
    qtbot.waitUntil(lambda: window.keys_dialog is not None and window.keys_dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window.keys_dialog, timeout=5000)
    return window.keys_dialog


def _close_with_esc(qtbot, window: MainWindow, dialog: KeysDialog) -> None:
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.keys_dialog is None, timeout=5000)
    assert not dialog.isVisible()


@pytest.mark.parametrize(("text", "expected"), [
    ("F12 Tender", "Tender"), ("Ctrl+Del Void sale", "Void sale"), ("Adjust (Ctrl+Enter)", "Adjust"),
    ("Enter Open order", "Open order"), ("&Save (Enter)", "Save"), ("A part", "A part"),
    ("F2 Add part…", "Add part…"), ("Del Remove", "Remove"), ("Delivery note", "Delivery note"),
])
def test_a_buttons_text_without_its_key(text, expected):
    assert without_key(text) == expected


def test_the_keys_a_text_names():
    assert keys_in("Adjust (Ctrl+Enter)") == {"Ctrl+Enter"}
    assert keys_in("Ctrl+Shift+P Preview, F5 to refresh") == {"Ctrl+Shift+P", "F5"}
    assert keys_in("Delivery and Entry") == set()


def test_key_button_records_its_key_for_the_help(qapp):
    owner = QWidget()
    button = key_button(owner, "F5 Refresh", "F5", lambda: None, "Read again")
    assert button.property("key") == "F5"
    owner.deleteLater()


def test_f1_on_the_counter_lists_its_keys_from_the_buttons(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    window.tabs.setCurrentWidget(window.counter)
    assert "F1" in window.keys_action.shortcut().toString()
    dialog = _press_f1(qtbot, window)
    assert dialog.windowTitle() == "Keys — Counter"
    rows = dialog.rows()
    counter = {key: text for group, key, text in rows if group == "Counter tab"}
    assert counter["F12"] == "Tender"
    assert counter["F2"] == "Search"
    assert counter["Ctrl+Del"] == "Void sale"
    assert len(counter) >= 12  # every key button of the till, each listed once
    # the window's own keys come after the tab's: at the counter F2 is the tab's, not "Find a part"
    whole = {key: text for group, key, text in rows if group == "Whole window"}
    assert whole["Ctrl+F"] == "Find a part"
    assert whole["F1"] == "Keys of this tab"
    assert "F2" not in whole
    assert whole["Alt+T"] == "Go to the Counter tab"
    assert [group for group, _key, _text in rows][-1] == "Whole window"
    # the tooltip says more, beside the key
    tender = next(dialog.table.topLevelItem(0).child(i) for i in range(dialog.table.topLevelItem(0).childCount())
                  if dialog.table.topLevelItem(0).child(i).text(0) == "F12")
    assert tender.text(2) == window.counter.tender_button.toolTip()
    assert tender.toolTip(2) == window.counter.tender_button.toolTip()
    _close_with_esc(qtbot, window, dialog)
    window.close()


def test_f1_on_the_stock_tab_lists_the_current_views_keys(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["storekeeper"], db_url, config_dir)
    window.tabs.setCurrentWidget(window.stock)
    window.stock.show_view(window.stock.count_view)
    qtbot.waitUntil(lambda: window.stock.count_view.sessions_page.isVisible(), timeout=5000)
    dialog = _press_f1(qtbot, window)
    rows = dialog.rows()
    groups = [group for group, _key, _text in rows]
    assert groups[0] == "Stock tab" and "Counts view" in groups
    stock = {key: text for group, key, text in rows if group == "Stock tab"}
    assert stock["Ctrl+1"] == "Stock list"
    assert stock["Ctrl+2"] == "Counts"
    counts = {key: text for group, key, text in rows if group == "Counts view"}
    assert counts["Ctrl+N"] == "New count"
    assert counts["F9"] == "Review"
    assert counts["F5"] == "Refresh"
    assert counts["Enter"] == "Count"
    # only what works now: the scanning page's keys (F10 Finish) are not on the counts list
    assert "F10" not in counts
    # nor the keys of the other views (the stock list's own)
    assert not any(group == "Stock list view" for group in groups)
    # the catalogue's Ctrl+N (New part) is the Catalog tab's only: here Ctrl+N is the view's, unclaimed twice
    assert "Ctrl+N" not in {key for group, key, _text in rows if group == "Whole window"}
    _close_with_esc(qtbot, window, dialog)

    # a window key a view uses too is pointed out (such a key may do neither)
    clash = QShortcut(QKeySequence("Ctrl+L"), window.stock.count_view)
    clash.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    clash.setWhatsThis("Bin list")
    dialog = _press_f1(qtbot, window)
    window_group = dialog.table.topLevelItem(dialog.table.topLevelItemCount() - 1)
    switch = [(window_group.child(i).text(1), window_group.child(i).toolTip(2))
              for i in range(window_group.childCount()) if window_group.child(i).text(0) == "Ctrl+L"]
    _close_with_esc(qtbot, window, dialog)
    clash.setEnabled(False)  # the window's Switch user is its own again
    assert len(switch) == 1 and switch[0][0] == "Switch user" and "this tab uses Ctrl+L too" in switch[0][1]

    # another view, another list: F1 follows what is on the screen
    window.stock.show_view(window.stock.adjustments_view)
    dialog = _press_f1(qtbot, window)
    groups = {group for group, _key, _text in dialog.rows()}
    assert "Adjustments view" in groups and "Counts view" not in groups
    adjustments = {key: text for group, key, text in dialog.rows() if group == "Adjustments view"}
    assert adjustments["Ctrl+Enter"] == "Adjust"
    _close_with_esc(qtbot, window, dialog)
    window.close()


def test_the_help_menu_opens_the_keys_and_a_second_f1_shows_one_dialog(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["manager"], db_url, config_dir)
    window.tabs.setCurrentWidget(window.customers)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.keys_action in help_menu.actions()
    window.keys_action.trigger()
    qtbot.waitUntil(lambda: window.keys_dialog is not None, timeout=5000)
    first = window.keys_dialog
    assert first.windowTitle() == "Keys — Customers"
    customers = {key: text for group, key, text in first.rows() if group == "Customers tab"}
    assert customers["Ctrl+1"] == "Profile"  # the sections' keys, named by their tabs
    window.keys_action.trigger()
    qtbot.waitUntil(lambda: window.keys_dialog is not first, timeout=5000)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, KeysDialog) and w.isVisible()]
    assert dialogs == [window.keys_dialog]
    _close_with_esc(qtbot, window, window.keys_dialog)
    window.close()
