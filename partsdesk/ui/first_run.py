"""The first-run wizard: a shop that was never set up gets its details, tax, document number
prefixes and first administrator here, or becomes the demo shop.

Shown by ``app`` instead of the first-administrator dialog when ``services.first_run.needs_setup``.
Each page checks its own fields when Next is pressed (the same rules as the service, so a mistake
is said where it was made); Finish writes everything in one transaction on the worker
(``services.first_run.set_up_shop``). Should the service still refuse something, the wizard
goes back to the page of the first field it names. The demo is built on the worker with a
progress dialog (``services.demo.build_demo_shop``). Keyboard first: every field has a mnemonic,
Enter is Next / Finish, Alt+B goes back, Esc quits.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from partsdesk import i18n
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.services import first_run
from partsdesk.services.first_run import PREFIX_MAX, SERIES_LABELS, ShopSetup
from partsdesk.services.numbering import DIGITS
from partsdesk.services.users import UserRow
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner

PAGE_START, PAGE_SHOP, PAGE_TAX, PAGE_PREFIXES, PAGE_ADMIN = range(5)
LOGO_PREVIEW = (220, 80)
DEMO_USER = "admin"  # README: the demo shop's administrator
# The series' names as the service labels them, listed here so the translation tools find them
# (``self.tr`` below is given them one by one).
_SERIES_NAMES = (
    QT_TRANSLATE_NOOP("FirstRunWizard", "Receipts"), QT_TRANSLATE_NOOP("FirstRunWizard", "Invoices"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Credit notes"), QT_TRANSLATE_NOOP("FirstRunWizard", "Quotes"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Customer orders"), QT_TRANSLATE_NOOP("FirstRunWizard", "Repair orders"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Payments on account"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Z reports (cash-up)"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Purchase orders"), QT_TRANSLATE_NOOP("FirstRunWizard", "Goods receipts"),
    QT_TRANSLATE_NOOP("FirstRunWizard", "Stock counts"), QT_TRANSLATE_NOOP("FirstRunWizard", "Stock adjustments"),
)


class _Page(QWizardPage):
    """A page whose fields are registered by the service's field names, with their errors."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.general)

    def add_field(self, name: str, label: str, widget: QWidget, *, row_widget: QWidget | None = None) -> QWidget:
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, row_widget or widget)
        self.form.addRow("", self.errors.add(name, widget))
        self.clear_when_edited(name, widget)
        return widget

    def clear_when_edited(self, name: str, widget: QWidget) -> None:
        """A field the user changes after a refusal loses its red mark (the page is checked
        again at Next), so the marks left always belong to fields still as they were."""
        def edited(*_args: object) -> None:
            if name in self.errors.current:
                rest = {key: text for key, text in self.errors.current.items() if key != name}
                self.errors.clear()
                if rest:
                    self.errors.show(rest)
                    widget.setFocus()

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(edited)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(edited)

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Show the problems that belong to this page; True when there were any."""
        mine = {name: text for name, text in problems.items() if name in self.errors.fields}
        if mine:
            self.errors.show(mine)
        else:
            self.errors.clear()
        return bool(mine)


class FirstRunWizard(QWizard):
    """Set the shop up, or open the demo shop. When accepted, ``login_user`` is the user the
    log-in should preselect; ``created`` the new administrator (None for the demo) and
    ``demo_built`` whether the demo shop was built."""

    first_shown = Signal()  # after the first paint (the start-up benchmark waits for it)

    def __init__(self, runner: TaskRunner, *, url: str, data_dir: Path, demo_parts: int = 5000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.url = url
        self.data_dir = Path(data_dir)
        self.demo_parts = demo_parts  # the tests build a small demo
        self.created: UserRow | None = None
        self.switch_to = ""  # a language chosen on the start page: run_gui shows the wizard again in it
        self.demo_built = False
        self.login_user = ""
        self._finished_work = False
        self._busy = False
        self._painted = False
        self.setWindowTitle(self.tr("Welcome to PartsDesk"))
        self.setStyleSheet(FORM_STYLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Next (Enter)"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("&Back (Alt+B)"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Finish (Enter)"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Quit (Esc)"))

        self.setPage(PAGE_START, self._start_page())
        self.setPage(PAGE_SHOP, self._shop_page())
        self.setPage(PAGE_TAX, self._tax_page())
        self.setPage(PAGE_PREFIXES, self._prefix_page())
        self.setPage(PAGE_ADMIN, self._admin_page())
        self.currentIdChanged.connect(self._focus_page)
        self.resize(620, 600)

    # --- pages -------------------------------------------------------------------------------

    def _start_page(self) -> QWizardPage:
        page = _StartPage(self)
        page.setTitle(self.tr("Welcome to PartsDesk"))
        page.setSubTitle(self.tr("This PC has no shop yet. Set yours up in a few steps, or look around the demo "
                                 "shop first."))
        self.choose_setup = QRadioButton(self.tr("&Set up your shop"))
        self.choose_setup.setChecked(True)
        setup_note = QLabel(self.tr("Your shop's name and details for the receipts, its tax, how documents are "
                                    "numbered, and your administrator account. About two minutes."))
        self.choose_demo = QRadioButton(self.tr("Open the &demo shop"))
        demo_note = QLabel(self.tr("A made-up shop with parts, stock, customers, two years of sales and a "
                                   "workshop, to try everything safely. It is built on this PC's shop database "
                                   "(which takes a minute) and you log in as its administrator: user admin, "
                                   "password admin-pass-1."))
        for note in (setup_note, demo_note):
            note.setWordWrap(True)
            note.setIndent(24)
        self.choose_demo.toggled.connect(lambda _on: self._update_final())
        # The language, first: named in both languages, for an owner who reads only one of them.
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        self.language.setMaximumWidth(160)
        self.language.currentIndexChanged.connect(self._language_chosen)
        language_label = QLabel("&Language / 语言")  # the same in every language
        language_label.setBuddy(self.language)
        language_row = QHBoxLayout()
        language_row.addWidget(language_label)
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(language_row)
        for widget in (self.choose_setup, setup_note, self.choose_demo, demo_note):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.demo_message = error_label()
        layout.addWidget(self.demo_message)
        return page

    def _language_chosen(self) -> None:
        """Another language: the wizard closes and run_gui opens it again in that language (which
        the new shop then keeps as ``shop.language``)."""
        self.switch_to = self.language.currentData()
        self.reject()

    def _shop_page(self) -> QWizardPage:
        page = _Page(self.tr("Your shop"), self.tr("Printed at the top of every receipt, invoice and statement. "
                                                   "Only the name is needed now; the rest can be added later in "
                                                   "the settings."))
        self.shop_name = QLineEdit()
        self.shop_name.setPlaceholderText(self.tr("e.g. Lucky Star Auto Parts"))
        self.shop_address = QLineEdit()
        self.shop_address.setPlaceholderText(self.tr("street, town (one line)"))
        self.shop_tax_id = QLineEdit()
        self.shop_phone = QLineEdit()
        page.add_field("shop.name", self.tr("Shop &name"), self.shop_name)
        page.add_field("shop.address", self.tr("&Address"), self.shop_address)
        page.add_field("shop.tax_id", self.tr("&Tax ID"), self.shop_tax_id)
        page.add_field("shop.phone", self.tr("&Phone"), self.shop_phone)

        self.logo_path = QLineEdit()
        self.logo_path.setPlaceholderText(self.tr("optional: a PNG or JPEG printed on A4 documents"))
        self.logo_path.textChanged.connect(self._preview_logo)
        choose = QPushButton(self.tr("Choose… (Ctrl+O)"))
        choose.clicked.connect(self._choose_logo)
        QShortcut(QKeySequence("Ctrl+O"), page, self._choose_logo)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.logo_path, 1)
        row_layout.addWidget(choose)
        page.add_field("shop.logo", self.tr("&Logo file"), self.logo_path, row_widget=row)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(*LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        page.form.addRow("", self.logo_preview)
        self._preview_logo()
        self.shop_page = page
        return page

    def _tax_page(self) -> QWizardPage:
        page = _Page(self.tr("Money and tax"), self.tr("The currency the shop sells in and the VAT rate new parts "
                                                       "get (a part can have its own rate)."))
        self.currency = QComboBox()
        self.currency.addItems(list(first_run.currencies()))
        self.currency.setMaximumWidth(120)
        self.vat = QLineEdit("13")
        self.vat.setPlaceholderText(self.tr("e.g. 13 or 6.5"))
        self.vat.setMaximumWidth(120)
        self.prices_include_tax = QCheckBox(self.tr("Catalogue prices &include VAT (usual at a counter)"))
        self.prices_include_tax.setChecked(True)
        page.add_field("shop.currency", self.tr("&Currency"), self.currency)
        page.add_field("tax.default_rate_bp", self.tr("&VAT rate (%)"), self.vat)
        page.add_field("tax.prices_include_tax", "", self.prices_include_tax)
        self.tax_page = page
        return page

    def _prefix_page(self) -> QWizardPage:
        page = _Page(self.tr("Document numbers"),
                     self.tr("Each kind of document is numbered on its own: the prefix, a dash and six digits. "
                             "Keep the suggestions or type your own (1 to {n} letters and digits, each "
                             "different).").format(n=PREFIX_MAX))
        self.prefix_edits: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        defaults = first_run.default_prefixes()
        for index, series in enumerate(SERIES_LABELS):
            edit = QLineEdit(defaults[series])
            edit.setMaxLength(PREFIX_MAX + 2)  # room to type a wrong one and be told why
            edit.setFixedWidth(72)
            example = QLabel()
            example.setMinimumWidth(110)
            edit.textChanged.connect(lambda text, label=example: label.setText(
                self.tr("e.g. {number}").format(number=f"{first_run.clean_prefix(text)}-{1:0{DIGITS}d}")))
            edit.textChanged.emit(edit.text())
            caption = QLabel(self.tr(SERIES_LABELS[series]))
            caption.setBuddy(edit)
            message = page.errors.add(f"prefix.{series}", edit)
            # prefixes clash in pairs: any edit may settle a clash, so all marks go until Next
            edit.textEdited.connect(lambda _text: page.errors.clear())
            pair, side = divmod(index, 2)
            column = side * 4  # caption, field, example, a gap
            grid.addWidget(caption, 2 * pair, column)
            grid.addWidget(edit, 2 * pair, column + 1)
            grid.addWidget(example, 2 * pair, column + 2)
            grid.addWidget(message, 2 * pair + 1, column, 1, 3)
            self.prefix_edits[series] = edit
        grid.setColumnMinimumWidth(3, 16)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(6, 1)
        page.form.addRow(grid)
        self.prefix_page = page
        return page

    def _admin_page(self) -> QWizardPage:
        page = _Page(self.tr("Your administrator account"),
                     self.tr("The administrator adds the other users and may do everything. You log in with "
                             "the password; the PIN switches users quickly (Ctrl+L). Keep both safe."))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("e.g. owner"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("the name shown on screen"))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("4 to 8 digits"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("at least 8 characters, letters and digits"))
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        page.add_field("username", self.tr("&User name"), self.username)
        page.add_field("display_name", self.tr("N&ame"), self.display_name)
        page.add_field("pin", self.tr("P&IN"), self.pin)
        page.add_field("password", self.tr("Pass&word"), self.password)
        page.add_field("password_again", self.tr("Password a&gain"), self.password_again)
        self.admin_page = page
        return page

    # --- behaviour ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.first_shown.emit)

    def _focus_page(self, page_id: int) -> None:
        first = {PAGE_SHOP: self.shop_name, PAGE_TAX: self.vat, PAGE_ADMIN: self.username}.get(page_id)
        if page_id == PAGE_PREFIXES:
            first = self.prefix_edits["receipt"]
        if first is not None:
            QTimer.singleShot(0, self, first.setFocus)

    def _update_final(self) -> None:
        # the start page is the last one for the demo: Finish instead of Next
        self.page(PAGE_START).setFinalPage(self.choose_demo.isChecked())
        self.demo_message.setVisible(False)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Shop logo"), str(Path.home()),
                                              self.tr("Images (*.png *.jpg *.jpeg)"))
        if path:
            self.logo_path.setText(path)

    def _preview_logo(self) -> None:
        path = self.logo_path.text().strip()
        picture = QPixmap(path) if path else QPixmap()
        if picture.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("(no logo)") if not path else self.tr("(not an image)"))
            return
        self.logo_preview.setPixmap(picture.scaled(*LOGO_PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))

    def setup(self) -> ShopSetup:
        """What the pages hold, as the service takes it."""
        return ShopSetup(
            name=self.shop_name.text(), address=self.shop_address.text(), tax_id=self.shop_tax_id.text(),
            phone=self.shop_phone.text(), logo=self.logo_path.text(), currency=self.currency.currentText(),
            vat_percent=self.vat.text(), prices_include_tax=self.prices_include_tax.isChecked(),
            prefixes={series: edit.text() for series, edit in self.prefix_edits.items()},
            username=self.username.text(), display_name=self.display_name.text(), pin=self.pin.text(),
            password=self.password.text(), password_again=self.password_again.text(),
            language=self.language.currentData())

    def _problems(self) -> dict[str, str]:
        try:
            first_run.validate(self.setup())
        except ValidationError as error:
            return error.problems
        return {}

    def _pages(self) -> list[tuple[int, _Page]]:
        return [(PAGE_SHOP, self.shop_page), (PAGE_TAX, self.tax_page), (PAGE_PREFIXES, self.prefix_page),
                (PAGE_ADMIN, self.admin_page)]

    def validateCurrentPage(self) -> bool:
        """Next: this page's fields must be right. Finish: do the work on the worker first (the
        wizard closes when it is done, stays open with the reason when refused)."""
        if self._finished_work:
            return True
        if self._busy:
            return False
        current = self.currentId()
        if current == PAGE_START:
            if self.choose_demo.isChecked():
                self._build_demo()
                return False
            return True
        page = dict(self._pages())[current]
        if page.show_problems(self._problems()):
            return False
        if current == PAGE_ADMIN:
            self._set_up()
            return False
        return True

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def _set_up(self) -> None:
        self._set_busy(True)
        self.runner.submit(first_run.set_up_shop, self.setup(), data_dir=self.data_dir, owner=self,
                           name="set_up_shop", on_done=self._set_up_done, on_error=self._refused,
                           on_finally=lambda: self._set_busy(False))

    def _set_up_done(self, row: UserRow) -> None:
        self.created = row
        self.login_user = row.username
        self._finish()

    def _refused(self, error: UserError) -> None:
        """Go back to the page of the first field the service named (or stay, with the message)."""
        problems = getattr(error, "problems", None) or {}
        for page_id, page in self._pages():
            if page.show_problems(problems):
                while self.currentId() > page_id:
                    self.back()
                page.show_problems(problems)  # showing the page again cleared nothing: mark once more
                return
        self.admin_page.errors.show_message(str(error))

    def _build_demo(self) -> None:
        from partsdesk.models import database
        from partsdesk.services.demo import build_demo_shop

        if database.obj is not None:
            database.obj.close()  # this thread's connection: the demo replaces the database
        self._set_busy(True)
        self.runner.run_with_progress(
            self, build_demo_shop, self.url, title=self.tr("Opening the demo shop"),
            label=self.tr("Building the demo shop: parts, stock, customers and two years of history…"),
            cancellable=False, parts=self.demo_parts, on_done=self._demo_done, on_error=self._demo_refused)

    def _demo_done(self, _summary: object) -> None:
        self.runner.submit(first_run.keep_language, self.language.currentData(), name="keep_language", owner=self,
                           on_done=self._demo_language_kept, on_error=self._demo_refused)

    def _demo_language_kept(self, _none: object) -> None:
        self._set_busy(False)
        self.demo_built = True
        self.login_user = DEMO_USER
        self._finish()

    def _demo_refused(self, error: UserError) -> None:
        self._set_busy(False)
        self.demo_message.setText(str(error))
        self.demo_message.setVisible(True)

    def _finish(self) -> None:
        self._finished_work = True
        self.accept()


class _StartPage(QWizardPage):
    """The choice; with "demo" chosen it is the last page (Finish builds the demo)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard

    def nextId(self) -> int:
        return -1 if self._wizard.choose_demo.isChecked() else PAGE_SHOP
