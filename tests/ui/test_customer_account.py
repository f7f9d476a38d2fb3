"""The Account section driven as a person would: a payment through its dialog (a bad amount
refused first), the statement PDF written off the GUI thread, credit terms and a class set by
hand with a manager's step-up, and a technician who sees no account at all."""

from __future__ import annotations

import subprocess
import threading
from datetime import date, datetime

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from partsdesk.models import AccountEntry, Customer
from partsdesk.services import accounts, clock
from partsdesk.services.customers import save_customer
from partsdesk.ui import customer_account
from partsdesk.ui.customer_account import AccountSection


@pytest.fixture
def garage(staff) -> int:
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    customer_id = save_customer(staff["cashier"], None, {"name": "Garage Wu"}, phones=[])
    accounts.set_credit_terms(staff["manager"], customer_id, credit_limit=100_000, payment_terms_days=30)
    accounts.post_invoice(customer_id, document="INV-1", amount=20_000, issued_on=date(2026, 9, 1), user_id=None)
    accounts.post_invoice(customer_id, document="INV-2", amount=30_000, issued_on=date(2026, 11, 1), user_id=None)
    return customer_id


def _section(qtbot, runner, actor, customer_id: int | None) -> AccountSection:
    section = AccountSection(runner, actor)
    qtbot.addWidget(section)
    section.resize(760, 520)
    section.show()
    if customer_id is not None and actor.can("customer.view_account"):
        with qtbot.waitSignal(section.loaded, timeout=5000):
            section.show_customer(customer_id)
    else:
        section.show_customer(customer_id)
    return section


def _dialog(qtbot, section: AccountSection, button):
    with qtbot.waitSignal(section.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return opened.args[0]


def test_the_account_shows_class_terms_ageing_and_open_items(qtbot, runner, staff, garage):
    section = _section(qtbot, runner, staff["cashier"], garage)
    assert section.class_label.text().startswith("Class C")
    assert section.terms_label.text() == "Credit limit 1,000.00, 30 days · balance 500.00"
    assert "1 invoice overdue, 200.00 (oldest 52 days)." in section.status_label.text()
    ageing = [section.ageing.item(0, c).text() for c in range(section.ageing.columnCount())]
    assert ageing == ["300.00", "0.00", "200.00", "0.00", "0.00", "500.00"]
    rows = [[section.items.item(r, c).text() for c in (0, 5, 6)] for r in range(section.items.rowCount())]
    assert rows == [["INV-1", "200.00", "52"], ["INV-2", "300.00", ""]]
    for button in (section.pay_button, section.statement_button, section.terms_button, section.class_button):
        assert button.isVisible() and button.isEnabled() and "&" in button.text()


def test_a_payment_through_the_dialog_changes_the_balance(qtbot, runner, staff, garage, shown_errors):
    section = _section(qtbot, runner, staff["cashier"], garage)
    dialog = _dialog(qtbot, section, section.pay_button)
    assert dialog.invoices.count() == 2 and not dialog.invoices.isEnabled()
    dialog.amount.setText("abc")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not a number" in dialog.errors.current["amount"]
    assert AccountEntry.select().where(AccountEntry.kind == "payment").count() == 0
    dialog.picked.setChecked(True)
    dialog.save()  # nothing ticked: said in the dialog, nothing sent
    assert "Tick the invoices" in dialog.errors.current["chosen"]
    dialog.amount.setText("350.00")
    dialog.method.setCurrentIndex(dialog.method.findData("transfer"))
    dialog.reference.setText("bank 7781")
    dialog.invoices.item(1).setCheckState(Qt.CheckState.Checked)  # INV-2 only
    with qtbot.waitSignal(section.changed, timeout=5000), qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.summary is not None and section.summary.balance == 15_000, timeout=5000)
    assert (not shiboken6.isValid(dialog) or not dialog.isVisible()) and shown_errors == []  # closed
    assert section.terms_label.text() == "Credit limit 1,000.00, 30 days · balance 150.00 · unused credit 50.00"
    assert section.message.text() == "Payment PAY-000001 of 350.00 taken. 50.00 stays on the account as a credit."
    assert {i.document: i.open_amount for i in accounts.open_items(garage)} == {"INV-1": 20_000, "PAY-000001": -5_000}
    assert Customer.get_by_id(garage).account_balance == 15_000


