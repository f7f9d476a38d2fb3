"""The Membership section driven as a person would: enrol, take a top-up through its dialog and
see the balance, a bad amount refused in red with nothing changed, points adjusted with a
manager's approval, the card saved as a PDF, and a role that may not see the account."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest
import shiboken6
from PySide6.QtCore import Qt

from partsdesk.domain.membership import member_card_number
from partsdesk.models import Customer, PointsEntry, PrepaidEntry
from partsdesk.services import clock
from partsdesk.services.customers import save_customer
from partsdesk.services.membership import earn_points, enroll
from partsdesk.ui.customer_membership import MembershipSection


@pytest.fixture
def zhang(staff) -> int:
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    return save_customer(staff["cashier"], None, {"kind": "person", "name": "张伟"}, phones=[])


def _section(qtbot, runner, actor, customer_id: int) -> MembershipSection:
    section = MembershipSection(runner, actor)
    qtbot.addWidget(section)
    section.resize(900, 460)
    section.show()
    with qtbot.waitSignal(section.shown, timeout=5000):
        section.show_customer(customer_id)
    return section


def _open(qtbot, section: MembershipSection, button):
    with qtbot.waitSignal(section.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return opened.args[0]


def test_enrol_then_top_up_through_the_dialog_shows_the_balance(qtbot, runner, staff, zhang, shown_errors):
    section = _section(qtbot, runner, staff["cashier"], zhang)
    assert section.status.text() == "Not a member"
    assert section.enrol_button.isVisible() and not section.top_up_button.isVisible()
    assert section.enrol_button.text() == "En&rol"  # Alt+R (Alt+E is the Customers tab's Edit)
    with qtbot.waitSignal(section.changed, timeout=5000), qtbot.waitSignal(section.shown, timeout=5000):
        qtbot.keyClick(section, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    card = member_card_number(zhang)
    assert f"card {card}" in section.status.text() and not section.enrol_button.isVisible()
    assert section.next_tier.text() == "1,000 points or 1,000.00 prepaid to Silver"

    dialog = _open(qtbot, section, section.top_up_button)
    qtbot.keyClicks(dialog.amount, "1,200.50")
    dialog.method.setCurrentIndex(dialog.method.findData("wechat"))
    qtbot.keyClicks(dialog.reference, "WX-77")
    with qtbot.waitSignal(section.changed, timeout=5000), qtbot.waitSignal(section.shown, timeout=5000):
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and let go)
    assert section.prepaid_label.text() == "Prepaid balance: 1,200.50"
    assert section.status.text().startswith("Silver · card")  # reached by prepaid
    assert section.prepaid_table.rowCount() == 1
    assert [section.prepaid_table.item(0, c).text() for c in (1, 2, 3, 4)] == ["Top-up", "+1,200.50", "WeChat Pay",
                                                                               "WX-77"]
    assert Customer.get_by_id(zhang).prepaid_balance == 120_050 and shown_errors == []


@pytest.mark.parametrize(("typed", "message"), [("abc", "is not a number"), ("-20", "cannot be negative"),
                                                ("0", "more than 0"), ("", "type the amount")])
def test_a_bad_amount_is_shown_in_red_and_nothing_changes(qtbot, runner, staff, zhang, typed, message):
    enroll(staff["cashier"], zhang)
    section = _section(qtbot, runner, staff["cashier"], zhang)
    dialog = _open(qtbot, section, section.top_up_button)
    qtbot.keyClicks(dialog.amount, typed)
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # stays open for the correction
    assert message in dialog.errors.current["amount"] and dialog.amount.property("invalid") is True
    assert dialog.general.text() == "Nothing was saved. Correct the fields marked in red."
    assert PrepaidEntry.select().count() == 0 and Customer.get_by_id(zhang).prepaid_balance == 0
    assert section.prepaid_label.text() == "Prepaid balance: 0.00"
    dialog.reject()


def test_a_cashier_adjusts_points_with_a_managers_approval(qtbot, runner, staff, zhang, manager_approves):
    enroll(staff["cashier"], zhang)
    earn_points(zhang, amount_spent=50_000, document="S-1", user_id=None)
    section = _section(qtbot, runner, staff["cashier"], zhang)
    assert section.points_label.text().startswith("Points: 500 (worth 5.00)")
    dialog = _open(qtbot, section, section.adjust_button)
    qtbot.keyClicks(dialog.points, "-120")
    qtbot.keyClicks(dialog.reason, "sale S-1 partly returned")
    with qtbot.waitSignal(section.changed, timeout=5000), qtbot.waitSignal(section.shown, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert manager_approves == [("cashier", "membership.adjust", "adjust the points of 张伟 by -120")]
    assert section.points_label.text().startswith("Points: 380")
    assert section.points_table.item(0, 2).text() == "-120"
    assert PointsEntry.get(PointsEntry.kind == "adjust").approved_by_id is not None


def test_a_managers_approval_holds_for_the_corrected_adjustment(qtbot, runner, staff, zhang, manager_approves):
    enroll(staff["cashier"], zhang)
    earn_points(zhang, amount_spent=50_000, document="S-1", user_id=None)
    section = _section(qtbot, runner, staff["cashier"], zhang)
    dialog = _open(qtbot, section, section.adjust_button)
    qtbot.keyClicks(dialog.points, "-600")
    qtbot.keyClicks(dialog.reason, "returned")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "points" in dialog.errors.current, timeout=5000)  # approved, then refused: only 500
    assert "less than 0" in dialog.errors.current["points"] and PointsEntry.select().count() == 1
    dialog.points.setText("-100")
    with qtbot.waitSignal(section.changed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert manager_approves == [("cashier", "membership.adjust", "adjust the points of 张伟 by -600")]  # asked once
    assert PointsEntry.get(PointsEntry.kind == "adjust").approved_by_id is not None
    assert Customer.get_by_id(zhang).points_balance == 400


def test_taking_off_more_points_than_held_is_refused_in_the_dialog(qtbot, runner, staff, zhang):
    enroll(staff["cashier"], zhang)
    section = _section(qtbot, runner, staff["manager"], zhang)
    dialog = _open(qtbot, section, section.adjust_button)
    qtbot.keyClicks(dialog.points, "-1")
    qtbot.keyClicks(dialog.reason, "typo")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "less than 0" in dialog.errors.current["points"] and PointsEntry.select().count() == 0
    dialog.reject()


def test_print_card_saves_a_pdf_on_the_worker(qtbot, runner, staff, zhang, tmp_path, monkeypatch):
    enroll(staff["cashier"], zhang)
    section = _section(qtbot, runner, staff["cashier"], zhang)
    target = tmp_path / "card"
    monkeypatch.setattr("partsdesk.ui.customer_membership.QFileDialog.getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    with qtbot.waitSignal(section.card_written, timeout=10000) as written:
        qtbot.mouseClick(section.print_button, Qt.MouseButton.LeftButton)
    assert written.args[0] == str(target) + ".pdf"
    text = subprocess.run(["pdftotext", str(target) + ".pdf", "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "张伟" in text and member_card_number(zhang) in text


def test_a_technician_is_told_the_membership_is_not_shown(qtbot, runner, staff, zhang):
    enroll(staff["cashier"], zhang)
    section = _section(qtbot, runner, staff["technician"], zhang)
    assert "not shown to your role" in section.message.text()
    assert not section.content.isVisible() and not section.top_up_button.isVisible()
    with qtbot.waitSignal(section.shown, timeout=5000):
        section.set_actor(staff["cashier"])
    assert section.content.isVisible() and section.top_up_button.isVisible()
