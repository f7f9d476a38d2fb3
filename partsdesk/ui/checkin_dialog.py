"""Vehicle reception (check-in): the car that arrived becomes a repair order.

The advisor finds the vehicle (or it comes from the appointment), reads the odometer and the fuel
gauge, writes the customer's concern in their words, walks round the car with the reception
checklist (``workshop.checkin_items``: OK, attention or fail, with a note) and marks damage on
the car outline — a click puts a numbered mark, each with its kind, a note and an optional photo
file — and promises a time. Saving calls ``services.workshop.check_in`` on the worker; an odometer
below the last reading asks for a reason and a manager's approval on this screen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QDateTime, QPointF, QRectF, Qt, QTime, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QMouseEvent, QPainter, QPainterPath, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import Actor, Approval
from partsdesk.services import workshop
from partsdesk.services.appointments import utc_from_local
from partsdesk.services.workshop import CHECK_RESULTS, DAMAGE_KINDS, CheckIn, CheckMark, DamageMark
from partsdesk.ui.forms import FormDialog, key_button, set_note, show_window_modal
from partsdesk.ui.reminders_view import VehicleSearchDialog
from partsdesk.ui.tasks import TaskRunner

NOT_CHECKED = ""
FUEL_TEXTS = (QT_TR_NOOP("Empty"), "1/8", "1/4", "3/8", "1/2", "5/8", "3/4", "7/8", QT_TR_NOOP("Full"))


class CarOutline(QWidget):
    """A car seen from above; a click adds a damage mark there (x, y in thousandths of the
    outline's width and height), drawn numbered. ``marks_changed`` after every change."""

    marks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks: list[list[Any]] = []  # [x, y, kind, note, photo]
        self.setFixedSize(150, 250)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(self.tr("Click where the car is damaged to mark it"))

    def _body(self) -> QRectF:
        margin = 12.0
        rect = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        width = min(rect.width(), rect.height() * 0.48)
        return QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height())

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        body = self._body()
        w, h = body.width(), body.height()
        path = QPainterPath()
        path.addRoundedRect(body, w * 0.28, h * 0.12)
        painter.setPen(QPen(QColor("#37474f"), 2))
        painter.drawPath(path)
        glass = QPen(QColor("#78909c"), 1.5)
        painter.setPen(glass)
        painter.drawRoundedRect(QRectF(body.left() + w * 0.14, body.top() + h * 0.22, w * 0.72, h * 0.14), 6, 6)
        painter.drawRoundedRect(QRectF(body.left() + w * 0.16, body.top() + h * 0.70, w * 0.68, h * 0.10), 6, 6)
        painter.drawLine(QPointF(body.left() + w * 0.1, body.top() + h * 0.40),
                         QPointF(body.left() + w * 0.1, body.top() + h * 0.66))
        painter.drawLine(QPointF(body.right() - w * 0.1, body.top() + h * 0.40),
                         QPointF(body.right() - w * 0.1, body.top() + h * 0.66))
        painter.setPen(QPen(QColor("#90a4ae"), 1))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        painter.drawText(QRectF(body.left(), body.top() - 12, w, 12), Qt.AlignmentFlag.AlignCenter, self.tr("front"))
        painter.drawText(QRectF(body.left(), body.bottom(), w, 12), Qt.AlignmentFlag.AlignCenter, self.tr("rear"))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        for number, (x, y, *_rest) in enumerate(self.marks, start=1):
            centre = QPointF(body.left() + w * x / 1000, body.top() + h * y / 1000)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#c62828"))
            painter.drawEllipse(centre, 9, 9)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(QRectF(centre.x() - 9, centre.y() - 9, 18, 18), Qt.AlignmentFlag.AlignCenter,
                             str(number))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        body = self._body()
        point = event.position()
        if event.button() != Qt.MouseButton.LeftButton or not body.contains(point):
            return
        x = round((point.x() - body.left()) * 1000 / body.width())
        y = round((point.y() - body.top()) * 1000 / body.height())
        self.add_mark(min(max(x, 0), 1000), min(max(y, 0), 1000))

    def add_mark(self, x: int, y: int, kind: str = "scratch") -> None:
        self.marks.append([x, y, kind, "", ""])
        self.update()
        self.marks_changed.emit()

    def remove_mark(self, index: int) -> None:
        if 0 <= index < len(self.marks):
            del self.marks[index]
            self.update()
            self.marks_changed.emit()


