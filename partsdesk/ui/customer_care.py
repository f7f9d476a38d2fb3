"""The care section of a customer: the calls the shop owes them, the calls made (with the survey's
scores), and the dialog that records a call.

Keys: Alt+R records a call. In the call dialog every field is reached with Tab; a score is
chosen by typing its digit (1-5) or with the arrow keys; Alt+O outcome, Alt+C comment, Alt+B
the call-back day; Enter saves, Esc cancels.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import Actor
from partsdesk.services.clock import shop_today
from partsdesk.ui.forms import FormDialog, error_label, set_note, show_window_modal
from partsdesk.ui.tasks import TaskRunner

_SCORE_TEXTS = (QT_TR_NOOP("1 – very unhappy"), QT_TR_NOOP("2 – unhappy"), QT_TR_NOOP("3 – neutral"),
                QT_TR_NOOP("4 – happy"), QT_TR_NOOP("5 – very happy"))


def _bold(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class CallDialog(FormDialog):
    """Record one call to a customer: the outcome, a 1-5 choice per survey question, a comment,
    and the call-back day when the customer asked to be called again. ``saved`` carries the
    service's ``CallResult``."""

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int, *, customer_name: str,
                 questions: list[str], tasks: list[Any] = (), task_id: int | None = None,
                 parent: QWidget | None = None) -> None:  # type: ignore[assignment]
        super().__init__(runner, actor, parent)
        from partsdesk.services.care import OUTCOMES

        self.customer_id = customer_id
        self.questions = list(questions)
        self.setWindowTitle(self.tr("Call to {0}").format(customer_name))
        self.setMinimumWidth(560)
        self.save_button.setText(self.tr("&Save (Enter)"))

        self.task = QComboBox()
        self.task.addItem(self.tr("(not about a task on the lists)"), None)
        for task in tasks:
            text = f"{task.kind_label}" + (f" · {task.document}" if task.document else "") + \
                self.tr(" · due {0}").format(task.due_on.isoformat())
            self.task.addItem(text, task.id)
        if task_id is not None and self.task.findData(task_id) >= 0:
            self.task.setCurrentIndex(self.task.findData(task_id))
        elif tasks:
            self.task.setCurrentIndex(1)
        self.outcome = QComboBox()
        for code, label in OUTCOMES.items():
            self.outcome.addItem(self.tr(label), code)
        self.scores: list[QComboBox] = []
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.call_back_on = QDateEdit()
        self.call_back_on.setCalendarPopup(True)
        self.call_back_on.setDisplayFormat("yyyy-MM-dd")
        tomorrow = shop_today() + timedelta(days=1)
        self.call_back_on.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))

        self.field("task", self.tr("About"), self.task)
        self.field("outcome", self.tr("&Outcome"), self.outcome)
        scores_box = QWidget()
        scores_grid = QGridLayout(scores_box)
        scores_grid.setContentsMargins(0, 0, 0, 0)
        scores_grid.setColumnStretch(0, 1)
        for number, question in enumerate(self.questions, start=1):
            choice = QComboBox()
            choice.addItem(self.tr("– not asked –"), None)
            for score, text in enumerate(_SCORE_TEXTS, start=1):
                choice.addItem(self.tr(text), score)
            choice.setAccessibleName(question)
            choice.setMinimumWidth(170)
            label = QLabel(f"&{number}. {question}" if number <= 9 else f"{number}. {question}")
            label.setWordWrap(True)
            label.setBuddy(choice)
            scores_grid.addWidget(label, number - 1, 0)
            scores_grid.addWidget(choice, number - 1, 1)
            self.scores.append(choice)
        self.errors.add("scores", scores_box, scores_label := error_label())
        self.form.addRow(_bold(self.tr("Survey (1 very unhappy … 5 very happy)")))
        self.form.addRow(scores_box)
        self.form.addRow(scores_label)
        self.field("comment", self.tr("&Comment"), self.comment)
        self.field("call_back_on", self.tr("Call &back on"), self.call_back_on)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._outcome_changed()
        self.outcome.setFocus()

    def _outcome_changed(self) -> None:
        reached = self.outcome.currentData() == "reached"
        for choice in self.scores:
            choice.setEnabled(reached)
        self.call_back_on.setEnabled(self.outcome.currentData() == "call_back")

    def set_score(self, question_index: int, score: int | None) -> None:
        choice = self.scores[question_index]
        choice.setCurrentIndex(max(0, choice.findData(score)))

    def answers(self) -> list[tuple[str, int]]:
        if self.outcome.currentData() != "reached":
            return []
        return [(question, choice.currentData()) for question, choice in zip(self.questions, self.scores, strict=True)
                if choice.currentData() is not None]

    def save(self) -> None:
        from partsdesk.services import care

        call_back = self.call_back_on.date()
        self.submit(care.record_call, self.actor, self.customer_id, outcome=self.outcome.currentData(),
                    scores=self.answers(), comment=self.comment.toPlainText(),
                    task_id=self.task.currentData(),
                    call_back_on=date(call_back.year(), call_back.month(), call_back.day())
                    if self.outcome.currentData() == "call_back" else None, name="record_call")


