"""Users, log-in, quick switch by PIN, lock-out, and the manager step-up.

Every function here is one user action in one transaction. Wrong secrets are counted per
user; after ``security.pin_attempts`` wrong tries in a row the user is locked for
``security.lockout_minutes`` (audited), whatever screen or command tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from partsdesk.domain import credentials
from partsdesk.domain.errors import AuthenticationFailed, PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import (
    PASSWORD_ROLES,
    PERMISSIONS,
    ROLE_LABELS,
    ROLES,
    Actor,
    Approval,
    require,
    role_can,
)
from partsdesk.i18n import _
from partsdesk.models import AppUser, transaction
from partsdesk.services import audit, settings
from partsdesk.services.clock import now

USERNAME_MAX = 32
DISPLAY_NAME_MAX = 80


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    locked_until: datetime | None

    @property
    def role_label(self) -> str:
        return _(ROLE_LABELS[self.role]) if self.role in ROLE_LABELS else self.role


def actor_of(user: AppUser) -> Actor:
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name, role=user.role)


def list_users(*, include_inactive: bool = False) -> list[UserRow]:
    """Users for the log-in list and ``partsdesk user list`` (no secrets)."""
    query = AppUser.select().order_by(AppUser.display_name)
    if not include_inactive:
        query = query.where(AppUser.active == True)  # noqa: E712 (peewee expression)
    return [
        UserRow(u.id, u.username, u.display_name, u.role, u.active, bool(u.password_hash), u.locked_until)
        for u in query
    ]


def count_users() -> int:
    return AppUser.select().count()


def _validate_user_fields(username: str, display_name: str, role: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not username or len(username) > USERNAME_MAX or not all(c.isalnum() or c in "._-" for c in username):
        problems["username"] = _("A user name is 1 to {count} letters, digits, dots, dashes or "
                                 "underscores, without spaces.").format(count=USERNAME_MAX)
    if not display_name.strip() or len(display_name) > DISPLAY_NAME_MAX:
        problems["display_name"] = _("The name shown on screen is 1 to {count} characters.").format(
            count=DISPLAY_NAME_MAX)
    if role not in ROLES:
        problems["role"] = _("The role is one of: {roles}.").format(roles=", ".join(ROLES))
    return problems


def add_user(actor: Actor, *, username: str, display_name: str, role: str, pin: str,
             password: str | None = None) -> UserRow:
    """Create a user (admin only). Managers and admins must also get a password."""
    require(actor, "users.manage")
    username = username.strip().lower()
    problems = _validate_user_fields(username, display_name, role)
    for check, value, key in ((credentials.check_pin, pin, "pin"), (credentials.check_password, password, "password")):
        if value is None:
            continue
        try:
            check(value)
        except ValidationError as error:
            problems[key] = error.problems[key]
    if role in PASSWORD_ROLES and not password:
        problems["password"] = _("A {role} must also have a password.").format(role=_(ROLE_LABELS[role]).lower())
    if problems:
        raise ValidationError(problems)
    with transaction():
        if AppUser.select().where(AppUser.username == username).exists():
            raise ValidationError({"username": _("There is already a user named {username}.").format(username=username)})
        user = AppUser.create(
            username=username, display_name=display_name.strip(), role=role,
            pin_hash=credentials.hash_secret(pin),
            password_hash=credentials.hash_secret(password) if password else None,
            created_at=now(),
        )
        audit.record("user.add", actor=actor, object_type="user", object_id=user.id,
                     new={"username": username, "display_name": user.display_name, "role": role})
    return list_users_by_id(user.id)


def list_users_by_id(user_id: int) -> UserRow:
    u = AppUser.get_by_id(user_id)
    return UserRow(u.id, u.username, u.display_name, u.role, u.active, bool(u.password_hash), u.locked_until)


def _find(username: str) -> AppUser:
    user = AppUser.get_or_none(AppUser.username == username.strip().lower())
    if user is None:
        raise UserError(_("There is no user named {username!r}.").format(username=username))
    return user


def set_role(actor: Actor, username: str, role: str, *, reason: str) -> None:
    require(actor, "users.manage")
    if role not in ROLES:
        raise ValidationError({"role": _("The role is one of: {roles}.").format(roles=", ".join(ROLES))})
    with transaction():
        user = _find(username)
        if role in PASSWORD_ROLES and not user.password_hash:
            raise ValidationError({"password": _("Give this user a password before making them a manager.")})
        old = user.role
        AppUser.update(role=role).where(AppUser.id == user.id).execute()
        audit.record("user.role", actor=actor, object_type="user", object_id=user.id, reason=reason,
                     old={"role": old}, new={"role": role})


def set_secret(actor: Actor, username: str, *, pin: str | None = None, password: str | None = None) -> None:
    """Set a user's PIN and/or password: an admin for anyone, any user for themselves."""
    user = _find(username)
    if actor.user_id != user.id:
        require(actor, "users.manage")
    if pin is None and password is None:
        raise ValidationError({"pin": _("Give a new PIN or a new password.")})
    if pin is not None:
        credentials.check_pin(pin)
    if password is not None:
        credentials.check_password(password)
    with transaction():
        changes: dict[str, object] = {AppUser.failed_attempts: 0, AppUser.locked_until: None}
        if pin is not None:
            changes[AppUser.pin_hash] = credentials.hash_secret(pin)
        if password is not None:
            changes[AppUser.password_hash] = credentials.hash_secret(password)
        AppUser.update(changes).where(AppUser.id == user.id).execute()
        audit.record("user.secret", actor=actor, object_type="user", object_id=user.id,
                     new={"pin": pin is not None, "password": password is not None})


