from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from partsdesk.models import db as db_module
from partsdesk.ui.main_window import MainWindow, window_settings


def _window(qtbot, runner, actor, db_url, config_dir, **kwargs) -> MainWindow:
    window = MainWindow(runner, actor, url=db_url, settings=window_settings(config_dir), auto_backups=False,
                        **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _pin_dialog(qtbot, window: MainWindow, action):
    """Trigger the switch-user or lock action; the PIN dialog it shows."""
    action.trigger()
    qtbot.waitUntil(lambda: window.login_dialog is not None, timeout=5000)
    dialog = window.login_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_status_bar_names_the_user_and_the_database(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    assert window.user_label.text() == "Cashier (Cashier)"
    assert db_module.describe() in window.db_label.text()
    if db_module.is_postgres_url(db_url):
        assert "pg_dump" in window.backup_label.text()
    else:
        qtbot.waitUntil(lambda: window.backup_label.text() == "Last backup: never", timeout=5000)
    # A cashier gets no catalogue editing, import or restore in the menus.
    assert not window.new_part_action.isVisible()
    assert not window.import_action.isVisible()
    assert not window.restore_action.isVisible()
    window._closing_backup_done = True
    window.close()


def test_geometry_is_kept_between_two_windows_with_the_same_settings_folder(qtbot, runner, admin, db_url,
                                                                             config_dir):
    first = _window(qtbot, runner, admin, db_url, config_dir)
    first.setGeometry(QRect(20, 30, 710, 520))  # inside the offscreen 800x600 screen
    first.catalog.table.setColumnWidth(0, 145)
    first.close()

    second = _window(qtbot, runner, admin, db_url, config_dir)
    assert (second.size().width(), second.size().height()) == (710, 520)
    assert second.catalog.table.columnWidth(0) == 145
    assert second.catalog.table.horizontalHeader().sortIndicatorSection() == -1  # searches start by relevance
    assert (config_dir / "window.ini").exists()
    second.close()


def test_ctrl_l_switches_the_user_by_pin(qtbot, runner, staff, db_url, config_dir):
    from PySide6.QtCore import Qt

    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    dialog = _pin_dialog(qtbot, window, window.switch_action)
    dialog.user_list.setCurrentRow(next(i for i in range(dialog.user_list.count())
                                        if dialog.user_list.item(i).data(Qt.ItemDataRole.UserRole).username
                                        == "storekeeper"))
    qtbot.keyClicks(dialog.secret, "1357")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.actor.username == "storekeeper", timeout=5000)
    assert window.user_label.text() == "Storekeeper (Storekeeper)"
    assert window.new_part_action.isVisible()  # a storekeeper edits the catalogue
    window.close()


def test_locking_hides_the_tabs_until_a_pin_is_given(qtbot, runner, staff, db_url, config_dir):
    from PySide6.QtCore import Qt

    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    dialog = _pin_dialog(qtbot, window, window.lock_action)
    assert not window.tabs.isVisible()
    dialog.reject()  # Esc does not unlock
    assert dialog.isVisible() and not window.tabs.isVisible()
    qtbot.keyClicks(dialog.secret, "1357")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(window.tabs.isVisible, timeout=5000)
    assert window.actor.username == "cashier"
    QApplication.processEvents()
    window.close()


def test_keys_of_the_catalog_work_in_the_window(qtbot, runner, admin, db_url, config_dir):
    from PySide6.QtCore import Qt

    window = _window(qtbot, runner, admin, db_url, config_dir)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)  # shortcuts need it
    window.catalog.table.setFocus()
    qtbot.keyClick(window.catalog.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.catalog.search_box.hasFocus()
    window.catalog.table.setFocus()
    qtbot.keyClick(window.catalog.table, Qt.Key.Key_F2)
    assert window.catalog.search_box.hasFocus()
    with qtbot.waitSignal(window.catalog.editor_opened, timeout=5000) as opened:
        qtbot.keyClick(window.catalog.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened.args[0].windowTitle() == "New part"
    opened.args[0].close()
    window._closing_backup_done = True
    window.close()


def test_the_window_runs_the_daily_upkeep_once_a_day(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    with qtbot.waitSignal(window.upkeep_finished, timeout=10_000) as first:
        window.daily_upkeep()
    with qtbot.waitSignal(window.upkeep_finished, timeout=10_000) as second:  # the hourly check, same day
        window.daily_upkeep()
    assert first.args[0] is not None and first.args[0].classes_refreshed == 0 and second.args[0] is None
    window._closing_backup_done = True
    window.close()


def test_find_parts_for_a_customers_car_searches_the_catalogue_for_it(qtbot, runner, staff, db_url, config_dir):
    from PySide6.QtCore import Qt

    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.services import catalog
    from partsdesk.services.catalog import FitmentInput
    from partsdesk.services.customers import save_customer, save_vehicle

    catalog.ensure_standard_categories()
    golf = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Golf", "大众", "高尔夫")
    polo = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Polo", "大众", "波罗")
    for number, model in (("BP-GOLF", golf), ("BP-POLO", polo)):
        catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": "Brake pad set",
                                         "category": "brakes.pads", "price_retail": "300"},
                          barcodes=[], numbers=[], fitments=[FitmentInput(model, 2012, 2018)])
    customer = save_customer(staff["cashier"], None, {"kind": "person", "name": "Gao Yan"}, phones=[])
    save_vehicle(staff["cashier"], None, customer, {"plate": "沪B·77777", "vehicle_model_id": golf,
                                                    "model_year": "2015"})
    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    tab = window.customers
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        tab.start()
    tab.sections.setCurrentIndex(1)
    tab.vehicles.selectRow(0)
    assert tab.parts_button.isEnabled()
    with qtbot.waitSignal(window.catalog.model.results_shown, timeout=5000):
        qtbot.mouseClick(tab.parts_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.catalog
    assert window.catalog.search_box.text() == "Volkswagen Golf 2015 "
    assert [row.number for row in window.catalog.model.rows] == ["BP-GOLF"]
    window._closing_backup_done = True
    window.close()


def test_the_counter_is_the_cashiers_first_tab_and_owns_f2_and_the_scanner(qtbot, runner, staff, db_url, config_dir):
    from PySide6.QtCore import Qt

    window = _window(qtbot, runner, staff["cashier"], db_url, config_dir)
    assert window.tabs.currentWidget() is window.counter and window.tabs.tabText(0) == "Coun&ter"
    assert window.scanner.owner == window.counter.add_scan
    assert [k.toString() for k in window.find_action.shortcuts()] == ["Ctrl+F"]  # F2 is the counter's search
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(window.counter.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(window.counter.entry, Qt.Key.Key_F2)
    opened.args[0].close()
    window.tabs.setCurrentWidget(window.catalog)
    assert window.scanner.owner is None  # elsewhere a scan is typed into the focused box
    assert "F2" in [k.toString() for k in window.find_action.shortcuts()]
    window.set_actor(staff["technician"])
    assert not window.tabs.isTabVisible(window.tabs.indexOf(window.counter))  # a technician does not sell
    window._closing_backup_done = True
    window.close()
