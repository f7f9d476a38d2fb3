"""The workshop set-up view (partsdesk.ui.workshop_setup_view) on both engines: a bay and a labour
class added with their keys, a canned job built from a part found with F2 and a labour line,
bad input shown with its message and nothing saved, deactivating, and the read-only view of those
who may not change the set-up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from partsdesk.models import CannedJob, CannedJobLine, LabourClass, WorkshopBay
from partsdesk.services import workshop_setup
from partsdesk.services.workshop_setup import CannedLineRequest
from partsdesk.ui.workshop_setup_view import (
    DESCRIPTION,
    PRICE,
    QTY,
    BayDialog,
    CannedJobDialog,
    LabourClassDialog,
    WorkshopSetupView,
)
from tests.services.counter_shop import counter_shop

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000.00")
    made["gen"] = workshop_setup.add_labour_class(staff["manager"], code="GEN", name="General", rate=15_000)
    return made


@pytest.fixture
def open_setup(qtbot, runner):
    def show(actor) -> WorkshopSetupView:
        view = WorkshopSetupView(runner, actor)
        qtbot.addWidget(view)
        view.resize(1150, 600)
        view.show()
        qtbot.waitExposed(view)
        with qtbot.waitSignal(view.loaded, timeout=5000):
            view.start()
        return view

    return show


def _dialog(qtbot, view, trigger):
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        trigger()
    return opened.args[0]


def _cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_a_bay_and_a_labour_class_are_added_and_bad_input_is_shown(qtbot, open_setup, shop, staff, shown_errors):
    view = open_setup(staff["manager"])
    assert view.new_bay_button.text() == "Shift+F6 New bay" and view.new_bay_button.isEnabled()
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F6, SHIFT))
    assert isinstance(dialog, BayDialog)
    dialog.code.setText("B/1")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert dialog.errors.current == {"code": "Bay code: 1 to 10 letters, digits or dashes.",
                                     "name": "Bay name is required."}
    assert "Nothing was saved" in dialog.general.text() and dialog.isVisible()
    assert WorkshopBay.select().count() == 0
    dialog.grab().save("/tmp/ws_bay_dialog_errors.png")
    dialog.code.setText("b1")
    dialog.name.setText("Bay 1 (lift)")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    assert _cells(view.bays_table, 0) == ["B1", "Bay 1 (lift)"]

    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F7, SHIFT))
    assert isinstance(dialog, LabourClassDialog)
    dialog.code.setText("gen")
    dialog.name.setText("Electrical")
    dialog.rate.setText("-5")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert dialog.errors.current["rate"] == "Rate per hour cannot be negative."
    assert dialog.errors.current["code"].startswith("The code GEN is taken by the labour class General")
    assert LabourClass.select().count() == 1
    dialog.code.setText("ELEC")
    dialog.rate.setText("180.50")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    assert [_cells(view.classes_table, r) for r in range(2)] == [["ELEC", "Electrical", "180.50"],
                                                                ["GEN", "General", "150.00"]]
    assert view.classes[view.classes_table.currentRow()].code == "ELEC"  # the new class is selected

    # F7 edits the selected class; Ctrl+F7 deactivates it, and it leaves the list
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F7))
    assert dialog.rate.text() == "180.50"
    dialog.rate.setText("190")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    assert LabourClass.get(LabourClass.code == "ELEC").rate == 19_000
    assert view.class_active_button.text() == "Ctrl+F7 Deactivate"
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_F7, CTRL)
    assert [c.code for c in view.classes] == ["GEN"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.inactive_box.setChecked(True)
    assert _cells(view.classes_table, 0)[1] == "Electrical (inactive)"
    assert view.class_active_button.text() == "Ctrl+F7 Deactivate"  # General stays selected
    view.classes_table.selectRow(0)
    assert view.class_active_button.text() == "Ctrl+F7 Reactivate"
    assert shown_errors == []


def test_a_canned_job_with_a_part_and_a_labour_line_and_its_refusals(qtbot, open_setup, shop, staff, shown_errors):
    view = open_setup(staff["manager"])
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F8, SHIFT))
    assert isinstance(dialog, CannedJobDialog)
    dialog.code.setText("OIL")
    dialog.name.setText("Oil service")
    # no lines yet: refused, with the message shown
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert dialog.errors.current == {"lines": "A canned job needs at least one line: a part, labour or another "
                                              "charge."}
    assert dialog.errors.fields["lines"][1].text() == dialog.errors.current["lines"]
    # F2: the counter's part search; Enter picks the part found
    qtbot.keyClick(dialog, Qt.Key.Key_F2)
    search_dialog = dialog.dialog
    assert search_dialog is not None and search_dialog.windowTitle() == "Find a part for the canned job (F2)"
    qtbot.keyClicks(search_dialog.box, "BP-1")
    qtbot.waitUntil(lambda: bool(search_dialog.rows), timeout=5000)
    search_dialog.grab().save("/tmp/ws_part_search.png")
    qtbot.keyClick(search_dialog.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.isActiveWindow(), timeout=5000)
    dialog.table.item(0, QTY).setText("4.5")
    # F3: a labour line, at the default class; no description yet
    qtbot.keyClick(dialog, Qt.Key.Key_F3)
    assert dialog.table.rowCount() == 2
    assert isinstance(dialog.table.cellWidget(1, 1), QComboBox)
    assert dialog.table.cellWidget(1, 1).currentData() == shop["gen"]
    dialog.table.item(1, QTY).setText("0.8")
    # F4: another charge without its price
    qtbot.keyClick(dialog, Qt.Key.Key_F4)
    dialog.table.item(2, DESCRIPTION).setText("Disposal")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert dialog.errors.current == {
        "lines.1.description": "Line 2: say what is done or charged.",
        "lines.2.unit_price": "Line 3: type the price (a sublet or other charge has no usual price)."}
    assert "Line 2: say what is done or charged." in dialog.general.text()
    assert dialog.table.item(1, DESCRIPTION).background().color().name() == "#ffebee"
    assert CannedJob.select().count() == 0 and CannedJobLine.select().count() == 0
    dialog.grab().save("/tmp/ws_canned_job_errors.png")
    # Del takes the selected line off; the labour line is described
    dialog.table.setCurrentCell(2, DESCRIPTION)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.table.rowCount() == 2
    dialog.table.item(1, DESCRIPTION).setText("Change oil and filter")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    [job] = workshop_setup.list_canned_jobs(staff["manager"])
    assert (job.code, job.lines, job.hours) == ("OIL", 2, 800)
    assert _cells(view.jobs_table, 0) == ["OIL", "Oil service", "2", "0.8"]
    qtbot.waitUntil(lambda: view.lines_table.rowCount() == 2, timeout=5000)
    assert _cells(view.lines_table, 0) == ["Part", "BP-1 · Bosch", "Part BP-1", "4.5", "usual"]
    assert _cells(view.lines_table, 1) == ["Labour", "GEN", "Change oil and filter", "0.8 h", "usual"]
    assert [(t.kind, t.part_id, t.qty) for t in workshop_setup.expand_canned_job(job.id)] == [
        ("part", shop["pads"], 4_500), ("labour", None, 800)]
    view.grab().save("/tmp/ws_setup_view.png")
    assert shown_errors == []


def test_editing_a_canned_job_shows_its_lines_and_saves_a_fixed_price(qtbot, open_setup, shop, staff, shown_errors):
    job = workshop_setup.add_canned_job(staff["manager"], code="BRAKE", name="Front pads", lines=[
        CannedLineRequest(kind="part", part_id=shop["pads"], qty=1000),
        CannedLineRequest(kind="labour", labour_class_id=shop["gen"], qty=1200, description="Replace pads")])
    view = open_setup(staff["manager"])
    view.jobs_table.setFocus()
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view.jobs_table, Qt.Key.Key_Return))
    assert isinstance(dialog, CannedJobDialog)
    assert (dialog.code.text(), dialog.name.text(), dialog.table.rowCount()) == ("BRAKE", "Front pads", 2)
    assert dialog.table.item(0, 1).text() == "BP-1 · Bosch · Part BP-1"
    assert dialog.table.item(1, QTY).text() == "1.2"
    dialog.table.item(0, PRICE).setText("99.00")
    dialog.grab().save("/tmp/ws_canned_job_dialog.png")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    assert [line.unit_price for line in workshop_setup.get_canned_job(staff["manager"], job).lines] == [9_900, None]
    assert shown_errors == []


def test_without_workshop_setup_the_view_reads_only_and_says_why(qtbot, open_setup, shop, staff, shown_errors):
    workshop_setup.add_bay(staff["manager"], code="B1", name="Bay 1")
    view = open_setup(staff["service_advisor"])
    assert _cells(view.bays_table, 0) == ["B1", "Bay 1"]
    assert view.note.text() == "Read only: the workshop set-up is changed by a manager."
    for button in (view.new_bay_button, view.rename_bay_button, view.new_class_button, view.edit_class_button,
                   view.new_job_button, view.edit_job_button, view.job_active_button):
        assert not button.isEnabled()
        assert "Only a manager may change the workshop set-up" in button.toolTip()
    qtbot.keyClick(view, Qt.Key.Key_F6, SHIFT)  # a key of a disabled button does nothing
    assert view.dialog is None
    view.set_actor(staff["manager"])
    assert view.new_bay_button.isEnabled() and view.new_bay_button.toolTip().startswith("Add a bay")
    assert shown_errors == []
