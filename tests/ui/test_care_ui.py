"""Care driven as a person would: the customer's care section records a call through the call
dialog (a low score opens a complaint, a bad call-back day is refused in the dialog), and the
care lists show a due follow-up, record a call for it, print the call sheet and export a CSV."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from partsdesk.models import CareTask, Complaint, ContactCall
from partsdesk.services import care, clock, history
from partsdesk.services.customers import save_customer
from partsdesk.ui.care_lists import LIST_KINDS, CareListsDialog
from partsdesk.ui.customer_care import CareSection
from partsdesk.ui.forms import ERROR_COLOR

AS_OF = date(2026, 11, 22)


@pytest.fixture
def people(staff):
    clock.set_clock(lambda: datetime(2026, 11, 22, 12, 0))  # the same day on any time zone
    cashier = staff["cashier"]
    zhang = save_customer(cashier, None, {"kind": "person", "name": "张伟", "birthday": "1980-11-24",
                                          "marketing_consent": True, "preferred_time": "after 6 pm"},
                          phones=[("mobile", "138 0013 8000")])
    li = save_customer(cashier, None, {"kind": "person", "name": "Li Na"}, phones=[("mobile", "139 1234 5678")])
    history.record_trade(zhang, "sale", document_type="sale", document_id=None, document_no="INV-12", amount=5000,
                         summary="Sale INV-12", user_id=None, at=datetime(2026, 11, 18, 15, 0))
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 18), document="INV-12", user_id=None)
    return {"zhang": zhang, "li": li, "task": task}


def _section(qtbot, runner, actor, customer_id: int) -> CareSection:
    section = CareSection(runner, actor)
    qtbot.addWidget(section)
    section.resize(760, 420)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.show_customer(customer_id, "张伟")
    return section


def _open_call_dialog(qtbot, section: CareSection):
    with qtbot.waitSignal(section.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(section, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    dialog = opened.args[0]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def test_the_care_section_records_a_call_and_a_low_score_opens_a_complaint(qtbot, runner, staff, people, tmp_path):
    section = _section(qtbot, runner, staff["cashier"], people["zhang"])
    assert section.tasks.rowCount() == 1 and section.calls.rowCount() == 0
    assert "1 day late" in section.tasks.item(0, 0).text() and section.tasks.item(0, 2).text() == "INV-12"
    dialog = _open_call_dialog(qtbot, section)
    assert dialog.task.currentData() == people["task"] and dialog.outcome.hasFocus()
    assert dialog.outcome.currentData() == "reached" and len(dialog.scores) == 4
    # keyboard: Tab to each score and type its digit
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Tab)
    assert dialog.scores[0].hasFocus()
    qtbot.keyClicks(dialog.scores[0], "4")
    qtbot.keyClicks(dialog.scores[2], "1")
    assert [choice.currentData() for choice in dialog.scores] == [4, None, 1, None]
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # "&Comment"
    assert dialog.comment.hasFocus()
    qtbot.keyClicks(dialog.comment, "Too expensive")
    dialog.grab().save(str(tmp_path / "call_dialog.png"))
    with qtbot.waitSignals([section.changed, section.loaded], timeout=5000):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)
    complaint = Complaint.get()
    assert f"Complaint C-{complaint.id:06d} opened" in section.message.text()
    assert section.message.styleSheet() == f"color: {ERROR_COLOR};"  # a complaint opened: in red
    assert complaint.category == "Price" and ContactCall.get().complaint_id == complaint.id
    assert CareTask.get_by_id(people["task"]).status == "done"
    assert section.tasks.rowCount() == 0 and section.calls.rowCount() == 1
    assert section.calls.item(0, 1).text() == "Reached" and section.calls.item(0, 2).text() == "Q1 4, Q3 1"
    assert section.calls.item(0, 3).text() == f"C-{complaint.id:06d}"
    section.grab().save(str(tmp_path / "care_section.png"))


def test_the_call_dialog_refuses_a_past_call_back_day_and_keeps_the_form(qtbot, runner, staff, people, shown_errors):
    section = _section(qtbot, runner, staff["cashier"], people["zhang"])
    dialog = _open_call_dialog(qtbot, section)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("call_back"))
    assert dialog.call_back_on.isEnabled() and not dialog.scores[0].isEnabled()
    dialog.call_back_on.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "today or later" in dialog.errors.current["call_back_on"]
    assert ContactCall.select().count() == 0 and not shown_errors
    dialog.call_back_on.setDate(QDate(2026, 11, 25))
    with qtbot.waitSignals([section.changed, section.loaded], timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Call back on 2026-11-25" in section.message.text() and section.message.styleSheet() == ""
    assert section.tasks.rowCount() == 1 and section.tasks.item(0, 1).text() == "Call back"


def test_a_technician_sees_no_calls_and_cannot_record_one(qtbot, runner, staff, people):
    section = CareSection(runner, staff["technician"])
    qtbot.addWidget(section)
    section.show()
    section.show_customer(people["zhang"])
    assert not section.record_button.isVisible() and "not shown to your role" in section.message.text()
    assert section.record_call() is None


def _lists(qtbot, runner, actor) -> CareListsDialog:
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        dialog = CareListsDialog(runner, actor, as_of=AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def test_the_care_lists_show_a_due_follow_up_and_record_its_call(qtbot, runner, staff, people, tmp_path):
    dialog = _lists(qtbot, runner, staff["cashier"])
    follow = dialog.tables["follow_up"]
    assert dialog.tabs.tabText(LIST_KINDS.index("follow_up")) == "Follow-up calls due (1)"
    assert dialog.tabs.tabText(LIST_KINDS.index("birthday")) == "Birthdays (0)"
    assert follow.item(0, 0).text() == "张伟" and follow.item(0, 2).text() == "138 0013 8000"
    assert follow.item(0, 3).text() == "Follow-up after INV-12 (due 21 Nov, 1 day late)"
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert dialog.week.isChecked() and dialog.span_label.text() == "Calls for 2026-11-22 to 2026-11-28"
    assert dialog.tabs.tabText(LIST_KINDS.index("birthday")) == "Birthdays (1)"
    dialog.grab().save(str(tmp_path / "care_lists.png"))

    follow.setFocus()
    with qtbot.waitSignal(dialog.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    call = opened.args[0]
    assert call.task.currentData() == people["task"] and call.windowTitle() == "Call to 张伟"
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        qtbot.mouseClick(call.save_button, Qt.MouseButton.LeftButton)
    assert "follow-up call is done" in dialog.message.text()
    assert dialog.tabs.tabText(LIST_KINDS.index("follow_up")) == "Follow-up calls due (0)"
    assert CareTask.get_by_id(people["task"]).status == "done"


def test_the_care_lists_print_the_call_sheet_and_export_a_csv(qtbot, runner, staff, people, tmp_path, monkeypatch):
    dialog = _lists(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.week.setChecked(True)
    sheet = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(sheet), ""))
    with qtbot.waitSignal(dialog.done, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Call sheet" in text and "张伟" in text and "Follow-up after INV-12" in text
    dialog.tabs.setCurrentIndex(LIST_KINDS.index("birthday"))
    target = tmp_path / "birthdays.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    with qtbot.waitSignal(dialog.done, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert "1 customer written" in dialog.message.text()
    assert target.read_text(encoding="utf-8-sig").splitlines()[1] == "138 0013 8000,张伟,Birthday 24 Nov,"
