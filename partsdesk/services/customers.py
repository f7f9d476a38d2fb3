"""The customer file: customers with their phones, their vehicles (owner history, odometer
readings), duplicate detection and merging, and the customer search box.

Search finds, best first: a record number ("#12", as messages name customers); a member card
typed or scanned whole; a phone number, plate or VIN typed whole; a fragment of 3+
letters/digits of a phone number, plate or VIN; words of the name, contact person and tags
(each word a prefix; Chinese names by character and by pair).
Merged customers are never found: their records live on inside the one they were merged into.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, IntegrityError

from partsdesk.domain.customers import CUSTOMER_FIELDS, CUSTOMER_GONE, check_phone, clean_customer
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import FieldSpec, clean_int, clean_text
from partsdesk.domain.part_numbers import normalize_number
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.domain.search import (
    clean_query_text,
    document_words,
    fts5_match,
    parse_query,
    trigram_match,
    tsquery_text,
)
from partsdesk.domain.vehicles import check_vin, normalize_plate, normalize_vin
from partsdesk.i18n import _
from partsdesk.models import (
    AccountEntry,
    AppUser,
    CareTask,
    Complaint,
    ContactCall,
    CreditNote,
    Customer,
    CustomerEvent,
    CustomerPhone,
    HeldCart,
    OdometerReading,
    PointsEntry,
    PrepaidEntry,
    Sale,
    Vehicle,
    VehicleModel,
    VehicleOwner,
    database,
    transaction,
)
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, complaints, history, membership, settings
from partsdesk.services.clock import now

SEARCH_CAP = 300  # a customer is found by a few characters more, never by scrolling through hundreds
PAGE_MAX = 500
FRAGMENT_MIN = 3
ODOMETER_MAX = 3_000_000
ODOMETER_SOURCES = ("counter", "reception", "delivery", "correction")
_PROFILE_AUDIT_SKIP = {"updated_at", "search_text", "tax_id_norm", "plate_norm"}
# Personal data never goes into the audit log (it is append-only: an anonymized customer must
# leave nothing behind): a change of these is recorded by the field's name only.
PERSONAL_FIELDS = frozenset({"name", "contact_person", "tax_id", "address", "email", "preferred_time", "birthday",
                             "tags", "notes", "member_card", "phones", "consent_at", "plate", "vin"})


def _audit_values(changes: Mapping[str, object]) -> dict[str, object]:
    """What the audit log keeps of a change: the names of every changed field, and the values
    of those that are not personal data."""
    names = sorted(k for k in changes if k not in _PROFILE_AUDIT_SKIP)
    return {"fields": names, **{k: changes[k] for k in names if k not in PERSONAL_FIELDS}}


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class VehicleRow:
    id: int
    plate: str
    vin: str
    make: str
    model: str
    model_year: int | None
    engine: str
    colour: str
    notes: str
    last_km: int | None


@dataclass(frozen=True)
class CustomerDetail:
    id: int
    values: dict[str, object]  # the fields of CUSTOMER_FIELDS as stored
    phones: list[tuple[str, str]]  # (label, number as given)
    vehicles: list[VehicleRow]
    active: bool
    merged_into: int | None
    limited: bool = False  # contact details and account left out for this user's role
    grade: str = ""  # the class in force (A, B, C); "" when limited
    class_reason: str = ""  # why: the computed rule, or the manager's reason for the override
    class_overridden: bool = False
    member_tier: str = ""
    overdue_complaints: int = 0
    account_manager: str = ""  # the staff member who looks after a key account


# Changed in the profile only by a role with account.credit_terms (a cashier: through a manager).
_CREDIT_FIELDS = ("credit_limit", "payment_terms_days")

# What a role without customer.view_account sees of a customer (a technician: who, and the cars).
LIMITED_FIELDS = ("kind", "name")


def get_customer(actor: Actor, customer_id: int) -> CustomerDetail:
    """The customer with their phones and vehicles. A role without customer.view_account sees
    only the name and the vehicles (``limited``)."""
    require(actor, "customer.view")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise UserError(_("Customer #{id} is not in the customer file.").format(id=customer_id))
    limited = not actor.can("customer.view_account")
    values = {spec.name: getattr(customer, spec.name) for spec in CUSTOMER_FIELDS
              if not limited or spec.name in LIMITED_FIELDS}
    phones = [] if limited else [(p.label, p.number) for p in CustomerPhone.select()
                                 .where(CustomerPhone.customer == customer_id).order_by(CustomerPhone.id)]
    if limited:
        return CustomerDetail(customer.id, values, phones, vehicles_of(customer_id), customer.active,
                              customer.merged_into_id, limited)
    overridden = customer.class_override is not None
    return CustomerDetail(customer.id, values, phones, vehicles_of(customer_id), customer.active,
                          customer.merged_into_id, limited, grade=customer.grade,
                          class_reason=customer.class_override_reason if overridden else customer.class_reason,
                          class_overridden=overridden, member_tier=customer.member_tier,
                          overdue_complaints=len(complaints.overdue_ids(customer_id)),
                          account_manager=customer.account_manager.display_name if customer.account_manager_id else "")


def vehicles_of(customer_id: int) -> list[VehicleRow]:
    """The customer's current vehicles with their last odometer reading."""
    rows = []
    query = (Vehicle.select(Vehicle, VehicleModel).join(VehicleModel, JOIN.LEFT_OUTER)
             .where(Vehicle.customer == customer_id).order_by(Vehicle.id))
    for vehicle in query:
        model = vehicle.vehicle_model if vehicle.vehicle_model_id else None
        rows.append(VehicleRow(vehicle.id, vehicle.plate, vehicle.vin, model.make if model else "",
                               model.model if model else "", vehicle.model_year, vehicle.engine, vehicle.colour,
                               vehicle.notes, last_odometer(vehicle.id)))
    return rows


