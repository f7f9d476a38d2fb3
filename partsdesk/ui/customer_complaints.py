"""A customer's complaints (a section of the customer view) and the one dialog that records a
complaint and handles it step by step; the complaints register uses the same dialog.

Overdue complaints stand out: their row is red and its status reads "OVERDUE · Open".
Times are stored in UTC and shown in the PC's local time.

Keys: Alt+N records a new complaint for the customer, Alt+H (or Enter on a row) handles the
selected one. In the dialog each step's button shows its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.complaints import (
    ANSWER,
    CHANNEL_LABELS,
    CLOSE,
    DOCUMENT_LABELS,
    REOPEN,
    RESOLVE,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    STATUS_LABELS,
)
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import CURRENCIES, format_money, parse_money
from partsdesk.domain.permissions import Actor
from partsdesk.ui.forms import ERROR_COLOR, FORM_STYLE, FieldErrors, error_label, set_note, show_window_modal
from partsdesk.ui.tasks import TaskRunner

SELECTED_OVERDUE = "#f7d4d4"
SATISFACTION_LABELS = {1: QT_TR_NOOP("1 — very unhappy"), 2: QT_TR_NOOP("2 — unhappy"), 3: QT_TR_NOOP("3 — so-so"),
                       4: QT_TR_NOOP("4 — happy"), 5: QT_TR_NOOP("5 — very happy")}


def local_time(value: datetime | None) -> str:
    """A stored (naive UTC) time as the PC's local time, to the minute."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def utc_from_local(text: str) -> datetime | str | None:
    """What a person typed as local time, as naive UTC for the service; text it cannot read is
    passed on as it is, so the service names the problem next to the field."""
    text = text.strip()
    if not text:
        return None
    try:
        typed = datetime.fromisoformat(text)
    except ValueError:
        return text
    if typed.tzinfo is not None:
        return text
    return typed.astimezone().astimezone(UTC).replace(tzinfo=None)


def status_text(row: Any) -> str:
    label = i18n._(STATUS_LABELS.get(row.status, row.status))
    return i18n._("OVERDUE · {label}").format(label=label) if row.overdue else label


# (key, heading) of the complaint tables; the register adds the customer and the channel.
SECTION_COLUMNS = (("number", QT_TR_NOOP("Complaint")), ("received", QT_TR_NOOP("Received")),
                   ("category", QT_TR_NOOP("Category")), ("status", QT_TR_NOOP("Status")),
                   ("respond_by", QT_TR_NOOP("Respond by")), ("resolve_by", QT_TR_NOOP("Resolve by")),
                   ("document", QT_TR_NOOP("Document")))


def _cell(row: Any, key: str) -> str:
    if key == "received":
        return local_time(row.received_at)
    if key == "respond_by":
        return local_time(row.respond_by)
    if key == "resolve_by":
        return local_time(row.resolve_by)
    if key == "status":
        return status_text(row)
    if key == "customer":
        return row.customer_name
    if key == "channel":
        return i18n._(CHANNEL_LABELS.get(row.channel, row.channel))
    if key == "document":
        return row.document
    return str(getattr(row, key))


class _KeepsRedWhenSelected(QStyledItemDelegate):
    """A selected overdue row stays red (on a light red band) instead of the usual white on blue."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if brush is not None and option.state & QStyle.StateFlag.State_Selected:
            option.palette.setBrush(QPalette.ColorRole.HighlightedText, brush)
            option.palette.setColor(QPalette.ColorRole.Highlight, QColor(SELECTED_OVERDUE))


def complaints_table(columns: Sequence[tuple[str, str]], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setItemDelegate(_KeepsRedWhenSelected(table))
    table.setHorizontalHeaderLabels([parent.tr(heading) for _key, heading in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_complaints_table(table: QTableWidget, columns: Sequence[tuple[str, str]], rows: Sequence[Any]) -> None:
    """Show ``rows`` (``ComplaintRow``); an overdue row in red, bold, its status marked OVERDUE.
    Each row's first cell keeps the complaint id (Qt.UserRole)."""
    table.setRowCount(0)
    red = QBrush(QColor(ERROR_COLOR))
    for row in rows:
        index = table.rowCount()
        table.insertRow(index)
        for column, (key, _heading) in enumerate(columns):
            item = QTableWidgetItem(_cell(row, key))
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, row.id)
            if row.overdue:
                item.setForeground(red)
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
                item.setToolTip(table.tr("Overdue: past its deadline to respond or to resolve"))
            table.setItem(index, column, item)