class CareSection(QWidget):
    """One customer's care: open calls to make, past calls with their scores, "Record a call"."""

    changed = Signal()  # a call was recorded (the timeline and the lists moved)
    loaded = Signal(int)  # the customer's care is shown (tests wait on it)
    dialog_opened = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.customer_name = ""
        self.care: Any = None
        self.dialog: CallDialog | None = None

        self.tasks = _table([self.tr("Due"), self.tr("Call"), self.tr("About"), self.tr("Note")])
        self.calls = _table([self.tr("When"), self.tr("Outcome"), self.tr("Scores"), self.tr("Complaint"),
                             self.tr("By"), self.tr("Comment")])
        self.record_button = QPushButton(self.tr("&Record a call…"))
        self.record_button.clicked.connect(self.record_call)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_bold(self.tr("Calls to make")))
        layout.addWidget(self.tasks, 1)
        layout.addWidget(_bold(self.tr("Calls made")))
        layout.addWidget(self.calls, 2)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.set_actor(actor)
        self.show_customer(None)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.record_button.setVisible(actor.can("care.call"))
        if self.customer_id is not None:
            self.show_customer(self.customer_id)

    def show_customer(self, customer_id: int | None, name: str = "") -> None:
        """Show ``customer_id``'s care (None: nobody chosen). ``name`` titles the call dialog."""
        self.customer_id = customer_id
        self.customer_name = name or (f"#{customer_id}" if customer_id is not None else "")
        self.care = None
        self.tasks.setRowCount(0)
        self.calls.setRowCount(0)
        self.record_button.setEnabled(False)
        if customer_id is None:
            set_note(self.message, "")
            return
        if not self.actor.can("customer.view_account"):
            set_note(self.message, self.tr("Calls are not shown to your role."))
            return
        from partsdesk.services.care import customer_care

        self.runner.submit(customer_care, self.actor, customer_id, as_of=shop_today(), owner=self,
                           name="customer_care", on_done=lambda care: self._show(customer_id, care),
                           on_error=lambda error: set_note(self.message, str(error), error=True))

    def _show(self, customer_id: int, care: Any) -> None:
        if customer_id != self.customer_id:
            return  # another customer was chosen meanwhile
        self.care = care
        self.tasks.setRowCount(len(care.tasks))
        for row, task in enumerate(care.tasks):
            late = self.tr(" (1 day late)") if task.days_late == 1 else self.tr(" ({0} days late)").format(
                task.days_late)
            due = task.due_on.isoformat() + (late if task.days_late else "")
            texts = (due, self.tr(task.kind_label), " · ".join(t for t in (task.document, task.plate) if t), task.note)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if task.days_late and column == 0:
                    item.setForeground(Qt.GlobalColor.red)
                self.tasks.setItem(row, column, item)
        self.calls.setRowCount(len(care.calls))
        from partsdesk.domain.complaints import complaint_number

        for row, call in enumerate(care.calls):
            scores = ", ".join(f"{self._short(question)} {score}" for question, score in call.scores)
            texts = (call.called_at.strftime("%Y-%m-%d %H:%M"), self.tr(call.outcome_label), scores,
                     complaint_number(call.complaint_id) if call.complaint_id else "", call.user, call.comment)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 2 and call.scores:
                    item.setToolTip("\n".join(f"{q}: {s}/5" for q, s in call.scores))
                    if any(score <= care.low_score for _, score in call.scores):
                        item.setForeground(Qt.GlobalColor.red)
                self.calls.setItem(row, column, item)
        if not care.tasks and not care.calls:
            set_note(self.message, self.tr("No calls yet."))
        self.record_button.setEnabled(self.actor.can("care.call"))
        self.loaded.emit(customer_id)

    def _short(self, question: str) -> str:
        """A question as a column shows it: its number in the survey ("Q3")."""
        questions = self.care.questions if self.care is not None else []
        return f"Q{questions.index(question) + 1}" if question in questions else question[:12]

    def record_call(self, task_id: int | None = None) -> CallDialog | None:
        if self.care is None or self.customer_id is None or not self.actor.can("care.call"):
            return None
        dialog = CallDialog(self.runner, self.actor, self.customer_id, customer_name=self.customer_name,
                            questions=self.care.questions, tasks=self.care.tasks,
                            task_id=task_id if isinstance(task_id, int) else None, parent=self)
        dialog.saved.connect(self._call_saved)
        show_window_modal(self, dialog)
        return dialog

    def _call_saved(self, result: Any) -> None:
        customer_id = self.customer_id
        self.show_customer(customer_id, self.customer_name)
        set_note(self.message, self.tr(result.message), error=result.complaint_id is not None)
        self.changed.emit()
