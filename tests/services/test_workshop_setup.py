"""The workshop's set-up on a real database: bays, labour classes and canned jobs added, edited,
deactivated and reactivated (each change audited), bad input refused by field with nothing
written, permissions, a canned job expanded into repair-order lines, the defaults of a new shop
and the workshop settings."""

from __future__ import annotations

import pytest

from partsdesk.config import SETTINGS_BY_NAME
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.models import AuditLog, CannedJob, CannedJobLine, LabourClass, WorkshopBay
from partsdesk.services import catalog, settings, workshop_setup
from partsdesk.services.shop import open_shop
from partsdesk.services.workshop_setup import CannedLineRequest, JobLineTemplate
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000.00")
    manager = staff["manager"]
    made["gen"] = workshop_setup.add_labour_class(manager, code="gen", name="General", rate="150.00")
    made["diag"] = workshop_setup.add_labour_class(manager, code="DIAG", name="Diagnosis", rate=22_000)
    return made


def _rows() -> tuple[int, int, int, int, int]:
    return (WorkshopBay.select().count(), LabourClass.select().count(), CannedJob.select().count(),
            CannedJobLine.select().count(), AuditLog.select().count())


def _problems(call) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.problems


# --- bays ---------------------------------------------------------------------------------------

def test_bays_are_added_renamed_deactivated_and_reactivated_with_an_audit_row_each(staff):
    manager = staff["manager"]
    b1 = workshop_setup.add_bay(manager, code=" b1 ", name="Bay 1")
    b2 = workshop_setup.add_bay(manager, code="B2", name="Bay 2  (lift)")
    assert [(b.code, b.name) for b in workshop_setup.list_bays(staff["technician"])] == [
        ("B1", "Bay 1"), ("B2", "Bay 2 (lift)")]

    workshop_setup.rename_bay(manager, b2, "Alignment bay")
    workshop_setup.set_bay_active(manager, b1, False)
    assert [b.code for b in workshop_setup.list_bays(manager)] == ["B2"]
    assert [(b.code, b.active) for b in workshop_setup.list_bays(manager, include_inactive=True)] == [
        ("B1", False), ("B2", True)]
    workshop_setup.set_bay_active(manager, b1, True)
    assert [b.name for b in workshop_setup.list_bays(manager)] == ["Bay 1", "Alignment bay"]

    actions = [a for (a,) in AuditLog.select(AuditLog.action).where(AuditLog.object_type == "workshop_bay")
               .order_by(AuditLog.id).tuples()]
    assert actions == ["workshop.bay_add", "workshop.bay_add", "workshop.bay_rename", "workshop.bay_deactivate",
                       "workshop.bay_reactivate"]
    rename = AuditLog.get(AuditLog.action == "workshop.bay_rename")
    assert '"Bay 2 (lift)"' in rename.old_value and '"Alignment bay"' in rename.new_value
    assert rename.user_id == manager.user_id


def test_bad_bays_are_refused_by_field_and_nothing_is_written(staff):
    manager = staff["manager"]
    b1 = workshop_setup.add_bay(manager, code="B1", name="Bay 1")
    before = _rows()
    assert _problems(lambda: workshop_setup.add_bay(manager, code="", name=" ")) == {
        "code": "Bay code is required (e.g. B1).", "name": "Bay name is required."}
    assert "taken by the bay Bay 1" in _problems(lambda: workshop_setup.add_bay(manager, code="b1", name="X"))["code"]
    assert "already a bay called Bay 1" in _problems(
        lambda: workshop_setup.add_bay(manager, code="B9", name="BAY 1"))["name"]
    assert "letters, digits or dashes" in _problems(
        lambda: workshop_setup.add_bay(manager, code="B/1", name="Bay"))["code"]
    assert "at most 60" in _problems(lambda: workshop_setup.add_bay(manager, code="B3", name="x" * 61))["name"]
    with pytest.raises(UserError, match="only active bay"):
        workshop_setup.set_bay_active(manager, b1, False)
    with pytest.raises(UserError, match="There is no bay 999"):
        workshop_setup.rename_bay(manager, 999, "Bay")
    assert _rows() == before


def test_setup_needs_workshop_setup_and_reading_needs_workshop_view(staff):
    for role in ("service_advisor", "technician", "cashier"):
        with pytest.raises(PermissionDenied, match="set up bays, labour classes and canned jobs"):
            workshop_setup.add_bay(staff[role], code="B1", name="Bay 1")
    with pytest.raises(PermissionDenied):
        workshop_setup.add_labour_class(staff["service_advisor"], code="X", name="X", rate=1)
    with pytest.raises(PermissionDenied):
        workshop_setup.list_canned_jobs(staff["cashier"])
    assert workshop_setup.list_labour_classes(staff["technician"]) == []
    assert workshop_setup.list_bays(staff["storekeeper"]) == []
    assert _rows()[0:4] == (0, 0, 0, 0)


