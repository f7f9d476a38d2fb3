from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from partsdesk.models import AuditLog, Part
from partsdesk.services import catalog, search
from partsdesk.ui.catalog_tab import CatalogTab
from partsdesk.ui.part_table import PartTableModel


def make_part(actor, number: str, name: str, price: str, *, brand: str = "Bosch", category: str = "brakes.pads",
              cost: str = "10.00", barcodes=(), **raw) -> int:
    values = {"number": number, "brand": brand, "name_en": name, "category": category, "price_retail": price,
              "cost": cost, **raw}
    return catalog.save_part(actor, None, values, barcodes=list(barcodes), numbers=[], fitments=[])


@pytest.fixture
def parts(admin) -> dict[str, int]:
    return {
        "pads": make_part(admin, "0 986 494 104", "Brake pad set front", "320.00", name_zh="前刹车片"),
        "pads_rear": make_part(admin, "0 986 494 200", "Brake pad set rear", "280.00"),
        "disc": make_part(admin, "BD-1100", "Brake disc vented", "450.00", brand="ATE", category="brakes.discs"),
        "filter": make_part(admin, "W 712/75", "Oil filter", "45.50", brand="Mann", category="engine.filters",
                            barcodes=["4011558041403"]),
        "old": make_part(admin, "OLD-1", "Brake pad set (old stock)", "99.00", active="no"),
    }


def _tab(qtbot, runner, actor, **kwargs) -> CatalogTab:
    tab = CatalogTab(runner, actor, **kwargs)
    qtbot.addWidget(tab)
    tab.resize(1100, 500)
    tab.show()
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        tab.start()
    return tab


def _numbers(model: PartTableModel) -> list[str]:
    return [row.number for row in model.rows]


def _search(qtbot, tab: CatalogTab, text: str) -> None:
    tab.search_box.clear()
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        qtbot.keyClicks(tab.search_box, text)


