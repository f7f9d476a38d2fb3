"""The Adjustments view of the Stock tab: adjust a part's stock with a reason, the quarantine list
(repaired back to stock, or scrapped) and the shrinkage report.

An adjustment names its part (scanned, or searched: a number, a barcode or words), a quantity
(negative takes stock off), one of the domain's reasons — each shown with its loss class, normal
or abnormal, since abnormal losses are the ones looked into — and a note. The service decides
everything else: one worth more than the set value (``stock.adjust_manager_above``) is refused
with ``PermissionDenied`` until a manager approves it on this screen (``ui.stepup``), and the same
call is then made again with the approval. Damage moves stock into quarantine; the quarantine list
releases it back (repaired) or scraps it, under the same rules. The shrinkage report is worked out
by ``services.adjustments.shrinkage_report`` and laid out by ``printing.shrinkage``, on screen and
as a PDF to preview, print or save.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.adjustments import ABNORMAL, IN, OUT, REASONS
from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.domain.money import CURRENCIES, format_money, format_quantity, parse_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.ui import print_path
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, compact_combo, error_label, set_note
from partsdesk.ui.tasks import TaskRunner

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


# --- on the worker ----------------------------------------------------------------------------------

def find_parts(actor: Actor, text: str) -> list[Any]:
    """The part a scan or a typed number names exactly (one row), else the catalogue's search for
    the words (up to 20 rows to choose from)."""
    from partsdesk.services import search
    from partsdesk.services.labels import resolve_parts

    row = search.find_by_barcode(text)
    if row is not None:
        return [row]
    rows = search.search_parts(text, limit=20).rows
    try:
        [(part_id, _qty)] = resolve_parts([(text, 1)])
    except ValidationError:
        return rows
    exact = [r for r in rows if r.id == part_id]
    return exact or rows


def load_quarantine(actor: Actor) -> tuple[list[Any], int]:
    from partsdesk.services import adjustments, settings

    return adjustments.quarantined(actor), CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def shrinkage_pdf(actor: Actor, date_from: date, date_to: date) -> tuple[Any, bytes]:
    """The report and its PDF in memory (nothing is written)."""
    from partsdesk.printing.shrinkage import write_shrinkage_report
    from partsdesk.services.adjustments import shrinkage_report

    report = shrinkage_report(actor, date_from, date_to)
    out = BytesIO()
    write_shrinkage_report(report, out)
    return report, out.getvalue()


def tr(text: str) -> str:
    return QCoreApplication.translate("AdjustmentsView", text)


def reason_text(code: str) -> str:
    """A reason in words as the list shows it: its label, its loss class and which way it goes."""
    reason = REASONS[code]
    way = {OUT: tr("takes stock off"), IN: tr("puts stock on")}.get(reason.direction, tr("either way"))
    loss = tr("abnormal loss") if reason.loss_class == ABNORMAL else tr("normal")
    return tr("{label} — {loss}, {way}").format(label=tr(reason.label), loss=loss, way=way)


# --- the view ---------------------------------------------------------------------------------------

class AdjustmentsView(QWidget):
    """Adjust (part, quantity, reason, note), the quarantine list, the shrinkage report."""

    parts_found = Signal(int)  # rows found for the part box
    adjusted = Signal(object)  # services.adjustments.AdjustmentResult
    refused = Signal(str)
    quarantine_shown = Signal(int)
    report_shown = Signal(object)  # ShrinkageReport
    pdf_done = Signal(str, object)
    scan_handled = Signal(str)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.part: Any = None
        self.exponent = 2
        self.quarantine: list[Any] = []
        self.approvals: dict[str, Any] = {}
        self.report: Any = None
        self.report_pdf: bytes | None = None
        self.preview: Any = None
        self.setStyleSheet(FORM_STYLE)

        # adjust a part
        self.find_box = QLineEdit()
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setPlaceholderText(self.tr("Scan, or type a part number or words — Enter finds"))
        self.find_box.installEventFilter(self)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(110)
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._choose_match)
        self.part_label = QLabel(self.tr("No part chosen."))
        self.part_label.setWordWrap(True)
        self.qty_box = QLineEdit()
        self.qty_box.setPlaceholderText(self.tr("e.g. -2 to take off, 3 to put on"))
        self.reason_box = compact_combo()
        self.reason_box.addItem(self.tr("— choose the reason —"), "")
        for code in REASONS:
            self.reason_box.addItem(reason_text(code), code)
        self.note_box = QLineEdit()
        self.note_box.setMaxLength(200)
        self.note_box.setPlaceholderText(self.tr("what happened (optional)"))
        self.adjust_button = QPushButton(self.tr("Adjust (Ctrl+Enter)"))
        self.adjust_button.clicked.connect(self.adjust)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.adjust)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        adjust_group = QGroupBox(self.tr("Adjust stock"))
        form = QFormLayout(adjust_group)
        form.addRow(self.tr("&Part"), self.find_box)
        form.addRow("", self.matches)
        form.addRow("", self.part_label)
        form.addRow("", self.errors.add("part", self.find_box))
        form.addRow(self.tr("&Quantity ±"), self.qty_box)
        form.addRow("", self.errors.add("qty", self.qty_box))
        form.addRow(self.tr("&Reason"), self.reason_box)
        form.addRow("", self.errors.add("reason", self.reason_box))
        form.addRow(self.tr("N&ote"), self.note_box)
        form.addRow("", self.errors.add("note", self.note_box))
        form.addRow("", self.adjust_button)
        form.addRow(self.general)
        form.addRow(self.done_label)

        # quarantine
        self.quarantine_table = QTableWidget(0, 4)
        self.quarantine_table.setHorizontalHeaderLabels([self.tr("Part number"), self.tr("Description"),
                                                         self.tr("In quarantine"), self.tr("Value at cost")])
        self.quarantine_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.quarantine_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.quarantine_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.quarantine_table.verticalHeader().setVisible(False)
        q_header = self.quarantine_table.horizontalHeader()
        q_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        q_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.quarantine_table.currentCellChanged.connect(lambda *_: self._quarantine_chosen())
        self.release_qty = QLineEdit()
        self.release_qty.setPlaceholderText(self.tr("how much"))
        self.release_qty.setMaximumWidth(90)
        self.repaired_button = QPushButton(self.tr("Back to stock (repaired) (Ctrl+R)"))
        self.repaired_button.clicked.connect(lambda: self.release("stock"))
        self.scrap_button = QPushButton(self.tr("Scrap (Ctrl+D)"))
        self.scrap_button.clicked.connect(lambda: self.release("scrap"))
        for key, target in (("Ctrl+R", "stock"), ("Ctrl+D", "scrap")):  # Ctrl+B is the window's backup
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda t=target: self.release(t))
        self.quarantine_note = QLabel()
        self.quarantine_note.setWordWrap(True)
        quarantine_group = QGroupBox(self.tr("Quarantine"))
        q_layout = QVBoxLayout(quarantine_group)
        q_layout.addWidget(self.quarantine_table, 1)
        q_row = QHBoxLayout()
        q_row.addWidget(QLabel(self.tr("Release")))
        q_row.addWidget(self.release_qty)
        q_row.addWidget(self.repaired_button)
        q_row.addWidget(self.scrap_button)
        q_row.addStretch(1)
        q_layout.addLayout(q_row)
        q_layout.addWidget(self.quarantine_note)

        # shrinkage report
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(1 - today.day()))
        self.to_date = QDateEdit(today)
        for box in (self.from_date, self.to_date):
            box.setCalendarPopup(True)
            box.setDisplayFormat("yyyy-MM-dd")
        self.show_button = QPushButton(self.tr("Show (F5)"))
        self.show_button.clicked.connect(self.show_report)
        refresh = QShortcut(QKeySequence("F5"), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.show_report)
        self.report_table = QTableWidget(0, 5)
        self.report_table.setHorizontalHeaderLabels([self.tr("Reason"), self.tr("Loss"), self.tr("Adjustments"),
                                                     self.tr("Quantity"), self.tr("Value at cost")])
        self.report_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report_table.verticalHeader().setVisible(False)
        r_header = self.report_table.horizontalHeader()
        r_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        r_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.report_totals = QLabel()
        self.report_totals.setWordWrap(True)
        self.report_totals.setMinimumHeight(self.report_totals.fontMetrics().lineSpacing() * 3)
        self.report_error = error_label()
        self.preview_button = QPushButton(self.tr("Preview (Ctrl+Shift+P)"))
        self.preview_button.clicked.connect(lambda: self.report_pdf_to("preview"))
        self.print_button = QPushButton(self.tr("Print"))
        self.print_button.clicked.connect(lambda: self.report_pdf_to("print"))
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.clicked.connect(lambda: self.report_pdf_to("pdf"))
        preview_key = QShortcut(QKeySequence("Ctrl+Shift+P"), self)
        preview_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        preview_key.activated.connect(lambda: self.report_pdf_to("preview"))
        report_group = QGroupBox(self.tr("Shrinkage report"))
        r_layout = QVBoxLayout(report_group)
        dates = QHBoxLayout()
        dates.addWidget(QLabel(self.tr("From")))
        dates.addWidget(self.from_date)
        dates.addWidget(QLabel(self.tr("to")))
        dates.addWidget(self.to_date)
        dates.addWidget(self.show_button)
        dates.addStretch(1)
        r_layout.addLayout(dates)
        r_layout.addWidget(self.report_table, 1)
        r_layout.addWidget(self.report_totals)
        r_layout.addWidget(self.report_error)
        pdf_row = QHBoxLayout()
        pdf_row.addStretch(1)
        for button in (self.preview_button, self.print_button, self.save_button):
            pdf_row.addWidget(button)
        r_layout.addLayout(pdf_row)

        # adjusting, the quarantine and the report each on a page of its own (Ctrl+Tab), so the view
        # fits a small screen
        self.pages = QTabWidget()
        self.pages.addTab(adjust_group, self.tr("Adjust stock"))
        self.pages.addTab(quarantine_group, self.tr("Quarantine"))
        self.pages.addTab(report_group, self.tr("Shrinkage report"))
        self.report_page = report_group
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.approvals = {}

    def start(self) -> None:
        """The quarantine list and this month's report."""
        self.refresh_quarantine()
        self.show_report()

    # --- finding the part ---------------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        self.find_box.setText(code)
        self.find(scan=True)

    def find(self, *, scan: bool = False) -> None:
        text = self.find_box.text().strip()
        if not text:
            return

        def found(rows: list[Any]) -> None:
            self.matches.clear()
            self.matches.setVisible(len(rows) > 1)
            if len(rows) == 1:
                self.choose(rows[0])
            elif not rows:
                self.errors.show({"part": self.tr("No part matches “{text}”.").format(text=text)})
            else:
                for row in rows:
                    item = QListWidgetItem(f"{row.number} · {row.brand} · {row.name_en}")
                    item.setData(Qt.ItemDataRole.UserRole, row)
                    self.matches.addItem(item)
                self.matches.setCurrentRow(0)
                self.matches.setFocus()
            self.parts_found.emit(len(rows))
            if scan:
                self.scan_handled.emit(text)

        def failed(error: Exception) -> None:
            self.errors.show_message(str(error))
            if scan:
                self.scan_handled.emit(text)

        self.runner.submit(find_parts, self.actor, text, owner=self, name="adjust_find", on_done=found,
                           on_error=failed)

    def _choose_match(self, item: QListWidgetItem) -> None:
        self.choose(item.data(Qt.ItemDataRole.UserRole))
        self.matches.setVisible(False)

    def choose(self, row: Any) -> None:
        self.part = row
        self.errors.clear()
        self.part_label.setText(self.tr("{number} · {brand} · {name} — on hand {qty}").format(
            number=row.number, brand=row.brand, name=row.name_en, qty=format_quantity(row.on_hand, row.unit)))
        self.qty_box.setFocus()

    # --- adjusting ----------------------------------------------------------------------------------

    def adjust(self) -> None:
        """Check what is typed here, then adjust on the worker; a manager steps up when asked."""
        from partsdesk.services import adjustments

        set_note(self.done_label, "")
        problems: dict[str, str] = {}
        if self.part is None:
            problems["part"] = self.tr("Find the part to adjust first (scan it or type its number).")
        qty = 0
        try:
            qty = parse_quantity(self.qty_box.text(), allow_negative=True, label=self.tr("Quantity"))
        except ValidationError as error:
            problems["qty"] = " ".join(error.problems.values())
        reason = self.reason_box.currentData()
        if not reason:
            problems["reason"] = self.tr("Choose a reason: every adjustment says why.")
        if problems:
            self.errors.show(problems, general=self.tr("Nothing was adjusted."))
            self.refused.emit("\n".join(problems.values()))
            return
        self.errors.clear()
        args = (self.actor, self.part.id, qty, reason, self.note_box.text())
        self.adjust_button.setEnabled(False)
        self.runner.submit(adjustments.adjust, *args, approval=self.approvals.get("stock.adjust_override"),
                           owner=self, name="adjust", on_done=self._adjusted,
                           on_error=lambda error: self._refused(error, self.adjust, self.errors),
                           on_finally=lambda: self.adjust_button.setEnabled(True))

    def _step_up(self, error: PermissionDenied, action: str) -> bool:
        """Ask a manager; True when approved (the caller tries again)."""
        from partsdesk.ui import stepup  # looked up when used: tests replace ask_approval

        approval = stepup.ask_approval(self, self.actor, error.permission, action, runner=self.runner)
        if approval is None:
            return False
        self.approvals[error.permission] = approval
        return True

    def _refused(self, error: Exception, again: Any, errors: FieldErrors | None, note: QLabel | None = None) -> None:
        if isinstance(error, PermissionDenied) and error.permission and error.permission not in self.approvals \
                and error.permission != "stock.adjust":
            what = self.tr("adjust stock: {error}").format(error=error)
            if self._step_up(error, what):
                QTimer.singleShot(0, self, again)  # after this attempt has finished
                return
            message = self.tr("Not adjusted: a manager did not approve it. {error}").format(error=error)
        else:
            message = str(error)
        self.approvals.pop("stock.adjust_override", None)
        problems = getattr(error, "problems", None)
        if errors is not None:
            if problems:
                errors.show(problems, general=self.tr("Nothing was adjusted."))
            else:
                errors.show_message(message)
        if note is not None:
            set_note(note, "\n".join(problems.values()) if problems else message, error=True)
        self.refused.emit("\n".join(problems.values()) if problems else message)

    def _adjusted(self, result: Any) -> None:
        self.approvals.pop("stock.adjust_override", None)
        text = self.tr("{number}: {part} {qty}, {value} at cost.").format(
            number=result.number, part=self.part.number if self.part else "",
            qty=("+" if result.qty > 0 else "") + format_quantity(result.qty, self.part.unit if self.part else ""),
            value=format_money(result.value, exponent=self.exponent))
        if result.to_location_id is not None:
            text += " " + self.tr("Moved into quarantine.")
        if result.approved_by:
            text += " " + self.tr("Approved by {name}.").format(name=result.approved_by)
        set_note(self.done_label, text)
        if self.part is not None and result.part_id == self.part.id and result.location_id == MAIN_LOCATION_ID:
            self.choose(replace(self.part, on_hand=self.part.on_hand + result.qty))  # what the books hold now
        self.qty_box.clear()
        self.note_box.clear()
        self.reason_box.setCurrentIndex(0)
        self.adjusted.emit(result)
        self.refresh_quarantine()
        self.show_report()

    # --- quarantine ---------------------------------------------------------------------------------

    def refresh_quarantine(self) -> None:
        self.runner.submit(load_quarantine, self.actor, owner=self, name="quarantine", on_done=self._quarantine,
                           on_error=lambda error: set_note(self.quarantine_note, str(error), error=True))

    def _quarantine(self, loaded: tuple[list[Any], int]) -> None:
        self.quarantine, self.exponent = loaded
        table = self.quarantine_table
        table.setRowCount(0)
        for row in self.quarantine:
            index = table.rowCount()
            table.insertRow(index)
            for column, text in enumerate((row.part_number, row.description, format_quantity(row.qty, row.unit),
                                           format_money(row.value, exponent=self.exponent))):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(RIGHT)
                table.setItem(index, column, item)
        if self.quarantine:
            table.selectRow(0)
        else:
            set_note(self.quarantine_note, self.tr("Nothing is in quarantine."))
        for widget in (self.repaired_button, self.scrap_button, self.release_qty):
            widget.setEnabled(bool(self.quarantine))
        self.quarantine_shown.emit(len(self.quarantine))

    def _quarantine_chosen(self) -> None:
        row = self.quarantine_table.currentRow()
        if 0 <= row < len(self.quarantine):
            self.release_qty.setText(format_quantity(self.quarantine[row].qty))

    def release(self, to: str) -> None:
        """Release the chosen quarantined part: back to stock (repaired) or to scrap."""
        from partsdesk.services import adjustments

        row = self.quarantine_table.currentRow()
        if not 0 <= row < len(self.quarantine):
            set_note(self.quarantine_note, self.tr("Choose a part in the quarantine list first."), error=True)
            return
        try:
            qty = parse_quantity(self.release_qty.text(), label=self.tr("Quantity"))
        except ValidationError as error:
            set_note(self.quarantine_note, " ".join(error.problems.values()) + " " + self.tr("Nothing was released."),
                     error=True)
            return
        part = self.quarantine[row]
        self.runner.submit(adjustments.release_from_quarantine, self.actor, part.part_id, qty, to,
                           approval=self.approvals.get("stock.adjust_override"), owner=self, name="release",
                           on_done=lambda result: self._released(result, part, to),
                           on_error=lambda error: self._refused(error, lambda: self.release(to), None,
                                                                self.quarantine_note))

    def _released(self, result: Any, part: Any, to: str) -> None:
        self.approvals.pop("stock.adjust_override", None)
        words = self.tr("back to stock (repaired)") if to == "stock" else self.tr("scrapped")
        set_note(self.quarantine_note, self.tr("{number}: {qty} of {part} {words}.").format(
            number=result.number, qty=format_quantity(-result.qty, part.unit), part=part.part_number, words=words))
        self.adjusted.emit(result)
        self.refresh_quarantine()
        self.show_report()

    # --- the shrinkage report -----------------------------------------------------------------------

    def _dates(self) -> tuple[date, date]:
        return self.from_date.date().toPython(), self.to_date.date().toPython()

    def show_report(self) -> None:
        self.pages.setCurrentWidget(self.report_page)
        self.report_error.setVisible(False)
        date_from, date_to = self._dates()
        self.runner.submit(shrinkage_pdf, self.actor, date_from, date_to, owner=self, name="shrinkage",
                           on_done=self._report, on_error=self._report_failed)

    def _report_failed(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        self.report_error.setText(" ".join(problems.values()) if problems else str(error))
        self.report_error.setVisible(True)

    def _report(self, made: tuple[Any, bytes]) -> None:
        self.report, self.report_pdf = made
        report, money = self.report, (lambda v: format_money(v, exponent=self.exponent))
        table = self.report_table
        table.setRowCount(0)
        for total in report.by_reason:
            index = table.rowCount()
            table.insertRow(index)
            texts = (total.label, self.tr("abnormal") if total.loss_class == ABNORMAL else self.tr("normal"),
                     f"{total.adjustments:,}", format_quantity(total.qty), money(total.value))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(RIGHT)
                table.setItem(index, column, item)
        self.report_totals.setText(self.tr(
            "Net {net}: normal losses {normal}, abnormal {abnormal}. Held in quarantine now: {held}.").format(
            net=money(report.net_value), normal=money(report.normal_value), abnormal=money(report.abnormal_value),
            held=money(report.in_quarantine_value)) if report.by_reason else
            self.tr("No stock was adjusted off or onto the books in these days. Held in quarantine now: {held}.")
            .format(held=money(report.in_quarantine_value)))
        self.report_shown.emit(report)

    def report_pdf_to(self, mode: str) -> None:
        """Preview, print or save the report of the dates shown (made again if they changed)."""
        if mode not in print_path.MODES:
            raise ValueError(f"mode must be one of {print_path.MODES}, not {mode!r}")
        date_from, date_to = self._dates()
        self.pages.setCurrentWidget(self.report_page)
        self.report_error.setVisible(False)
        self.runner.submit(shrinkage_pdf, self.actor, date_from, date_to, owner=self, name="shrinkage_pdf",
                           on_done=lambda made: self._pdf_made(mode, made), on_error=self._report_failed)

    def _pdf_made(self, mode: str, made: tuple[Any, bytes]) -> None:
        self._report(made)
        report, pdf = made
        try:
            if mode == "preview":
                try:
                    printer = print_path.printer_for("invoice")
                except print_path.PrinterError:
                    printer = None
                self.preview = print_path.preview_pdf(self, pdf, printer, title=self.tr("Shrinkage report"))
                self.pdf_done.emit(mode, self.preview)
            elif mode == "print":
                pages = print_path.print_pdf(pdf, print_path.printer_for("invoice"))
                self.pdf_done.emit(mode, pages)
            else:
                name = f"shrinkage-{report.date_from.isoformat()}-{report.date_to.isoformat()}.pdf"
                path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the shrinkage report as PDF"),
                                                            str(Path.home() / name), self.tr("PDF files (*.pdf)"))
                if not path:
                    return
                if not path.lower().endswith(".pdf"):
                    path += ".pdf"
                try:
                    Path(path).write_bytes(pdf)
                except OSError as error:
                    self._report_failed(OSError(self.tr("The report was not saved to {path}: {error}.").format(
                        path=path, error=error.strerror or error)))
                    return
                self.report_totals.setText(self.report_totals.text() + " " + self.tr("Saved to {path}.").format(
                    path=path))
                self.pdf_done.emit(mode, path)
        except print_path.PrinterError as error:
            self._report_failed(print_path.PrinterError(self.tr("The report was not printed: {error}").format(
                error=error)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.find_box and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.find()
            return True
        return super().eventFilter(watched, event)


__all__ = ["AdjustmentsView", "find_parts", "reason_text", "shrinkage_pdf"]