# --- labour classes -----------------------------------------------------------------------------

def test_labour_classes_with_their_rates_are_edited_and_deactivated(staff, shop):
    manager = staff["manager"]
    assert [(c.code, c.name, c.rate) for c in workshop_setup.list_labour_classes(manager)] == [
        ("DIAG", "Diagnosis", 22_000), ("GEN", "General", 15_000)]
    workshop_setup.edit_labour_class(manager, shop["diag"], code="DIAG", name="Diagnosis", rate="240.50")
    assert workshop_setup.list_labour_classes(manager)[0].rate == 24_050
    edit = AuditLog.get(AuditLog.action == "workshop.labour_class_edit")
    assert '"rate": 22000' in edit.old_value and '"rate": 24050' in edit.new_value

    workshop_setup.set_labour_class_active(manager, shop["diag"], False)
    assert [c.code for c in workshop_setup.list_labour_classes(manager)] == ["GEN"]
    with pytest.raises(UserError, match="only active labour class"):
        workshop_setup.set_labour_class_active(manager, shop["gen"], False)
    workshop_setup.set_labour_class_active(manager, shop["diag"], True)
    assert AuditLog.select().where(AuditLog.object_type == "labour_class").count() == 5


def test_bad_labour_classes_are_refused_and_nothing_is_written(staff, shop):
    manager = staff["manager"]
    before = _rows()
    problems = _problems(lambda: workshop_setup.add_labour_class(manager, code="GEN", name="general", rate="-5"))
    assert problems["code"].startswith("The code GEN is taken by the labour class General")
    assert problems["name"] == "There is already a labour class called General."
    assert _problems(lambda: workshop_setup.add_labour_class(manager, code="EL", name="Electrical", rate=-1)) == {
        "rate": "Rate per hour cannot be negative."}
    assert "rate" in _problems(lambda: workshop_setup.add_labour_class(manager, code="EL", name="El", rate="abc"))
    assert "rate" in _problems(lambda: workshop_setup.add_labour_class(manager, code="EL", name="El", rate="1.234"))
    assert _problems(lambda: workshop_setup.edit_labour_class(manager, shop["diag"], code="gen", name="Diagnosis",
                                                              rate=1))["code"].startswith("The code GEN is taken")
    assert _rows() == before
    assert LabourClass.get_by_id(shop["diag"]).code == "DIAG"


def test_the_default_labour_class_is_general_while_active(staff, shop):
    manager = staff["manager"]
    assert workshop_setup.default_labour_class().code == "GEN"
    workshop_setup.set_labour_class_active(manager, shop["gen"], False)
    assert workshop_setup.default_labour_class().code == "DIAG"


# --- canned jobs --------------------------------------------------------------------------------

def _oil_lines(shop, **changes) -> list[CannedLineRequest]:
    lines = [CannedLineRequest(kind="part", part_id=shop["pads"], qty="4.5"),
             CannedLineRequest(kind="labour", labour_class_id=shop["gen"], qty="0.8", description="Change oil"),
             CannedLineRequest(kind="other", qty=1000, description="Disposal", unit_price="10.00")]
    for index, line in changes.items():
        lines[int(index[1:])] = line
    return lines


def test_a_canned_job_is_saved_with_its_lines_and_expanded_for_a_repair_order(staff, shop):
    manager = staff["manager"]
    job = workshop_setup.add_canned_job(manager, code="oil", name="Oil service", lines=_oil_lines(shop))
    [row] = workshop_setup.list_canned_jobs(staff["technician"])
    assert (row.code, row.name, row.lines, row.hours, row.active) == ("OIL", "Oil service", 3, 800, True)
    detail = workshop_setup.get_canned_job(manager, job)
    assert [(x.line_no, x.kind, x.part_number, x.qty, x.labour_class_code, x.unit_price) for x in detail.lines] == [
        (1, "part", "BP-1", 4_500, "", None), (2, "labour", "", 800, "GEN", None), (3, "other", "", 1_000, "", 1_000)]

    assert workshop_setup.expand_canned_job(job) == [
        JobLineTemplate(kind="part", part_id=shop["pads"], description="Bosch Part BP-1", qty=4_500,
                        labour_class_id=None, unit_price=None),
        JobLineTemplate(kind="labour", part_id=None, description="Change oil", qty=800, labour_class_id=shop["gen"],
                        unit_price=None),
        JobLineTemplate(kind="other", part_id=None, description="Disposal", qty=1_000, labour_class_id=None,
                        unit_price=1_000)]
    added = AuditLog.get(AuditLog.action == "workshop.canned_job_add")
    assert '"part": "BP-1"' in added.new_value and added.object_id == str(job)


