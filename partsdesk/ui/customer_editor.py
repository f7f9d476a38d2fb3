"""Dialogs of the customer file: a customer's profile with phones, a vehicle, an odometer reading.

Both save through the services on the worker; a refused save shows each problem next to its
field and changes nothing. A probable duplicate (same phone or tax ID) is named in the dialog,
and the Save button becomes "Save anyway" for the case of two people sharing a phone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QLineEdit, QPlainTextEdit, QWidget

from partsdesk.domain.customers import CHANNELS, COMPANY, PERSON
from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.money import format_money
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.ui.forms import FormDialog
from partsdesk.ui.tasks import TaskRunner


def _phone_lines(phones: list[tuple[str, str]]) -> str:
    return "\n".join(f"{label}: {number}" if label else number for label, number in phones)


def parse_phone_lines(text: str) -> list[tuple[str, str]]:
    """One phone a line, "mobile: 138 0013 8000" or just the number."""
    phones = []
    for line in text.splitlines():
        label, sep, number = line.partition(":")
        if not sep:
            label, number = "", line
        if number.strip():
            phones.append((label.strip(), number.strip()))
    return phones


class CustomerEditorDialog(FormDialog):
    """A new customer (``customer_id`` None) or an existing one, with their phones."""

    open_requested = Signal(int)  # "open the customer already in the file instead"

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int | None = None, *,
                 values: dict[str, object] | None = None, phones: list[tuple[str, str]] | None = None,
                 staff: list[tuple[int, str]] = (), parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = customer_id
        self.allow_duplicate = False
        self.candidate: int | None = None  # the probable duplicate the last save found
        self.merging: int | None = None
        self.other_button = self.buttons.addButton(self.tr("Open that customer"), QDialogButtonBox.ButtonRole.ActionRole)
        self.other_button.setVisible(False)
        self.other_button.clicked.connect(self._other)
        self.setWindowTitle(self.tr("New customer") if customer_id is None else self.tr("Customer"))
        self.setMinimumWidth(520)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Person"), PERSON)
        self.kind.addItem(self.tr("Company"), COMPANY)
        self.name = QLineEdit()
        self.contact_person = QLineEdit()
        self.phones = QPlainTextEdit()
        self.phones.setPlaceholderText(self.tr("One a line, e.g. mobile: 138 0013 8000"))
        self.phones.setTabChangesFocus(True)
        self.phones.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.tax_id = QLineEdit()
        self.address = QLineEdit()
        self.email = QLineEdit()
        self.preferred_channel = QComboBox()
        self.preferred_channel.addItem(self.tr("(any)"), "")
        for code, (english, _chinese) in CHANNELS.items():
            self.preferred_channel.addItem(self.tr(english), code)
        self.preferred_time = QLineEdit()
        self.marketing_consent = QCheckBox(self.tr("Agrees to receive offers"))
        self.birthday = QLineEdit()
        self.birthday.setPlaceholderText(self.tr("year-month-day"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("comma between tags"))
        self.member_card = QLineEdit()
        self.key_account = QCheckBox(self.tr("Key account"))
        self.account_manager_id = QComboBox()
        self.account_manager_id.addItem(self.tr("(nobody)"), None)
        for user_id, name in staff:
            self.account_manager_id.addItem(name, user_id)
        self.account_manager_id.setEnabled(False)
        self.key_account.toggled.connect(self.account_manager_id.setEnabled)  # only a key account has one
        self.credit_limit = QLineEdit()
        self.payment_terms_days = QLineEdit()
        if not actor.can("account.credit_terms"):  # a manager sets them (the Account section's Credit terms)
            for widget in (self.credit_limit, self.payment_terms_days):
                widget.setReadOnly(True)
                widget.setToolTip(self.tr("A manager sets the credit limit and terms (Account section, "
                                          "Credit terms)."))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        for name, label, widget in (
                ("kind", self.tr("Type"), self.kind), ("name", self.tr("Name"), self.name),
                ("contact_person", self.tr("Contact person"), self.contact_person),
                ("phones", self.tr("Phones"), self.phones), ("tax_id", self.tr("Tax ID"), self.tax_id),
                ("address", self.tr("Address"), self.address), ("email", self.tr("E-mail"), self.email),
                ("preferred_channel", self.tr("Preferred contact"), self.preferred_channel),
                ("preferred_time", self.tr("Best time to call"), self.preferred_time),
                ("marketing_consent", "", self.marketing_consent), ("birthday", self.tr("Birthday"), self.birthday),
                ("tags", self.tr("Tags"), self.tags), ("member_card", self.tr("Member card"), self.member_card),
                ("key_account", "", self.key_account),
                ("account_manager_id", self.tr("Looked after by"), self.account_manager_id), ("credit_limit", self.tr("Credit limit"), self.credit_limit),
                ("payment_terms_days", self.tr("Payment terms (days)"), self.payment_terms_days),
                ("notes", self.tr("Notes"), self.notes)):
            self.field(name, label, widget)
        self._fill(values or {}, phones or [])
        self.name.setFocus()

    def _fill(self, values: dict[str, object], phones: list[tuple[str, str]]) -> None:
        for name in ("kind", "name", "contact_person", "tax_id", "address", "email", "preferred_channel",
                     "preferred_time", "marketing_consent", "birthday", "tags", "member_card", "key_account",
                     "account_manager_id", "credit_limit", "payment_terms_days", "notes"):
            self._set(name, values.get(name))
        self.phones.setPlainText(_phone_lines(phones))

    def _set(self, name: str, value: object) -> None:
        """Show one stored value in its field."""
        widget = getattr(self, name)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value if value is not None else widget.itemData(0))))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value or ""))
        elif name == "birthday":
            widget.setText(value.isoformat() if isinstance(value, date) else "")
        elif name == "credit_limit":
            widget.setText(format_money(int(value)).replace(",", "") if value else "")  # type: ignore[arg-type]
        else:
            widget.setText(str(value) if value not in (None, 0) else "")

    def raw_values(self) -> dict[str, object]:
        return {
            "kind": self.kind.currentData(), "name": self.name.text(), "contact_person": self.contact_person.text(),
            "tax_id": self.tax_id.text(), "address": self.address.text(), "email": self.email.text(),
            "preferred_channel": self.preferred_channel.currentData(), "preferred_time": self.preferred_time.text(),
            "marketing_consent": self.marketing_consent.isChecked(), "birthday": self.birthday.text(),
            "tags": self.tags.text(), "member_card": self.member_card.text(),
            "key_account": self.key_account.isChecked(), "credit_limit": self.credit_limit.text(),
            "account_manager_id": self.account_manager_id.currentData() if self.key_account.isChecked() else None,
            "payment_terms_days": self.payment_terms_days.text(), "notes": self.notes.toPlainText(),
        }

    def save(self) -> None:
        from partsdesk.services import customers

        self.submit(customers.save_customer, self.actor, self.customer_id, self.raw_values(),
                    phones=parse_phone_lines(self.phones.toPlainText()), allow_duplicate=self.allow_duplicate,
                    name="save_customer")

    def _saved(self, customer_id: int) -> None:
        self.customer_id = customer_id
        super()._saved(customer_id)

    def _refused(self, error: UserError) -> None:
        from partsdesk.services.customers import DuplicateCustomer

        if isinstance(error, DuplicateCustomer):
            self.allow_duplicate = True
            self.save_button.setText(self.tr("Save anyway"))
            self.errors.show_message(str(error))
            self._offer(error.candidates[0])
            return
        if isinstance(error, PermissionDenied) and error.permission == "customer.merge" and self.merging is not None:
            from partsdesk.ui.stepup import ask_approval

            action = self.tr("merge customer #{0} into #{1}").format(self.merging, self.customer_id)
            approval = ask_approval(self, self.actor, "customer.merge", action, runner=self.runner)
            if approval is not None:
                QTimer.singleShot(0, self, lambda: self.merge(approval))  # after this attempt has finished
                return
        super()._refused(error)

    def _offer(self, candidate: Any) -> None:
        """The other way out of a duplicate: open the record already in the file (a new customer),
        or merge it into this one (an existing customer whose phone or tax ID it shares)."""
        self.candidate = candidate.customer_id
        if self.customer_id is None:
            self.other_button.setText(self.tr("Open #{0} instead").format(candidate.customer_id))
        else:
            self.other_button.setText(self.tr("Merge #{0} into this customer").format(candidate.customer_id))
        self.other_button.setVisible(True)

    def _other(self) -> None:
        if self.candidate is None:
            return
        if self.customer_id is None:
            self.open_requested.emit(self.candidate)
            self.reject()
        else:
            self.merge()

    def merge(self, approval: Approval | None = None) -> None:
        """Merge the duplicate into this customer (audited; a manager approves when the user may
        not), then save this customer's edits."""
        from partsdesk.services import customers

        self.merging = self.candidate
        reason = self.tr("same customer as #{0} (found when saving #{1})").format(self.candidate, self.customer_id)
        self.submit(customers.merge_customers, self.actor, self.customer_id, self.candidate, reason=reason,
                    approval=approval if isinstance(approval, Approval) else None, name="merge_customers",
                    on_done=self._merged)

    def _merged(self, _result: Any) -> None:
        """The merge filled this customer's empty fields from the other record: take those into
        the form (what the user typed wins), then save the user's edits."""
        from partsdesk.services.customers import get_customer

        self.merging = None
        self.other_button.setVisible(False)
        self.runner.submit(get_customer, self.actor, self.customer_id, owner=self, name="get_customer",
                           on_done=self._merged_values, on_error=self._refused)

    def _merged_values(self, detail: Any) -> None:
        typed = self.raw_values()
        for name, value in detail.values.items():
            if value not in (None, "", 0, False) and not typed.get(name):
                self._set(name, value)
        phones = parse_phone_lines(self.phones.toPlainText())
        known = {number for _, number in phones}
        self.phones.setPlainText(_phone_lines(phones + [p for p in detail.phones if p[1] not in known]))
        self.save()


