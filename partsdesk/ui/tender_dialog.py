"""Tender: how the customer pays for the cart, and the sale committed.

Cash (what was handed over), card (amount and the reference on the terminal's slip), and for a
chosen customer on account, prepaid balance and member points; any mix. "Left to pay" and
"Change" follow every keystroke (``domain.tender.settle``). Enter commits through
``services.sales.commit_sale`` on the worker: a refusal that needs a manager asks one on this
screen and tries again with the approval; a cart or tender the service refuses shows its
problems and the dialog stays open; a committed sale closes the dialog, then ``sold`` carries
the ``SaleResult``. Nothing is shown as done before the service returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain import tender
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.money import format_money, parse_money
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.services import sales
from partsdesk.services.sales import LineRequest, SaleResult
from partsdesk.ui.forms import ERROR_COLOR, FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner

# The inputs, in the order their payments are handed to the service (non-cash first, as settled).
_FIELDS = ("card", "on_account", "prepaid", "points", "cash")


@dataclass(frozen=True)
class TenderCustomer:
    """The chosen customer as the till needs them (balances read when they were chosen)."""

    id: int
    name: str
    kind: str
    member: bool
    prepaid_balance: int
    points_balance: int


class TenderDialog(QDialog):
    """Pay ``total`` for ``lines`` (the cart as priced); ``customer`` None is a walk-in, who may
    pay only cash and card. ``exponent``: the currency's decimals; ``point_value``: minor units
    per point."""

    sold = Signal(object)  # the SaleResult, after the dialog closed

    def __init__(self, runner: TaskRunner, actor: Actor, *, lines: Sequence[LineRequest], total: int,
                 customer: TenderCustomer | None, exponent: int = 2, point_value: int = 1,
                 origin: Mapping[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.lines = tuple(lines)
        self.total = total
        self.customer = customer
        self.origin = dict(origin or {})  # what the cart came from, for commit_sale: {"quote_number": …}
        self.exponent = exponent
        self.point_value = point_value
        self.approvals: dict[str, Approval] = {}
        self.result_sale: SaleResult | None = None
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Tender"))

        heading = QLabel(self.tr("Total {total}").format(total=self._money(total)))
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        heading.setFont(font)
        who = QLabel(customer.name if customer else self.tr("Walk-in customer: cash or card"))
        who.setWordWrap(True)

        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.inputs: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def money_input(name: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder or "0.00")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self._update)
            self.inputs[name] = edit
            form.addRow(label, edit)
            form.addRow("", self.errors.add(f"field.{name}", edit))
            return edit

        self.cash = money_input("cash", self.tr("&Cash tendered"))
        self.card = money_input("card", self.tr("C&ard amount"))
        self.card_reference = QLineEdit()
        self.card_reference.setMaxLength(tender.REFERENCE_MAX)
        self.card_reference.setPlaceholderText(self.tr("reference on the card slip"))
        self.card_reference.textChanged.connect(self._update)
        form.addRow(self.tr("Card &reference"), self.card_reference)
        form.addRow("", self.errors.add("reference", self.card_reference))
        self.on_account: QLineEdit | None = None
        self.prepaid: QLineEdit | None = None
        self.points: QLineEdit | None = None
        if customer is not None:
            self.on_account = money_input("on_account", self.tr("On acc&ount"))
            self.prepaid = money_input("prepaid", self.tr("&Prepaid (balance {balance})").format(
                balance=self._money(customer.prepaid_balance)))
            if customer.member:
                self.points = money_input("points", self.tr("Poi&nts (has {points:,}, 1 = {value})").format(
                    points=customer.points_balance, value=self._money(point_value)), placeholder="0")
                self.points.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.left_label = QLabel()
        self.change_label = QLabel()
        for label in (self.left_label, self.change_label):
            big = label.font()
            big.setBold(True)
            big.setPointSizeF(big.pointSizeF() * 1.3)
            label.setFont(big)
            # Wide enough for any amount: the figures do not jump or clip while the cashier types.
            label.setMinimumWidth(QFontMetrics(big).horizontalAdvance(self.tr("Left to pay {amount}").format(
                amount=self._money(10**9))))
        figures = QHBoxLayout()
        figures.addWidget(self.left_label)
        figures.addStretch(1)
        figures.addWidget(self.change_label)
        self.change_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.buttons = QDialogButtonBox()
        self.pay_button = self.buttons.addButton(self.tr("Pay (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.pay_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.pay)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(who)
        layout.addLayout(form)
        layout.addLayout(figures)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.resize(480, 0)
        self.cash.setFocus()
        self._update()

    # --- reading the inputs --------------------------------------------------------------------

    def _money(self, minor: int) -> str:
        return format_money(minor, exponent=self.exponent)

    def _read(self) -> tuple[list[tuple[str, tender.Payment]], dict[str, str]]:
        """The payments typed (with the input each came from) and what cannot be read."""
        payments: list[tuple[str, tender.Payment]] = []
        problems: dict[str, str] = {}
        for name in _FIELDS:
            edit = self.inputs.get(name)
            text = edit.text().strip() if edit is not None else ""
            if not text:
                continue
            try:
                if name == "points":
                    if not text.replace(",", "").isdigit():
                        raise ValidationError({"points": self.tr("Points: a whole number of points.")})
                    payment = tender.Payment(tender.POINTS, points=int(text.replace(",", "")))
                else:
                    amount = parse_money(text, exponent=self.exponent, field=name,
                                         label=self.tr(tender.METHOD_LABELS[name]))
                    if amount == 0:
                        continue
                    reference = self.card_reference.text() if name == "card" else ""
                    payment = tender.Payment(name, amount, reference=reference)
            except ValidationError as error:
                for key, message in error.problems.items():
                    problems["reference" if key == "reference" else f"field.{name}"] = message
                continue
            payments.append((name, payment))
        return payments, problems

    def payments(self) -> list[tender.Payment]:
        """The payments as typed (inputs that cannot be read are left out)."""
        return [payment for _name, payment in self._read()[0]]

    def settlement(self) -> tender.Settlement:
        customer = self.customer
        return tender.settle(self.total, self.payments(), point_value=self.point_value,
                             prepaid_balance=customer.prepaid_balance if customer else None,
                             points_balance=customer.points_balance if customer else None,
                             exponent=self.exponent)

    def _problems(self, payments: list[tuple[str, tender.Payment]], problems: dict[str, str]) -> dict[str, str]:
        """Settlement and service problems by the input they belong to."""
        shown: dict[str, str] = {}
        for key, message in problems.items():
            name = key
            if key.startswith("payments."):
                index = key.partition(".")[2]
                if index.isdigit() and int(index) < len(payments):
                    name = f"field.{payments[int(index)][0]}"
            elif key in ("prepaid", "points", "cash", "card", "on_account"):
                name = f"field.{key}"
            shown[name] = message
        return shown

    def _update(self) -> None:
        payments, problems = self._read()
        settlement = self.settlement()
        self.left_label.setText(self.tr("Left to pay {amount}").format(amount=self._money(settlement.remaining)))
        self.left_label.setStyleSheet(f"color: {ERROR_COLOR};" if settlement.remaining else "")
        self.change_label.setText(self.tr("Change {amount}").format(amount=self._money(settlement.change)))
        live = {k: v for k, v in settlement.problems.items() if k != "remaining"}
        live.update(problems)
        current = self._problems(payments, live)
        if current != self.errors.current:
            focus = self.focusWidget()
            self.errors.show(current)
            if focus is not None:
                focus.setFocus()  # typing goes on where it was, not in the first red field

    # --- committing -------------------------------------------------------------------------------

    def pay(self) -> None:
        """Commit the sale (Enter) unless the tender is incomplete."""
        payments, problems = self._read()
        settlement = self.settlement()
        if problems or settlement.problems:
            self.errors.show(self._problems(payments, {**settlement.problems, **problems}))
            return
        self.pay_button.setEnabled(False)
        self.runner.submit(sales.commit_sale, self.actor, self.lines, [p for _n, p in payments], owner=self,
                           name="commit_sale", customer_id=self.customer.id if self.customer else None,
                           approvals=dict(self.approvals), **self.origin, on_done=self._committed, on_error=self._refused,
                           on_finally=lambda: self.pay_button.setEnabled(True))

    def _committed(self, result: SaleResult) -> None:
        self.result_sale = result
        self.accept()
        self.sold.emit(result)

    def _refused(self, error: UserError) -> None:
        if isinstance(error, PermissionDenied) and error.permission not in self.approvals:
            from partsdesk.ui import stepup  # looked up when used: tests replace ask_approval

            approval = stepup.ask_approval(self, self.actor, error.permission, self._action_text(error.permission),
                                           runner=self.runner)
            if approval is not None:
                self.approvals[error.permission] = approval
                QTimer.singleShot(0, self, self.pay)  # after this attempt has finished
                return
            self.errors.show_message(self.tr("Not sold: a manager did not approve it. {error}").format(error=error))
            return
        problems = getattr(error, "problems", None)
        if problems:
            payments, _ = self._read()
            self.errors.show(self._problems(payments, problems),
                             general=self.tr("Not sold. Correct what is marked in red, or Esc to go back to the "
                                             "cart."))
        else:
            self.errors.show_message(self.tr("Not sold: {error}").format(error=error))

    def _action_text(self, permission: str) -> str:
        total = self._money(self.total)
        if permission == "counter.below_floor":
            return self.tr("sell below the gross-profit floor (sale of {total})").format(total=total)
        if permission == "counter.negative_stock":
            return self.tr("sell more than the stock on hand (sale of {total})").format(total=total)
        if permission == "account.exceed_credit":
            return self.tr("charge {name}'s account over its credit limit ({total})").format(
                name=self.customer.name if self.customer else "", total=total)
        return self.tr("complete the sale of {total}").format(total=total)
