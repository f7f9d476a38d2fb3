"""Shop-wide settings, stored in the database and declared in ``partsdesk.config``."""

from __future__ import annotations

import copy
import json
from typing import Any

from partsdesk.config import SETTINGS_BY_NAME, SettingSpec
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.models import Setting, transaction
from partsdesk.services import audit


def _spec(name: str) -> SettingSpec:
    spec = SETTINGS_BY_NAME.get(name)
    if spec is None or spec.scope != "shop":
        raise KeyError(f"{name!r} is not a shop setting")
    return spec


def get(name: str) -> Any:
    spec = _spec(name)
    row = Setting.select(Setting.value).where(Setting.key == name).tuples().first()
    return copy.deepcopy(spec.default) if row is None else json.loads(row[0])


def validate(spec: SettingSpec, value: Any) -> Any:
    if spec.type is bool and not isinstance(value, bool):
        raise ValidationError({spec.name: f"{spec.label}: yes or no."})
    if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({spec.name: f"{spec.label}: a whole number."})
    if spec.type is str and not isinstance(value, str):
        raise ValidationError({spec.name: f"{spec.label}: text."})
    if spec.type is list and not isinstance(value, list):
        raise ValidationError({spec.name: f"{spec.label}: a list."})
    if spec.check is not None:
        spec.check(value)
    if spec.minimum is not None and value < spec.minimum:
        raise ValidationError({spec.name: f"{spec.label}: at least {spec.minimum}."})
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError({spec.name: f"{spec.label}: at most {spec.maximum}."})
    if spec.choices and value not in spec.choices:
        raise ValidationError({spec.name: f"{spec.label}: one of {', '.join(map(str, spec.choices))}."})
    return value


def set_value(actor: Actor, name: str, value: Any, *, approval: Approval | None = None) -> None:
    """Change one shop setting (manager or admin, audited with old and new value)."""
    spec = _spec(name)
    used = require(actor, "settings.edit", approval)
    validate(spec, value)
    with transaction():
        old = get(name)
        if old == value:
            return
        Setting.insert(key=name, value=json.dumps(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
        ).execute()
        audit.record("setting.change", actor=actor, approval=used, object_type="setting", object_id=name,
                     old=old, new=value)
