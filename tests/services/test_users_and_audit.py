from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from partsdesk.domain.errors import AuthenticationFailed, PermissionDenied, ValidationError
from partsdesk.domain.permissions import require
from partsdesk.models import AppUser, AuditLog, database
from partsdesk.services import audit, clock, settings, users


def test_staff_log_in_by_pin_and_managers_by_password(staff):
    assert users.log_in("cashier", "1357").role == "cashier"
    assert users.log_in("manager", "manager-pass-1").role == "manager"
    with pytest.raises(AuthenticationFailed):
        users.log_in("manager", "1357")  # a manager's PIN alone does not open the day


def test_secrets_are_stored_as_scrypt_hashes(staff):
    row = AppUser.get(AppUser.username == "manager")
    assert row.pin_hash.startswith("scrypt$") and "1357" not in row.pin_hash
    assert row.password_hash.startswith("scrypt$") and "manager-pass-1" not in row.password_hash


def test_wrong_pins_lock_the_user_then_the_lock_expires(staff):
    start = datetime(2026, 11, 22, 9, 0)
    clock.set_clock(lambda: start)
    limit = settings.get("security.pin_attempts")
    for _attempt in range(limit - 1):
        with pytest.raises(AuthenticationFailed, match="left before"):
            users.switch_user("cashier", "0000")
    with pytest.raises(AuthenticationFailed, match="now locked"):
        users.switch_user("cashier", "0000")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.switch_user("cashier", "1357")  # even the right PIN is refused while locked
    assert AuditLog.select().where(AuditLog.action == "user.locked").count() == 1
    clock.set_clock(lambda: start + timedelta(minutes=settings.get("security.lockout_minutes"), seconds=1))
    assert users.switch_user("cashier", "1357").username == "cashier"


def test_a_cashier_is_refused_a_manager_only_service(staff):
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.add_user(staff["cashier"], username="eve", display_name="Eve", role="admin", pin="4826",
                       password="whatever-1")
    with pytest.raises(PermissionDenied):
        settings.set_value(staff["cashier"], "security.pin_attempts", 9)
    assert settings.get("security.pin_attempts") == 5
    assert not AppUser.select().where(AppUser.username == "eve").exists()


def test_step_up_lets_a_manager_approve_on_the_cashiers_screen(staff):
    cashier = staff["cashier"]
    with pytest.raises(ValidationError, match="reason"):
        users.step_up(cashier, approver="manager", secret="1357", permission="settings.edit", reason="  ")
    with pytest.raises(PermissionDenied, match="may not approve"):
        users.step_up(cashier, approver="storekeeper", secret="1357", permission="settings.edit", reason="x")
    approval = users.step_up(cashier, approver="manager", secret="manager-pass-1", permission="settings.edit",
                             reason="winter hours")
    settings.set_value(cashier, "security.lockout_minutes", 10, approval=approval)
    assert settings.get("security.lockout_minutes") == 10
    row = AuditLog.select().where(AuditLog.action == "setting.change").get()
    assert row.user_id == cashier.user_id
    assert row.approved_by_id == AppUser.get(AppUser.username == "manager").id
    assert row.reason == "winter hours"
    assert '"10"' not in row.new_value and row.new_value == "10" and row.old_value == "5"
    # an approval is for one permission only
    with pytest.raises(PermissionDenied):
        require(cashier, "users.manage", approval)


def test_bad_user_input_is_refused_with_a_message_and_nothing_changes(admin):
    before = AppUser.select().count()
    with pytest.raises(ValidationError) as error:
        users.add_user(admin, username="two words", display_name="", role="boss", pin="1111")
    assert set(error.value.problems) == {"username", "display_name", "role", "pin"}
    with pytest.raises(ValidationError, match="password"):
        users.add_user(admin, username="mgr", display_name="Mgr", role="manager", pin="4826")
    assert AppUser.select().count() == before


def test_the_last_admin_cannot_be_disabled(staff):
    with pytest.raises(Exception, match="yourself"):
        users.set_active(staff["admin"], "ada", False)


def test_audit_chain_verifies_and_catches_a_tampered_row(staff):
    assert audit.verify_chain() == []
    target = AuditLog.select().where(AuditLog.action == "user.add").order_by(AuditLog.id).first()
    # Tampering needs the triggers out of the way, as an attacker with the file would do.
    db = database.obj
    if db.__class__.__name__ == "PostgresqlDatabase":
        db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        db.execute_sql("UPDATE audit_log SET new_value = %s WHERE id = %s", ('{"role": "admin"}', target.id))
        db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    else:
        db.execute_sql("DROP TRIGGER audit_log_no_update")
        db.execute_sql("UPDATE audit_log SET new_value = ? WHERE id = ?", ('{"role": "admin"}', target.id))
    faults = audit.verify_chain()
    assert [f.audit_id for f in faults] == [target.id]
    assert "changed" in faults[0].problem


def test_audit_rows_cannot_be_updated_or_deleted(staff):
    with pytest.raises(Exception, match="append-only"), database.obj.atomic():
        AuditLog.update(reason="x").execute()
    with pytest.raises(Exception, match="append-only"), database.obj.atomic():
        AuditLog.delete().execute()