class CheckInDialog(FormDialog):
    """Check a vehicle in (Ctrl+N on the Workshop tab, or Arrived on an appointment)."""

    permission = "vehicle.odometer_correct"
    dialog_opened = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, *, items: list[str], customer_id: int | None = None,
                 vehicle_id: int | None = None, vehicle_text: str = "", concern: str = "", last_km: int | None = None,
                 appointment_id: int | None = None, contact_name: str = "", contact_phone: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.setWindowTitle(self.tr("Check in a vehicle"))
        self.contact_name, self.contact_phone = contact_name, contact_phone  # a new caller's, from the booking
        self._new_name = vehicle_text  # who the vehicle added with F3 belongs to, as the label shows them
        self.customer_id, self.vehicle_id, self.appointment_id = customer_id, vehicle_id, appointment_id
        self.save_button.setText(self.tr("Check in (Ctrl+Enter)"))
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)

        self.vehicle_label = QLabel(vehicle_text or self.tr("No vehicle chosen yet"))
        self.vehicle_label.setWordWrap(True)
        self.find_button = key_button(self, self.tr("F2 Find vehicle"), "F2", self.find_vehicle,
                                      self.tr("Find the customer's vehicle by name, phone or plate"))
        self.find_button.setEnabled(appointment_id is None or vehicle_id is None)
        self.new_button = key_button(self, self.tr("F3 New customer"), "F3", self.new_customer,
                                     self.tr("A first visit: add the customer and their vehicle to the customer "
                                             "file, then check the vehicle in"))
        self.new_button.setEnabled(actor.can("customer.edit") and vehicle_id is None)
        vehicle_row = QWidget()
        row = QHBoxLayout(vehicle_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.vehicle_label, 1)
        row.addWidget(self.find_button)
        row.addWidget(self.new_button)
        self.field("vehicle", self.tr("Vehicle"), vehicle_row)

        self.odometer_box = QLineEdit("" if last_km is None else str(last_km))
        self.odometer_box.setPlaceholderText(self.tr("km on the odometer now"))
        self.last_km = last_km
        self.field("km", self.tr("&Odometer (km)"), self.odometer_box)
        self.reason_box = QLineEdit()
        self.reason_box.setPlaceholderText(self.tr("Only when lower than the last reading: why"))
        self.field("odometer_reason", self.tr("Odometer &correction"), self.reason_box)
        self.fuel_box = QComboBox()
        self.fuel_box.addItem(self.tr("Not read"), None)
        for eighths, text in enumerate(FUEL_TEXTS):
            self.fuel_box.addItem(self.tr(text), eighths)
        self.field("fuel", self.tr("&Fuel"), self.fuel_box)
        self.concern_box = QPlainTextEdit(concern)
        self.concern_box.setPlaceholderText(self.tr("What the customer says, in their own words"))
        self.concern_box.setTabChangesFocus(True)
        self.concern_box.setFixedHeight(64)
        self.field("concern", self.tr("C&oncern"), self.concern_box)
        self.promised_box = QDateTimeEdit()
        self.promised_box.setCalendarPopup(True)
        self.promised_box.setDisplayFormat("yyyy-MM-dd HH:mm")
        promised = QDateTime.currentDateTime().addSecs(4 * 3600)
        promised.setTime(QTime(promised.time().hour(), 0))
        self.promised_box.setDateTime(promised)
        self.field("promised_at", self.tr("&Promised"), self.promised_box)

        self.checklist = QTableWidget(len(items), 3)
        self.checklist.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Result"), self.tr("Note")])
        self.checklist.verticalHeader().setVisible(False)
        self.checklist.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.checklist.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.result_boxes: list[QComboBox] = []
        for index, item in enumerate(items):
            name = QTableWidgetItem(item)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.checklist.setItem(index, 0, name)
            box = QComboBox()
            box.addItem(self.tr("Not checked"), NOT_CHECKED)
            for key, text in CHECK_RESULTS.items():
                box.addItem(self.tr(text), key)
            self.checklist.setCellWidget(index, 1, box)
            self.checklist.setItem(index, 2, QTableWidgetItem(""))
            self.result_boxes.append(box)
        self.checklist.resizeRowsToContents()

        self.outline = CarOutline()
        self.outline.marks_changed.connect(self._fill_marks)
        self.marks_table = QTableWidget(0, 4)
        self.marks_table.setHorizontalHeaderLabels([self.tr("#"), self.tr("Kind"), self.tr("Note"), self.tr("Photo")])
        self.marks_table.verticalHeader().setVisible(False)
        marks_header = self.marks_table.horizontalHeader()
        marks_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        marks_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.marks_table.itemChanged.connect(self._note_changed)
        self.photo_button = key_button(self, self.tr("Ctrl+O Photo…"), "Ctrl+O", self.add_photo,
                                       self.tr("Attach a photo file to the selected mark"))
        self.remove_mark_button = key_button(self, self.tr("Ctrl+Del Remove"), "Ctrl+Delete",
                                             self.remove_mark, self.tr("Remove the selected damage mark"))
        # the walk round the car: the checklist, the outline and its marks side by side
        walk = QWidget()
        walk_row = QHBoxLayout(walk)
        walk_row.setContentsMargins(0, 0, 0, 0)
        walk_row.addWidget(self.checklist, 5)
        walk_row.addWidget(self.outline)
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Click the outline to mark damage.")))
        side.addWidget(self.marks_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.photo_button)
        buttons.addWidget(self.remove_mark_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        walk_row.addLayout(side, 4)
        self.field("checklist", self.tr("Walk round"), walk)
        self.form.addRow("", self.errors.add("damages", self.marks_table))
        self.resize(1000, 640)

    # --- the vehicle -------------------------------------------------------------------------------

    def find_vehicle(self) -> None:
        dialog = VehicleSearchDialog(self.runner, self)
        dialog.setWindowTitle(self.tr("Check in: find the vehicle (F2)"))
        dialog.picked.connect(self._picked)
        show_window_modal(self, dialog)
        self.dialog_opened.emit(dialog)

    def new_customer(self) -> None:
        """F3: the customer editor (filled with a new caller's name and phone from the booking), then
        their vehicle; both saved in the customer file, the vehicle is the one checked in. With the
        customer known (or added, the vehicle not yet), F3 adds their vehicle."""
        if not self.new_button.isEnabled():
            return
        if self.customer_id is not None:
            self._add_vehicle(self.customer_id, self._new_name)
            return
        from partsdesk.ui.customer_editor import CustomerEditorDialog

        phones = [("", self.contact_phone)] if self.contact_phone else []
        dialog = CustomerEditorDialog(self.runner, self.actor, values={"name": self.contact_name}, phones=phones,
                                      parent=self)
        dialog.saved.connect(self._customer_added)
        dialog.open_requested.connect(self._customer_known)
        show_window_modal(self, dialog)
        self.dialog_opened.emit(dialog)

    def _customer_added(self, customer_id: int) -> None:
        self._add_vehicle(customer_id, self.sender().name.text().strip())

    def _customer_known(self, _customer_id: int) -> None:
        self.sender().close()  # already in the file: their vehicle is found as any other's
        self.find_vehicle()

    def _add_vehicle(self, customer_id: int, name: str) -> None:
        from partsdesk.services.catalog import list_vehicle_models
        from partsdesk.ui.customer_editor import VehicleDialog

        self.customer_id, self._new_name = customer_id, name
        self.vehicle_label.setText(self.tr("{name}: add the vehicle (F3)").format(name=name))
        models = [(m.id, f"{m.make} {m.model}" + (f" · {m.model_zh}" if m.model_zh else ""))
                  for m in list_vehicle_models()]
        dialog = VehicleDialog(self.runner, self.actor, customer_id, models=models, parent=self)
        dialog.saved.connect(self._vehicle_added)
        show_window_modal(self, dialog)
        self.dialog_opened.emit(dialog)

    def _vehicle_added(self, vehicle_id: int) -> None:
        dialog = self.sender()
        what = dialog.model.currentText() if dialog.model.currentData() is not None else ""
        self._chosen(self.customer_id, vehicle_id, (self._new_name, dialog.plate.text().strip().upper(), what), None)

    def _picked(self, row: tuple[Any, Any]) -> None:
        customer, vehicle = row
        what = " ".join(str(p) for p in (vehicle.make, vehicle.model, vehicle.model_year) if p)
        self._chosen(customer.id, vehicle.id, (customer.name, vehicle.plate, what), vehicle.last_km)

    def _chosen(self, customer_id: int, vehicle_id: int, words: tuple[str, ...], last_km: int | None) -> None:
        """The vehicle checked in (found with F2 or added with F3): named, its last reading offered."""
        self.customer_id, self.vehicle_id, self.last_km = customer_id, vehicle_id, last_km
        self.vehicle_label.setText(" · ".join(word for word in words if word))
        self.new_button.setEnabled(False)
        if last_km is not None and not self.odometer_box.text().strip():
            self.odometer_box.setText(str(last_km))
        self.odometer_box.setFocus()
        self.odometer_box.selectAll()

    # --- damage marks ------------------------------------------------------------------------------

    def _fill_marks(self) -> None:
        self.marks_table.blockSignals(True)
        self.marks_table.setRowCount(len(self.outline.marks))
        for index, (_x, _y, kind, note, photo) in enumerate(self.outline.marks):
            number = QTableWidgetItem(str(index + 1))
            number.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.marks_table.setItem(index, 0, number)
            box = QComboBox()
            for key, text in DAMAGE_KINDS.items():
                box.addItem(self.tr(text), key)
            box.setCurrentIndex(max(box.findData(kind), 0))
            box.currentIndexChanged.connect(lambda _i, row=index, combo=box: self._kind_changed(row, combo))
            self.marks_table.setCellWidget(index, 1, box)
            self.marks_table.setItem(index, 2, QTableWidgetItem(note))
            shown = QTableWidgetItem(photo.rsplit("/", 1)[-1] if photo else "")
            shown.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.marks_table.setItem(index, 3, shown)
        self.marks_table.blockSignals(False)
        if self.outline.marks:
            self.marks_table.selectRow(len(self.outline.marks) - 1)

    def _kind_changed(self, row: int, combo: QComboBox) -> None:
        if row < len(self.outline.marks):
            self.outline.marks[row][2] = combo.currentData()

    def _note_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 2 and item.row() < len(self.outline.marks):
            self.outline.marks[item.row()][3] = item.text()

    def _selected_mark(self) -> int:
        rows = self.marks_table.selectionModel().selectedRows()
        return rows[0].row() if rows else len(self.outline.marks) - 1

    def add_photo(self) -> None:
        index = self._selected_mark()
        if index < 0:
            set_note(self.general, self.tr("Mark the damage on the outline first, then attach its photo."),
                     error=True)
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Photo of damage {n}").format(n=index + 1), "",
                                              self.tr("Photos (*.jpg *.jpeg *.png)"))
        if path:
            self.set_photo(index, path)

    def set_photo(self, index: int, path: str) -> None:
        self.outline.marks[index][4] = path
        self._fill_marks()

    def remove_mark(self) -> None:
        self.outline.remove_mark(self._selected_mark())

    # --- saving -----------------------------------------------------------------------------------

    def _checklist(self) -> list[CheckMark]:
        marks = []
        for index, box in enumerate(self.result_boxes):
            result = box.currentData()
            if result != NOT_CHECKED:
                note = self.checklist.item(index, 2).text() if self.checklist.item(index, 2) else ""
                marks.append(CheckMark(self.checklist.item(index, 0).text(), result, note))
        return marks

    def request(self) -> CheckIn | None:
        if self.customer_id is None or self.vehicle_id is None:
            self.errors.show({"vehicle": self.tr("Find the vehicle first (F2).")})
            return None
        text = self.odometer_box.text().strip().replace(",", "").replace(" ", "")
        if not text.isdigit():
            self.errors.show({"km": self.tr("Read the odometer: whole kilometres.")})
            return None
        local = self.promised_box.dateTime().toPython()
        promised = utc_from_local(local) if isinstance(local, datetime) else None
        return CheckIn(self.customer_id, self.vehicle_id, int(text), self.fuel_box.currentData(),
                       self.concern_box.toPlainText(), promised, self._checklist(),
                       [DamageMark(x, y, kind, note, photo) for x, y, kind, note, photo in self.outline.marks],
                       self.appointment_id, odometer_reason=self.reason_box.text())

    def action_text(self) -> str:
        return self.tr("Accept an odometer reading below the last one")

    def save(self, approval: Approval | None = None) -> None:
        request = self.request()
        if request is not None:
            self.submit(workshop.check_in, self.actor, request, approval=approval, name="check_in")


__all__ = ["CarOutline", "CheckInDialog"]