def last_odometer(vehicle_id: int) -> int | None:
    row = (OdometerReading.select(OdometerReading.km).where(OdometerReading.vehicle == vehicle_id)
           .order_by(OdometerReading.id.desc()).limit(1).tuples().first())
    return int(row[0]) if row else None


# --- customers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DuplicateCandidate:
    customer_id: int
    name: str
    why: str  # "same phone 13800138000", "same tax ID 9131…"


class DuplicateCustomer(UserError):
    """Saving would make a second record of a customer already in the file."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        self.candidates = candidates
        listed = "; ".join(f"#{c.customer_id} {c.name} ({c.why})" for c in candidates[:5])
        super().__init__(_("This looks like a customer already in the file: {customers}. Open that record, merge the "
                           "two, or save this one anyway if they are different people.").format(customers=listed))


def _clean_phones(phones: Sequence[tuple[str, str]], problems: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, number, number_norm), each number once."""
    code = settings.get("shop.phone_country_code")
    found: dict[str, tuple[str, str, str]] = {}
    label_spec = FieldSpec("phones", _("Phone label"), "text", max_length=30)
    number_spec = FieldSpec("phones", _("Phone number"), "text", max_length=40)
    for label, number in phones:
        if not str(number).strip():
            continue
        try:
            label, number = clean_text(label_spec, label), clean_text(number_spec, number)
            norm = check_phone(number, country_code=code)
        except ValidationError as error:
            problems.update(error.problems)
            continue
        found.setdefault(norm, (label, number, norm))
    return list(found.values())


def _duplicates(customer_id: int | None, tax_id_norm: str, phone_norms: Sequence[str]) -> list[DuplicateCandidate]:
    candidates: dict[int, DuplicateCandidate] = {}
    live = (Customer.active == True) & (Customer.id != (customer_id or 0))  # noqa: E712
    if phone_norms:
        query = (CustomerPhone.select(CustomerPhone.number_norm, Customer.id, Customer.name)
                 .join(Customer).where(CustomerPhone.number_norm.in_(list(phone_norms)) & live).tuples())
        for norm, other_id, name in query:
            candidates.setdefault(other_id, DuplicateCandidate(other_id, name,
                                                               _("same phone {phone}").format(phone=norm)))
    if tax_id_norm:
        query = Customer.select(Customer.id, Customer.name).where((Customer.tax_id_norm == tax_id_norm) & live).tuples()
        for other_id, name in query:
            candidates.setdefault(other_id, DuplicateCandidate(other_id, name, _("same tax ID {tax_id}").format(
                tax_id=tax_id_norm)))
    return sorted(candidates.values(), key=lambda c: c.customer_id)


