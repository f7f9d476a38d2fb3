"""The stock ledger's way in: moves and their balances commit together, and ``check`` agrees."""

from __future__ import annotations

import pytest

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import StockBalance, StockMove, transaction
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import catalog, check, stock


@pytest.fixture
def parts(db):
    catalog.ensure_standard_categories()
    made = {}
    for number in ("BP-1", "OF-2"):
        made[number] = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": number,
                                                        "category": "brakes.pads", "price_retail": "100"},
                                         barcodes=[], numbers=[], fitments=[])
    return made


def test_moves_and_balances_commit_together_and_check_agrees(parts):
    bp = parts["BP-1"]
    with transaction():
        stock.post_move(part_id=bp, qty=5_000, unit_cost=4_000, reason="receipt", document="GR-1", user_id=None)
        stock.post_move(part_id=bp, qty=-2_000, unit_cost=4_000, reason="sale", document="INV-000001", user_id=None)
        stock.post_move(part_id=bp, qty=1_000, unit_cost=4_000, reason="return", document="CN-000001", user_id=None,
                        location_id=QUARANTINE_LOCATION_ID)
    assert stock.on_hand([bp, parts["OF-2"]]) == {bp: 3_000, parts["OF-2"]: 0}  # quarantine is not for sale
    assert stock.on_hand([bp], sellable_only=False) == {bp: 4_000}
    assert StockBalance.get(part=bp, location=MAIN_LOCATION_ID).qty == 3_000
    assert {r.name: r.ok for r in check.run_checks()}["stock ledger"]


def test_a_failed_document_leaves_no_move_and_no_balance(parts):
    with pytest.raises(RuntimeError, match="till jammed"), transaction():
        stock.post_move(part_id=parts["BP-1"], qty=-1_000, unit_cost=0, reason="sale", document="INV-1", user_id=None)
        raise RuntimeError("till jammed")
    assert StockMove.select().count() == 0 and StockBalance.select().count() == 0


def test_a_move_outside_a_documents_transaction_or_of_nothing_is_refused(parts):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        stock.post_move(part_id=parts["BP-1"], qty=1_000, unit_cost=0, reason="x", document="", user_id=None)
    with pytest.raises(ValueError, match="moves something"), transaction():
        stock.post_move(part_id=parts["BP-1"], qty=0, unit_cost=0, reason="x", document="", user_id=None)
    with transaction():  # the lock the counter takes before selling the last one
        assert stock.on_hand([parts["BP-1"]], lock=True) == {parts["BP-1"]: 0}
