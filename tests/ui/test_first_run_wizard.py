"""The first-run wizard driven as a shop owner would: a working shop whose first sale prints the
shop's details, or the demo shop, and the log-in after either."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from partsdesk.domain.tender import Payment
from partsdesk.models import transaction
from partsdesk.printing.sale_documents import write_invoice, write_receipt
from partsdesk.services import first_run, sale_documents, settings, stock, users
from partsdesk.services.sales import LineRequest, commit_sale
from partsdesk.ui.first_run import PAGE_ADMIN, PAGE_PREFIXES, PAGE_SHOP, PAGE_START, PAGE_TAX, FirstRunWizard
from partsdesk.ui.login import LoginDialog
from partsdesk.ui.main_window import MainWindow, window_settings

SHOTS = Path(os.environ.get("PARTSDESK_SHOTS", "/tmp/first_run_shots"))


def shot(wizard: FirstRunWizard, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    wizard.grab().save(str(SHOTS / f"{name}.png"))


def next_page(qtbot, wizard: FirstRunWizard) -> None:
    """Enter in the focused field presses the default button (Next)."""
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)


def make_logo(path: Path) -> Path:
    image = QImage(240, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#1565c0"))
    image.save(str(path))
    return path


@pytest.fixture
def wizard(qtbot, runner, db_url, tmp_path) -> FirstRunWizard:
    assert first_run.needs_setup()
    page_flow = FirstRunWizard(runner, url=db_url, data_dir=tmp_path / "data", demo_parts=300)
    qtbot.addWidget(page_flow)
    page_flow.show()
    qtbot.waitExposed(page_flow)
    page_flow.activateWindow()
    return page_flow


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)


def test_the_wizard_sets_up_a_shop_whose_first_sale_prints_its_details(
        qtbot, wizard, runner, db_url, tmp_path, config_dir, shown_errors):
    assert wizard.currentId() == PAGE_START and wizard.choose_setup.isChecked()
    shot(wizard, "1-start")
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == PAGE_SHOP

    # page 2: the name is needed; Next without it stays and says so under the field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.shop_name, timeout=3000)
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_SHOP
    assert "type it" in wizard.shop_page.errors.fields["shop.name"][1].text()
    type_into(qtbot, wizard.shop_name, "Lucky Star Auto Parts")
    type_into(qtbot, wizard.shop_address, "12 Harbour Road, Xiamen")
    type_into(qtbot, wizard.shop_tax_id, "91350200MA31X")
    type_into(qtbot, wizard.shop_phone, "0592 555 1234")
    wizard.logo_path.setText(str(make_logo(tmp_path / "logo.png")))
    assert not wizard.logo_preview.pixmap().isNull()
    shot(wizard, "2-shop")
    wizard.shop_name.setFocus()
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_TAX

    # page 3: a VAT rate that is no percentage is refused where it was typed
    type_into(qtbot, wizard.vat, "150")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_TAX
    assert "0 to 100" in wizard.tax_page.errors.fields["tax.default_rate_bp"][1].text()
    type_into(qtbot, wizard.vat, "9")
    wizard.currency.setCurrentText("HKD")
    shot(wizard, "3-tax")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_PREFIXES

    # page 4: two kinds of document cannot share a prefix
    type_into(qtbot, wizard.prefix_edits["receipt"], "inv")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_PREFIXES
    assert "already the prefix" in wizard.prefix_page.errors.fields["prefix.receipt"][1].text()
    type_into(qtbot, wizard.prefix_edits["receipt"], "tk")
    shot(wizard, "4-prefixes")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_ADMIN

    # page 5: the passwords must match; nothing is written until they do
    type_into(qtbot, wizard.username, "owner")
    type_into(qtbot, wizard.display_name, "Lin Owner")
    type_into(qtbot, wizard.pin, "2580")
    type_into(qtbot, wizard.password, "owner-pass-1")
    type_into(qtbot, wizard.password_again, "owner-pass-2")
    next_page(qtbot, wizard)
    assert wizard.isVisible() and wizard.currentId() == PAGE_ADMIN
    assert "differ" in wizard.admin_page.errors.fields["password_again"][1].text()
    assert users.count_users() == 0 and first_run.needs_setup()
    type_into(qtbot, wizard.password_again, "owner-pass-1")
    shot(wizard, "5-admin")
    with qtbot.waitSignal(wizard.finished, timeout=15_000):
        next_page(qtbot, wizard)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.login_user == "owner" and wizard.created is not None and not wizard.demo_built
    assert settings.get("tax.default_rate_bp") == 900 and settings.get("shop.currency") == "HKD"
    assert Path(settings.get("shop.logo")).parent == tmp_path / "data"

    # the log-in shows the new shop and its administrator, who logs in with the password
    login = LoginDialog(runner, users.list_users(), shop_name=settings.get("shop.name"), preselect=wizard.login_user)
    qtbot.addWidget(login)
    login.show()
    assert login.selected_user().username == "owner"
    qtbot.keyClicks(login.secret, "owner-pass-1")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.keyClick(login.secret, Qt.Key.Key_Return)
    assert login.result() == QDialog.DialogCode.Accepted
    owner = login.actor

    # the window opens on the empty shop at the Counter, with the Catalog tab to add the first part
    window = MainWindow(runner, owner, url=db_url, settings=window_settings(config_dir), auto_backups=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.tabs.currentWidget() is window.counter
    assert window.tabs.indexOf(window.catalog) >= 0
    # the counter says what to do with a code no part has yet
    window.counter.entry.setText("4006381333931")
    qtbot.keyClick(window.counter.entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no part has it" in window.counter.message.text(), timeout=5000)

    # the first part, made in the Catalog tab (Ctrl+N) on the shop's empty catalogue
    window.tabs.setCurrentWidget(window.catalog)
    with qtbot.waitSignal(window.catalog.editor_opened, timeout=5000) as opened:
        window.catalog.new_part()
    editor = opened.args[0]
    editor.number.setText("W 712/75")
    editor.brand.setCurrentText("Mann")
    editor.name_en.setText("Oil filter")
    editor.category.setCurrentIndex(editor.category.findData("engine.filters"))
    editor.price_retail.setText("45.50")
    with qtbot.waitSignal(window.catalog.part_saved, timeout=5000) as saved:
        editor.save()
    part = saved.args[0]
    window._closing_backup_done = True
    window.close()

    # the first sale: its stock, a cash sale, the receipt read back
    with transaction():
        stock.post_move(part_id=part, qty=3_000, unit_cost=2_000, reason="receipt", document="GR-1", user_id=None)
    sale = commit_sale(owner, [LineRequest(part, 1_000)], [Payment("cash", 10_000)])
    assert sale.number == "TK-000001"
    target = tmp_path / "receipt.pdf"
    write_receipt(sale_documents.sale_document(sale.number), target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("Lucky Star Auto Parts", "12 Harbour Road, Xiamen", "91350200MA31X", "TK-000001", "45.50"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(SHOTS / "6-receipt")], check=True)

    # an invoice (A4) carries the logo from the wizard at the top, with the same details
    invoice = commit_sale(owner, [LineRequest(part, 1_000)], [Payment("cash", 10_000)], want_invoice=True)
    assert invoice.kind == "invoice" and invoice.number == "INV-000001"
    target = tmp_path / "invoice.pdf"
    write_invoice(sale_documents.sale_document(invoice.number), target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("Lucky Star Auto Parts", "12 Harbour Road, Xiamen", "91350200MA31X", "INV-000001"):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(target)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    assert len(images) == 1 and images[0].split()[3:5] == ["240", "80"]  # the logo, at its own size
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "1", str(target), str(SHOTS / "7-invoice")], check=True)
    assert shown_errors == []


def test_quitting_the_wizard_writes_nothing(qtbot, wizard):
    wizard.button(QWizard.WizardButton.NextButton).click()
    type_into(qtbot, wizard.shop_name, "Half Done")
    qtbot.keyClick(wizard.shop_name, Qt.Key.Key_Escape)
    assert wizard.result() == QDialog.DialogCode.Rejected and not wizard.isVisible()
    assert first_run.needs_setup() and users.count_users() == 0


def test_a_problem_found_at_finish_sends_the_wizard_back_to_its_page(qtbot, wizard, tmp_path):
    """A logo that disappears between its page and Finish: the service refuses it, the wizard
    goes back to the shop page with the message under the logo field, nothing written."""
    logo = make_logo(tmp_path / "logo.png")
    wizard.button(QWizard.WizardButton.NextButton).click()
    type_into(qtbot, wizard.shop_name, "Lucky Star")
    wizard.logo_path.setText(str(logo))
    for _ in range(3):
        wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == PAGE_ADMIN
    for widget, text in ((wizard.username, "owner"), (wizard.pin, "2580"), (wizard.password, "owner-pass-1"),
                         (wizard.password_again, "owner-pass-1")):
        type_into(qtbot, widget, text)
    logo.unlink()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_SHOP, timeout=3000)
    assert "no file" in wizard.shop_page.errors.fields["shop.logo"][1].text()
    assert wizard.isVisible() and first_run.needs_setup()


def test_the_demo_choice_builds_the_demo_shop_and_ends_at_the_log_in(qtbot, wizard, runner, shown_errors):
    wizard.choose_setup.setFocus()
    qtbot.keyClick(wizard.choose_setup, Qt.Key.Key_Down)  # the arrow keys move between the choices
    assert wizard.choose_demo.isChecked()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    shot(wizard, "1-start-demo")
    with qtbot.waitSignal(wizard.finished, timeout=600_000):  # about 2 min; more on a busy CI machine
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QDialog.DialogCode.Accepted and wizard.demo_built
    assert wizard.login_user == "admin" and wizard.created is None
    assert settings.get("shop.demo") is True and not first_run.needs_setup()
    assert settings.get("shop.language") == "en"  # the wizard's language

    login = LoginDialog(runner, users.list_users(), shop_name=settings.get("shop.name"), preselect=wizard.login_user)
    qtbot.addWidget(login)
    login.show()
    assert login.selected_user().username == "admin"
    qtbot.keyClicks(login.secret, "admin-pass-1")  # README's demo administrator
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.keyClick(login.secret, Qt.Key.Key_Return)
    assert login.result() == QDialog.DialogCode.Accepted and login.actor.role == "admin"
    assert shown_errors == []


def test_the_program_on_a_new_pc_opens_the_wizard(tmp_path):
    """No shop file yet: ``python -m partsdesk`` creates it and shows the wizard (the start-up
    hook reports the first window painted), not the log-in or the first-administrator dialog."""
    import sys

    env = {**os.environ, "PARTSDESK_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen",
           "PARTSDESK_BENCH_STARTUP": "1"}
    probe = ("import sys; from partsdesk.ui import first_run, login\n"
             "shown = []\n"
             "for cls in (first_run.FirstRunWizard, login.LoginDialog, login.FirstAdminDialog):\n"
             "    cls.showEvent = (lambda old: lambda self, e: (shown.append(type(self).__name__), old(self, e)))"
             "(cls.showEvent)\n"
             "from partsdesk.app import run_gui\n"
             "code = run_gui(None)\n"
             "print('shown', *shown)\n"
             "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["login-window-shown", "shown", "FirstRunWizard"]
    assert (tmp_path / "home" / "data" / "shop.sqlite").exists()


def test_every_series_name_the_wizard_shows_is_marked_for_translation():
    from partsdesk.services.first_run import SERIES_LABELS
    from partsdesk.ui import first_run as wizard_module

    assert set(SERIES_LABELS.values()) <= set(wizard_module._SERIES_NAMES)


def test_choosing_chinese_on_the_first_page_opens_the_wizard_again_in_chinese(qtbot, wizard, runner, db_url,
                                                                              tmp_path):
    from partsdesk.ui.i18n import apply_language

    assert wizard.language.currentData() == "en"
    with qtbot.waitSignal(wizard.finished, timeout=3000):
        wizard.language.setCurrentIndex(wizard.language.findData("zh_CN"))
    assert wizard.switch_to == "zh_CN" and wizard.result() == QDialog.DialogCode.Rejected
    assert first_run.needs_setup()  # nothing written: run_gui shows the wizard again in Chinese
    try:
        apply_language(wizard.switch_to)
        again = FirstRunWizard(runner, url=db_url, data_dir=tmp_path / "data")
        qtbot.addWidget(again)
        assert again.language.currentData() == "zh_CN"
        assert again.windowTitle() != "Welcome to PartsDesk" and "PartsDesk" in again.windowTitle()
        assert again.setup().language == "zh_CN"  # the shop it sets up keeps the language
    finally:
        apply_language("en")
