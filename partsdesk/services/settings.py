"""Shop-wide settings, stored in the database and declared in ``partsdesk.config``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from partsdesk.config import SETTINGS_BY_NAME, Paths, SettingSpec
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.models import Setting, transaction
from partsdesk.services import audit


def terminal(name: str, settings_file: Path | None = None) -> Any:
    """A setting of this PC (``scope="terminal"``) from its settings file (default:
    ``Paths.for_user().settings_file``), or its declared default when the file, the entry or its
    type is missing or wrong; a number is kept within its declared bounds."""
    spec = SETTINGS_BY_NAME[name]
    if spec.scope != "terminal":
        raise KeyError(f"{name!r} is not a terminal setting")
    file = settings_file if settings_file is not None else Paths.for_user().settings_file
    try:
        value = json.loads(file.read_text(encoding="utf-8")).get(name, spec.default)
    except (OSError, ValueError, AttributeError):
        return spec.default
    if isinstance(value, bool) is not (spec.type is bool) or not isinstance(value, spec.type):
        return spec.default
    if spec.type is str:
        return value.strip()
    if spec.type is int:
        low = spec.minimum if spec.minimum is not None else value
        high = spec.maximum if spec.maximum is not None else value
        return min(max(value, low), high)
    return value


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
