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
from partsdesk.models.db import BaseModel, database, open_database, transaction
from partsdesk.models.settings import Setting
from partsdesk.models.stock import Location, StockBalance, StockMove
from partsdesk.models.users import AppUser

ALL_TABLES = (
    Setting, AppUser, AuditLog, Category, Brand, Supplier, Part, PartBarcode, PartNumber, VehicleModel, Fitment,
    Location, StockMove, StockBalance,
)

__all__ = [
    "ALL_TABLES", "AppUser", "AuditLog", "BaseModel", "Brand", "Category", "Fitment", "Location", "Part",
    "PartBarcode", "PartNumber", "Setting", "StockBalance", "StockMove", "Supplier", "VehicleModel", "database",
    "open_database", "transaction",
]
