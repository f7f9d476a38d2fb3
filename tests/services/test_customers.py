"""The customer file on both engines: saving and refusing, duplicates and merging, vehicles with
their VIN, owners and odometer readings, and the customer search box."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import (
    AccountEntry,
    AuditLog,
    Complaint,
    ContactCall,
    Customer,
    CustomerEvent,
    CustomerPhone,
    OdometerReading,
    Vehicle,
    database,
)
from partsdesk.printing.personal_data import write_personal_data
from partsdesk.services import audit, catalog, clock, history, users
from partsdesk.services.complaints import open_complaint
from partsdesk.services.customers import (
    DuplicateCustomer,
    anonymize_customer,
    change_owner,
    get_customer,
    merge_customers,
    owners_of,
    personal_data,
    record_odometer,
    save_customer,
    save_vehicle,
    search_customers,
)

VIN_EU = "WVWZZZ1KZ6W612305"  # Volkswagen for Europe: no check digit, a warning only
VIN_CN = "LSVAU2180N2183294"  # SAIC Volkswagen; its check digit is wrong (0 typed, X computed)
VIN_CN_OK = "LSVAU218XN2183294"


@pytest.fixture(autouse=True)
def _fixed_clock(db):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def person(name: str, **values) -> dict[str, object]:
    return {"name": name, "kind": "person", **values}


def audit_rows(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


@pytest.fixture
def file(staff):
    """Two customers with phones and a vehicle each, and a company."""
    cashier = staff["cashier"]
    golf = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Golf", "大众", "高尔夫")
    zhang = save_customer(cashier, None, person("张伟", tags="VIP，fleet", birthday="1980/5/17"),
                          phones=[("mobile", "+86 138-0013-8000")])
    li = save_customer(cashier, None, person("Li Na", contact_person="", member_card="m1001"),
                       phones=[("mobile", "139 1234 5678"), ("home", "(021) 6552-9988")])
    company = save_customer(cashier, None, {"kind": "company", "name": "Shanghai Fleet Services Ltd",
                                            "contact_person": "Wang Fang", "tax_id": "91310000 ma1fl1xx5c"},
                            phones=[("office", "021-5555 0101")])
    zhang_car, _ = save_vehicle(cashier, None, zhang, {"plate": "沪A·12345", "vin": VIN_CN_OK,
                                                       "vehicle_model_id": golf})
    li_car, warnings = save_vehicle(cashier, None, li, {"plate": "粤B 67890", "vin": VIN_EU})
    assert len(warnings) == 1 and "check digit" in warnings[0]
    return {"zhang": zhang, "li": li, "company": company, "zhang_car": zhang_car, "li_car": li_car, "golf": golf}


def test_a_customer_is_saved_clean_and_audited(staff, file):
    detail = get_customer(staff["cashier"], file["zhang"])
    assert detail.values["name"] == "张伟" and detail.values["tags"] == "VIP, fleet"
    assert detail.values["birthday"] == date(1980, 5, 17)
    assert detail.phones == [("mobile", "+86 138-0013-8000")]
    assert CustomerPhone.get(CustomerPhone.customer == file["zhang"]).number_norm == "13800138000"
    assert [v.plate for v in detail.vehicles] == ["沪A·12345"]
    assert detail.vehicles[0].make == "Volkswagen" and detail.vehicles[0].model_year == 2022  # decoded from the VIN
    assert get_customer(staff["cashier"], file["company"]).values["tax_id"] == "91310000 ma1fl1xx5c"  # as given
    assert Customer.get_by_id(file["company"]).tax_id_norm == "91310000MA1FL1XX5C"
    row = audit_rows("customer.create")[0]
    assert row.object_id == str(file["zhang"]) and '"kind": "person"' in row.new_value
    assert '"phones"' in row.new_value and '"name"' in row.new_value  # named, never their values:
    for text in ("张伟", "138", "1980", "VIP"):  # the audit log is append-only, personal data must not be in it
        assert not any(text in (r.new_value or "") + (r.old_value or "") for r in AuditLog.select()), text
    assert audit.verify_chain() == []


def test_bad_input_gets_a_message_per_field_and_changes_nothing(staff, file):
    before = Customer.select().count(), CustomerPhone.select().count()
    with pytest.raises(ValidationError) as error:
        save_customer(staff["cashier"], None, {"kind": "robot", "name": " ", "email": "no-at-sign",
                                               "birthday": "2031-01-01", "payment_terms_days": "400",
                                               "member_card": "A-1"},
                      phones=[("mobile", "12"), ("work", "call me")])
    assert set(error.value.problems) == {"kind", "name", "email", "birthday", "payment_terms_days", "member_card",
                                         "phones"}
    with pytest.raises(ValidationError, match="Unknown field"):
        save_customer(staff["cashier"], None, person("X", shoe_size="42"), phones=[])
    assert (Customer.select().count(), CustomerPhone.select().count()) == before


def test_a_technician_sees_the_name_and_the_vehicles_not_the_account(staff, file):
    detail = get_customer(staff["technician"], file["company"])
    assert detail.limited and detail.values == {"kind": "company", "name": "Shanghai Fleet Services Ltd"}
    assert detail.phones == []
    assert [v.plate for v in get_customer(staff["technician"], file["zhang"]).vehicles] == ["沪A·12345"]
    full = get_customer(staff["service_advisor"], file["company"])
    assert not full.limited and full.values["contact_person"] == "Wang Fang" and full.phones


def test_a_technician_and_a_storekeeper_may_not_edit_customers(staff, file):
    for role in ("technician", "storekeeper"):
        with pytest.raises(PermissionDenied):
            save_customer(staff[role], None, person("Nobody"), phones=[])
    with pytest.raises(PermissionDenied):
        record_odometer(staff["technician"], file["zhang_car"], 1000, source="reception")


def test_the_same_phone_or_tax_id_is_offered_as_a_duplicate(staff, file):
    with pytest.raises(DuplicateCustomer) as error:
        save_customer(staff["cashier"], None, person("Zhang W."), phones=[("mobile", "13800138000")])
    assert [(c.customer_id, c.why) for c in error.value.candidates] == [(file["zhang"], "same phone 13800138000")]
    assert "张伟" in str(error.value)
    with pytest.raises(DuplicateCustomer) as error:
        save_customer(staff["cashier"], None, {"kind": "company", "name": "SH Fleet", "tax_id": "91310000MA1FL1XX5C"},
                      phones=[])
    assert error.value.candidates[0].customer_id == file["company"]
    # the cashier checked: different people sharing a phone (a family)
    twin = save_customer(staff["cashier"], None, person("Zhang Li"), phones=[("mobile", "138 0013 8000")],
                         allow_duplicate=True)
    assert twin != file["zhang"]
    assert audit_rows("customer.create")[-1].reason == "saved as a possible duplicate"


def test_saving_a_record_again_is_not_a_duplicate_of_itself_and_audits_the_change(staff, file):
    save_customer(staff["cashier"], file["zhang"], person("张伟", tags="VIP", notes="prefers mornings"),
                  phones=[("mobile", "+86 138-0013-8000"), ("wife", "13700001111")])
    row = audit_rows("customer.update")[-1]
    assert row.new_value == '{"fields": ["birthday", "notes", "phones", "tags"]}'
    assert "mornings" not in row.new_value and "13700001111" not in row.new_value
    assert [number for _, number in get_customer(staff["cashier"], file["zhang"]).phones] == [
        "+86 138-0013-8000", "13700001111"]


def test_merging_moves_phones_and_vehicles_and_keeps_history(staff, file):
    cashier, manager = staff["cashier"], staff["manager"]
    dup = save_customer(cashier, None, person("Zhang Wei", email="zw@example.com", contact_person="Xiao Zhang"),
                        phones=[("mobile", "13800138000"), ("work", "13911112222")], allow_duplicate=True)
    dup_car, _ = save_vehicle(cashier, None, dup, {"plate": "沪C 00001"})
    record_odometer(cashier, dup_car, 42_000, source="counter")
    with pytest.raises(PermissionDenied):
        merge_customers(cashier, file["zhang"], dup, reason="same person")
    with pytest.raises(ValidationError, match="Say why"):
        merge_customers(manager, file["zhang"], dup, reason=" ")
    approval = users.step_up(cashier, approver="manager", secret="manager-pass-1", permission="customer.merge",
                             reason="same person, two cards")
    merge_customers(cashier, file["zhang"], dup, reason="same person, two cards", approval=approval)
    kept = get_customer(cashier, file["zhang"])
    assert [n for _, n in kept.phones] == ["+86 138-0013-8000", "13911112222"]  # the shared number once
    assert sorted(v.plate for v in kept.vehicles) == ["沪A·12345", "沪C 00001"]
    assert kept.values["email"] == "zw@example.com"  # filled from the merged record
    assert [r.id for r in search_customers("xiao zhang").rows] == [file["zhang"]]  # its words are searched too
    assert [v.last_km for v in kept.vehicles if v.id == dup_car] == [42_000]
    assert [o[0] for o in owners_of(dup_car)] == [file["zhang"]]
    merged = get_customer(manager, dup)
    assert not merged.active and merged.merged_into == file["zhang"]
    assert [r.id for r in search_customers("Zhang Wei").rows] == []  # merged records are never found
    row = audit_rows("customer.merge")[-1]
    assert row.approved_by_id is not None and row.reason == "same person, two cards"
    with pytest.raises(UserError, match="merged or erased"):
        merge_customers(manager, file["zhang"], dup, reason="again")
    with pytest.raises(UserError, match="merged or erased"):
        save_customer(cashier, dup, person("Zhang Wei"), phones=[])


def test_a_vin_is_checked_and_decoded(staff, file):
    cashier = staff["cashier"]
    with pytest.raises(ValidationError, match="check digit"):
        save_vehicle(cashier, None, file["li"], {"plate": "粤B 1", "vin": VIN_CN})  # China mandates it
    with pytest.raises(ValidationError, match="never contains O"):
        save_vehicle(cashier, None, file["li"], {"vin": "WVWZZZ1KZ6WO12305"})
    with pytest.raises(ValidationError, match="already on another vehicle"):
        save_vehicle(cashier, None, file["li"], {"vin": VIN_CN_OK.lower()})
    with pytest.raises(ValidationError, match="plate or its VIN"):
        save_vehicle(cashier, None, file["li"], {"colour": "red"})
    with pytest.raises(ValidationError, match="vehicle list"):
        save_vehicle(cashier, None, file["li"], {"plate": "X1", "vehicle_model_id": 999_999})
    assert Vehicle.select().count() == 2


def test_a_vehicle_changes_owner_and_keeps_its_readings(staff, file):
    cashier = staff["cashier"]
    record_odometer(cashier, file["zhang_car"], 50_000, source="reception")
    clock.set_clock(lambda: datetime(2026, 12, 1, 9, 0))
    change_owner(cashier, file["zhang_car"], file["li"], reason="sold to Li Na")
    assert [o[0] for o in owners_of(file["zhang_car"])] == [file["zhang"], file["li"]]
    assert owners_of(file["zhang_car"])[0][3] == datetime(2026, 12, 1, 9, 0)
    assert [v.id for v in get_customer(cashier, file["li"]).vehicles] == [file["zhang_car"], file["li_car"]]
    assert get_customer(cashier, file["zhang"]).vehicles == []
    assert [v.last_km for v in get_customer(cashier, file["li"]).vehicles if v.id == file["zhang_car"]] == [50_000]
    assert audit_rows("vehicle.owner")[-1].reason == "sold to Li Na"


def test_an_odometer_reading_below_the_last_needs_a_manager_and_a_reason(staff, file):
    cashier, car = staff["cashier"], file["zhang_car"]
    record_odometer(cashier, car, 61_000, source="reception")
    record_odometer(cashier, car, 61_000, source="delivery")  # the same reading is fine
    with pytest.raises(ValidationError, match="last reading was 61,000 km"):
        record_odometer(cashier, car, 16_100, source="reception")
    with pytest.raises(PermissionDenied):
        record_odometer(cashier, car, 16_100, source="correction", reason="digits swapped at reception")
    for bad in ("-5", "12.5", "lots", "4000000"):
        with pytest.raises(ValidationError):
            record_odometer(cashier, car, bad, source="reception")
    assert OdometerReading.select().where(OdometerReading.vehicle == car).count() == 2
    approval = users.step_up(cashier, approver="manager", secret="manager-pass-1",
                             permission="vehicle.odometer_correct", reason="digits swapped at reception")
    record_odometer(cashier, car, 16_100, source="correction", reason="digits swapped at reception",
                    approval=approval)
    assert get_customer(cashier, file["zhang"]).vehicles[0].last_km == 16_100
    row = audit_rows("vehicle.odometer_correct")[-1]
    assert row.approved_by_id is not None and '"km": 61000' in row.old_value
    with pytest.raises(Exception, match="append-only"):  # readings are history
        OdometerReading.update(km=1).where(OdometerReading.vehicle == car).execute()


@pytest.mark.parametrize(("typed", "who", "match"), [
    ("M1001", "li", "card"),
    ("m1001", "li", "card"),
    ("13800138000", "zhang", "phone"),
    ("+86 138 0013 8000", "zhang", "phone"),
    ("0013 8000", "zhang", "phone"),  # a fragment of the number
    ("9988", "li", "phone"),
    ("沪A12345", "zhang", "plate"),
    ("沪a·12345", "zhang", "plate"),
    ("a1234", "zhang", "vehicle"),  # a plate fragment
    ("12345", "li", "phone"),  # digits: phone numbers first (139 1234 5678), then plates
    ("67890", "li", "vehicle"),
    (VIN_EU, "li", "vin"),
    ("612305", "li", "vehicle"),  # the end of a VIN
    ("张", "zhang", "words"),
    ("张伟", "zhang", "words"),
    ("li", "li", "words"),
    ("wang", "company", "words"),  # the contact person
    ("shang fleet", "company", "words"),  # prefixes of the company name
    ("vip", "zhang", "words"),  # a tag
])
def test_search_finds_customers_by_card_phone_plate_vin_and_name(file, typed, who, match):
    rows = search_customers(typed).rows
    assert rows and rows[0].id == file[who] and rows[0].match == match, [(r.name, r.match) for r in rows]


def test_a_record_number_finds_that_customer_only(file):
    rows = search_customers(f"#{file['li']}").rows
    assert [(r.id, r.match) for r in rows] == [(file["li"], "record")]
    assert search_customers("#999999").rows == [] and search_customers("#" + "9" * 40).total >= 0


def test_search_rows_show_phone_and_plates_and_hostile_text_is_data(file):
    row = search_customers("Li Na").rows[0]
    assert (row.name, row.phone, row.plates, row.member_card) == ("Li Na", "139 1234 5678", "粤B 67890", "M1001")
    for text in ('"', "*", "OR", "NEAR(a b)", "li) OR (x", "\x00", "'; DROP TABLE customer; --", "%", "_"):
        search_customers(text)  # never an error
    assert search_customers("zzzz").rows == []
    browse = search_customers("")
    assert browse.total == 3 and [r.name for r in browse.rows] == sorted(r.name for r in browse.rows)


def an_invoice_on_account(customer_id: int, number: int, amount: int) -> None:
    """A sale on account as the counter writes it: the timeline's trade and the account's entry."""
    with database.atomic():
        history.record_trade(customer_id, "sale", document_type="invoice", document_id=number,
                             document_no=f"INV-{number:06d}", amount=amount, summary="2 lines", user_id=None)
        AccountEntry.create(customer=customer_id, posted_at=clock.now(), kind="invoice", document=f"INV-{number:06d}",
                            amount=amount, issued_on=date(2026, 11, 22), due_on=date(2026, 12, 22))
        Customer.update(account_balance=Customer.account_balance + amount).where(Customer.id == customer_id).execute()


def test_a_customer_sees_their_personal_data(staff, file, tmp_path):
    record_odometer(staff["cashier"], file["zhang_car"], 50_000, source="reception")
    an_invoice_on_account(file["zhang"], 17, 123_400)
    with pytest.raises(PermissionDenied):
        personal_data(staff["cashier"], file["zhang"])
    data = personal_data(staff["manager"], file["zhang"])
    json.dumps(data)  # plain data, ready to hand over as a file
    assert data["profile"]["name"] == "张伟" and data["profile"]["birthday"] == "1980-05-17"
    assert data["phones"] == [{"label": "mobile", "number": "+86 138-0013-8000"}]
    assert [v["plate"] for v in data["vehicles"]] == ["沪A·12345"]
    assert data["vehicles"][0]["odometer"] == [["2026-11-22T10:00:00", 50_000]]
    assert [(e["document_no"], e["amount"]) for e in data["history"]] == [("INV-000017", 123_400)]
    assert [(e["document"], e["amount"]) for e in data["account"]] == [("INV-000017", 123_400)]
    assert audit_rows("customer.personal_data")[-1].object_id == str(file["zhang"])
    pdf = tmp_path / "personal.pdf"
    write_personal_data(data, pdf)
    text = pdf_text(pdf)
    for expected in ("Personal data", "张伟", "1980-05-17", "+86 138-0013-8000", "沪A·12345", "50,000 km",
                     "INV-000017", "History (1)", "Account (1)"):
        assert expected in text, expected


def test_anonymizing_erases_every_personal_field_and_keeps_the_record(staff, file):
    manager = staff["manager"]
    record_odometer(staff["cashier"], file["li_car"], 12_000, source="reception")
    an_invoice_on_account(file["li"], 21, 88_800)
    with database.atomic():
        ContactCall.create(customer=file["li"], called_at=clock.now(), outcome="reached",
                           comment="Li Na says the brakes squeal", scores="[]")
    complaint = open_complaint(staff["cashier"], file["li"], category="Staff", channel="counter",
                               description="Li Na was kept waiting at the counter")
    invoices_before = list(AccountEntry.select().where(AccountEntry.customer == file["li"]).dicts())
    events_before = list(CustomerEvent.select().where(CustomerEvent.customer == file["li"]).dicts())
    with pytest.raises(PermissionDenied):
        anonymize_customer(staff["cashier"], file["li"], reason="asked")
    with pytest.raises(ValidationError, match="Say why"):
        anonymize_customer(manager, file["li"], reason="")
    anonymize_customer(manager, file["li"], reason="the customer asked by letter on 20 Nov")
    row = Customer.get_by_id(file["li"])
    assert row.name == f"Anonymized customer #{file['li']}" and not row.active
    personal = ("contact_person", "tax_id", "tax_id_norm", "address", "email", "preferred_time", "tags", "notes",
                "search_text")
    assert all(getattr(row, name) == "" for name in personal)
    assert (row.birthday, row.member_card, row.consent_at, row.marketing_consent) == (None, None, None, False)
    assert CustomerPhone.select().where(CustomerPhone.customer == file["li"]).count() == 0
    car = Vehicle.get_by_id(file["li_car"])
    assert car.customer_id is None and owners_of(file["li_car"])[0][3] is not None  # the car keeps its history
    assert OdometerReading.select().where(OdometerReading.vehicle == file["li_car"]).count() == 1
    # the invoice, the account and the timeline stay as they were, under the anonymous name
    assert list(AccountEntry.select().where(AccountEntry.customer == file["li"]).dicts()) == invoices_before
    assert list(CustomerEvent.select().where(CustomerEvent.customer == file["li"]).dicts()) == events_before
    assert row.account_balance == 88_800
    assert ContactCall.get(ContactCall.customer == file["li"]).comment == ""
    kept = Complaint.get_by_id(complaint)
    assert (kept.category, kept.description) == ("Staff", "(erased at the customer's request)")
    for text in ("Li Na", "M1001", "1234 5678", "6552", "67890"):
        assert search_customers(text).rows == [] or all(r.id != file["li"] for r in search_customers(text).rows)
        assert not any(text in (r.new_value or "") + (r.old_value or "") for r in AuditLog.select()), text
    assert audit_rows("customer.anonymize")[-1].reason == "the customer asked by letter on 20 Nov"
    with pytest.raises(UserError, match="merged or erased"):
        save_customer(staff["cashier"], file["li"], person("Li Na"), phones=[])
    with pytest.raises(UserError, match="merged or erased"):
        merge_customers(manager, file["zhang"], file["li"], reason="the same person")


def test_credit_limit_and_terms_change_only_with_a_managers_right(staff, file):
    cashier, manager = staff["cashier"], staff["manager"]
    with pytest.raises(PermissionDenied, match="credit limit"):
        save_customer(cashier, None, {"kind": "company", "name": "Fleet Two", "credit_limit": "5000"}, phones=[])
    with pytest.raises(PermissionDenied):
        save_customer(cashier, file["li"], person("Li Na", member_card="m1001", payment_terms_days="30"), phones=[])
    assert Customer.get_by_id(file["li"]).payment_terms_days == 0
    save_customer(cashier, file["li"], person("Li Na", member_card="m1001", notes="prefers mornings"),
                  phones=[("mobile", "139 1234 5678"), ("home", "(021) 6552-9988")])  # other fields: fine
    save_customer(manager, file["li"], person("Li Na", member_card="m1001", payment_terms_days="30"),
                  phones=[("mobile", "139 1234 5678"), ("home", "(021) 6552-9988")])
    assert Customer.get_by_id(file["li"]).payment_terms_days == 30


def test_a_key_account_is_looked_after_by_a_member_of_staff(staff, file):
    cashier, manager = staff["cashier"], staff["manager"]
    company = {"kind": "company", "name": "Shanghai Fleet Services Ltd", "contact_person": "Wang Fang",
               "tax_id": "91310000 ma1fl1xx5c"}
    phones = [("office", "021-5555 0101")]
    save_customer(cashier, file["company"], {**company, "key_account": True, "account_manager_id": manager.user_id},
                  phones=phones)
    detail = get_customer(cashier, file["company"])
    assert detail.values["account_manager_id"] == manager.user_id and detail.account_manager == "Manager"
    with pytest.raises(ValidationError, match="works here now") as refused:
        save_customer(cashier, file["company"], {**company, "key_account": True, "account_manager_id": 999_999},
                      phones=phones)
    assert refused.value.field == "account_manager_id"
    users.set_active(SYSTEM, "manager", False, reason="left the shop")
    with pytest.raises(ValidationError, match="works here now"):
        save_customer(cashier, file["company"], {**company, "key_account": True,
                                                  "account_manager_id": manager.user_id}, phones=phones)
    assert Customer.get_by_id(file["company"]).account_manager_id == manager.user_id  # nothing changed
    save_customer(cashier, file["company"], {**company, "key_account": False, "account_manager_id": manager.user_id},
                  phones=phones)  # no longer a key account: nobody looks after it
    assert Customer.get_by_id(file["company"]).account_manager_id is None