def test_typing_shows_the_results_and_the_count(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    assert tab.search_box.hasFocus()
    assert tab.model.rowCount() == 4  # browsing: the active parts
    assert tab.count_label.text() == "4 parts"
    _search(qtbot, tab, "brake pad")
    assert set(_numbers(tab.model)) == {"0 986 494 104", "0 986 494 200"}
    assert tab.count_label.text() == "2 matches"
    # The description shows both names; the price and quantities are formatted.
    row = tab.model.row_of(parts["pads"])
    assert tab.model.index(row, 2).data() == "Brake pad set front · 前刹车片"
    assert tab.model.index(row, 6).data() == "320.00"
    assert tab.model.index(row, 7).data() == "0"
    _search(qtbot, tab, "4011558041403")
    assert _numbers(tab.model) == ["W 712/75"]
    assert tab.model.index(0, 8).data() == "barcode 4011558041403"
    _search(qtbot, tab, "zzzz")
    assert tab.model.rowCount() == 0
    assert "No part matches" in tab.count_label.text()


def test_escape_clears_the_box_and_ctrl_f_comes_back_to_it(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    _search(qtbot, tab, "filter")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Down)
    assert tab.table.hasFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search_box.hasFocus()
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        qtbot.keyClick(tab.search_box, Qt.Key.Key_Escape)
    assert tab.search_box.text() == ""
    assert tab.model.rowCount() == 4


def test_inactive_parts_are_shown_greyed_on_request(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        tab.show_inactive.setChecked(True)
    row = tab.model.row_of(parts["old"])
    assert row is not None
    assert tab.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole).name() == "#9e9e9e"
    assert tab.model.index(0 if row else 1, 0).data(Qt.ItemDataRole.ForegroundRole) is None


def test_a_stale_slower_search_never_replaces_a_newer_one(qtbot, runner, admin, parts):
    release = threading.Event()
    started = threading.Event()

    def slow_for_disc(query, **kwargs):
        if query == "disc":
            started.set()
            release.wait(10)
        return search.search_parts(query, **kwargs)

    tab = _tab(qtbot, runner, admin, search=slow_for_disc)
    shown: list[tuple[str, list[str]]] = []
    tab.model.results_shown.connect(lambda _g: shown.append((tab.model.query, _numbers(tab.model))))
    qtbot.keyClicks(tab.search_box, "disc")
    qtbot.waitUntil(started.is_set, timeout=5000)  # the "disc" search is running, and slow
    tab.search_box.setText("oil filter")
    qtbot.waitUntil(lambda: tab.model.query == "oil filter", timeout=5000)  # asked for, queued behind it
    release.set()
    qtbot.waitUntil(lambda: shown != [], timeout=5000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert shown == [("oil filter", ["W 712/75"])]
    assert _numbers(tab.model) == ["W 712/75"]


def test_sorting_by_a_header_sorts_in_sql(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    calls = []
    real = tab.model.search_function()
    tab.model._search = lambda query, **kwargs: calls.append(kwargs) or real(query, **kwargs)
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        tab.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert calls[-1]["sort"] == "price" and calls[-1]["descending"] is True
    assert _numbers(tab.model) == ["BD-1100", "0 986 494 104", "0 986 494 200", "W 712/75"]
    # A column that cannot be sorted (grade) goes back to relevance.
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        tab.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)
    assert calls[-1]["sort"] == "relevance"
    assert tab.table.horizontalHeader().sortIndicatorSection() == -1


def test_the_table_fetches_pages_as_the_user_scrolls(qtbot, runner, admin, qtmodeltester):
    for i in range(23):
        make_part(admin, f"SP-{i:03d}", f"Spark plug {i}", f"{20 + i}.00", category="engine.ignition")
    tab = CatalogTab(runner, admin)
    qtbot.addWidget(tab)
    tab.model.page_size = 10
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        tab.start()
    assert tab.model.total == 23
    assert tab.model.rowCount() in (10, 20)  # one page, or two if the view asked for more already
    qtmodeltester.check(tab.model, force_py=True)
    # Each append is one page (the view may ask for a page too while the test does: count appends,
    # not the rows seen between two looks).
    appended: list[int] = []
    tab.model.rowsInserted.connect(lambda _parent, first, last: appended.append(last - first + 1))
    while tab.model.rowCount() < 23:
        count = tab.model.rowCount()
        tab.model.fetchMore()  # what the view does when the user scrolls to the end
        qtbot.waitUntil(lambda count=count: tab.model.rowCount() > count, timeout=5000)
    assert appended and all(rows <= 10 for rows in appended)  # a page at a time
    assert not tab.model.canFetchMore()
    assert _numbers(tab.model) == [f"SP-{i:03d}" for i in range(23)]
    qtmodeltester.check(tab.model, force_py=True)


def test_the_model_passes_qt_model_tester_with_a_search(qtbot, runner, admin, parts, qtmodeltester):
    tab = _tab(qtbot, runner, admin)
    _search(qtbot, tab, "brake")
    qtmodeltester.check(tab.model, force_py=False)


# --- the part editor ------------------------------------------------------------------------

def _open_editor(qtbot, tab: CatalogTab, part_id: int):
    tab.table.setCurrentIndex(tab.model.index(tab.model.row_of(part_id), 0))
    tab.table.setFocus()
    with qtbot.waitSignal(tab.editor_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    return opened.args[0]


def test_open_a_part_change_it_save_and_see_it_in_the_list(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    editor = _open_editor(qtbot, tab, parts["filter"])
    assert editor.number.text() == "W 712/75"
    assert editor.cost.text() == "10.00"  # an administrator sees the cost
    assert editor.barcode_values() == ["4011558041403"]
    editor.name_en.setText("Oil filter, spin-on")
    editor.bin.setText("A-12")
    with qtbot.waitSignal(tab.part_saved, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tab.editor is None  # closed
    row = tab.model.row_of(parts["filter"])
    assert tab.model.index(row, 2).data() == "Oil filter, spin-on"
    assert tab.model.index(row, 5).data() == "A-12"
    assert tab.table.currentIndex().row() == row  # the saved part stays selected
    assert catalog.get_part(admin, parts["filter"]).bin == "A-12"


def test_a_new_part_with_ctrl_n(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    with qtbot.waitSignal(tab.editor_opened, timeout=5000) as opened:
        tab.new_part()
    editor = opened.args[0]
    assert editor.windowTitle() == "New part"
    editor.number.setText("K015123XS")
    editor.brand.setCurrentText("Gates")
    editor.name_en.setText("Timing belt kit")
    editor.category.setCurrentIndex(editor.category.findData("engine.belts"))
    editor.price_retail.setText("1,280.00")
    editor.add_barcode("5414465429477")
    editor.add_number("oe", "VW", "06A 198 119")
    with qtbot.waitSignal(tab.part_saved, timeout=5000) as saved:
        editor.save()
    detail = catalog.get_part(admin, saved.args[0])
    assert detail.price_retail == 128000
    assert detail.barcodes == (("5414465429477", "EAN13"),)
    assert detail.numbers == (("oe", "VW", "06A 198 119"),)


def test_bad_values_are_refused_beside_their_fields_and_nothing_is_saved(qtbot, runner, admin, parts):
    tab = _tab(qtbot, runner, admin)
    editor = _open_editor(qtbot, tab, parts["pads"])
    before = Part.get_by_id(parts["pads"]).price_retail
    audit_rows = AuditLog.select().count()
    editor.price_retail.setText("-5")
    editor.add_barcode("4006381333932")  # wrong check digit
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        editor.save()
    assert editor.isVisible()
    widget, message = editor.errors.fields["price_retail"]
    assert message.isVisible() and "negative" in message.text()
    assert widget.property("invalid") is True
    barcode_message = editor.errors.fields["barcodes"][1]
    assert barcode_message.text() and "check digit" in barcode_message.text().lower()
    assert editor.general.isVisible() and "Nothing was saved" in editor.general.text()
    assert Part.get_by_id(parts["pads"]).price_retail == before
    assert AuditLog.select().count() == audit_rows
    # Fixing the fields clears the marks on the next save.
    editor.price_retail.setText("330.00")
    editor._remove_row_at = None
    editor.barcodes.setCurrentCell(0, 0)
    editor._remove_row(editor.barcodes)
    with qtbot.waitSignal(tab.part_saved, timeout=5000):
        editor.save()
    assert Part.get_by_id(parts["pads"]).price_retail == 33000


def test_a_cashier_sees_no_cost_and_cannot_edit(qtbot, runner, staff, parts):
    tab = _tab(qtbot, runner, staff["cashier"])
    assert not tab.new_button.isVisible()
    assert tab.open_button.text() == "View (Enter)"
    editor = _open_editor(qtbot, tab, parts["filter"])
    assert editor.part.cost is None
    assert not editor.shows_cost and "cost" not in editor.errors.fields
    assert editor.cost.parent() is None or not editor.cost.isVisible()
    assert "10.00" not in [edit.text() for edit in editor.findChildren(type(editor.number))]
    assert editor.save_button is None and editor.number.isReadOnly()
    assert "cost" not in editor.raw_values()


def test_a_storekeeper_changing_a_price_gets_a_manager_approval(qtbot, runner, staff, parts, manager_approves):
    asked = manager_approves
    tab = _tab(qtbot, runner, staff["storekeeper"])
    editor = _open_editor(qtbot, tab, parts["disc"])
    assert editor.cost.text() == "10.00"  # a storekeeper may see costs
    editor.price_retail.setText("470.00")
    with qtbot.waitSignal(tab.part_saved, timeout=5000):
        editor.save()
    assert asked == [("storekeeper", "catalog.edit_price", "change the prices of ATE BD-1100")]
    assert Part.get_by_id(parts["disc"]).price_retail == 47000
    update = AuditLog.select().where(AuditLog.action == "part.update").order_by(AuditLog.id.desc()).first()
    assert update.approved_by_id is not None


def test_a_refused_approval_saves_nothing(qtbot, runner, staff, parts, monkeypatch):
    monkeypatch.setattr("partsdesk.ui.stepup.ask_approval", lambda *args, **kwargs: None)
    tab = _tab(qtbot, runner, staff["storekeeper"])
    editor = _open_editor(qtbot, tab, parts["disc"])
    editor.price_retail.setText("470.00")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        editor.save()
    assert editor.isVisible()
    assert "manager" in editor.general.text().lower()
    assert Part.get_by_id(parts["disc"]).price_retail == 45000