class VehicleDialog(FormDialog):
    """A new vehicle of ``customer_id``: plate or VIN, the model from the vehicle list."""

    def __init__(self, runner: TaskRunner, actor: Actor, customer_id: int, *,
                 models: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.customer_id = customer_id
        self.warnings: tuple[str, ...] = ()
        self.setWindowTitle(self.tr("Add a vehicle"))
        self.setMinimumWidth(460)
        self.plate = QLineEdit()
        self.vin = QLineEdit()
        self.vin.setPlaceholderText(self.tr("17 characters; the maker and year are read from it"))
        self.model = QComboBox()
        self.model.setEditable(False)
        self.model.addItem(self.tr("(not on the vehicle list)"), None)
        for model_id, text in models:
            self.model.addItem(text, model_id)
        self.model_year = QLineEdit()
        self.model_year.setPlaceholderText(self.tr("from the VIN when empty"))
        self.engine = QLineEdit()
        self.colour = QLineEdit()
        self.notes = QLineEdit()
        for name, label, widget in (
                ("plate", self.tr("Plate"), self.plate), ("vin", self.tr("VIN"), self.vin),
                ("vehicle_model_id", self.tr("Make and model"), self.model),
                ("model_year", self.tr("Model year"), self.model_year), ("engine", self.tr("Engine"), self.engine),
                ("colour", self.tr("Colour"), self.colour), ("notes", self.tr("Notes"), self.notes)):
            self.field(name, label, widget)
        self.plate.setFocus()

    def raw_values(self) -> dict[str, object]:
        return {"plate": self.plate.text(), "vin": self.vin.text(), "vehicle_model_id": self.model.currentData(),
                "model_year": self.model_year.text(), "engine": self.engine.text(), "colour": self.colour.text(),
                "notes": self.notes.text()}

    def save(self) -> None:
        from partsdesk.services import customers

        self.submit(customers.save_vehicle, self.actor, None, self.customer_id, self.raw_values(),
                    name="save_vehicle")

    def _saved(self, result: tuple[int, tuple[str, ...]]) -> None:
        vehicle_id, self.warnings = result
        super()._saved(vehicle_id)


class OdometerDialog(FormDialog):
    """A new odometer reading of a vehicle. A reading below the last one is a correction: it needs
    a reason, and a manager approves it on this screen when the user may not."""

    permission = "vehicle.odometer_correct"

    def __init__(self, runner: TaskRunner, actor: Actor, vehicle_id: int, *, plate: str, last_km: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.vehicle_id = vehicle_id
        self.plate = plate
        self.last_km = last_km
        self.setWindowTitle(self.tr("Odometer of {0}").format(plate))
        self.km = QLineEdit()
        self.km.setPlaceholderText(self.tr("last: {0} km").format(f"{last_km:,}") if last_km is not None
                                   else self.tr("no reading yet"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("only for a reading below the last one"))
        self.reason.setMinimumWidth(self.reason.fontMetrics().horizontalAdvance(self.reason.placeholderText()) + 24)
        self.field("km", self.tr("Odometer (km)"), self.km)
        self.field("reason", self.tr("Reason"), self.reason)
        self.km.setFocus()

    def action_text(self) -> str:
        return self.tr("correct the odometer of {0} to {1} km").format(self.plate, self.km.text().strip())

    def _is_correction(self) -> bool:
        text = self.km.text().strip()
        return self.last_km is not None and text.isdigit() and int(text) < self.last_km

    def save(self, approval: Approval | None = None) -> None:
        from partsdesk.services import customers

        self.submit(customers.record_odometer, self.actor, self.vehicle_id, self.km.text().strip(),
                    source="correction" if self._is_correction() else "counter", reason=self.reason.text(),
                    approval=approval if isinstance(approval, Approval) else None, name="record_odometer")

    def _saved(self, _reading_id: int) -> None:
        super()._saved(self.vehicle_id)  # the vehicle whose reading changed
