"""The part editor's service: saving parts with barcodes, numbers and fitments, who may change
prices and costs, what is audited, and that bad input changes nothing — on both engines."""

from __future__ import annotations

import json

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.gtin import gtin_check_digit
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import AuditLog, Brand, Category, Fitment, Part, PartBarcode, PartNumber, Supplier
from partsdesk.services import catalog, users
from partsdesk.services.catalog import FitmentInput
from partsdesk.services.search import search_parts

UPC = "03600029145" + str(gtin_check_digit("03600029145"))


def raw_pad(**changes) -> dict[str, object]:
    raw: dict[str, object] = {"number": "0 986 494 104", "brand": "Bosch", "name_en": "Brake pad set, front",
                              "name_zh": "前刹车片", "category": "brakes.pads", "price_retail": "320.00",
                              "price_trade": "300", "cost": "180.50", "bin": "A-01", "supplier": "Auto Parts Co",
                              "min_qty": "2", "max_qty": "10", "tax_rate": "13%"}
    raw.update(changes)
    return raw


@pytest.fixture
def golf(db) -> int:
    catalog.ensure_standard_categories()
    return catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Golf", "大众", "高尔夫")


@pytest.fixture
def pad(staff, golf) -> int:
    return catalog.save_part(staff["storekeeper"], None, raw_pad(), barcodes=[UPC],
                             numbers=[("oe", "VW", "5K0 698 151"), ("interchange", "TRW", "GDB1550")],
                             fitments=[FitmentInput(golf, 2012, 2016, engine="1.4 TSI", position="front")])


def counts() -> tuple[int, ...]:
    return tuple(model.select().count() for model in (Part, Brand, Supplier, PartBarcode, PartNumber, Fitment,
                                                      AuditLog))


