"""Roles and what each may do.

The permission names are the contract between services (which check them) and the window
(which greys out what the user may not do, and offers a manager step-up instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from partsdesk.domain.errors import PermissionDenied
from partsdesk.i18n import N_, _

CASHIER = "cashier"
STOREKEEPER = "storekeeper"
SERVICE_ADVISOR = "service_advisor"
TECHNICIAN = "technician"
MANAGER = "manager"
ADMIN = "admin"

ROLES: tuple[str, ...] = (CASHIER, STOREKEEPER, SERVICE_ADVISOR, TECHNICIAN, MANAGER, ADMIN)
ROLE_LABELS = {
    CASHIER: N_("Cashier"),
    STOREKEEPER: N_("Storekeeper"),
    SERVICE_ADVISOR: N_("Service advisor"),
    TECHNICIAN: N_("Technician"),
    MANAGER: N_("Manager"),
    ADMIN: N_("Administrator"),
}
# Roles that must also have a password (a PIN alone is too weak for what they may do).
PASSWORD_ROLES = frozenset({MANAGER, ADMIN})

# permission -> what it allows, phrased to complete "You may not ..."
PERMISSIONS: dict[str, str] = {
    "catalog.view": N_("look up parts"),
    "catalog.view_cost": N_("see cost prices"),
    "catalog.edit": N_("change parts in the catalogue"),
    "catalog.edit_price": N_("change selling prices"),
    "catalog.import": N_("import parts"),
    "catalog.export": N_("export the catalogue"),
    "customer.view": N_("look up customers and their vehicles"),
    "customer.view_account": N_("see a customer's contact details and account"),
    "customer.edit": N_("add or change customers and their vehicles"),
    "customer.merge": N_("merge two customer records"),
    "customer.privacy": N_("export or erase a customer's personal data"),
    "vehicle.odometer_correct": N_("enter an odometer reading below the last one"),
    "customer.class_override": N_("set a customer's class by hand"),
    "account.payment": N_("take a payment on account"),
    "account.credit_terms": N_("change a customer's credit limit or payment terms"),
    "account.exceed_credit": N_("sell on account over the credit limit or with overdue invoices"),
    "membership.prepaid": N_("take a prepaid top-up"),
    "membership.adjust": N_("adjust points or a prepaid balance by hand"),
    "care.call": N_("record a call to a customer"),
    "complaint.edit": N_("record and handle complaints"),
    "counter.sell": N_("sell at the counter"),
    "counter.below_floor": N_("sell below the gross-profit floor of your role"),
    "counter.negative_stock": N_("sell more than the stock on hand"),
    "counter.return_override": N_("take a return past the return window or above the set value"),
    "counter.cash_up": N_("count the till, print X reports and close the day (Z report)"),
    "stock.count": N_("count stock (start a count, scan, finish it)"),
    "stock.count_approve": N_("approve and post a stock count"),
    "stock.adjust": N_("adjust stock (damage, loss, found, scrap) and release it from quarantine"),
    "stock.adjust_override": N_("make a stock adjustment above the value set for a manager"),
    "stock.purchase": N_("keep suppliers and their prices, and raise, send and close purchase orders"),
    "stock.receive": N_("receive goods into stock"),
    "workshop.view": N_("look at the workshop: appointments, repair orders, reminders"),
    "workshop.edit": N_("book appointments, check vehicles in, write repair orders and take authorizations"),
    "workshop.work": N_("clock on and off jobs, issue parts to a job and do quality checks"),
    "workshop.setup": N_("set up bays, labour classes and canned jobs"),
    "workshop.invoice_override": N_("invoice a repair order with lines the customer has not authorized"),
    "users.manage": N_("manage users and permissions"),
    "audit.view": N_("read the audit log"),
    "backup.run": N_("make a backup"),
    "backup.restore": N_("restore a backup"),
    "settings.edit": N_("change shop settings"),
}

_EVERYONE = {"catalog.view", "backup.run", "customer.view"}
# The people who face customers: their file, payments and top-ups, calls and complaints.
_FRONT_DESK = {"customer.edit", "customer.view_account", "account.payment", "membership.prepaid", "care.call",
               "complaint.edit", "counter.sell"}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    CASHIER: frozenset(_EVERYONE | _FRONT_DESK | {"counter.cash_up"}),  # the till's own drawer
    SERVICE_ADVISOR: frozenset(_EVERYONE | _FRONT_DESK | {"workshop.view", "workshop.edit", "workshop.work"}),
    TECHNICIAN: frozenset(_EVERYONE | {"workshop.view", "workshop.work"}),
    STOREKEEPER: frozenset(_EVERYONE | {"catalog.view_cost", "catalog.edit", "catalog.import", "catalog.export",
                                     "stock.count", "stock.purchase", "stock.receive",
                                     "stock.adjust", "workshop.view"}),
    MANAGER: frozenset(set(PERMISSIONS) - {"users.manage"}),
    ADMIN: frozenset(PERMISSIONS),
}


def role_can(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service runs (``user_id`` None: the command line itself)."""

    user_id: int | None
    username: str
    display_name: str
    role: str

    def can(self, permission: str) -> bool:
        return role_can(self.role, permission)


# The shop's own command line runs with the rights of whoever can open the database file.
SYSTEM = Actor(user_id=None, username="system", display_name="Command line", role=ADMIN)


@dataclass(frozen=True)
class Approval:
    """A manager's yes to one guarded action, given on the acting user's screen.

    Made only by ``services.users.step_up`` after the approver's PIN or password was checked;
    the guarded service records ``approver_id`` and ``reason`` in its audit row.
    """

    permission: str
    approver_id: int
    approver_name: str
    reason: str
    at: datetime = field(compare=False)


def require(actor: Actor, permission: str, approval: Approval | None = None) -> Approval | None:
    """Raise ``PermissionDenied`` unless ``actor`` may do ``permission`` or a manager approved it.

    Returns the approval that was used (None when the actor's own role sufficed), so the
    caller can name the approver in its audit row.
    """
    if actor.can(permission):
        return None
    if approval is not None and approval.permission == permission:
        return approval
    raise PermissionDenied(
        _("{role} {name} may not {action}. Ask a manager to approve it.").format(
            role=_(ROLE_LABELS.get(actor.role, actor.role)), name=actor.display_name,
            action=_(PERMISSIONS[permission])),
        permission=permission,
    )