def save_customer(actor: Actor, customer_id: int | None, raw: Mapping[str, object], *,
                  phones: Sequence[tuple[str, str]], allow_duplicate: bool = False) -> int:
    """Create (``customer_id`` None) or update a customer with their phones; returns the id.

    Needs customer.edit. A phone number or tax ID another active customer has raises
    ``DuplicateCustomer`` (with the candidates) unless ``allow_duplicate``. Bad input raises
    ValidationError and changes nothing.
    """
    require(actor, "customer.edit")
    stamp = now()
    clean, problems = clean_customer(raw, today=stamp.date())
    new_phones = _clean_phones(phones, problems)
    manager = clean.get("account_manager_id")
    if manager is not None and not AppUser.select().where((AppUser.id == manager) & AppUser.active).exists():
        problems["account_manager_id"] = _("Choose a member of staff who works here now to look after the account.")
    if problems:
        raise ValidationError(problems)
    try:
        with transaction():
            old = Customer.get_or_none(Customer.id == customer_id) if customer_id is not None else None
            if customer_id is not None and (old is None or not old.active):
                raise UserError(_(CUSTOMER_GONE).format(customer_id))
            credit = {name: clean[name] for name in _CREDIT_FIELDS if name in clean}
            if any(value != (getattr(old, name) if old is not None else 0) for name, value in credit.items()):
                require(actor, "account.credit_terms")  # a manager's business, audited like set_credit_terms
            if not allow_duplicate:
                duplicates = _duplicates(customer_id, str(clean["tax_id_norm"]), [n for _label, _number, n in new_phones])
                if duplicates:
                    raise DuplicateCustomer(duplicates)
            if clean["marketing_consent"] and not (old is not None and old.marketing_consent):
                clean["consent_at"] = stamp
            elif not clean["marketing_consent"]:
                clean["consent_at"] = None
            clean["search_text"] = customer_document(clean)
            if old is None:
                customer_id = Customer.insert(**clean, created_at=stamp, updated_at=stamp).execute()
                changed_old: dict[str, object] = {}
                changed_new = {k: v for k, v in clean.items() if k not in _PROFILE_AUDIT_SKIP}
            else:
                before = {name: getattr(old, name) for name in clean}
                changed_old = {k: before[k] for k in clean if before[k] != clean[k] and k not in _PROFILE_AUDIT_SKIP}
                changed_new = {k: clean[k] for k in changed_old}
                Customer.update(**clean, updated_at=stamp).where(Customer.id == customer_id).execute()
            old_phones = [(p.label, p.number, p.number_norm) for p in
                          CustomerPhone.select().where(CustomerPhone.customer == customer_id).order_by(CustomerPhone.id)]
            if old_phones != new_phones:
                CustomerPhone.delete().where(CustomerPhone.customer == customer_id).execute()
                for label, number, norm in new_phones:
                    CustomerPhone.create(customer=customer_id, label=label, number=number, number_norm=norm)
                changed_old["phones"] = [n for _label, n, _norm in old_phones]
                changed_new["phones"] = [n for _label, n, _norm in new_phones]
            if old is None or changed_new:
                audit.record("customer.create" if old is None else "customer.update", actor=actor,
                             object_type="customer", object_id=customer_id,
                             old=_audit_values(changed_old) if changed_old else None, new=_audit_values(changed_new),
                             reason="saved as a possible duplicate" if allow_duplicate else "")
            return int(customer_id)
    except IntegrityError as error:  # the member card is unique
        raise ValidationError({"member_card": _("Member card {card} belongs to another customer.").format(
            card=clean["member_card"])}
                              ) from error


def customer_document(clean: Mapping[str, object]) -> str:
    """The customer's search document: words of the name, contact person and tags."""
    return " ".join(word for name in ("name", "contact_person", "tags")
                    for word in document_words(str(clean.get(name) or "")))