def test_editing_a_canned_job_replaces_its_lines_and_deactivating_hides_it(staff, shop):
    manager = staff["manager"]
    job = workshop_setup.add_canned_job(manager, code="OIL", name="Oil service", lines=_oil_lines(shop))
    workshop_setup.edit_canned_job(manager, job, code="OIL-1", name="Oil service, small car", lines=[
        CannedLineRequest(kind="labour", labour_class_id=shop["diag"], qty=500, description="Check"),
        CannedLineRequest(kind="part", part_id=shop["caliper"], qty=2000, unit_price=45_000)])
    detail = workshop_setup.get_canned_job(manager, job)
    assert (detail.code, detail.name) == ("OIL-1", "Oil service, small car")
    assert [(x.line_no, x.kind, x.qty) for x in detail.lines] == [(1, "labour", 500), (2, "part", 2000)]
    assert CannedJobLine.select().count() == 2
    edit = AuditLog.get(AuditLog.action == "workshop.canned_job_edit")
    assert '"BP-1"' in edit.old_value and '"CA-2"' in edit.new_value

    with pytest.raises(UserError, match=r"The canned job\(s\) OIL-1 use Diagnosis"):  # a class in use stays
        workshop_setup.set_labour_class_active(manager, shop["diag"], False)
    workshop_setup.set_canned_job_active(manager, job, False)
    assert workshop_setup.list_canned_jobs(manager) == []
    assert [j.active for j in workshop_setup.list_canned_jobs(manager, include_inactive=True)] == [False]
    with pytest.raises(UserError, match="is inactive"):
        workshop_setup.expand_canned_job(job)
    workshop_setup.set_labour_class_active(manager, shop["diag"], False)  # no active job uses it now
    workshop_setup.set_canned_job_active(manager, job, True)
    with pytest.raises(UserError, match="labour class DIAG, which is inactive"):
        workshop_setup.expand_canned_job(job)


def test_a_part_deactivated_after_the_job_was_made_stops_its_expansion(staff, shop):
    manager = staff["manager"]
    job = workshop_setup.add_canned_job(manager, code="OIL", name="Oil service", lines=_oil_lines(shop))
    catalog.set_part_active(manager, shop["pads"], False, reason="no longer sold")
    with pytest.raises(UserError, match="part BP-1, which is inactive"):
        workshop_setup.expand_canned_job(job)


@pytest.mark.parametrize(("lines", "field", "message"), [
    ({"l0": CannedLineRequest(kind="part", qty=1000)}, "lines.0.part", "Line 1: a part line needs a part"),
    ({"l1": CannedLineRequest(kind="labour", qty=800, description="Oil")}, "lines.1.labour_class",
     "Line 2: a labour line needs a labour class."),
    ({"l1": CannedLineRequest(kind="labour", qty=800, labour_class_id=1, description="")}, "lines.1.description",
     "Line 2: say what is done or charged."),
    ({"l0": CannedLineRequest(kind="part", part_id=99_999, qty=1)}, "lines.0.part", "no part 99999"),
    ({"l0": CannedLineRequest(kind="part", part_id=1, qty="0")}, "lines.0.qty", "must be more than zero"),
    ({"l1": CannedLineRequest(kind="labour", labour_class_id=1, qty="-1", description="x")}, "lines.1.qty",
     "Line 2: the hours must be more than zero."),
    ({"l1": CannedLineRequest(kind="labour", labour_class_id=1, qty="2000", description="x")}, "lines.1.qty",
     "too large"),
    ({"l2": CannedLineRequest(kind="sublet", qty=1000, description="Alignment")}, "lines.2.unit_price",
     "Line 3: type the price (a sublet or other charge has no usual price)."),
    ({"l2": CannedLineRequest(kind="other", qty=1000, description="x", unit_price="-3")}, "lines.2.unit_price",
     "cannot be negative"),
    ({"l2": CannedLineRequest(kind="tyres", qty=1000)}, "lines.2.kind", "Line 3: the kind is one of"),
    ({"l2": CannedLineRequest(kind="other", qty=1000, description="x", unit_price=1, part_id=1)}, "lines.2.part",
     "only a part line names a part"),
])
def test_bad_canned_job_lines_are_refused_by_line_and_nothing_is_written(staff, shop, lines, field, message):
    manager = staff["manager"]
    gen = shop["gen"]
    fixed = {k: (CannedLineRequest(**{**v.__dict__, "labour_class_id": gen}) if v.labour_class_id == 1 else v)
             for k, v in lines.items()}
    fixed = {k: (CannedLineRequest(**{**v.__dict__, "part_id": shop["pads"]}) if v.part_id == 1 else v)
             for k, v in fixed.items()}
    before = _rows()
    problems = _problems(lambda: workshop_setup.add_canned_job(manager, code="OIL", name="Oil",
                                                              lines=_oil_lines(shop, **fixed)))
    assert message in problems[field], problems
    assert _rows() == before


