"""Gap-free document numbers: one counter row per series, taken inside the transaction that
writes the document. A document that fails rolls its number back with it, so the series has
no gap (database sequences would leave one). Two terminals taking numbers at once queue on the
series row: PostgreSQL locks it (SELECT … FOR UPDATE); SQLite's writes already start with
BEGIN IMMEDIATE (``models.transaction``).
"""

from __future__ import annotations

from partsdesk.models import DocumentCounter, database
from partsdesk.models.db import is_postgres

# series -> the prefix its numbers print with
SERIES: dict[str, str] = {
    "invoice": "INV",
    "receipt": "RC",
    "credit_note": "CN",
    "quote": "QT",
    "order": "SO",
    "payment": "PAY",
    "z_report": "Z",
    "count": "CNT",
    "purchase_order": "PO",
    "goods_receipt": "GR",
    "adjustment": "ADJ",
    "repair_order": "RO",
}
DIGITS = 6


def take_number(series: str) -> str:
    """The next number of ``series`` ("INV-000042"), counted as used by the current transaction.
    Call inside the document's own transaction (``models.transaction``)."""
    if series not in SERIES:
        raise ValueError(f"unknown document series {series!r}")
    if not database.obj.in_transaction():
        raise RuntimeError("a document number is taken inside the transaction that writes the document")
    query = DocumentCounter.select().where(DocumentCounter.series == series)
    counter = (query.for_update() if is_postgres() else query).first()
    if counter is None:
        DocumentCounter.insert(series=series, prefix=SERIES[series], next_number=2).execute()
        number, prefix = 1, SERIES[series]
    else:
        number, prefix = counter.next_number, counter.prefix
        DocumentCounter.update(next_number=DocumentCounter.next_number + 1).where(
            DocumentCounter.series == series).execute()
    return f"{prefix}-{number:0{DIGITS}d}"