def merge_customers(actor: Actor, keep_id: int, other_id: int, *, reason: str,
                    approval: Approval | None = None) -> None:
    """Merge ``other_id`` into ``keep_id``: phones, vehicles and their owner history move to
    the kept record; the other becomes inactive and points at it. Its history goes along: the
    timeline, the account ledger, points and prepaid ledgers (their balances add up), care
    tasks, calls and complaints. Needs customer.merge (a manager, or a manager's ``approval``);
    audited with the reason and the rows moved."""
    used = require(actor, "customer.merge", approval)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why these two records are the same customer.")})
    if keep_id == other_id:
        raise ValidationError({"customer": _("A customer cannot be merged into itself.")})
    stamp = now()
    with transaction():
        keep = Customer.get_or_none(Customer.id == keep_id)
        other = Customer.get_or_none(Customer.id == other_id)
        for customer, number in ((keep, keep_id), (other, other_id)):
            if customer is None or not customer.active:
                raise UserError(_(CUSTOMER_GONE).format(number))
        kept_norms = {n for (n,) in CustomerPhone.select(CustomerPhone.number_norm)
                      .where(CustomerPhone.customer == keep_id).tuples()}
        moved_phones: list[str] = []
        for phone in CustomerPhone.select().where(CustomerPhone.customer == other_id).order_by(CustomerPhone.id):
            if phone.number_norm not in kept_norms:
                CustomerPhone.update(customer=keep_id).where(CustomerPhone.id == phone.id).execute()
                moved_phones.append(phone.number)
        vehicles = [v for (v,) in Vehicle.select(Vehicle.id).where(Vehicle.customer == other_id).tuples()]
        Vehicle.update(customer=keep_id, updated_at=stamp).where(Vehicle.customer == other_id).execute()
        VehicleOwner.update(customer=keep_id).where(VehicleOwner.customer == other_id).execute()
        filled = {name: getattr(other, name) for name in ("tax_id", "tax_id_norm", "address", "email", "birthday",
                                                          "contact_person")
                  if not getattr(keep, name) and getattr(other, name)}
        if keep.member_card is None and other.member_card is not None:
            filled["member_card"] = other.member_card
            Customer.update(member_card=None).where(Customer.id == other_id).execute()
        if filled:
            words = {name: filled.get(name, getattr(keep, name)) for name in ("name", "contact_person", "tags")}
            Customer.update(**filled, search_text=customer_document(words), updated_at=stamp
                            ).where(Customer.id == keep_id).execute()
        moved = {model._meta.table_name: model.update(customer=keep_id).where(model.customer == other_id).execute()
                 for model in _HISTORY_TABLES}
        # Balances are caches of the ledgers just moved; the last visit is the later of the two.
        Customer.update(points_balance=Customer.points_balance + other.points_balance,
                        prepaid_balance=Customer.prepaid_balance + other.prepaid_balance,
                        account_balance=Customer.account_balance + other.account_balance,
                        ).where(Customer.id == keep_id).execute()
        if keep.member_since is None and other.member_since is not None:
            Customer.update(member_since=other.member_since).where(Customer.id == keep_id).execute()
        membership.refresh_tier(keep_id, user_id=actor.user_id)
        if other.last_visit_at is not None and (keep.last_visit_at is None or other.last_visit_at > keep.last_visit_at):
            Customer.update(last_visit_at=other.last_visit_at).where(Customer.id == keep_id).execute()
        Customer.update(active=False, merged_into=keep_id, updated_at=stamp, points_balance=0, prepaid_balance=0,
                        account_balance=0, member_tier="").where(Customer.id == other_id).execute()
        history.record_event(keep_id, "account", summary=f"Merged customer #{other_id} into this record: {reason}",
                             user_id=actor.user_id, document_type="customer", document_id=other_id)
        audit.record("customer.merge", actor=actor, approval=used, object_type="customer", object_id=keep_id,
                     reason=reason, old={"merged": other_id},
                     new={"phones_moved": len(moved_phones), "vehicles": vehicles, "filled": sorted(filled),
                          "moved": {table: count for table, count in moved.items() if count}})


# Tables whose rows follow a customer into a merge (the ledgers allow exactly that change).
_HISTORY_TABLES = (CustomerEvent, AccountEntry, PointsEntry, PrepaidEntry, CareTask, ContactCall, Complaint, Sale,
                   CreditNote, HeldCart)


# --- privacy ---------------------------------------------------------------------------------

ANONYMOUS_NAME = "Anonymized customer"
ERASED_TEXT = "(erased at the customer's request)"


def personal_data(actor: Actor, customer_id: int) -> dict[str, object]:
    """Everything the customer file holds about one customer, as plain JSON-ready data (the
    customer's right to see it): profile, phones, vehicles with their readings while owned, the
    timeline, the account, points and prepaid ledgers, calls and complaints. Needs
    customer.privacy; audited (without the data itself)."""
    require(actor, "customer.privacy")
    with transaction():
        detail = get_customer(actor, customer_id)
        vehicles = []
        for vehicle in Vehicle.select().where(Vehicle.id.in_(
                VehicleOwner.select(VehicleOwner.vehicle).where(VehicleOwner.customer == customer_id))).order_by(Vehicle.id):
            periods = [(since, until) for owner, _name, since, until in owners_of(vehicle.id) if owner == customer_id]
            readings = [(r.read_at, r.km) for r in OdometerReading.select().where(
                (OdometerReading.vehicle == vehicle.id) & (OdometerReading.read_at >= periods[0][0])
                & (OdometerReading.read_at <= (periods[-1][1] or now()))).order_by(OdometerReading.id)]
            vehicles.append({"plate": vehicle.plate, "vin": vehicle.vin, "model_year": vehicle.model_year,
                             "owned": [[_iso(s), _iso(u)] for s, u in periods],
                             "odometer": [[_iso(at), km] for at, km in readings]})
        ledgers = {name: [{key: _iso(value) for key, value in row.items()}
                          for row in model.select(*columns).where(model.customer == customer_id)
                          .order_by(model.id).dicts()]
                   for name, model, columns in _PERSONAL_LEDGERS}
        audit.record("customer.personal_data", actor=actor, object_type="customer", object_id=customer_id)
    values = {k: _iso(v) for k, v in detail.values.items()}
    return {"customer": customer_id, "exported_at": _iso(now()), "profile": values,
            "phones": [{"label": label, "number": number} for label, number in detail.phones],
            "vehicles": vehicles, **ledgers}


