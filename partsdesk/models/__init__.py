"""peewee tables. The schema itself is made by ``migrations``; these classes only map it."""

from partsdesk.models.audit import AuditLog
from partsdesk.models.catalog import (
    Brand,
    Category,
    Fitment,
    Part,
    PartBarcode,
    PartNumber,
    Supplier,
    VehicleModel,
)
from partsdesk.models.counts import CountLine, CountScan, CountSession
from partsdesk.models.customers import (
    AccountAllocation,
    AccountEntry,
    CareTask,
    Complaint,
    ContactCall,
    Customer,
    CustomerEvent,
    CustomerPhone,
    OdometerReading,
    PointsEntry,
    PrepaidEntry,
    Vehicle,
    VehicleOwner,
)
from partsdesk.models.db import BaseModel, database, open_database, transaction
from partsdesk.models.purchasing import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierPart,
)
from partsdesk.models.sales import (
    CashEvent,
    CounterVoid,
    CreditNote,
    CreditNoteLine,
    CreditNoteRefund,
    CustomerOrder,
    CustomerOrderLine,
    DocumentCounter,
    HeldCart,
    LostSale,
    Quote,
    QuoteLine,
    Sale,
    SaleLine,
    SalePayment,
    ZReport,
    ZReportItem,
)
from partsdesk.models.settings import Setting
from partsdesk.models.stock import Location, StockAdjustment, StockBalance, StockMove
from partsdesk.models.users import AppUser
from partsdesk.models.workshop import (
    Appointment,
    CannedJob,
    CannedJobLine,
    JobAuthorization,
    JobLine,
    JobLineVersion,
    LabourClass,
    LabourClock,
    QualityCheck,
    RepairOrder,
    RepairOrderCheck,
    RepairOrderDamage,
    RepairOrderEvent,
    ServiceReminder,
    WorkshopBay,
)

ALL_TABLES = (
    Setting, AppUser, AuditLog, Category, Brand, Supplier, Part, PartBarcode, PartNumber, VehicleModel, Fitment,
    Location, StockMove, StockBalance, Customer, CustomerPhone, Vehicle, VehicleOwner, OdometerReading,
    AccountEntry, AccountAllocation, CustomerEvent, PointsEntry, PrepaidEntry, CareTask, Complaint, ContactCall,
    DocumentCounter, Sale, SaleLine, SalePayment, LostSale, HeldCart, CreditNote, CreditNoteLine, CreditNoteRefund,
    Quote, QuoteLine, CustomerOrder, CustomerOrderLine, CashEvent, CounterVoid, ZReport, ZReportItem,
    CountSession, CountLine, CountScan, StockAdjustment,
    SupplierPart, PurchaseOrder, PurchaseOrderLine, GoodsReceipt, GoodsReceiptLine,
    WorkshopBay, LabourClass, CannedJob, CannedJobLine, Appointment, RepairOrder, RepairOrderEvent, QualityCheck,
    RepairOrderCheck, RepairOrderDamage, JobLine, JobLineVersion, JobAuthorization, LabourClock, ServiceReminder,
)

__all__ = [
    "ALL_TABLES", "AccountAllocation", "AccountEntry", "AppUser", "AuditLog", "BaseModel", "Brand", "CareTask",
    "CashEvent", "Category", "Complaint", "ContactCall", "CountLine", "CountScan", "CountSession", "CounterVoid",
    "CreditNote",
    "CreditNoteLine", "CreditNoteRefund", "Customer", "CustomerEvent", "CustomerOrder", "CustomerOrderLine",
    "CustomerPhone", "DocumentCounter",
    "Fitment", "HeldCart", "Location", "LostSale", "OdometerReading", "Part", "PartBarcode", "PartNumber", "PointsEntry",
    "PrepaidEntry", "Quote", "QuoteLine", "Sale", "SaleLine", "SalePayment", "Setting", "StockAdjustment", "StockBalance", "StockMove", "Supplier", "Vehicle",
    "VehicleModel", "VehicleOwner", "ZReport", "ZReportItem", "database", "open_database", "transaction",
    "GoodsReceipt", "GoodsReceiptLine", "PurchaseOrder", "PurchaseOrderLine", "SupplierPart",
    "Appointment", "CannedJob", "CannedJobLine", "JobAuthorization", "JobLine", "JobLineVersion", "LabourClass",
    "LabourClock", "QualityCheck", "RepairOrder", "RepairOrderCheck", "RepairOrderDamage", "RepairOrderEvent",
    "ServiceReminder", "WorkshopBay",
]