def audit_rows(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def test_a_saved_part_reads_back_with_everything(staff, pad, golf):
    detail = catalog.get_part(staff["storekeeper"], pad)
    assert (detail.number, detail.number_norm, detail.brand, detail.name_zh, detail.category) == (
        "0 986 494 104", "0986494104", "Bosch", "前刹车片", "brakes.pads")
    assert (detail.price_retail, detail.price_trade, detail.price_wholesale, detail.cost) == (32000, 30000, 30000,
                                                                                              18050)
    assert (detail.min_qty, detail.max_qty, detail.tax_rate_bp, detail.supplier) == (2000, 10000, 1300,
                                                                                    "Auto Parts Co")
    assert detail.barcodes == (("0" + UPC, "EAN13"),)  # UPC-A kept in its EAN-13 form
    assert detail.numbers == (("oe", "VW", "5K0 698 151"), ("interchange", "TRW", "GDB1550"))
    assert [(f.model, f.year_from, f.year_to, f.engine) for f in detail.fitments] == [("Golf", 2012, 2016,
                                                                                        "1.4 TSI")]
    assert detail.on_hand == 0 and detail.active
    own = PartNumber.select().where(PartNumber.part == pad, PartNumber.kind == "own").get()
    assert own.number_norm == "0986494104"


def test_cost_is_hidden_from_a_cashier(staff, pad):
    assert catalog.get_part(staff["cashier"], pad).cost is None
    assert catalog.get_part(staff["storekeeper"], pad).cost == 18050


def test_a_cashier_may_not_edit_parts(staff, golf):
    before = counts()
    with pytest.raises(PermissionDenied):
        catalog.save_part(staff["cashier"], None, raw_pad(), barcodes=[], numbers=[], fitments=[])
    assert counts() == before


@pytest.mark.parametrize("change, kwargs, field", [
    ({"price_retail": "-5"}, {}, "price_retail"),
    ({"number": "--"}, {}, "number"),
    ({"category": "no such thing"}, {}, "category"),
    ({}, {"barcodes": ["4006163123451"]}, "barcodes"),  # wrong check digit
    ({}, {"barcodes": ["has space"]}, "barcodes"),
    ({}, {"numbers": [("cousin", "", "123")]}, "numbers"),
    ({}, {"numbers": [("oe", "", "---")]}, "numbers"),
    ({}, {"fitments": "years_before_1950"}, "fitments"),
    ({}, {"fitments": "to_before_from"}, "fitments"),
    ({}, {"fitments": "far_future"}, "fitments"),
    ({}, {"fitments": "unknown_model"}, "fitments"),
])
def test_bad_input_is_refused_and_changes_nothing(staff, golf, change, kwargs, field):
    fitments = {"years_before_1950": [FitmentInput(golf, 1900, 1910)],
                "to_before_from": [FitmentInput(golf, 2015, 2012)],
                "far_future": [FitmentInput(golf, 2015, 2099)],
                "unknown_model": [FitmentInput(golf + 999, 2015, 2016)]}
    args = {"barcodes": [], "numbers": [], "fitments": []}
    for key, value in kwargs.items():
        args[key] = fitments[value] if key == "fitments" else value
    before = counts()
    with pytest.raises(ValidationError) as error:
        catalog.save_part(staff["storekeeper"], None, raw_pad(**change), **args)
    assert field in error.value.problems
    assert counts() == before


def test_a_barcode_of_another_part_is_refused_naming_that_part(staff, pad):
    before = counts()
    with pytest.raises(ValidationError) as error:
        catalog.save_part(staff["storekeeper"], None, raw_pad(number="0 986 494 105"), barcodes=["0" + UPC],
                          numbers=[], fitments=[])
    assert "0 986 494 104" in str(error.value) and "Bosch" in str(error.value)
    assert counts() == before


def test_the_same_brand_and_number_twice_is_refused(staff, pad):
    before = counts()
    with pytest.raises(ValidationError) as error:
        catalog.save_part(staff["storekeeper"], None, raw_pad(brand=" bosch ", number="0986-494-104"),
                          barcodes=[], numbers=[], fitments=[])
    assert "already in the catalogue" in error.value.problems["number"]
    assert counts() == before
    other_brand = catalog.save_part(staff["storekeeper"], None, raw_pad(brand="Bosch Car Service"), barcodes=[],
                                    numbers=[], fitments=[])
    assert other_brand != pad


def test_brands_and_suppliers_are_one_row_whatever_the_case(staff, pad):
    second = catalog.save_part(staff["storekeeper"], None, raw_pad(number="X1", brand="BOSCH ",
                                                                   supplier="auto parts co"),
                               barcodes=[], numbers=[], fitments=[])
    assert catalog.get_part(SYSTEM, second).brand == "Bosch"
    assert [b.name for b in catalog.list_brands()] == ["Bosch"]
    assert [s.name for s in catalog.list_suppliers()] == ["Auto Parts Co"]


def test_a_storekeeper_needs_a_managers_approval_to_change_a_price(staff, pad):
    keeper = staff["storekeeper"]
    with pytest.raises(PermissionDenied):
        catalog.save_part(keeper, pad, raw_pad(price_retail="350"), barcodes=[UPC],
                          numbers=[("oe", "VW", "5K0 698 151"), ("interchange", "TRW", "GDB1550")],
                          fitments=[FitmentInput(f.vehicle_model_id, f.year_from, f.year_to, f.engine, f.position)
                                    for f in catalog.get_part(keeper, pad).fitments])
    assert catalog.get_part(keeper, pad).price_retail == 32000
    approval = users.step_up(keeper, approver="manager", secret="manager-pass-1", permission="catalog.edit_price",
                             reason="supplier price rise")
    detail = catalog.get_part(keeper, pad)
    catalog.save_part(keeper, pad, raw_pad(price_retail="350"), barcodes=[UPC],
                      numbers=[n for n in detail.numbers], fitments=[f.as_input() for f in detail.fitments],
                      approval=approval)
    assert catalog.get_part(keeper, pad).price_retail == 35000
    row = audit_rows("part.update")[-1]
    assert row.approved_by_id == staff["manager"].user_id and row.user_id == keeper.user_id
    assert json.loads(row.old_value) == {"price_retail": 32000}
    assert json.loads(row.new_value) == {"price_retail": 35000}


def test_a_storekeeper_changes_other_fields_without_approval_and_the_audit_names_them(staff, pad):
    keeper = staff["storekeeper"]
    detail = catalog.get_part(keeper, pad)
    catalog.save_part(keeper, pad, raw_pad(bin="B-07", name_en="Brake pads, front axle"), barcodes=[],
                      numbers=list(detail.numbers), fitments=[f.as_input() for f in detail.fitments])
    row = audit_rows("part.update")[-1]
    assert json.loads(row.old_value) == {"bin": "A-01", "name_en": "Brake pad set, front", "barcodes": ["0" + UPC]}
    assert json.loads(row.new_value) == {"bin": "B-07", "name_en": "Brake pads, front axle", "barcodes": []}
    assert row.approved_by_id is None
    assert [r.id for r in search_parts("front axle").rows] == [pad]
    assert search_parts(UPC).rows == []


def test_saving_an_unchanged_part_writes_no_audit_row(staff, pad):
    detail = catalog.get_part(staff["storekeeper"], pad)
    before = len(audit_rows("part.update"))
    catalog.save_part(staff["storekeeper"], pad, raw_pad(), barcodes=[UPC], numbers=list(detail.numbers),
                      fitments=[f.as_input() for f in detail.fitments])
    assert len(audit_rows("part.update")) == before


def test_creating_a_part_is_audited_and_it_is_found_at_once(staff, pad):
    row = audit_rows("part.create")[-1]
    assert row.user_id == staff["storekeeper"].user_id and json.loads(row.new_value)["price_retail"] == 32000
    for text in ("0986494104", "5K0698151", "gdb 1550", UPC, "golf 2014 brake", "高尔夫 刹车片"):
        assert [r.id for r in search_parts(text).rows][:1] == [pad], text


def test_changing_the_number_keeps_one_own_number(staff, pad):
    detail = catalog.get_part(staff["storekeeper"], pad)
    catalog.save_part(staff["storekeeper"], pad, raw_pad(number="0 986 494 999"), barcodes=[UPC],
                      numbers=list(detail.numbers), fitments=[f.as_input() for f in detail.fitments])
    own = [n for (n,) in PartNumber.select(PartNumber.number_norm)
           .where(PartNumber.part == pad, PartNumber.kind == "own").tuples()]
    assert own == ["0986494999"]
    assert [r.id for r in search_parts("0986494999").rows] == [pad]
    assert search_parts("0986494104").rows == []


def test_retiring_a_part_is_audited_with_its_reason_and_hides_it(staff, pad):
    keeper = staff["storekeeper"]
    with pytest.raises(ValidationError):
        catalog.set_part_active(keeper, pad, False, reason=" ")
    catalog.set_part_active(keeper, pad, False, reason="discontinued by Bosch")
    assert search_parts("0986494104").rows == []
    assert audit_rows("part.deactivate")[-1].reason == "discontinued by Bosch"
    catalog.set_part_active(keeper, pad, True, reason="")
    assert [r.id for r in search_parts("0986494104").rows] == [pad]
    with pytest.raises(PermissionDenied):
        catalog.set_part_active(staff["cashier"], pad, False, reason="no")


def test_standard_categories_are_added_once(db):
    added = catalog.ensure_standard_categories()
    assert added == Category.select().count() > 7
    assert catalog.ensure_standard_categories() == 0
    names = [c.name_en for c in catalog.list_categories()]
    assert names[0] == "Engine" and "Brake pads" in names


def test_vehicle_models_are_added_once_and_searchable_at_once(staff, golf):
    with pytest.raises(ValidationError):
        catalog.add_vehicle_model(staff["storekeeper"], "volkswagen", "GOLF")
    with pytest.raises(PermissionDenied):
        catalog.add_vehicle_model(staff["cashier"], "Toyota", "Corolla")
    corolla = catalog.add_vehicle_model(staff["storekeeper"], "Toyota", "Corolla", "丰田", "卡罗拉")
    assert [m.describe() for m in catalog.list_vehicle_models()] == ["Toyota Corolla", "Volkswagen Golf"]
    part = catalog.save_part(staff["storekeeper"], None, raw_pad(number="P1"), barcodes=[], numbers=[],
                             fitments=[FitmentInput(corolla, 2019, None)])
    assert [r.id for r in search_parts("卡罗拉 刹车片").rows] == [part]


def test_a_missing_part_says_so(staff):
    with pytest.raises(UserError):
        catalog.get_part(staff["cashier"], 12345)