# What a personal data export lists besides the profile: (section, table, its columns).
_PERSONAL_LEDGERS = (
    ("history", CustomerEvent, (CustomerEvent.at, CustomerEvent.kind, CustomerEvent.document_no,
                                CustomerEvent.amount, CustomerEvent.summary)),
    ("account", AccountEntry, (AccountEntry.posted_at, AccountEntry.kind, AccountEntry.document,
                               AccountEntry.amount, AccountEntry.due_on)),
    ("points", PointsEntry, (PointsEntry.at, PointsEntry.kind, PointsEntry.points, PointsEntry.document,
                             PointsEntry.expires_on, PointsEntry.reason)),
    ("prepaid", PrepaidEntry, (PrepaidEntry.at, PrepaidEntry.kind, PrepaidEntry.amount, PrepaidEntry.document,
                               PrepaidEntry.reason)),
    ("calls", ContactCall, (ContactCall.called_at, ContactCall.outcome, ContactCall.comment, ContactCall.scores)),
    ("complaints", Complaint, (Complaint.received_at, Complaint.category, Complaint.description,
                               Complaint.status, Complaint.resolution)),
)


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime | date) else value


def anonymize_customer(actor: Actor, customer_id: int, *, reason: str) -> None:
    """Erase a customer's personal data at their request: the profile's personal fields, the
    phones, the comments of calls and the texts of complaints are erased, vehicles are no longer theirs (the car keeps its
    own history), and the record stays under an anonymous name so the shop's documents, the
    account and the timeline (which the law makes it keep) still add up. Needs customer.privacy; audited with the reason."""
    require(actor, "customer.privacy")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the data is erased (for example: the customer asked on 3 May).")})
    stamp = now()
    with transaction():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None or not customer.active:
            raise UserError(_(CUSTOMER_GONE).format(customer_id))
        erased = {spec.name: spec.default for spec in CUSTOMER_FIELDS if spec.name in PERSONAL_FIELDS}
        erased.update(name=f"{ANONYMOUS_NAME} #{customer_id}", member_card=None, tax_id_norm="", consent_at=None,
                      marketing_consent=False, search_text="", active=False, updated_at=stamp)
        Customer.update(**erased).where(Customer.id == customer_id).execute()
        CustomerPhone.delete().where(CustomerPhone.customer == customer_id).execute()
        vehicles = [v for (v,) in Vehicle.select(Vehicle.id).where(Vehicle.customer == customer_id).tuples()]
        VehicleOwner.update(until=stamp).where((VehicleOwner.customer == customer_id) & VehicleOwner.until.is_null()
                                               ).execute()
        Vehicle.update(customer=None, updated_at=stamp).where(Vehicle.customer == customer_id).execute()
        # What the customer said on the phone or in a complaint is theirs; the documents, the ledgers and
        # the complaint register's numbers (category, dates, status) stay, as the law and the shop keep them.
        ContactCall.update(comment="").where(ContactCall.customer == customer_id).execute()
        Complaint.update(description=ERASED_TEXT, answer=ERASED_TEXT, resolution=ERASED_TEXT).where(
            Complaint.customer == customer_id).execute()
        audit.record("customer.anonymize", actor=actor, object_type="customer", object_id=customer_id,
                     reason=reason, new={"vehicles_released": vehicles})


# --- vehicles ---------------------------------------------------------------------------------

VEHICLE_KEYS = ("plate", "vin", "vehicle_model_id", "model_year", "engine", "colour", "notes")


