"""The Membership section of a customer: tier and card, points (and those about to expire),
the prepaid balance, the latest rows of both ledgers, and the member's actions.

Keys (shown on the buttons): Alt+R enrols the customer, Alt+T takes a prepaid top-up, Alt+P
adjusts points (a manager approves on this screen when the user may not), Alt+C saves the
member card as a PDF. Every service call runs on the window's worker; a refused input is shown
in red in its dialog and nothing changes. A role without customer.view_account sees a line
saying so instead of the balances.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.money import CURRENCIES, format_money
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.printing.member_card import write_member_card
from partsdesk.services import membership
from partsdesk.ui.forms import FormDialog
from partsdesk.ui.tasks import TaskRunner


def _write_card(actor: Actor, customer_id: int, path: str) -> str:
    """Worker side of "Print card": the card's data, then the PDF."""
    write_member_card(membership.member_card(actor, customer_id), path)
    return path


class _LedgerDialog(FormDialog):
    """A top-up or a points adjustment of one customer, confirmed with OK."""

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int, parent: QWidget | None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = customer_id
        self.setMinimumWidth(380)
        self.save_button.setText(self.tr("OK (Enter)"))


class TopUpDialog(_LedgerDialog):
    """A prepaid top-up: the amount and how it was paid."""

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int, *, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, customer_id, parent)
        self.setWindowTitle(self.tr("Prepaid top-up — {name}").format(name=name))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("e.g. 500.00"))
        self.method = QComboBox()
        for code, label in membership.TOP_UP_METHODS.items():
            self.method.addItem(self.tr(label), code)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(self.tr("receipt or transaction number (optional)"))
        self.field("amount", self.tr("Amount"), self.amount)
        self.field("method", self.tr("Paid by"), self.method)
        self.field("reference", self.tr("Reference"), self.reference)
        self.amount.setFocus()

    def save(self) -> None:
        self.submit(membership.top_up, self.actor, self.customer_id, self.amount.text(),
                    method=self.method.currentData(), reference=self.reference.text(), name="top_up")


