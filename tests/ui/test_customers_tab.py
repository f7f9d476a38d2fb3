"""The Customers tab driven as a person would: search, open, edit (a bad value refused), a
probable duplicate, a new vehicle with its VIN read."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Customer, OdometerReading, Vehicle
from partsdesk.services import catalog, clock
from partsdesk.services.customers import record_odometer, save_customer, save_vehicle
from partsdesk.ui.customer_history import HistorySection
from partsdesk.ui.customers_tab import CustomersTab


@pytest.fixture
def people(staff):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    cashier = staff["cashier"]
    zhang = save_customer(cashier, None, {"name": "张伟", "tags": "VIP"}, phones=[("mobile", "138 0013 8000")])
    li = save_customer(cashier, None, {"name": "Li Na", "member_card": "M1001"}, phones=[("mobile", "139 1234 5678")])
    save_vehicle(cashier, None, zhang, {"plate": "沪A·12345"})
    return {"zhang": zhang, "li": li}


def _tab(qtbot, runner, actor) -> CustomersTab:
    tab = CustomersTab(runner, actor)
    qtbot.addWidget(tab)
    tab.resize(1100, 520)
    tab.show()
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        tab.start()
    return tab


def _new_customer_dialog(qtbot, tab: CustomersTab):
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    return opened.args[0]


def _search(qtbot, tab: CustomersTab, text: str) -> None:
    tab.search_box.clear()
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        qtbot.keyClicks(tab.search_box, text)


def column(tab, key: str) -> int:
    return next(i for i, c in enumerate(tab.model.columns) if c.key == key)


def test_a_technician_sees_names_and_vehicles_only(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["technician"])
    assert tab.model.total == 2 and not tab.new_button.isVisible()  # looks customers up, never edits them
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    assert tab.table.isColumnHidden(column(tab, "phone")) and tab.table.isColumnHidden(column(tab, "class"))
    assert "138" not in tab.profile.text() and "not shown to your role" in tab.profile.text()
    assert "Class" not in tab.heading.text() and not tab.export_button.isVisible()
    assert tab.vehicles.item(0, 0).text() == "沪A·12345"


def test_typing_finds_customers_and_shows_the_first_ones_details(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["cashier"])
    assert tab.search_box.hasFocus() and tab.model.total == 2 and not tab.table.isColumnHidden(column(tab, "phone"))
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    assert [row.name for row in tab.model.rows] == ["张伟"]
    assert tab.model.data(tab.model.index(0, column(tab, "match"))) == "phone number"
    assert tab.model.data(tab.model.index(0, column(tab, "class"))) == "C"
    assert tab.heading.text() == "张伟 · Class C"
    assert "mobile: 138 0013 8000" in tab.profile.text() and "Tags: VIP" in tab.profile.text()
    assert tab.vehicles.rowCount() == 1 and tab.vehicles.item(0, 0).text() == "沪A·12345"
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "m1001")
    assert tab.customer_id == people["li"] and tab.model.data(tab.model.index(0, column(tab, "match"))) == "member card"
    _search(qtbot, tab, "nobody here")
    assert tab.model.rowCount() == 0 and tab.customer_id is None
    assert tab.count_label.text() == "0 customers"


def test_editing_a_profile_refuses_a_bad_value_then_saves(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "Li Na")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Down)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert dialog.name.text() == "Li Na" and dialog.phones.toPlainText() == "mobile: 139 1234 5678"
    dialog.email.setText("not an address")
    dialog.birthday.setText("1985-13-40")
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert set(dialog.errors.current) == {"email", "birthday"} and dialog.isVisible()
    assert Customer.get_by_id(people["li"]).email == ""  # nothing was saved
    dialog.email.setText("li.na@example.com")
    dialog.birthday.setText("1985-03-04")
    dialog.phones.setPlainText("mobile: 139 1234 5678\nwork: 021-5555 0101")
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()
    assert not dialog.isVisible()
    assert Customer.get_by_id(people["li"]).email == "li.na@example.com"
    assert "work: 021-5555 0101" in tab.profile.text() and tab.message.text() == "Saved."


def test_a_key_account_gets_the_staff_member_who_looks_after_it(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["cashier"])
    qtbot.waitUntil(lambda: bool(tab.staff), timeout=5000)
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "Li Na")
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        tab.edit_customer()
    dialog = opened.args[0]
    assert not dialog.account_manager_id.isEnabled()  # only a key account has someone looking after it
    dialog.key_account.setChecked(True)
    dialog.account_manager_id.setCurrentIndex(dialog.account_manager_id.findText("Service Advisor"))
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()
    assert Customer.get_by_id(people["li"]).account_manager_id == staff["service_advisor"].user_id
    assert "Looked after by Service Advisor" in tab.profile.text()


def test_a_new_customer_with_a_known_phone_is_named_and_saved_only_when_asked(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["cashier"])
    dialog = _new_customer_dialog(qtbot, tab)
    dialog.name.setText("Zhang Li")
    dialog.phones.setPlainText("13800138000")
    assert {button.text() for button in dialog.buttons.buttons() if not button.isHidden()} == {
        "Save (Enter)", "Cancel (Esc)"}  # each shows its key
    dialog.save()
    qtbot.waitUntil(lambda: dialog.general.isVisible(), timeout=5000)
    assert "张伟" in dialog.general.text() and dialog.save_button.text() == "Save anyway"
    assert Customer.select().count() == 2
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()  # the cashier checked: a family sharing a phone
    assert Customer.select().count() == 3
    assert tab.detail.values["name"] == "Zhang Li"


def test_adding_a_vehicle_reads_its_vin(qtbot, runner, staff, people):
    golf = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Golf", "大众", "高尔夫")
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "Li Na")
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(tab.add_vehicle_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    dialog.vin.setText("LSVAU2180N2183294")  # its check digit is wrong: China makes it mandatory
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert "check digit" in dialog.errors.current["vin"] and Vehicle.select().count() == 1
    dialog.vin.setText("WVWZZZ1KZ6W612305")  # made for Europe: a warning only
    dialog.plate.setText("粤B 67890")
    dialog.model.setCurrentIndex(dialog.model.findData(golf))
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()
    assert tab.vehicles.rowCount() == 1
    assert [tab.vehicles.item(0, c).text() for c in range(3)] == ["粤B 67890", "Volkswagen Golf", "2006"]
    assert "check digit" in tab.message.text()  # the VIN warning is shown, not swallowed


def _odometer_dialog(qtbot, tab: CustomersTab):
    tab.vehicles.selectRow(0)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(tab.odometer_button, Qt.MouseButton.LeftButton)
    return opened.args[0]


def test_odometer_readings_and_a_lower_one_approved_by_a_manager(qtbot, runner, staff, people, manager_approves):
    asked = manager_approves
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "138 0013 8000")  # (QTest types Latin keys only)
    assert tab.customer_id == people["zhang"] and not tab.odometer_button.isEnabled()  # no vehicle chosen yet
    dialog = _odometer_dialog(qtbot, tab)
    dialog.km.setText("61000")
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()
    assert tab.vehicles.item(0, 4).text() == "61,000 km"
    dialog = _odometer_dialog(qtbot, tab)
    dialog.km.setText("16100")
    dialog.save()  # a lower reading without a reason: refused, nothing asked
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert "61,000" in dialog.errors.current["km"] and asked == []
    dialog.reason.setText("digits swapped at reception")
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        dialog.save()
    assert asked == [("cashier", "vehicle.odometer_correct", "correct the odometer of 沪A·12345 to 16100 km")]
    assert tab.vehicles.item(0, 4).text() == "16,100 km"
    reading = OdometerReading.select().order_by(OdometerReading.id.desc()).first()
    assert (reading.source, reading.approved_by_id is not None) == ("correction", True)


def test_a_refused_odometer_correction_saves_nothing(qtbot, runner, staff, people, monkeypatch):
    monkeypatch.setattr("partsdesk.ui.stepup.ask_approval", lambda *args, **kwargs: None)
    record_odometer(staff["cashier"], Vehicle.get().id, 61_000, source="reception")
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "138 0013 8000")
    dialog = _odometer_dialog(qtbot, tab)
    dialog.km.setText("100")
    dialog.reason.setText("typo")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        dialog.save()
    assert dialog.isVisible() and "manager" in dialog.general.text().lower()
    assert OdometerReading.select().count() == 1


def test_a_duplicate_new_customer_can_open_the_one_in_the_file(qtbot, runner, staff, people):
    tab = _tab(qtbot, runner, staff["cashier"])
    dialog = _new_customer_dialog(qtbot, tab)
    dialog.name.setText("Miss Li")
    dialog.phones.setPlainText("139-1234-5678")
    dialog.save()
    qtbot.waitUntil(dialog.other_button.isVisible, timeout=5000)
    assert dialog.other_button.text() == f"Open #{people['li']} instead"
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and tab.customer_id == people["li"] and Customer.select().count() == 2


def test_editing_into_a_duplicate_merges_with_a_managers_approval(qtbot, runner, staff, people, manager_approves):
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "138 0013 8000")
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        tab.edit_customer()
    dialog = opened.args[0]
    dialog.phones.setPlainText("mobile: 138 0013 8000\nother: 139 1234 5678")  # Li Na's number: the same person
    dialog.save()
    qtbot.waitUntil(dialog.other_button.isVisible, timeout=5000)
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)
    assert manager_approves == [("cashier", "customer.merge", f"merge customer #{people['li']} into #{people['zhang']}")]
    li = Customer.get_by_id(people["li"])
    assert li.merged_into_id == people["zhang"] and not li.active
    assert "other: 139 1234 5678" in tab.profile.text() and "Member card: M1001" in tab.profile.text()


def _trades(customer_id: int) -> None:
    from partsdesk.models import database
    from partsdesk.services import history

    with database.atomic():
        history.record_trade(customer_id, "sale", document_type="invoice", document_id=7, document_no="INV-000007",
                             amount=45_600, summary="Brake pads", user_id=None, at=datetime(2026, 11, 1, 9, 0))
        history.record_trade(customer_id, "repair_order", document_type="repair_order", document_id=3,
                             document_no="RO-000003", amount=120_000, summary="Oil service", user_id=None,
                             at=datetime(2026, 11, 5, 9, 0))


@pytest.mark.parametrize("role, shown", [("cashier", ["RO-000003", "INV-000007"]), ("technician", ["RO-000003"])])
def test_the_history_section_shows_the_timeline_the_role_may_see(qtbot, runner, staff, people, role, shown):
    _trades(people["zhang"])
    tab = _tab(qtbot, runner, staff[role])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    assert tab.customer_id == people["zhang"]
    with qtbot.waitSignal(tab.history.loaded, timeout=5000):
        qtbot.keyClick(tab.table, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert tab.sections.currentWidget() is tab.history
    assert [tab.history.table.item(r, 2).text() for r in range(tab.history.table.rowCount())] == shown
    assert tab.history.table.item(0, 4).text() == "1,200.00"
    with qtbot.waitSignal(tab.history.loaded, timeout=5000):  # another customer: the section follows
        _search(qtbot, tab, "Li Na")
    assert tab.history.table.rowCount() == 0 and "Nothing recorded" in tab.history.message.text()


def test_the_history_shows_each_line_once_when_asked_again_before_it_answered(qtbot, runner, staff, people):
    _trades(people["zhang"])
    section = HistorySection(runner, staff["cashier"])
    qtbot.addWidget(section)
    section.show_customer(people["zhang"])
    section.reload()  # e.g. a call was recorded meanwhile: the timeline is asked for again
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert [section.table.item(r, 2).text() for r in range(section.table.rowCount())] == ["RO-000003",
                                                                                           "INV-000007"]


def test_a_manager_exports_and_erases_a_customers_personal_data(qtbot, runner, staff, people, tmp_path,
                                                                 monkeypatch, shown_errors):
    _trades(people["li"])
    tab = _tab(qtbot, runner, staff["manager"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "Li Na")
    target = tmp_path / "li-na.pdf"
    monkeypatch.setattr("partsdesk.ui.customers_tab.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), "PDF (*.pdf)"))
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in tab.message.text(), timeout=10_000)
    assert target.read_bytes().startswith(b"%PDF") and '"Li Na"' in target.with_suffix(".json").read_text()

    monkeypatch.setattr("partsdesk.ui.customers_tab.QInputDialog.getText", lambda *a, **k: ("  ", True))
    qtbot.mouseClick(tab.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Say why" in tab.message.text(), timeout=5000)
    assert Customer.get_by_id(people["li"]).name == "Li Na"  # no reason, nothing erased

    monkeypatch.setattr("partsdesk.ui.customers_tab.QInputDialog.getText",
                        lambda *a, **k: ("asked at the counter", True))
    with qtbot.waitSignal(tab.model.results_shown, timeout=5000):
        qtbot.mouseClick(tab.erase_button, Qt.MouseButton.LeftButton)
    assert Customer.get_by_id(people["li"]).name.startswith("Anonymized customer")
    assert "was erased" in tab.message.text() and tab.model.total == 0
    assert shown_errors == []


def test_an_overdue_complaint_stands_out_and_opens_from_the_history(qtbot, runner, staff, people):
    from PySide6.QtGui import QColor

    from partsdesk.services.complaints import open_complaint
    from partsdesk.ui.customer_complaints import ComplaintDialog

    number = open_complaint(staff["cashier"], people["zhang"], category="Part quality", channel="phone",
                            description="Pads squeal", received_at=datetime(2026, 11, 10, 9, 0))  # due 17 Nov
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    name = tab.model.index(0, column(tab, "name"))
    assert tab.model.data(name).endswith("⚠")
    assert tab.model.data(name, Qt.ItemDataRole.ForegroundRole) == QColor("#c62828")
    assert tab.alert.isVisible() and tab.alert.text().startswith("1 overdue complaint")
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "Li Na")
    assert not tab.alert.isVisible() and not tab.model.data(tab.model.index(0, 0)).endswith("⚠")

    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    with qtbot.waitSignal(tab.history.loaded, timeout=5000):
        tab.sections.setCurrentWidget(tab.history)
    tab.history.table.selectRow(0)
    assert tab.history.table.item(0, 2).text() == f"C-{number:06d}" and tab.history.open_button.isEnabled()
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.history.table, Qt.Key.Key_Return)
    assert isinstance(opened.args[0], ComplaintDialog) and opened.args[0].complaint_id == number
    opened.args[0].close()


def test_the_cashier_records_a_follow_up_call_from_the_customers_tab(qtbot, runner, staff, people):
    from datetime import date

    from partsdesk.models import CareTask, ContactCall
    from partsdesk.services import care

    task = care.schedule_follow_up(people["zhang"], visit_on=date(2026, 11, 20), document="INV-000007", user_id=None)
    tab = _tab(qtbot, runner, staff["cashier"])
    with qtbot.waitSignal(tab.customer_shown, timeout=5000):
        _search(qtbot, tab, "0013 8000")
    with qtbot.waitSignal(tab.care.loaded, timeout=5000):
        qtbot.keyClick(tab.table, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert tab.sections.currentWidget() is tab.care and tab.care.tasks.rowCount() == 1
    with qtbot.waitSignal(tab.care.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(tab.care.record_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    for choice in dialog.scores:
        choice.setCurrentIndex(choice.findData(5))
    dialog.comment.setPlainText("All good, thanks")
    with qtbot.waitSignal(tab.care.loaded, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    call = ContactCall.get()
    assert (call.customer_id, call.outcome, call.complaint_id) == (people["zhang"], "reached", None)
    assert CareTask.get_by_id(task).status == "done" and tab.care.calls.rowCount() == 1
    tab.sections.setCurrentWidget(tab.history)  # the call is in the customer's history
    qtbot.waitUntil(lambda: tab.history.table.rowCount() == 1, timeout=5000)
    assert tab.history.table.item(0, 1).text() == "Call"