def save_vehicle(actor: Actor, vehicle_id: int | None, customer_id: int | None,
                 raw: Mapping[str, object]) -> tuple[int, tuple[str, ...]]:
    """Create or update a vehicle of ``customer_id``; returns (id, warnings to show).

    The VIN is checked (a wrong check digit is refused where the region mandates it, a warning
    elsewhere); make and model come from the fitment vehicle list so the catalogue can filter
    parts for the car. Needs customer.edit.
    """
    require(actor, "customer.edit")
    unknown = set(raw) - set(VEHICLE_KEYS)
    if unknown:
        raise ValidationError({"_unknown": _("Unknown field(s): {fields}.").format(fields=", ".join(sorted(unknown)))})
    stamp = now()
    problems: dict[str, str] = {}
    clean: dict[str, object] = {}
    warnings: tuple[str, ...] = ()
    for name, label, length in (("plate", _("Plate"), 20), ("engine", _("Engine"), 40), ("colour", _("Colour"), 30),
                                ("notes", _("Notes"), 1000)):
        try:
            clean[name] = clean_text(FieldSpec(name, label, "text", max_length=length, multiline=name == "notes"),
                                     raw.get(name))
        except ValidationError as error:
            problems.update(error.problems)
    clean["plate_norm"] = normalize_plate(str(clean.get("plate", "")))
    vin_text = str(raw.get("vin") or "").strip()
    clean["vin"] = ""
    decoded_year = None
    if vin_text:
        try:
            info = check_vin(vin_text, current_year=stamp.year)
            clean["vin"], warnings, decoded_year = info.vin, info.warnings, info.model_year
        except ValidationError as error:
            problems.update(error.problems)
    model_id = raw.get("vehicle_model_id")
    clean["vehicle_model"] = None
    if model_id not in (None, ""):
        if VehicleModel.get_or_none(VehicleModel.id == model_id) is None:
            problems["vehicle_model_id"] = _("Pick the make and model from the vehicle list.")
        else:
            clean["vehicle_model"] = int(model_id)  # type: ignore[arg-type]
    year = raw.get("model_year")
    clean["model_year"] = None
    if year not in (None, ""):
        try:
            clean["model_year"] = clean_int(FieldSpec("model_year", _("Model year"), "int"), year)
            if not 1950 <= int(clean["model_year"]) <= stamp.year + 1:  # type: ignore[arg-type]
                problems["model_year"] = _("Model year is between 1950 and {last}.").format(last=stamp.year + 1)
        except ValidationError as error:
            problems.update(error.problems)
    elif decoded_year is not None:
        clean["model_year"] = decoded_year
    if not clean["plate_norm"] and not clean["vin"]:
        problems.setdefault("plate", _("A vehicle needs its plate or its VIN."))
    if problems:
        raise ValidationError(problems)
    try:
        with transaction():
            if customer_id is not None and not Customer.select().where(
                    (Customer.id == customer_id) & (Customer.active == True)).exists():  # noqa: E712
                raise UserError(_(CUSTOMER_GONE).format(customer_id))
            if vehicle_id is None:
                vehicle_id = Vehicle.insert(**clean, customer=customer_id, created_at=stamp, updated_at=stamp).execute()
                if customer_id is not None:
                    VehicleOwner.create(vehicle=vehicle_id, customer=customer_id, since=stamp)
                audit.record("vehicle.create", actor=actor, object_type="vehicle", object_id=vehicle_id,
                             new={**_audit_values(clean), "customer": customer_id})
            else:
                old = Vehicle.get_or_none(Vehicle.id == vehicle_id)
                if old is None:
                    raise UserError(_("Vehicle #{id} is not in the customer file any more.").format(id=vehicle_id))
                before = {name: getattr(old, name if name != "vehicle_model" else "vehicle_model_id") for name in clean}
                changed = {k: clean[k] for k in clean if before[k] != clean[k]}
                if changed:
                    Vehicle.update(**changed, updated_at=stamp).where(Vehicle.id == vehicle_id).execute()
                    audit.record("vehicle.update", actor=actor, object_type="vehicle", object_id=vehicle_id,
                                 old=_audit_values({k: before[k] for k in changed}), new=_audit_values(changed))
            return int(vehicle_id), warnings
    except IntegrityError as error:
        raise ValidationError({"vin": _("VIN {vin} is already on another vehicle in the file.").format(
            vin=clean["vin"])}) from error


def change_owner(actor: Actor, vehicle_id: int, new_customer_id: int, *, reason: str = "") -> None:
    """The vehicle now belongs to ``new_customer_id``; its readings and history stay with it."""
    require(actor, "customer.edit")
    stamp = now()
    with transaction():
        vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id)
        if vehicle is None:
            raise UserError(_("Vehicle #{id} is not in the customer file any more.").format(id=vehicle_id))
        if not Customer.select().where((Customer.id == new_customer_id) & (Customer.active == True)).exists():  # noqa: E712
            raise UserError(_(CUSTOMER_GONE).format(new_customer_id))
        if vehicle.customer_id == new_customer_id:
            return
        VehicleOwner.update(until=stamp).where((VehicleOwner.vehicle == vehicle_id) & VehicleOwner.until.is_null()
                                               ).execute()
        VehicleOwner.create(vehicle=vehicle_id, customer=new_customer_id, since=stamp)
        Vehicle.update(customer=new_customer_id, updated_at=stamp).where(Vehicle.id == vehicle_id).execute()
        audit.record("vehicle.owner", actor=actor, object_type="vehicle", object_id=vehicle_id, reason=reason,
                     old={"customer": vehicle.customer_id}, new={"customer": new_customer_id})


def owners_of(vehicle_id: int) -> list[tuple[int, str, datetime, datetime | None]]:
    """(customer id, name, since, until) of every owner, oldest first."""
    return [(c, n, s, u) for c, n, s, u in (
        VehicleOwner.select(VehicleOwner.customer, Customer.name, VehicleOwner.since, VehicleOwner.until)
        .join(Customer).where(VehicleOwner.vehicle == vehicle_id).order_by(VehicleOwner.id).tuples())]