def test_canned_job_refusals_of_the_whole_job(staff, shop):
    manager = staff["manager"]
    job = workshop_setup.add_canned_job(manager, code="OIL", name="Oil service", lines=_oil_lines(shop))
    before = _rows()
    problems = _problems(lambda: workshop_setup.add_canned_job(manager, code="oil", name="OIL SERVICE", lines=[]))
    assert problems == {"code": "The code OIL is taken by the canned job Oil service.",
                        "name": "There is already a canned job called Oil service.",
                        "lines": "A canned job needs at least one line: a part, labour or another charge."}
    many = [CannedLineRequest(kind="other", qty=1000, description=f"x{i}", unit_price=1) for i in range(31)]
    assert _problems(lambda: workshop_setup.add_canned_job(manager, code="BIG", name="Big", lines=many)) == {
        "lines": "A canned job has at most 30 lines; this one has 31."}
    catalog.set_part_active(manager, shop["caliper"], False, reason="no longer sold")
    before = _rows()
    assert "the part CA-2 is inactive" in _problems(lambda: workshop_setup.edit_canned_job(
        manager, job, code="OIL", name="Oil service",
        lines=[CannedLineRequest(kind="part", part_id=shop["caliper"], qty=1000)]))["lines.0.part"]
    assert _rows() == before
    assert len(workshop_setup.get_canned_job(manager, job).lines) == 3  # the old lines are still there


# --- a new shop and the settings ----------------------------------------------------------------

def test_a_new_shop_gets_one_bay_and_a_general_class_at_the_labour_rate_once(db_url, tmp_path, admin):
    settings.set_value(admin, "counter.labour_rate", 18_800)
    db, _ = open_shop(db_url)
    assert [(b.code, b.name) for b in workshop_setup.list_bays(admin)] == [("B1", "Bay 1")]
    assert [(c.code, c.name, c.rate) for c in workshop_setup.list_labour_classes(admin)] == [
        ("GEN", "General", 18_800)]
    workshop_setup.add_bay(admin, code="B2", name="Bay 2")
    workshop_setup.set_bay_active(admin, WorkshopBay.get(WorkshopBay.code == "B1").id, False)
    assert workshop_setup.ensure_defaults() is False  # the shop has bays and classes: left alone
    open_shop(db_url)
    assert WorkshopBay.select().count() == 2 and LabourClass.select().count() == 1


def test_the_workshop_settings_are_declared_with_their_defaults_and_checks(staff):
    manager = staff["manager"]
    assert "Lights" in settings.get("workshop.checkin_items")
    assert "Road test" in settings.get("workshop.quality_items")
    assert (settings.get("workshop.followup_days"), settings.get("workshop.warranty_months"),
            settings.get("workshop.warranty_km")) == (3, 12, 20_000)
    settings.set_value(manager, "workshop.checkin_items", ["Lights", "Tyres"])
    assert settings.get("workshop.checkin_items") == ["Lights", "Tyres"]
    with pytest.raises(ValidationError, match="Reception checklist: lights is listed twice"):
        settings.set_value(manager, "workshop.checkin_items", ["Lights", "lights"])
    with pytest.raises(ValidationError, match="at least one entry"):
        settings.set_value(manager, "workshop.quality_items", [])
    with pytest.raises(ValidationError, match="at most 90"):
        settings.set_value(manager, "workshop.followup_days", 91)
    with pytest.raises(ValidationError, match="at least 0"):
        settings.set_value(manager, "workshop.warranty_km", -1)
    assert settings.get("workshop.checkin_items") == ["Lights", "Tyres"]
    assert all(SETTINGS_BY_NAME[name].help for name in ("workshop.checkin_items", "workshop.quality_items",
                                                        "workshop.followup_days", "workshop.warranty_months",
                                                        "workshop.warranty_km"))