def test_a_technician_sees_no_account(qtbot, runner, staff, garage):
    section = _section(qtbot, runner, staff["technician"], garage)
    assert section.not_shown.isVisible() and "not shown to your role" in section.not_shown.text()
    assert not section.body.isVisible() and section.summary is None
    for button in (section.pay_button, section.statement_button, section.terms_button, section.class_button):
        assert not button.isVisible()
    section.set_actor(staff["cashier"])  # the cashier logs in on the same screen
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.show_customer(garage)
    assert section.body.isVisible() and not section.not_shown.isVisible()


def test_override_class_with_a_managers_step_up(qtbot, runner, staff, garage, manager_approves):
    section = _section(qtbot, runner, staff["cashier"], garage)
    dialog = _dialog(qtbot, section, section.class_button)
    dialog.grade.setCurrentIndex(dialog.grade.findData("A"))
    dialog.save()  # no reason: said in the dialog, no manager called over
    assert "Say why" in dialog.errors.current["reason"] and manager_approves == []
    dialog.reason.setText("fleet contract signed")
    with qtbot.waitSignal(section.changed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert manager_approves == [("cashier", "customer.class_override", "set the class of Garage Wu to A")]
    qtbot.waitUntil(lambda: section.summary.customer_class.grade == "A", timeout=5000)
    assert section.class_label.text().startswith("Class A, set by hand: fleet contract signed (computed: C")
    assert Customer.get_by_id(garage).class_override == "A"


def test_credit_terms_refuse_a_bad_value_then_save_with_a_managers_step_up(qtbot, runner, staff, garage,
                                                                          manager_approves):
    section = _section(qtbot, runner, staff["cashier"], garage)
    dialog = _dialog(qtbot, section, section.terms_button)
    assert (dialog.credit_limit.text(), dialog.payment_terms_days.text()) == ("1000.00", "30")
    dialog.payment_terms_days.setText("400")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert "0 to 365 days" in dialog.errors.current["payment_terms_days"] and dialog.isVisible()
    assert Customer.get_by_id(garage).payment_terms_days == 30
    dialog.credit_limit.setText("2,500")
    dialog.payment_terms_days.setText("45")
    with qtbot.waitSignal(section.changed, timeout=5000):
        dialog.save()
    assert [asked[1] for asked in manager_approves] == ["account.credit_terms"]
    qtbot.waitUntil(lambda: section.summary.credit_limit == 250_000, timeout=5000)
    assert section.terms_label.text().startswith("Credit limit 2,500.00, 45 days")


def test_the_statement_pdf_is_written_on_the_worker(qtbot, runner, staff, garage, tmp_path, monkeypatch):
    target = tmp_path / "wu-statement"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), "")))
    threads: list[str] = []
    real = customer_account.write_statement

    def recording(data, path):
        threads.append(threading.current_thread().name)
        real(data, path)

    monkeypatch.setattr(customer_account, "write_statement", recording)
    section = _section(qtbot, runner, staff["cashier"], garage)
    with qtbot.waitSignal(section.statement_written, timeout=10000) as written:
        qtbot.mouseClick(section.statement_button, Qt.MouseButton.LeftButton)
    assert written.args[0] == str(target) + ".pdf" and threads and threads[0] != threading.main_thread().name
    text = subprocess.run(["pdftotext", "-layout", written.args[0], "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Garage Wu" in text and "INV-1" in text and "INV-2" in text
    assert section.message.text() == "Statement written to wu-statement.pdf"
