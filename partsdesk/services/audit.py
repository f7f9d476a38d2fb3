"""The audit trail: who did what sensitive thing, who approved it, why, old and new values.

Rows are append-only (database triggers refuse UPDATE and DELETE) and chained: each row's
``hash`` is SHA-256 over the previous row's hash and this row's fields, so an edited, removed
or inserted row breaks the chain and ``verify_chain`` (run by ``partsdesk check``) names it.
"""

from __future__ import annotations

import hashlib
import json
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from partsdesk.domain.permissions import Actor, Approval
from partsdesk.i18n import _
from partsdesk.models import AuditLog, database
from partsdesk.models.db import is_postgres
from partsdesk.services.clock import now

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x50415254  # pg_advisory_xact_lock key that serialises appends across terminals
TERMINAL = socket.gethostname()[:64]


def _json(value: Any) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row_hash(prev_hash: str, *, at: datetime, user_id: int | None, approved_by_id: int | None, action: str,
              object_type: str, object_id: str, reason: str, old_value: str, new_value: str, terminal: str) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), user_id, approved_by_id, action, object_type,
         object_id, reason, old_value, new_value, terminal],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(action: str, *, actor: Actor | None, approval: Approval | None = None, object_type: str = "",
           object_id: object = "", reason: str = "", old: Any = None, new: Any = None) -> AuditLog:
    """Append one audit row. Call inside the use case's own transaction, so the row commits
    (or rolls back) together with the change it describes."""
    db = database.obj
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_AUDIT_LOCK,))
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1).tuples().first()
    prev_hash = last[0] if last else GENESIS
    fields = dict(
        at=now(),
        user_id=actor.user_id if actor else None,
        approved_by_id=approval.approver_id if approval else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason or (approval.reason if approval else ""),
        old_value=_json(old),
        new_value=_json(new),
        terminal=TERMINAL,
    )
    return AuditLog.create(prev_hash=prev_hash, hash=_row_hash(prev_hash, **fields), **fields)


@dataclass(frozen=True)
class ChainFault:
    audit_id: int
    problem: str


def verify_chain() -> list[ChainFault]:
    """Walk the whole audit trail in order; every row whose hash or link does not hold."""
    faults: list[ChainFault] = []
    prev = GENESIS
    query = AuditLog.select(
        AuditLog.id, AuditLog.at, AuditLog.user, AuditLog.approved_by, AuditLog.action, AuditLog.object_type,
        AuditLog.object_id, AuditLog.reason, AuditLog.old_value, AuditLog.new_value, AuditLog.terminal,
        AuditLog.prev_hash, AuditLog.hash,
    ).order_by(AuditLog.id).tuples()
    for (row_id, at, user_id, approved_by_id, action, object_type, object_id, reason, old_value, new_value,
         terminal, prev_hash, row_hash) in query.iterator():
        if isinstance(at, str):  # SQLite hands back text when a row was written by hand
            at = datetime.fromisoformat(at)
        if prev_hash != prev:
            faults.append(ChainFault(row_id, _("does not link to the row before it (a row was removed or inserted)")))
        expected = _row_hash(prev_hash, at=at, user_id=user_id, approved_by_id=approved_by_id, action=action,
                             object_type=object_type, object_id=object_id, reason=reason, old_value=old_value,
                             new_value=new_value, terminal=terminal)
        if expected != row_hash:
            faults.append(ChainFault(row_id, _("its content does not match its hash (the row was changed)")))
        prev = row_hash
    return faults
