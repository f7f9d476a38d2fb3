"""PINs, passwords and their hashes (partsdesk.domain.credentials), and who may do what
(partsdesk.domain.permissions)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from partsdesk.domain import credentials
from partsdesk.domain.credentials import check_password, check_pin, hash_secret, verify_secret
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import (
    ADMIN,
    CASHIER,
    MANAGER,
    PASSWORD_ROLES,
    PERMISSIONS,
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    ROLES,
    STOREKEEPER,
    SYSTEM,
    Actor,
    Approval,
    require,
    role_can,
)

# ---------------------------------------------------------------- hashes


def test_hash_is_scrypt_with_its_parameters_salt_and_digest() -> None:
    stored = hash_secret("1357")
    match = re.fullmatch(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{32})\$([0-9a-f]{64})", stored)
    assert match, stored
    assert int(match.group(1)) == credentials._N  # the cost is stored with the hash
    assert "1357" not in stored


def test_verify_right_and_wrong_secret() -> None:
    stored = hash_secret("manager-pass-1")
    assert verify_secret("manager-pass-1", stored) is True
    assert verify_secret("manager-pass-2", stored) is False
    assert verify_secret("Manager-pass-1", stored) is False
    assert verify_secret("", stored) is False
    assert verify_secret("manager-pass-1", None) is False
    assert verify_secret("manager-pass-1", "") is False


def test_non_ascii_secrets_verify() -> None:
    stored = hash_secret("密码-pass-1")
    assert verify_secret("密码-pass-1", stored)
    assert not verify_secret("密码-pass-2", stored)


def test_two_hashes_of_one_secret_differ_and_both_verify() -> None:
    first, second = hash_secret("2468"), hash_secret("2468")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]  # the salt
    assert verify_secret("2468", first) and verify_secret("2468", second)


def test_a_hash_keeps_its_own_cost_when_the_default_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = hash_secret("1357")
    monkeypatch.setattr(credentials, "_N", credentials._N * 2)
    assert verify_secret("1357", stored)
    assert hash_secret("1357").split("$")[1] == str(credentials._N)


def test_other_schemes_are_not_accepted() -> None:
    stored = hash_secret("1357")
    assert not verify_secret("1357", stored.replace("scrypt", "md5", 1))
    assert not verify_secret("1357", "1357")
    assert not verify_secret("1357", "scrypt$1$2")


@pytest.mark.parametrize("stored", [
    "scrypt$abc$8$1$00$00", "scrypt$1024$8$1$zz$00", "scrypt$1000$8$1$00112233$0011",
    "scrypt$99999999999999999999$8$1$00$00", "scrypt$1024$8$1$00$\u00e90", "scrypt$-1$8$1$00$00",
])
def test_a_damaged_hash_is_just_wrong(stored: str) -> None:
    assert verify_secret("1357", stored) is False


# ---------------------------------------------------------------- strength


@pytest.mark.parametrize("pin", ["1357", "2468", "8024", "135790", "97531864", "0013"])
def test_good_pins(pin: str) -> None:
    check_pin(pin)


@pytest.mark.parametrize("pin", [
    "135", "135792468", "", "12a4", "abcd", "1111", "0000", "99999999", "1234", "2345", "6789", "0123", "4321",
    "9876", "12345678", "13 57", "１３５７", "١٣٥٧",
])
def test_bad_pins(pin: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_pin(pin)
    assert set(error.value.problems) == {"pin"}
    assert error.value.problems["pin"]


def test_pin_messages() -> None:
    with pytest.raises(ValidationError, match="4 to 8 digits"):
        check_pin("135")
    with pytest.raises(ValidationError, match="too easy"):
        check_pin("1111")


@pytest.mark.parametrize("password", ["manager-pass-1", "abcdefg1", "Lenkrad#Bremse", "12345678!"])
def test_good_passwords(password: str) -> None:
    check_password(password)


@pytest.mark.parametrize(("password", "fragment"), [
    ("short1!", "at least 8"), ("", "at least 8"), ("12345678", "mixes"), ("1234567890123", "mixes"),
    ("abcdefgh", "mixes"), ("密码密码密码密码", "mixes"),
])
def test_bad_passwords(password: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment) as error:
        check_password(password)
    assert set(error.value.problems) == {"password"}


# ---------------------------------------------------------------- permissions


def actor(role: str) -> Actor:
    return Actor(user_id=7, username=f"{role}1", display_name=f"{role.title()} One", role=role)


def approval(permission: str) -> Approval:
    return Approval(permission=permission, approver_id=2, approver_name="Boss", reason="customer is a regular",
                    at=datetime(2025, 1, 2, 9, 30))


def test_every_role_has_a_label_and_a_permission_set() -> None:
    assert set(ROLE_LABELS) == set(ROLES) == set(ROLE_PERMISSIONS)
    for perms in ROLE_PERMISSIONS.values():
        assert perms <= set(PERMISSIONS)
    assert {MANAGER, ADMIN} == PASSWORD_ROLES


def test_cashier_may_look_up_but_not_edit_or_manage() -> None:
    cashier = actor(CASHIER)
    assert cashier.can("catalog.view")
    for permission in ("catalog.edit", "catalog.edit_price", "catalog.view_cost", "users.manage",
                       "backup.restore", "settings.edit", "audit.view"):
        assert not cashier.can(permission), permission


def test_manager_may_do_everything_but_manage_users() -> None:
    manager = actor(MANAGER)
    for permission in PERMISSIONS:
        assert manager.can(permission) == (permission != "users.manage"), permission


@pytest.mark.parametrize("who", [actor(ADMIN), SYSTEM])
def test_admin_and_the_command_line_may_do_everything(who: Actor) -> None:
    for permission in PERMISSIONS:
        assert who.can(permission), permission
        assert require(who, permission) is None


def test_storekeeper_edits_the_catalogue_but_not_prices() -> None:
    storekeeper = actor(STOREKEEPER)
    assert storekeeper.can("catalog.edit") and storekeeper.can("catalog.import")
    assert not storekeeper.can("catalog.edit_price")


def test_require_names_what_may_not_be_done() -> None:
    with pytest.raises(PermissionDenied) as error:
        require(actor(CASHIER), "catalog.edit")
    assert isinstance(error.value, UserError)
    assert error.value.permission == "catalog.edit"
    message = str(error.value)
    assert "may not change parts in the catalogue" in message
    assert "Cashier" in message and "Cashier One" in message
    assert "manager" in message.casefold()

    with pytest.raises(PermissionDenied, match="manage users and permissions"):
        require(actor(MANAGER), "users.manage")


def test_an_approval_for_the_same_permission_is_used_and_returned() -> None:
    given = approval("catalog.edit_price")
    assert require(actor(CASHIER), "catalog.edit_price", given) is given
    # a role that may do it itself does not use (nor record) the approval
    assert require(actor(MANAGER), "catalog.edit_price", given) is None


def test_an_approval_for_another_permission_does_not_help() -> None:
    with pytest.raises(PermissionDenied) as error:
        require(actor(CASHIER), "users.manage", approval("catalog.edit_price"))
    assert error.value.permission == "users.manage"


def test_unknown_permission_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        role_can(CASHIER, "catalog.delete_everything")
    with pytest.raises(KeyError):
        actor(ADMIN).can("catlog.edit")
    with pytest.raises(KeyError):
        require(actor(CASHIER), "catalog.delete_everything", approval("catalog.delete_everything"))


def test_an_unknown_role_may_do_nothing() -> None:
    ghost = actor("ghost")
    for permission in PERMISSIONS:
        assert not ghost.can(permission)
    with pytest.raises(PermissionDenied, match="ghost"):
        require(ghost, "catalog.view")