def selected_complaint(table: QTableWidget) -> int | None:
    row = table.currentRow()
    if row < 0 or not table.selectionModel().hasSelection():
        return None
    item = table.item(row, 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def _load_for_dialog(actor: Actor, complaint_id: int | None, customer_id: int | None) -> tuple[Any, Any, str]:
    """Worker side of the dialog: the form's choices and either the complaint to handle or the
    name of the customer who complains."""
    from partsdesk.services import complaints, customers

    if complaint_id is not None:
        return complaints.form_choices(), complaints.get_complaint(actor, complaint_id), ""
    name = str(customers.get_customer(actor, customer_id).values["name"]) if customer_id is not None else ""
    return complaints.form_choices(), None, name


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ComplaintDialog(QDialog):
    """Record a complaint for ``customer_id`` (``complaint_id`` None), or handle one: it shows
    the complaint and offers the steps that may follow its status. Stays open after a step so
    the next one can follow; ``saved(id)`` after each committed change."""

    loaded = Signal()  # the form or the complaint is shown
    saved = Signal(int)

    def __init__(self, runner: TaskRunner, actor: Actor, *, customer_id: int | None = None,
                 customer_name: str = "", complaint_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id = customer_id
        self.complaint_id = complaint_id
        self.detail: Any = None
        self.exponent = 2
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumWidth(560)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        layout = QVBoxLayout(self)
        self.heading = _bold(QLabel())
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
        layout.addWidget(self.general)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.done_button = QPushButton(self.tr("Cancel (Esc)") if complaint_id is None else self.tr("Done (Esc)"))
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.reject)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        if complaint_id is None:
            self.setWindowTitle(self.tr("New complaint"))
            self.heading.setText(self.tr("New complaint from {name}").format(name=customer_name)
                                 if customer_name else self.tr("New complaint"))
        else:
            self.setWindowTitle(self.tr("Complaint"))
            self.heading.setText(self.tr("Loading…"))
        self._build_new() if complaint_id is None else self._build_handling()
        self.runner.submit(_load_for_dialog, actor, complaint_id, customer_id, owner=self, name="load_complaint",
                           on_done=self._loaded, on_error=self._failed)

    # --- recording ---------------------------------------------------------------------------

    def _build_new(self) -> None:
        self.category = QComboBox()
        self.channel = QComboBox()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(self.tr("What the customer says is wrong, in their words"))
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.document_type = QComboBox()
        self.document_no = QLineEdit()
        self.document_no.setMaxLength(40)
        self.document_no.setPlaceholderText(self.tr("e.g. S-000123"))
        self.received_at = QLineEdit()
        self.received_at.setPlaceholderText(self.tr("now, or e.g. 2026-11-22 09:30"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        document_row = QHBoxLayout()
        document_row.addWidget(self.document_type)
        document_row.addWidget(self.document_no, 1)
        document_box = QWidget()
        document_box.setLayout(document_row)
        document_row.setContentsMargins(0, 0, 0, 0)
        for name, label, widget in (("category", self.tr("Ca&tegory"), self.category),
                                    ("channel", self.tr("C&hannel"), self.channel),
                                    ("description", self.tr("&Description"), self.description),
                                    ("document_no", self.tr("D&ocument"), document_box),
                                    ("received_at", self.tr("Recei&ved at"), self.received_at)):
            form.addRow(label, widget)
            form.addRow("", self.errors.add(name, widget))
        self.errors.add("document_type", self.document_type, self.errors.fields["document_no"][1])
        self.errors.add("part_id", self.document_no, self.errors.fields["document_no"][1])
        document_label = form.labelForField(document_box)
        if isinstance(document_label, QLabel):
            document_label.setBuddy(self.document_type)  # Alt+O goes to the document's type
        self.deadlines = QLabel()
        self.deadlines.setWordWrap(True)
        self.body.addLayout(form)
        self.body.addWidget(self.deadlines)
        self.record_button = QPushButton(self.tr("&Record complaint"))
        self.record_button.setDefault(True)
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.record)
        self.body.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignRight)

    def raw_values(self) -> dict[str, object]:
        return {"category": self.category.currentData(), "channel": self.channel.currentData(),
                "description": self.description.toPlainText(), "document_type": self.document_type.currentData(),
                "document_no": self.document_no.text(), "received_at": utc_from_local(self.received_at.text())}

    def record(self) -> None:
        from partsdesk.services import complaints

        self._submit(complaints.open_complaint, self.actor, self.customer_id, name="open_complaint",
                     on_done=self._recorded, **self.raw_values())

    def _recorded(self, complaint_id: int) -> None:
        self.complaint_id = complaint_id
        self.saved.emit(complaint_id)
        self.accept()

    # --- handling ----------------------------------------------------------------------------

    def _build_handling(self) -> None:
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.addWidget(self.summary)

        self.answer_box = QGroupBox(self.tr("Answer the customer"))
        self.answer_text = self._text_box(self.tr("What the shop told the customer"))
        self.answer_button = QPushButton(self.tr("&Answer"))
        self.answer_button.clicked.connect(self.answer)
        self._step_box(self.answer_box, [("answer", self.answer_text)], self.answer_button)

        self.resolve_box = QGroupBox(self.tr("Resolve"))
        self.resolution_text = self._text_box(self.tr("What was done: repaired, replaced, refunded…"))
        self.compensation = QLineEdit()
        self.compensation.setPlaceholderText(self.tr("0"))
        self.resolve_button = QPushButton(self.tr("&Resolve"))
        self.resolve_button.clicked.connect(self.resolve)
        self._step_box(self.resolve_box, [("resolution", self.resolution_text),
                                          ("compensation", self.compensation)], self.resolve_button,
                       labels={"compensation": self.tr("Compensation")})

        self.close_box = QGroupBox(self.tr("Close with the customer's satisfaction with the resolution"))
        self.satisfaction = QComboBox()
        self.satisfaction.addItem(self.tr("(ask the customer)"), None)
        for score in range(SATISFACTION_MAX, SATISFACTION_MIN - 1, -1):
            self.satisfaction.addItem(self.tr(SATISFACTION_LABELS[score]), score)
        self.close_button = QPushButton(self.tr("Clo&se complaint"))
        self.close_button.clicked.connect(self.close_complaint)
        self._step_box(self.close_box, [("satisfaction", self.satisfaction)], self.close_button)

        self.reopen_box = QGroupBox(self.tr("Reopen: the customer came back unhappy"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("why (required, goes into the audit log)"))
        self.reopen_button = QPushButton(self.tr("Re&open"))
        self.reopen_button.clicked.connect(self.reopen)
        self._step_box(self.reopen_box, [("reason", self.reason)], self.reopen_button)
        self.step_boxes = {ANSWER: self.answer_box, RESOLVE: self.resolve_box, CLOSE: self.close_box,
                           REOPEN: self.reopen_box}
        for box in self.step_boxes.values():
            box.setVisible(False)
        self.body.addStretch(1)

    def _text_box(self, placeholder: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setPlaceholderText(placeholder)
        box.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        return box

    def _step_box(self, box: QGroupBox, fields: list[tuple[str, QWidget]], button: QPushButton, *,
                  labels: dict[str, str] | None = None) -> None:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, widget in fields:
            label = (labels or {}).get(name)
            if label:
                form.addRow(label, widget)
            else:
                form.addRow(widget)
            form.addRow(self.errors.add(name, widget))
        form.addRow(button)
        self.body.addWidget(box)

    def _show_detail(self, detail: Any) -> None:
        self.detail = detail
        row = detail.row
        overdue = self.tr("  OVERDUE") if row.overdue else ""
        set_note(self.heading, self.tr("{number} · {customer} · {status}{overdue}").format(
            number=row.number, customer=row.customer_name, status=self.tr(STATUS_LABELS.get(row.status, row.status)),
            overdue=overdue), error=row.overdue)
        self.setWindowTitle(self.tr("Complaint {number}").format(number=row.number))
        lines = [self.tr("Received {when} · {category} · {channel}").format(
                     when=local_time(row.received_at), category=row.category,
                     channel=self.tr(CHANNEL_LABELS.get(row.channel, row.channel))),
                 self.tr("Respond by {respond} · resolve by {resolve}").format(
                     respond=local_time(row.respond_by), resolve=local_time(row.resolve_by))]
        if row.document:
            lines.append(self.tr("About: {document}").format(document=row.document))
        lines += ["", row.description]
        if detail.answered_at or detail.answer:
            lines += ["", self.tr("Answer ({when}): {text}").format(when=local_time(detail.answered_at) or "—",
                                                                     text=detail.answer)]
        if detail.resolved_at or detail.resolution:
            lines += ["", self.tr("Resolution ({when}): {text}").format(
                when=local_time(detail.resolved_at) or "—", text=detail.resolution)]
            if detail.compensation:
                lines.append(self.tr("Compensation: {amount}").format(
                    amount=format_money(detail.compensation, exponent=self.exponent)))
        if detail.satisfaction is not None:
            lines.append(self.tr("Customer's satisfaction: {score} of {most}").format(
                score=detail.satisfaction, most=SATISFACTION_MAX))
        if detail.recorded_by:
            lines += ["", self.tr("Recorded by {user}").format(user=detail.recorded_by)]
        self.summary.setText("\n".join(lines))
        may_edit = self.actor.can("complaint.edit")
        for step, box in self.step_boxes.items():
            box.setVisible(may_edit and step in detail.next_steps)
        for text in (self.answer_text, self.resolution_text):
            text.clear()
        self.compensation.clear()
        self.reason.clear()
        self.satisfaction.setCurrentIndex(0)
        self.adjustSize()

    def answer(self) -> None:
        from partsdesk.services import complaints

        self._submit(complaints.answer, self.actor, self.complaint_id, name="answer_complaint",
                     answer=self.answer_text.toPlainText())

    def resolve(self) -> None:
        from partsdesk.services import complaints

        text = self.compensation.text().strip()
        try:
            amount = parse_money(text, exponent=self.exponent, field="compensation",
                                 label=self.tr("Compensation")) if text else 0
        except ValidationError as error:
            self.errors.show(error.problems)
            return
        self._submit(complaints.resolve, self.actor, self.complaint_id, name="resolve_complaint",
                     resolution=self.resolution_text.toPlainText(), compensation=amount)

    def close_complaint(self) -> None:
        from partsdesk.services import complaints

        score = self.satisfaction.currentData()
        if score is None:
            self.errors.show({"satisfaction": self.tr("Ask the customer how satisfied they are with the "
                                                      "resolution, from 1 to 5.")})
            return
        self._submit(complaints.close, self.actor, self.complaint_id, name="close_complaint", satisfaction=score)

    def reopen(self) -> None:
        from partsdesk.services import complaints

        self._submit(complaints.reopen, self.actor, self.complaint_id, name="reopen_complaint",
                     reason=self.reason.text())

    def _stepped(self, _result: object) -> None:
        self.saved.emit(self.complaint_id)
        self.runner.submit(_load_for_dialog, self.actor, self.complaint_id, None, owner=self,
                           name="load_complaint", on_done=self._loaded, on_error=self._failed)

    # --- both --------------------------------------------------------------------------------

    def _submit(self, fn: Any, *args: Any, name: str, on_done: Any = None, **kwargs: Any) -> None:
        self.errors.clear()
        self.setEnabled(False)
        self.runner.submit(fn, *args, owner=self, name=name, on_done=on_done or self._stepped,
                           on_error=self.errors.show_refused, on_finally=lambda: self.setEnabled(True),
                           **kwargs)

    def _loaded(self, loaded: tuple[Any, Any, str]) -> None:
        choices, detail, name = loaded
        self.exponent = CURRENCIES.get(choices.currency, (2, ""))[0]
        if detail is None:
            if name:
                self.heading.setText(self.tr("New complaint from {name}").format(name=name))
            self._fill_choices(choices)
        else:
            self._show_detail(detail)
        self.loaded.emit()

    def _fill_choices(self, choices: Any) -> None:
        self.category.clear()
        self.category.addItem(self.tr("(choose)"), None)
        for category in choices.categories:
            self.category.addItem(self.tr(category), category)
        self.channel.clear()
        for channel in choices.channels:
            self.channel.addItem(self.tr(CHANNEL_LABELS[channel]), channel)
        self.document_type.clear()
        for document_type in choices.document_types:
            self.document_type.addItem(self.tr(DOCUMENT_LABELS[document_type]), document_type)
        self.deadlines.setText(self.tr("To be answered within {hours} hours and resolved within {days} days of "
                                       "being received.").format(hours=choices.respond_hours,
                                                                 days=choices.resolve_days))
        self.record_button.setEnabled(self.actor.can("complaint.edit"))
        self.category.setFocus()

    def _failed(self, error: UserError) -> None:
        set_note(self.heading, str(error), error=True)
        self.loaded.emit()


class ComplaintsSection(QWidget):
    """The complaints of the customer shown in the customer view, newest first."""

    changed = Signal()  # a complaint was recorded or handled here
    shown = Signal(int)  # the complaints of this customer are now listed
    dialog_opened = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.customer_name = ""
        self.rows: list[Any] = []
        self.dialog: ComplaintDialog | None = None
        self.title = _bold(QLabel(self.tr("Complaints")))
        self.table = complaints_table(SECTION_COLUMNS, self)
        self.table.itemActivated.connect(lambda _item: self.handle())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.new_button = QPushButton(self.tr("New co&mplaint…"))
        self.new_button.clicked.connect(self.new_complaint)
        self.handle_button = QPushButton(self.tr("&Handle…"))
        self.handle_button.setToolTip(self.tr("Answer, resolve, close or reopen the selected complaint (Enter)"))
        self.handle_button.clicked.connect(self.handle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.new_button)
        heading.addWidget(self.handle_button)
        layout.addLayout(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.set_actor(actor)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        may_edit = actor.can("complaint.edit")
        self.new_button.setVisible(may_edit)
        self.handle_button.setVisible(may_edit)
        self.show_customer(self.customer_id)

    def show_customer(self, customer_id: int | None, customer_name: str = "") -> None:
        """List ``customer_id``'s complaints (None: nobody chosen). Loads on the worker."""
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.rows = []
        self.table.setRowCount(0)
        self._update_buttons()
        if customer_id is None:
            self._set_note("")
            return
        if not self.actor.can("customer.view_account"):
            self._set_note(self.tr("Complaints are not shown to your role."))
            return
        from partsdesk.services import complaints

        self.runner.submit(complaints.list_complaints, self.actor, owner=self, name="list_complaints",
                           customer_id=customer_id, on_done=lambda rows: self._listed(customer_id, rows),
                           on_error=lambda error: self._set_note(str(error), error=True))

    def _listed(self, customer_id: int, rows: list[Any]) -> None:
        if customer_id != self.customer_id:
            return  # another customer was chosen meanwhile
        self.rows = rows
        fill_complaints_table(self.table, SECTION_COLUMNS, rows)
        overdue = sum(1 for row in rows if row.overdue)
        if not rows:
            self._set_note(self.tr("No complaints."))
        elif overdue:
            self._set_note(self.tr("{count} overdue: answer or resolve them first.").format(count=overdue),
                           error=True)
        else:
            self._set_note("")
        if rows:
            self.table.selectRow(0)
        self._update_buttons()
        self.shown.emit(customer_id)

    def _set_note(self, text: str, *, error: bool = False) -> None:
        set_note(self.note, text, error=error)
        self.note.setVisible(bool(text))

    def _update_buttons(self) -> None:
        may = self.actor.can("complaint.edit") and self.actor.can("customer.view_account")
        self.new_button.setEnabled(may and self.customer_id is not None)
        self.handle_button.setEnabled(may and selected_complaint(self.table) is not None)

    def new_complaint(self) -> None:
        if self.customer_id is None or not self.new_button.isEnabled():
            return
        self._open(ComplaintDialog(self.runner, self.actor, customer_id=self.customer_id,
                                   customer_name=self.customer_name, parent=self))

    def handle(self) -> None:
        complaint_id = selected_complaint(self.table)
        if complaint_id is None or not self.actor.can("customer.view_account"):
            return
        self._open(ComplaintDialog(self.runner, self.actor, complaint_id=complaint_id, parent=self))

    def _open(self, dialog: ComplaintDialog) -> None:
        dialog.saved.connect(self._saved)
        show_window_modal(self, dialog)

    def _saved(self, _complaint_id: int) -> None:
        self.show_customer(self.customer_id, self.customer_name)
        self.changed.emit()
