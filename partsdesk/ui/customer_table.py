"""The customer search results: name, class and tier, phone, plates, member card and why each was found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from partsdesk.ui.paged_model import PagedSearchModel, SearchFunction
from partsdesk.ui.tasks import TaskRunner

PAGE_SIZE = 50
_SUBTLE = QColor("#757575")
_ALERT = QColor("#c62828")  # an overdue complaint: stands out in every list


@dataclass(frozen=True)
class Column:
    key: str
    title: str


def _columns() -> tuple[Column, ...]:
    def tr(text: str) -> str:
        return QCoreApplication.translate("CustomerTableModel", text)

    return (Column("name", tr("Name")), Column("class", tr("Class")), Column("kind", tr("Type")), Column("phone", tr("Phone")),
            Column("plates", tr("Vehicles")), Column("card", tr("Member card")), Column("match", tr("Found by")))


class CustomerTableModel(PagedSearchModel):
    """Rows of ``services.customers.CustomerRow`` for one query."""

    def __init__(self, runner: TaskRunner, *, search: SearchFunction | None = None, page_size: int = PAGE_SIZE,
                 parent: Any = None) -> None:
        super().__init__(runner, search=search, page_size=page_size, parent=parent)
        self.columns = _columns()

    def default_search(self) -> SearchFunction:
        from partsdesk.services.customers import search_customers

        return search_customers

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.columns):
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "name" and row.overdue_complaint:
            return _ALERT
        if role == Qt.ItemDataRole.ForegroundRole and key == "match":
            return _SUBTLE
        if role == Qt.ItemDataRole.ToolTipRole and key == "name" and (row.contact_person or row.overdue_complaint):
            tips = [self.tr("Contact: {0}").format(row.contact_person)] if row.contact_person else []
            if row.overdue_complaint:
                tips.append(self.tr("A complaint of this customer is overdue."))
            return "\n".join(tips)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: Any, key: str) -> str:
        if key == "name":
            return row.name + (" ★" if row.key_account else "") + (" ⚠" if row.overdue_complaint else "")
        if key == "class":
            return row.grade + (f" · {row.member_tier}" if row.member_tier else "")
        if key == "kind":
            return self.tr("Company") if row.kind == "company" else self.tr("Person")
        if key == "phone":
            return row.phone
        if key == "plates":
            return row.plates
        if key == "card":
            return row.member_card
        if key == "match":
            texts = {"record": self.tr("record number"), "card": self.tr("member card"), "phone": self.tr("phone number"), "plate": self.tr("plate"),
                     "vin": self.tr("VIN"), "vehicle": self.tr("part of a plate or VIN")}
            return texts.get(row.match, "")
        return ""