class AdjustPointsDialog(_LedgerDialog):
    """Points added (+) or taken off (-) by hand, with the reason. A user who may not adjust is
    offered a manager's approval on this screen."""

    permission = "membership.adjust"

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int, *, name: str, balance: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, customer_id, parent)
        self.approval: Approval | None = None
        self.name = name
        self.setWindowTitle(self.tr("Adjust points — {name}").format(name=name))
        self.balance = QLabel(self.tr("{points} points now").format(points=f"{balance:,}"))
        self.points = QLineEdit()
        self.points.setPlaceholderText(self.tr("+200 to add, -50 to take off"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(membership.REASON_MAX)
        self.reason.setPlaceholderText(self.tr("why (required; goes into the audit log)"))
        self.form.addRow(self.tr("Balance"), self.balance)
        self.field("points", self.tr("Points"), self.points)
        self.field("reason", self.tr("Reason"), self.reason)
        self.points.setFocus()

    def action_text(self) -> str:
        return self.tr("adjust the points of {name} by {points}").format(name=self.name,
                                                                        points=self.points.text().strip())

    def save(self, approval: Approval | None = None) -> None:
        if isinstance(approval, Approval):
            self.approval = approval  # kept: a corrected retry needs no second approval
        self.submit(membership.adjust_points, self.actor, self.customer_id, self.points.text(),
                    reason=self.reason.text(), approval=self.approval, name="adjust_points")


class MembershipSection(QWidget):
    """One customer's membership, loaded through the runner (``show_customer``)."""

    changed = Signal()  # a ledger or the enrolment changed: other sections may refresh
    shown = Signal(int)  # the customer whose membership is now shown (0: none)
    dialog_opened = Signal(object)  # a top-up or adjustment dialog, once open (tests drive it)
    card_written = Signal(str)  # the member card PDF, once saved

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.summary: membership.MembershipSummary | None = None
        self.dialog: QDialog | None = None

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.status.font()
        font.setBold(True)
        self.status.setFont(font)
        self.next_tier = QLabel()
        self.next_tier.setTextFormat(Qt.TextFormat.PlainText)
        self.points_label = QLabel()
        self.points_label.setTextFormat(Qt.TextFormat.PlainText)
        self.points_label.setWordWrap(True)
        self.prepaid_label = QLabel()
        self.prepaid_label.setTextFormat(Qt.TextFormat.PlainText)

        self.enrol_button = QPushButton(self.tr("En&rol"))
        self.enrol_button.clicked.connect(self.enrol)
        self.top_up_button = QPushButton(self.tr("&Top up…"))
        self.top_up_button.clicked.connect(self.open_top_up)
        self.adjust_button = QPushButton(self.tr("Adjust &points…"))
        self.adjust_button.clicked.connect(self.open_adjust_points)
        self.print_button = QPushButton(self.tr("Print &card…"))
        self.print_button.clicked.connect(self.print_card)
        buttons = QHBoxLayout()
        for button in (self.enrol_button, self.top_up_button, self.adjust_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.points_table = self._table([self.tr("Date"), self.tr("What"), self.tr("Points"), self.tr("Expires"),
                                         self.tr("Document or reason"), self.tr("By")])
        self.prepaid_table = self._table([self.tr("Date"), self.tr("What"), self.tr("Amount"), self.tr("Paid by"),
                                          self.tr("Document or reason"), self.tr("By")])
        tables = QHBoxLayout()
        for title, table in ((self.tr("Points"), self.points_table), (self.tr("Prepaid"), self.prepaid_table)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(table)
            tables.addLayout(column)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        for label in (self.status, self.next_tier, self.points_label, self.prepaid_label):
            content.addWidget(label)
        content.addLayout(buttons)
        content.addLayout(tables, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.content, 1)
        self._clear(self.tr("Choose a customer to see their membership."))

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        return table

    # --- loading ---------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user took the screen: show what their role may see."""
        self.actor = actor
        self.show_customer(self.customer_id)

    def show_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        if customer_id is None:
            self._clear(self.tr("Choose a customer to see their membership."))
            self.shown.emit(0)
            return
        if not self.actor.can("customer.view_account"):
            self._clear(self.tr("Membership, points and prepaid balance are not shown to your role."))
            self.shown.emit(customer_id)
            return
        self.reload()

    def reload(self) -> None:
        if self.customer_id is None or not self.actor.can("customer.view_account"):
            return
        asked = self.customer_id
        self.runner.submit(membership.membership_summary, self.actor, asked, owner=self, name="membership_summary",
                           on_done=lambda summary: self._show(asked, summary),
                           on_error=lambda error: self._failed(asked, error))

    def _clear(self, message: str) -> None:
        self.summary = None
        self.message.setText(message)
        self.message.setVisible(True)
        self.content.setVisible(False)

    def _failed(self, asked: int, error: UserError) -> None:
        if asked == self.customer_id:
            self._clear(str(error))
            self.shown.emit(asked)

    def _money(self, minor: int) -> str:
        currency = self.summary.currency if self.summary else "CNY"
        return format_money(minor, exponent=CURRENCIES.get(currency, (2, ""))[0])

    def _show(self, asked: int, summary: membership.MembershipSummary) -> None:
        if asked != self.customer_id:  # the user moved on to another customer meanwhile
            return
        self.summary = summary
        self.message.setVisible(False)
        self.content.setVisible(True)
        if summary.member:
            tier = summary.tier or self.tr("Member")
            self.status.setText(self.tr("{tier} · card {card} · member since {since}").format(
                tier=tier, card=summary.card, since=summary.member_since.isoformat()))
        else:
            self.status.setText(self.tr("Not a member"))
        self.next_tier.setText(summary.next_tier_missing if summary.member else "")
        self.next_tier.setVisible(bool(summary.member and summary.next_tier_missing))
        points = self.tr("Points: {points} (worth {value})").format(
            points=f"{summary.points_balance:,}", value=self._money(summary.points_balance * summary.point_value))
        if summary.expiring:
            first_day, first_points = summary.expiring[0]
            points += self.tr(" — {points} expire on {day}").format(points=f"{first_points:,}",
                                                                   day=first_day.isoformat())
            if len(summary.expiring) > 1:
                points += self.tr(" ({total} within 90 days)").format(total=f"{summary.expiring_points:,}")
        self.points_label.setText(points)
        self.prepaid_label.setText(self.tr("Prepaid balance: {amount}").format(
            amount=self._money(summary.prepaid_balance)))
        self._fill(self.points_table, [
            (line.at.strftime("%Y-%m-%d %H:%M"), self.tr(line.kind_label), f"{line.amount:+,}",
             line.expires_on.isoformat() if line.expires_on else "", line.reason or line.document, line.user)
            for line in summary.points_entries])
        self._fill(self.prepaid_table, [
            (line.at.strftime("%Y-%m-%d %H:%M"), self.tr(line.kind_label),
             ("+" if line.amount > 0 else "") + self._money(line.amount), self.tr(line.method) if line.method else "",
             line.reason or line.document, line.user)
            for line in summary.prepaid_entries])
        self.enrol_button.setVisible(not summary.member and self.actor.can("customer.edit"))
        self.top_up_button.setVisible(summary.member and self.actor.can("membership.prepaid"))
        self.adjust_button.setVisible(summary.member)
        self.print_button.setVisible(summary.member)
        self.shown.emit(summary.customer_id)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    # --- actions ---------------------------------------------------------------------------

    def _after_change(self, _result: Any = None) -> None:
        self.reload()
        self.changed.emit()

    def enrol(self) -> None:
        if self.customer_id is None or self.summary is None or self.summary.member:
            return
        self.enrol_button.setEnabled(False)
        self.runner.submit(membership.enroll, self.actor, self.customer_id, owner=self, name="enroll",
                           on_done=self._after_change, on_finally=lambda: self.enrol_button.setEnabled(True))

    def _open(self, dialog: _LedgerDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._after_change)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def open_top_up(self) -> None:
        if self.summary is None or not self.summary.member:
            return
        self._open(TopUpDialog(self.runner, self.actor, self.summary.customer_id, name=self.summary.name,
                               parent=self))

    def open_adjust_points(self) -> None:
        if self.summary is None or not self.summary.member:
            return
        self._open(AdjustPointsDialog(self.runner, self.actor, self.summary.customer_id, name=self.summary.name,
                                      balance=self.summary.points_balance, parent=self))

    def print_card(self) -> None:
        if self.summary is None or not self.summary.member:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the member card"),
                                              f"member-card-{self.summary.card}.pdf", self.tr("PDF files (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.runner.submit(_write_card, self.actor, self.summary.customer_id, path, owner=self,
                           name="write_member_card", on_done=self.card_written.emit)
