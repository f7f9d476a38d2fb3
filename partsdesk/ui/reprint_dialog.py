"""Ctrl+P on the Counter tab: reprint any committed document by its number, marked COPY.

The number of the last document printed at this counter is filled in; the cashier types or
scans another (the Counter tab hands scans to ``take_scan`` while the dialog is open) and
chooses Print (Enter), Preview or Save as PDF — the print path's modes. The number's prefix
says which kind of document it is (``REPRINT_KINDS``); on the worker its resolver checks the
document exists and names the print path's kind (the paper). An unknown number or prefix is
said in the dialog and nothing is printed; a known one closes the dialog and ``chosen(number,
kind, mode)`` asks the Counter tab to print it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.services import cashup, orders, quotes, sale_documents
from partsdesk.services.numbering import SERIES
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner


def _one_paper(kind: str, read: Callable[[str], object]) -> Callable[[str], str]:
    """The resolver of a series that always prints on one paper: ``read`` raises UserError when
    there is no such document."""

    def resolve(number: str) -> str:
        read(number)
        return kind

    return resolve


# A number's prefix -> what runs on the worker to check the document ``number`` exists and name
# the print path's kind for it (raising UserError when there is none). A credit note prints on
# the paper of the sale it credits.
REPRINT_KINDS: dict[str, Callable[[str], str]] = {
    SERIES["invoice"]: sale_documents.print_kind,
    SERIES["receipt"]: sale_documents.print_kind,
    SERIES["credit_note"]: sale_documents.print_kind,
    SERIES["quote"]: _one_paper("quote", quotes.quote_document),
    SERIES["order"]: _one_paper("picklist", orders.pick_list_document),
    SERIES["z_report"]: _one_paper("zreport", cashup.z_report),
}


class ReprintDialog(QDialog):
    """Choose the document to reprint and how; ``chosen(number, kind, mode)`` with ``mode`` one of
    the print path's ("print", "preview", "pdf"), after the dialog closed."""

    chosen = Signal(str, str, str)

    def __init__(self, runner: TaskRunner, *, number: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Reprint (Ctrl+P)"))
        self.number = QLineEdit(number)
        self.number.setPlaceholderText(self.tr("scan or type the number: {examples}").format(
            examples=", ".join(f"{prefix}-000001" for prefix in REPRINT_KINDS)))
        self.number.setMaxLength(sale_documents.NUMBER_MAX)
        what = QLabel(self.tr("Any invoice, receipt or credit note prints again, marked COPY."))
        what.setWordWrap(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Number"), self.number)
        form.addRow("", self.errors.add("number", self.number))

        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton(self.tr("Print COPY (Enter)"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setDefault(True)
        self.preview_button = self.buttons.addButton(self.tr("Pre&view (Alt+V)"),
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = self.buttons.addButton(self.tr("Save as P&DF (Alt+D)"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        for button in (self.preview_button, self.pdf_button):
            button.setAutoDefault(False)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(lambda: self.choose("print"))
        self.preview_button.clicked.connect(lambda: self.choose("preview"))
        self.pdf_button.clicked.connect(lambda: self.choose("pdf"))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.number.setFocus()
        self.number.selectAll()

    def take_scan(self, code: str) -> None:
        """A document's barcode scanned while the dialog is open: its number is filled in."""
        self.errors.clear()
        self.number.setText(code)
        self.number.setFocus()

    def choose(self, mode: str) -> None:
        """Reprint the number typed in ``mode`` once the worker found the document."""
        number = sale_documents.normalize_number(self.number.text())
        if not number:
            self.errors.show({"number": self.tr("Type or scan the number of the document to reprint.")})
            return
        resolve = REPRINT_KINDS.get(number.partition("-")[0])
        if resolve is None:
            self.errors.show({"number": self.tr("{number} is not a document this screen reprints: the number "
                                                "starts with {prefixes}.").format(
                number=number, prefixes=", ".join(f"{prefix}-" for prefix in REPRINT_KINDS))})
            return
        self.errors.clear()
        for button in self.buttons.buttons():
            button.setEnabled(False)
        self.runner.submit(resolve, number, owner=self, name="reprint_kind",
                           on_done=lambda kind: self._found(number, kind, mode), on_error=self._not_found,
                           on_finally=self._enable)

    def _enable(self) -> None:
        for button in self.buttons.buttons():
            button.setEnabled(True)

    def _found(self, number: str, kind: str, mode: str) -> None:
        self.accept()
        self.chosen.emit(number, kind, mode)

    def _not_found(self, error: UserError) -> None:
        self.errors.show({"number": str(error)})
