"""Complaints on screen, driven as a person would: record one in the customer's section (a bad
form refused first), handle it through answer, resolve and close; an overdue complaint stands out
in the section and in the register; the register filters and writes the report PDF."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog

from partsdesk.models import Complaint
from partsdesk.services import clock
from partsdesk.services import complaints as svc
from partsdesk.services.customers import save_customer
from partsdesk.ui.complaints_register import ComplaintsRegisterDialog
from partsdesk.ui.customer_complaints import ComplaintDialog, ComplaintsSection
from partsdesk.ui.forms import ERROR_COLOR

T0 = datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def people(staff):
    clock.set_clock(lambda: T0)
    cashier = staff["cashier"]
    return {"zhang": save_customer(cashier, None, {"kind": "person", "name": "张伟"}, phones=[]),
            "li": save_customer(cashier, None, {"kind": "person", "name": "Li Na"}, phones=[])}


@pytest.fixture
def late_and_fresh(staff, people):
    """Zhang's complaint received three days ago and never answered (overdue); Li's from today."""
    cashier = staff["cashier"]
    clock.set_clock(lambda: T0 - timedelta(days=3))
    late = svc.open_complaint(cashier, people["zhang"], category="Waiting time", description="Waited all day",
                              channel="phone")
    clock.set_clock(lambda: T0)
    fresh = svc.open_complaint(cashier, people["li"], category="Price", description="Charged twice",
                               channel="counter", document_type="sale", document_no="S-000321")
    return {"late": late, "fresh": fresh}


def _section(qtbot, runner, actor, customer_id: int) -> ComplaintsSection:
    section = ComplaintsSection(runner, actor)
    qtbot.addWidget(section)
    section.resize(760, 300)
    section.show()
    with qtbot.waitSignal(section.shown, timeout=5000):
        section.show_customer(customer_id)
    return section


def _open_dialog(qtbot, owner, button) -> ComplaintDialog:
    with qtbot.waitSignal(owner.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.heading.text() != "Loading…", timeout=5000)
    if isinstance(dialog, ComplaintDialog) and dialog.complaint_id is None:
        qtbot.waitUntil(lambda: dialog.category.count() > 1, timeout=5000)
    return dialog


def _step(qtbot, dialog: ComplaintDialog, button) -> None:
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def _visible_steps(dialog: ComplaintDialog) -> set[str]:
    return {step for step, box in dialog.step_boxes.items() if box.isVisibleTo(dialog)}


def test_record_a_complaint_and_handle_it_to_closed(qtbot, runner, staff, people, shown_errors):
    section = _section(qtbot, runner, staff["cashier"], people["zhang"])
    assert section.table.rowCount() == 0 and section.note.text() == "No complaints."
    assert not section.handle_button.isEnabled()
    dialog = _open_dialog(qtbot, section, section.new_button)
    assert dialog.heading.text() == "New complaint from 张伟"
    assert "24 hours" in dialog.deadlines.text() and "7 days" in dialog.deadlines.text()

    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)  # nothing chosen, nothing said
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert set(dialog.errors.current) == {"category", "description"} and dialog.isVisible()
    assert Complaint.select().count() == 0

    _choose(dialog.category, "Wrong part")
    _choose(dialog.channel, "phone")
    qtbot.keyClicks(dialog.description, "The filter does not fit the Golf.")
    _choose(dialog.document_type, "sale")
    qtbot.keyClicks(dialog.document_no, "S-000123")
    with qtbot.waitSignal(section.shown, timeout=5000), qtbot.waitSignal(section.changed, timeout=5000):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    complaint = Complaint.get()
    assert (complaint.category, complaint.channel, complaint.document_no) == ("Wrong part", "phone", "S-000123")
    assert section.table.rowCount() == 1 and section.table.item(0, 3).text() == "Open"
    assert section.table.item(0, 6).text() == "sale S-000123"

    dialog = _open_dialog(qtbot, section, section.handle_button)
    assert dialog.heading.text() == f"C-{complaint.id:06d} · 张伟 · Open"
    assert "The filter does not fit the Golf." in dialog.summary.text()
    assert _visible_steps(dialog) == {"answer"}
    qtbot.keyClicks(dialog.answer_text, "We will exchange it today.")
    _step(qtbot, dialog, dialog.answer_button)
    assert _visible_steps(dialog) == {"resolve"} and "We will exchange it today." in dialog.summary.text()

    qtbot.keyClicks(dialog.resolution_text, "Exchanged for the right filter.")
    qtbot.keyClicks(dialog.compensation, "-5")
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert set(dialog.errors.current) == {"compensation"}  # refused on the spot, nothing sent
    dialog.compensation.clear()
    qtbot.keyClicks(dialog.compensation, "50")
    _step(qtbot, dialog, dialog.resolve_button)
    assert _visible_steps(dialog) == {"close", "reopen"} and "Compensation: 50.00" in dialog.summary.text()

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)  # the score was not asked yet
    assert set(dialog.errors.current) == {"satisfaction"}
    _choose(dialog.satisfaction, 4)
    with qtbot.waitSignal(section.shown, timeout=5000):
        _step(qtbot, dialog, dialog.close_button)
    assert _visible_steps(dialog) == {"reopen"} and "Customer's satisfaction: 4 of 5" in dialog.summary.text()
    complaint = Complaint.get_by_id(complaint.id)
    assert (complaint.status, complaint.compensation, complaint.satisfaction) == ("closed", 5000, 4)
    assert section.table.item(0, 3).text() == "Closed"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and shown_errors == []


def test_a_step_refused_by_the_service_is_shown_in_the_dialog(qtbot, runner, staff, late_and_fresh):
    section = _section(qtbot, runner, staff["cashier"], Complaint.get_by_id(late_and_fresh["fresh"]).customer_id)
    dialog = _open_dialog(qtbot, section, section.handle_button)
    svc.answer(staff["manager"], late_and_fresh["fresh"], answer="Answered on another terminal")
    qtbot.keyClicks(dialog.answer_text, "Sorry")
    qtbot.mouseClick(dialog.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.general.isVisible(), timeout=5000)
    assert "is answered: you cannot answer it now" in dialog.general.text()
    assert Complaint.get_by_id(late_and_fresh["fresh"]).answer == "Answered on another terminal"


def _is_red(item) -> bool:
    return item.foreground().color() == QColor(ERROR_COLOR)


def test_an_overdue_complaint_stands_out_in_the_section(qtbot, runner, staff, people, late_and_fresh, tmp_path):
    section = _section(qtbot, runner, staff["cashier"], people["zhang"])
    assert section.table.rowCount() == 1
    assert section.table.item(0, 3).text() == "OVERDUE · Open" and _is_red(section.table.item(0, 0))
    assert section.note.text() == "1 overdue: answer or resolve them first."
    assert section.note.styleSheet() == f"color: {ERROR_COLOR};"
    with qtbot.waitSignal(section.shown, timeout=5000):
        section.show_customer(people["li"])
    assert section.table.item(0, 3).text() == "Open" and not _is_red(section.table.item(0, 0))
    assert section.note.isHidden()
    assert section.grab().save(str(tmp_path / "section.png"))  # paints without error

    dialog = ComplaintDialog(runner, staff["cashier"], complaint_id=late_and_fresh["late"], parent=section)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    assert dialog.heading.text().endswith("OVERDUE")


def test_a_technician_is_not_shown_complaints(qtbot, runner, staff, people, late_and_fresh):
    section = ComplaintsSection(runner, staff["technician"])
    qtbot.addWidget(section)
    section.show()
    section.show_customer(people["zhang"])
    assert section.table.rowCount() == 0 and section.note.text() == "Complaints are not shown to your role."
    assert not section.new_button.isVisible() and not section.handle_button.isVisible()


def _register(qtbot, runner, actor) -> ComplaintsRegisterDialog:
    register = ComplaintsRegisterDialog(runner, actor)
    qtbot.addWidget(register)
    with qtbot.waitSignal(register.listed, timeout=5000):
        register.show()
    return register


def test_the_register_highlights_and_filters_overdue_complaints(qtbot, runner, staff, late_and_fresh, tmp_path):
    register = _register(qtbot, runner, staff["cashier"])
    table = register.table
    assert table.rowCount() == 2 and register.count_label.text() == "2 complaints · 1 overdue"
    statuses = {table.item(r, 0).text(): (table.item(r, 5).text(), _is_red(table.item(r, 2)))
                for r in range(table.rowCount())}
    assert statuses == {f"C-{late_and_fresh['late']:06d}": ("OVERDUE · Open", True),
                        f"C-{late_and_fresh['fresh']:06d}": ("Open", False)}
    assert register.grab().save(str(tmp_path / "register.png"))

    with qtbot.waitSignal(register.listed, timeout=5000):
        qtbot.mouseClick(register.overdue_only, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1 and table.item(0, 2).text() == "张伟"
    with qtbot.waitSignal(register.listed, timeout=5000):
        register.overdue_only.setChecked(False)
    with qtbot.waitSignal(register.listed, timeout=5000):
        qtbot.keyClicks(register.search_box, "S-000321")
    assert table.rowCount() == 1 and table.item(0, 2).text() == "Li Na"
    register.search_box.clear()
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=5000)
    with qtbot.waitSignal(register.listed, timeout=5000):
        _choose(register.category, "Waiting time")
    assert table.rowCount() == 1 and table.item(0, 3).text() == "Waiting time"
    with qtbot.waitSignal(register.listed, timeout=5000):
        _choose(register.category, None)
    with qtbot.waitSignal(register.listed, timeout=5000):
        _choose(register.status, "answered")
    assert table.rowCount() == 0 and register.count_label.text() == "0 complaints"


def test_the_register_handles_a_complaint(qtbot, runner, staff, late_and_fresh):
    register = _register(qtbot, runner, staff["cashier"])
    late_row = next(r for r in range(register.table.rowCount()) if register.table.item(r, 2).text() == "张伟")
    register.table.selectRow(late_row)
    dialog = _open_dialog(qtbot, register, register.handle_button)
    qtbot.keyClicks(dialog.answer_text, "Sorry for the wait; we call you tomorrow.")
    with qtbot.waitSignal(register.listed, timeout=5000):
        _step(qtbot, dialog, dialog.answer_button)
    row = next(r for r in range(register.table.rowCount()) if register.table.item(r, 2).text() == "张伟")
    assert register.table.item(row, 5).text() == "Answered" and not _is_red(register.table.item(row, 0))
    assert register.count_label.text() == "2 complaints"


def test_the_register_writes_the_report_pdf(qtbot, runner, staff, late_and_fresh, tmp_path, monkeypatch,
                                            shown_errors):
    target = tmp_path / "complaints"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    register = _register(qtbot, runner, staff["manager"])
    register.date_from.setDate(datetime(2026, 10, 1).date())
    register.date_to.setDate(datetime(2026, 11, 30).date())
    with qtbot.waitSignal(register.report_written, timeout=10000) as written:
        qtbot.mouseClick(register.report_button, Qt.MouseButton.LeftButton)
    assert written.args[0] == str(target) + ".pdf"
    text = subprocess.run(["pdftotext", "-layout", written.args[0], "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Complaints report" in text and "2026-10-01 to 2026-11-30" in text
    assert "Waiting time" in text and "50.0% (1 of 2)" in text and "Overdue now (1)" in text
    assert register.message.text().startswith("The report was saved to")

    register.date_from.setDate(datetime(2025, 1, 1).date())  # more than 12 months: refused, said in red
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.mouseClick(register.report_button, Qt.MouseButton.LeftButton)
    assert "at most 12 months" in register.message.text() and shown_errors == []
