"""The Account section of a customer: class (with its reason and any override), credit limit,
terms, balance and credit status, the ageing line and the open items; a payment on account,
the statement PDF, credit terms and a class set by hand.

Everything is read and written through ``services.accounts`` on the window's worker; the PDF
is written there too, never on the GUI thread. A manager's step-up is asked when the user's role
may not change credit terms or the class. A role without customer.view_account (a technician)
sees a plain note and no buttons.

Keys: Alt+P take a payment, Alt+S statement PDF, Alt+T credit terms, Alt+C override the class.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.accounts import BUCKETS
from partsdesk.domain.errors import UserError
from partsdesk.domain.money import CURRENCIES, format_money
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.printing.statement import write_statement
from partsdesk.services import accounts
from partsdesk.services.clock import now
from partsdesk.ui.forms import FormDialog, set_note
from partsdesk.ui.tasks import TaskRunner

BUCKET_TITLES = {"current": QT_TR_NOOP("Current"), "1-30": QT_TR_NOOP("1–30 days"), "31-60": QT_TR_NOOP("31–60 days"),
                 "61-90": QT_TR_NOOP("61–90 days"), "90+": QT_TR_NOOP("90+ days")}
KIND_TITLES = {"invoice": QT_TR_NOOP("Invoice"), "credit_note": QT_TR_NOOP("Credit note"), "payment": QT_TR_NOOP("Payment"),
               "refund": QT_TR_NOOP("Refund"), "adjustment": QT_TR_NOOP("Adjustment")}


def write_statement_pdf(actor: Actor, customer_id: int, as_of: date, path: str) -> str:
    """Worker side of "Statement PDF…": read the statement and write it to ``path``."""
    data = accounts.statement_data(actor, customer_id, as_of=as_of)
    try:
        write_statement(data, path)
    except OSError as error:
        raise UserError(i18n._("The statement could not be written to {path}: {error}. "
                               "Choose another folder or file name.").format(path=path, error=error.strerror or error)) from error
    return path


def _money(minor: int, currency: str) -> str:
    return format_money(minor, exponent=CURRENCIES.get(currency, (2, ""))[0])


def _read_only_table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _cell(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class PaymentDialog(FormDialog):
    """A payment on account: amount, how it was paid, a reference, and oldest invoices first or
    the invoices ticked."""

    def __init__(self, runner: TaskRunner, actor: Actor, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = summary.customer_id
        self.setWindowTitle(self.tr("Payment on account — {0}").format(summary.name))
        self.setMinimumWidth(460)
        self.save_button.setText(self.tr("Take payment (Enter)"))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("owed: {0}").format(_money(max(0, summary.balance), summary.currency)))
        self.method = QComboBox()
        for key, label in accounts.PAYMENT_METHODS.items():
            self.method.addItem(self.tr(label), key)
        self.reference = QLineEdit()
        self.reference.setMaxLength(accounts.REFERENCE_MAX)
        self.reference.setPlaceholderText(self.tr("bank reference, cheque number (optional)"))
        self.oldest = QRadioButton(self.tr("O&ldest invoices first"))
        self.picked = QRadioButton(self.tr("Only the &invoices ticked"))
        group = QButtonGroup(self)
        group.addButton(self.oldest)
        group.addButton(self.picked)
        self.oldest.setChecked(True)
        self.invoices = QListWidget()
        for item in summary.items:
            if item.open_amount > 0:
                row = QListWidgetItem(self.tr("{document} — open {amount}, due {due}").format(
                    document=item.document, amount=_money(item.open_amount, summary.currency),
                    due=item.due.isoformat()))
                row.setData(Qt.ItemDataRole.UserRole, item.document)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Unchecked)
                self.invoices.addItem(row)
        self.invoices.setEnabled(False)
        self.picked.toggled.connect(self.invoices.setEnabled)
        self.field("amount", self.tr("Amount"), self.amount)
        self.field("method", self.tr("Paid by"), self.method)
        self.field("reference", self.tr("Reference"), self.reference)
        choice = QWidget()
        column = QVBoxLayout(choice)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.oldest)
        column.addWidget(self.picked)
        column.addWidget(self.invoices)
        self.field("chosen", self.tr("Pay"), choice)
        self.amount.setFocus()

    def chosen(self) -> list[str] | None:
        if not self.picked.isChecked():
            return None
        return [self.invoices.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.invoices.count())
                if self.invoices.item(i).checkState() == Qt.CheckState.Checked]

    def save(self, approval: Approval | None = None) -> None:
        chosen = self.chosen()
        if chosen == []:
            self.errors.show({"chosen": self.tr("Tick the invoices this payment is for, or pay the oldest first.")})
            return
        self.submit(accounts.take_payment, self.actor, self.customer_id, self.amount.text().strip(),
                    method=self.method.currentData(), reference=self.reference.text(), chosen=chosen,
                    name="take_payment")


class CreditTermsDialog(FormDialog):
    permission = "account.credit_terms"

    def __init__(self, runner: TaskRunner, actor: Actor, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = summary.customer_id
        self.name = summary.name
        self.setWindowTitle(self.tr("Credit terms — {0}").format(summary.name))
        self.credit_limit = QLineEdit(_money(summary.credit_limit, summary.currency).replace(",", ""))
        self.credit_limit.setPlaceholderText(self.tr("0: no account, payment at the counter"))
        self.payment_terms_days = QLineEdit(str(summary.payment_terms_days))
        self.field("credit_limit", self.tr("Credit limit"), self.credit_limit)
        self.field("payment_terms_days", self.tr("Payment terms (days)"), self.payment_terms_days)
        self.credit_limit.setFocus()
        self.credit_limit.selectAll()

    def action_text(self) -> str:
        return self.tr("set the credit limit of {0} to {1}, {2} days").format(
            self.name, self.credit_limit.text().strip(), self.payment_terms_days.text().strip())

    def save(self, approval: Approval | None = None) -> None:
        self.submit(accounts.set_credit_terms, self.actor, self.customer_id,
                    credit_limit=self.credit_limit.text().strip(),
                    payment_terms_days=self.payment_terms_days.text().strip(),
                    approval=approval if isinstance(approval, Approval) else None, name="set_credit_terms")


class ClassOverrideDialog(FormDialog):
    permission = "customer.class_override"

    def __init__(self, runner: TaskRunner, actor: Actor, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = summary.customer_id
        self.name = summary.name
        computed = summary.customer_class.computed
        self.setWindowTitle(self.tr("Class of {0}").format(summary.name))
        self.grade = QComboBox()
        for grade in ("A", "B", "C"):
            self.grade.addItem(self.tr("Class {0}").format(grade), grade)
        self.grade.addItem(self.tr("As computed (class {0}): clear the override").format(computed), None)
        current = summary.customer_class.override
        self.grade.setCurrentIndex(self.grade.findData(current) if current else self.grade.count() - 1)
        self.reason = QLineEdit()
        self.reason.setMaxLength(accounts.REASON_MAX)
        self.reason.setPlaceholderText(self.tr("why (required; goes into the audit log)"))
        self.field("grade", self.tr("Class"), self.grade)
        self.field("reason", self.tr("Reason"), self.reason)
        self.grade.setFocus()

    def action_text(self) -> str:
        grade = self.grade.currentData()
        if grade is None:
            return self.tr("clear the class set by hand of {0}").format(self.name)
        return self.tr("set the class of {0} to {1}").format(self.name, grade)

    def save(self, approval: Approval | None = None) -> None:
        if not self.reason.text().strip():  # asked here so no manager is called over for nothing
            self.errors.show({"reason": self.tr("Say why this customer's class is set by hand.")})
            return
        self.submit(accounts.override_class, self.actor, self.customer_id, self.grade.currentData(),
                    reason=self.reason.text(), approval=approval if isinstance(approval, Approval) else None,
                    name="override_class")


class AccountSection(QWidget):
    changed = Signal()  # the customer's account or class changed (a payment, terms, class)
    loaded = Signal(object)  # the AccountSummary now shown, or None
    dialog_opened = Signal(object)  # a dialog of this section, once shown (tests drive it)
    statement_written = Signal(str)  # the PDF's path

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.summary: Any = None
        self.dialog: Any = None

        self.not_shown = QLabel(self.tr("A customer's account is not shown to your role."))
        self.not_shown.setWordWrap(True)
        self.class_label = QLabel()
        self.terms_label = QLabel()
        self.status_label = QLabel()
        for label in (self.class_label, self.terms_label, self.status_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ageing = _read_only_table([self.tr(BUCKET_TITLES[b]) for b in BUCKETS] + [self.tr("Total")])
        self.ageing.setRowCount(1)
        self.ageing.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.ageing.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ageing.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.ageing.horizontalHeader().setMinimumSectionSize(40)
        for policy in (self.ageing.setHorizontalScrollBarPolicy, self.ageing.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # one line of six amounts: it always fits
        self.ageing.setFixedHeight(self.ageing.horizontalHeader().sizeHint().height()
                                   + self.ageing.verticalHeader().defaultSectionSize() + 4)
        self.items = _read_only_table([self.tr("Document"), self.tr("Type"), self.tr("Issued"), self.tr("Due"),
                                       self.tr("Amount"), self.tr("Open"), self.tr("Days overdue")])
        self.pay_button = QPushButton(self.tr("Take &payment…"))
        self.pay_button.clicked.connect(self.take_payment)
        self.statement_button = QPushButton(self.tr("&Statement PDF…"))
        self.statement_button.clicked.connect(self.save_statement)
        self.terms_button = QPushButton(self.tr("Credit &terms…"))
        self.terms_button.clicked.connect(self.edit_terms)
        self.class_button = QPushButton(self.tr("Override &class…"))
        self.class_button.clicked.connect(self.override_class)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        facts = QGridLayout()
        facts.addWidget(self.class_label, 0, 0)
        facts.addWidget(self.terms_label, 1, 0)
        facts.addWidget(self.status_label, 2, 0)
        body.addLayout(facts)
        body.addWidget(QLabel(self.tr("Ageing (days past due)")))
        body.addWidget(self.ageing)
        body.addWidget(QLabel(self.tr("Open items")))
        body.addWidget(self.items, 1)
        buttons = QGridLayout()  # two by two: the section stays narrow beside the customer list
        for index, button in enumerate((self.pay_button, self.statement_button, self.terms_button,
                                        self.class_button)):
            buttons.addWidget(button, index // 2, index % 2)
        buttons.setColumnStretch(2, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.not_shown)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.message)
        self.set_actor(actor)
        self._show(None)

    # --- the tab's hooks ----------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        allowed = actor.can("customer.view_account")
        self.not_shown.setVisible(not allowed)
        self.body.setVisible(allowed)
        self.pay_button.setVisible(actor.can("account.payment"))
        if not allowed:
            self._show(None)

    def show_customer(self, customer_id: int | None) -> None:
        """Show ``customer_id``'s account (None: nobody chosen); loads on the worker."""
        self.customer_id = customer_id
        self.message.clear()
        if customer_id is None or not self.actor.can("customer.view_account"):
            self._show(None)
            return
        self.reload()

    def reload(self) -> None:
        if self.customer_id is None:
            return
        self.runner.submit(accounts.account_summary, self.actor, self.customer_id, as_of=self._today(), owner=self,
                           name="account_summary", on_done=self._show,
                           on_error=lambda e: set_note(self.message, str(e), error=True))

    @staticmethod
    def _today() -> date:
        return now().date()

    # --- showing ------------------------------------------------------------------------------

    def _show(self, summary: Any) -> None:
        if summary is not None and summary.customer_id != self.customer_id:
            return  # the user moved on to another customer meanwhile
        self.summary = summary
        for button in (self.pay_button, self.statement_button, self.terms_button, self.class_button):
            button.setEnabled(summary is not None)
        self.items.setRowCount(0)
        for column in range(self.ageing.columnCount()):
            self.ageing.setItem(0, column, _cell("", right=True))
        if summary is None:
            for label in (self.class_label, self.terms_label, self.status_label):
                label.clear()
            self.loaded.emit(None)
            return
        cur = summary.currency
        klass = summary.customer_class
        if klass.override:
            text = self.tr("Class {0}, set by hand: {1} (computed: {2}, {3})").format(
                klass.override, klass.override_reason, klass.computed, klass.reason or self.tr("not computed yet"))
        else:
            text = self.tr("Class {0}: {1}").format(klass.computed, klass.reason or self.tr("not computed yet"))
        self.class_label.setText(text)
        if summary.credit_limit:
            terms = self.tr("Credit limit {0}, {1} days · balance {2}").format(
                _money(summary.credit_limit, cur), summary.payment_terms_days, _money(summary.balance, cur))
        else:
            terms = self.tr("No account (credit limit 0) · balance {0}").format(_money(summary.balance, cur))
        if summary.unallocated_credit:
            terms += self.tr(" · unused credit {0}").format(_money(summary.unallocated_credit, cur))
        self.terms_label.setText(terms)
        set_note(self.status_label, summary.credit.message, error=summary.credit.problem)
        for column, bucket in enumerate(BUCKETS):
            self.ageing.setItem(0, column, _cell(_money(summary.ageing.buckets[bucket], cur), right=True))
        self.ageing.setItem(0, len(BUCKETS), _cell(_money(summary.ageing.total, cur), right=True))
        for item in summary.items:
            row = self.items.rowCount()
            self.items.insertRow(row)
            days = item.days_overdue(summary.as_of)
            cells = (_cell(item.document), _cell(self.tr(KIND_TITLES.get(item.kind, item.kind))),
                     _cell(item.issued.isoformat()), _cell(item.due.isoformat()),
                     _cell(_money(item.amount, cur), right=True), _cell(_money(item.open_amount, cur), right=True),
                     _cell(str(days) if days else "", right=True))
            for column, cell in enumerate(cells):
                if days:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                self.items.setItem(row, column, cell)
        self.loaded.emit(summary)

    # --- actions ------------------------------------------------------------------------------

    def _open(self, dialog: FormDialog, on_done: Any) -> None:
        self.dialog = dialog
        dialog.saved.connect(on_done)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _after_change(self, note: str) -> None:
        set_note(self.message, note)
        self.reload()
        self.changed.emit()

    def take_payment(self) -> None:
        if self.summary is None or not self.actor.can("account.payment"):
            return
        self._open(PaymentDialog(self.runner, self.actor, self.summary, parent=self), self._paid)

    def _paid(self, payment: Any) -> None:
        cur = self.summary.currency if self.summary is not None else "CNY"
        note = self.tr("Payment {0} of {1} taken.").format(payment.document, _money(payment.amount, cur))
        if payment.allocation.unallocated:
            note += self.tr(" {0} stays on the account as a credit.").format(
                _money(payment.allocation.unallocated, cur))
        self._after_change(note)

    def edit_terms(self) -> None:
        if self.summary is not None:
            self._open(CreditTermsDialog(self.runner, self.actor, self.summary, parent=self),
                       lambda _r: self._after_change(self.tr("Credit terms saved.")))

    def override_class(self) -> None:
        if self.summary is not None:
            self._open(ClassOverrideDialog(self.runner, self.actor, self.summary, parent=self),
                       lambda _r: self._after_change(self.tr("Class saved.")))

    def save_statement(self) -> None:
        if self.summary is None:
            return
        as_of = self.summary.as_of
        suggested = f"statement-{self.summary.customer_id}-{as_of.isoformat()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the statement"), suggested,
                                                    self.tr("PDF files (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.statement_button.setEnabled(False)
        set_note(self.message, self.tr("Writing the statement…"))
        self.runner.submit(write_statement_pdf, self.actor, self.summary.customer_id, as_of, path, owner=self,
                           name="write_statement", on_done=self._statement_done,
                           on_error=lambda e: set_note(self.message, str(e), error=True),
                           on_finally=lambda: self.statement_button.setEnabled(self.summary is not None))

    def _statement_done(self, path: str) -> None:
        set_note(self.message, self.tr("Statement written to {0}").format(Path(path).name))
        self.statement_written.emit(path)