def set_active(actor: Actor, username: str, active: bool, *, reason: str = "") -> None:
    """Disable (or enable again) a user; a disabled user cannot log in. Users are never deleted:
    the audit trail names them."""
    require(actor, "users.manage")
    with transaction():
        user = _find(username)
        if actor.user_id == user.id and not active:
            raise UserError(_("You cannot disable yourself. Ask another administrator."))
        if not active and user.role == "admin" and user.active:
            others = AppUser.select().where(AppUser.role == "admin", AppUser.active == True,  # noqa: E712
                                            AppUser.id != user.id).count()
            if others == 0:
                raise UserError(_("This is the last active administrator; add another one first."))
        AppUser.update(active=active, failed_attempts=0, locked_until=None).where(AppUser.id == user.id).execute()
        audit.record("user.enable" if active else "user.disable", actor=actor, object_type="user",
                     object_id=user.id, reason=reason)


def _check_secret(user: AppUser, secret: str, *, allow_pin: bool, allow_password: bool) -> AppUser:
    """Verify ``secret`` for ``user`` and count failures; raises AuthenticationFailed."""
    current = now()
    if not user.active:
        raise AuthenticationFailed(_("{name} is disabled. Ask an administrator.").format(name=user.display_name))
    if user.locked_until and user.locked_until > current:
        minutes = max(1, int((user.locked_until - current).total_seconds() // 60) + 1)
        raise AuthenticationFailed(
            _("{name} is locked after too many wrong tries. Try again in {minutes} min "
              "or ask a manager to reset the PIN.").format(name=user.display_name, minutes=minutes)
        )
    ok = (allow_pin and credentials.verify_secret(secret, user.pin_hash)) or (
        allow_password and credentials.verify_secret(secret, user.password_hash))
    with transaction():
        if ok:
            if user.failed_attempts or user.locked_until:
                AppUser.update(failed_attempts=0, locked_until=None).where(AppUser.id == user.id).execute()
            return user
        attempts = user.failed_attempts + 1
        limit = settings.get("security.pin_attempts")
        if attempts >= limit:
            until = current + timedelta(minutes=settings.get("security.lockout_minutes"))
            AppUser.update(failed_attempts=0, locked_until=until).where(AppUser.id == user.id).execute()
            audit.record("user.locked", actor=None, object_type="user", object_id=user.id,
                         reason=f"{attempts} wrong tries in a row")
            message = (_("Wrong PIN. {name} is now locked for {minutes} min.") if allow_pin and not allow_password
                       else _("Wrong PIN or password. {name} is now locked for {minutes} min.")).format(
                name=user.display_name, minutes=settings.get("security.lockout_minutes"))
        else:
            AppUser.update(failed_attempts=attempts).where(AppUser.id == user.id).execute()
            left = limit - attempts
            if allow_pin and not allow_password:
                template = (_("Wrong PIN. {left} try left before {name} is locked.") if left == 1
                            else _("Wrong PIN. {left} tries left before {name} is locked."))
            else:
                template = (_("Wrong PIN or password. {left} try left before {name} is locked.") if left == 1
                            else _("Wrong PIN or password. {left} tries left before {name} is locked."))
            message = template.format(left=left, name=user.display_name)
    raise AuthenticationFailed(message)


def log_in(username: str, secret: str) -> Actor:
    """Start-of-day log-in: a PIN for staff; managers and admins give their password."""
    user = _find(username)
    needs_password = user.role in PASSWORD_ROLES
    user = _check_secret(user, secret, allow_pin=not needs_password, allow_password=needs_password)
    with transaction():
        audit.record("user.login", actor=actor_of(user), object_type="user", object_id=user.id)
    return actor_of(user)


def switch_user(username: str, pin: str) -> Actor:
    """Quick switch at a shared terminal: any active user by PIN."""
    user = _check_secret(_find(username), pin, allow_pin=True, allow_password=False)
    return actor_of(user)


def step_up(actor: Actor, *, approver: str, secret: str, permission: str, reason: str) -> Approval:
    """A manager approves one ``permission`` for ``actor``'s next action, on actor's screen.

    The approver gives their own PIN or password and a reason; the approval is audited here
    and again by the guarded service that uses it.
    """
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for this approval; it goes into the audit log.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason is at most 500 characters.")})
    user = _check_secret(_find(approver), secret, allow_pin=True, allow_password=True)
    if not role_can(user.role, permission):
        raise PermissionDenied(
            _("{name} ({role}) may not approve this: may not {action}.").format(
                name=user.display_name, role=_(ROLE_LABELS[user.role]), action=_(PERMISSIONS[permission])),
            permission=permission,
        )
    if user.id == actor.user_id:
        raise PermissionDenied(_("A manager cannot approve their own action; ask another manager."),
                               permission=permission)
    approval = Approval(permission=permission, approver_id=user.id, approver_name=user.display_name, reason=reason,
                        at=now())
    with transaction():
        audit.record("step_up", actor=actor, approval=approval, object_type="permission", object_id=permission,
                     reason=reason)
    return approval


def approvers_for(permission: str) -> list[UserRow]:
    """Active users whose role may approve ``permission`` (for the step-up dialog's list)."""
    return [u for u in list_users() if role_can(u.role, permission)]