def record_odometer(actor: Actor, vehicle_id: int, km: object, *, source: str, reason: str = "",
                    approval: Approval | None = None) -> int:
    """Append an odometer reading; returns its id.

    A reading below the last one is a correction: it needs vehicle.odometer_correct (a manager,
    or a manager's ``approval``) and a reason, both audited. Needs customer.edit.
    """
    require(actor, "customer.edit")
    if source not in ODOMETER_SOURCES:
        raise ValueError(f"unknown odometer source {source!r}")
    value = clean_int(FieldSpec("km", _("Odometer (km)"), "int"), km)
    if value > ODOMETER_MAX:
        raise ValidationError({"km": _("Odometer (km) is at most {most:,}.").format(most=ODOMETER_MAX)})
    reason = " ".join(str(reason or "").split())
    with transaction():
        if not Vehicle.select().where(Vehicle.id == vehicle_id).exists():
            raise UserError(_("Vehicle #{id} is not in the customer file any more.").format(id=vehicle_id))
        last = last_odometer(vehicle_id)
        used = None
        if last is not None and value < last:
            if not reason:
                raise ValidationError({"km": _("The last reading was {km:,} km; a lower one needs a reason and a "
                                               "manager's approval.").format(km=last)})
            used = require(actor, "vehicle.odometer_correct", approval)
            approver = used.approver_id if used else actor.user_id
            audit.record("vehicle.odometer_correct", actor=actor, approval=used, object_type="vehicle",
                         object_id=vehicle_id, reason=reason, old={"km": last}, new={"km": value})
        else:
            approver = None
        reading = OdometerReading.create(vehicle=vehicle_id, km=value, read_at=now(), source=source,
                                         user=actor.user_id, approved_by=approver, reason=reason)
        return int(reading.id)


# --- search ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerRow:
    id: int
    kind: str
    name: str
    contact_person: str
    phone: str  # the first phone
    plates: str  # up to three plates
    key_account: bool
    member_card: str
    match: str  # record, card, phone, plate, vin (typed whole), vehicle (part of a plate or VIN), words
    grade: str = "C"  # the class in force
    member_tier: str = ""
    overdue_complaint: bool = False  # a complaint of theirs is past its deadline


@dataclass(frozen=True)
class CustomerSearchResult:
    rows: list[CustomerRow]
    total: int
    capped: bool


def _fetch(sql: str, params: Sequence[object] = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, tuple(params)).fetchall())


class _Found:
    def __init__(self) -> None:
        self.ids: dict[int, str] = {}
        self.capped = False

    def add(self, rows: Sequence[tuple], match: str) -> None:
        for (customer_id, *_rest) in rows:
            if customer_id is None or int(customer_id) in self.ids:
                continue
            if len(self.ids) >= SEARCH_CAP:
                self.capped = True
                return
            self.ids[int(customer_id)] = match


_LIVE = " AND c.active"


def search_customers(text: str, *, limit: int = 50, offset: int = 0) -> CustomerSearchResult:
    """One page of the customer search (see the module doc); an empty text lists every active
    customer by name."""
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, int(offset))
    p = database.obj.param
    text = clean_query_text(text)
    if not text:
        total = int(_fetch("SELECT COUNT(*) FROM customer c WHERE TRUE" + _LIVE)[0][0])
        ids = [int(r[0]) for r in _fetch(f"SELECT c.id FROM customer c WHERE TRUE{_LIVE} ORDER BY c.name, c.id "
                                         f"LIMIT {p} OFFSET {p}", (limit, offset))]
        return CustomerSearchResult(_rows(ids, dict.fromkeys(ids, "browse")), total, False)
    found = _Found()
    want = SEARCH_CAP + 1
    if text[:1] == "#" and text[1:].isdigit() and len(text) <= 19:  # a record number, as messages write it
        found.add(_fetch(f"SELECT c.id FROM customer c WHERE c.id = {p}{_LIVE}", (int(text[1:]),)), "record")
        return CustomerSearchResult(_rows(list(found.ids), found.ids), len(found.ids), False)
    key = normalize_number(text)  # upper-case letters and digits: cards, plates, VINs
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    phone = digits if digits and len(digits) == len(key) else ""
    plate = normalize_plate(text)
    if key:
        found.add(_fetch(f"SELECT c.id FROM customer c WHERE c.member_card = {p}{_LIVE}", (key,)), "card")
    if phone:
        try:
            phone = check_phone(text, country_code=settings.get("shop.phone_country_code"))
        except ValidationError:
            pass
        found.add(_fetch(f"SELECT c.id FROM customer_phone cp JOIN customer c ON c.id = cp.customer_id "
                         f"WHERE cp.number_norm = {p}{_LIVE} LIMIT {p}", (phone, want)), "phone")
    if plate:
        found.add(_fetch(f"SELECT v.customer_id FROM vehicle v JOIN customer c ON c.id = v.customer_id "
                         f"WHERE v.plate_norm = {p}{_LIVE} LIMIT {p}", (plate, want)), "plate")
    if len(key) == 17:
        found.add(_fetch(f"SELECT v.customer_id FROM vehicle v JOIN customer c ON c.id = v.customer_id "
                         f"WHERE v.vin = {p}{_LIVE} LIMIT {p}", (normalize_vin(text), want)), "vin")
    if phone and len(phone) >= FRAGMENT_MIN:
        found.add(_fragment("customer_phone", "customer_phone_trgm", "cp", "number_norm", phone, want), "phone")
    if len(plate) >= FRAGMENT_MIN:
        found.add(_vehicle_fragment(plate, want), "vehicle")
    found.add(_words(text, want), "words")
    ids = list(found.ids)
    page = ids[offset:offset + limit]
    return CustomerSearchResult(_rows(page, found.ids), len(ids), found.capped)


def _fragment(table: str, fts: str, alias: str, column: str, fragment: str, want: int) -> list[tuple]:
    p = database.obj.param
    if is_postgres():
        return _fetch(f"SELECT c.id FROM {table} {alias} JOIN customer c ON c.id = {alias}.customer_id "
                      f"WHERE {alias}.{column} LIKE {p}{_LIVE} LIMIT {p}", ("%" + fragment + "%", want))
    return _fetch(f"SELECT c.id FROM {fts} t JOIN {table} {alias} ON {alias}.id = t.rowid "
                  f"JOIN customer c ON c.id = {alias}.customer_id WHERE {fts} MATCH {p} "
                  f"AND instr({alias}.{column}, {p}) > 0{_LIVE} LIMIT {p}",
                  (trigram_match(fragment), fragment, want))


def _vehicle_fragment(fragment: str, want: int) -> list[tuple]:
    """Customers with a plate or VIN containing ``fragment`` (upper-case letters and digits)."""
    p = database.obj.param
    if is_postgres():
        return _fetch(f"SELECT c.id FROM vehicle v JOIN customer c ON c.id = v.customer_id "
                      f"WHERE (v.plate_norm LIKE {p} OR v.vin LIKE {p}){_LIVE} LIMIT {p}",
                      ("%" + fragment + "%", "%" + fragment + "%", want))
    return _fetch(f"SELECT c.id FROM vehicle_trgm t JOIN vehicle v ON v.id = t.rowid "
                  f"JOIN customer c ON c.id = v.customer_id WHERE vehicle_trgm MATCH {p} "
                  f"AND (instr(v.plate_norm, {p}) > 0 OR instr(v.vin, {p}) > 0){_LIVE} LIMIT {p}",
                  (trigram_match(fragment), fragment, fragment, want))


def _words(text: str, want: int) -> list[tuple]:
    p = database.obj.param
    query = parse_query(text)
    if is_postgres():
        expression = tsquery_text(query)
        if not expression:
            return []
        return _fetch(f"SELECT c.id FROM customer c WHERE to_tsvector('simple', c.search_text) @@ "
                      f"to_tsquery('simple', {p}){_LIVE} ORDER BY c.name LIMIT {p}", (expression, want))
    expression = fts5_match(query)
    if not expression:
        return []
    return _fetch(f"SELECT c.id FROM customer_fts f JOIN customer c ON c.id = f.rowid WHERE customer_fts MATCH {p}"
                  f"{_LIVE} LIMIT {p}", (expression, want))


def _rows(ids: Sequence[int], matches: Mapping[int, str]) -> list[CustomerRow]:
    if not ids:
        return []
    marks = ", ".join([database.obj.param] * len(ids))
    base = {int(r[0]): r for r in _fetch(
        f"SELECT id, kind, name, contact_person, key_account, member_card, COALESCE(class_override, class_grade), "
        f"member_tier FROM customer WHERE id IN ({marks})", ids)}
    phones: dict[int, str] = {}
    for customer_id, number in _fetch(f"SELECT customer_id, number FROM customer_phone WHERE customer_id IN ({marks}) "
                                      "ORDER BY id", ids):
        phones.setdefault(int(customer_id), number)
    plates: dict[int, list[str]] = {}
    for customer_id, plate in _fetch(f"SELECT customer_id, plate FROM vehicle WHERE customer_id IN ({marks}) "
                                     "AND plate <> '' ORDER BY id", ids):
        plates.setdefault(int(customer_id), []).append(plate)
    overdue = complaints.overdue_customers(ids)
    return [CustomerRow(i, base[i][1], base[i][2], base[i][3], phones.get(i, ""), ", ".join(plates.get(i, [])[:3]),
                        bool(base[i][4]), base[i][5] or "", matches[i], base[i][6], base[i][7], i in overdue)
            for i in ids if i in base]
