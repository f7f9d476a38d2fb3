"""Shop-wide settings, stored in the database and declared in ``partsdesk.config``."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from partsdesk.config import SETTINGS, SETTINGS_BY_NAME, Paths, SettingSpec
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import _
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
    if row is not None:
        return json.loads(row[0])
    if spec.words:  # PartsDesk's own words, in this PC's language, until the shop writes its own
        return [_(text) for text in spec.default]
    return copy.deepcopy(spec.default)


def validate(spec: SettingSpec, value: Any) -> Any:
    if spec.type is bool and not isinstance(value, bool):
        raise ValidationError({spec.name: _("{label}: yes or no.").format(label=_(spec.label))})
    if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({spec.name: _("{label}: a whole number.").format(label=_(spec.label))})
    if spec.type is str and not isinstance(value, str):
        raise ValidationError({spec.name: _("{label}: text.").format(label=_(spec.label))})
    if spec.type is list and not isinstance(value, list):
        raise ValidationError({spec.name: _("{label}: a list.").format(label=_(spec.label))})
    if spec.check is not None:
        spec.check(value)
    if spec.minimum is not None and value < spec.minimum:
        raise ValidationError({spec.name: _("{label}: at least {minimum}.").format(label=_(spec.label),
                                                                                  minimum=spec.minimum)})
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError({spec.name: _("{label}: at most {maximum}.").format(label=_(spec.label),
                                                                                 maximum=spec.maximum)})
    if spec.choices and value not in spec.choices:
        raise ValidationError({spec.name: _("{label}: one of {choices}.").format(
            label=_(spec.label), choices=", ".join(map(str, spec.choices)))})
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


# --- the settings screen -------------------------------------------------------------------------

def sections() -> list[tuple[str, list[SettingSpec]]]:
    """The declared settings grouped by their name's prefix ("shop", "counter", "printer"...),
    in declaration order: the pages of the settings screen."""
    groups: dict[str, list[SettingSpec]] = {}
    for spec in SETTINGS:
        groups.setdefault(spec.name.split(".", 1)[0], []).append(spec)
    return list(groups.items())


def current_values(actor: Actor, settings_file: Path | None = None) -> dict[str, Any]:
    """Every declared setting's value now: the shop's from the database, this PC's from its file."""
    require(actor, "settings.edit")
    return {spec.name: get(spec.name) if spec.scope == "shop" else terminal(spec.name, settings_file)
            for spec in SETTINGS}


def _checked(spec: SettingSpec, value: Any) -> str | None:
    """The message that refuses ``value`` for ``spec``, or None. A list's own check may name
    another field; the message is kept whatever it names."""
    try:
        validate(spec, value)
    except ValidationError as error:
        return "; ".join(error.problems.values()) or str(error)
    return None


def _write_terminal_file(file: Path, values: dict[str, Any]) -> None:
    """Merge ``values`` into this PC's settings file (other entries kept), written whole to a
    temporary file first and then renamed over it, so a crash never leaves half a file."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data.update(values)
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(file.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(temporary, file)


def save_all(actor: Actor, values: dict[str, Any], settings_file: Path | None = None) -> list[str]:
    """Save what the settings screen changed: shop settings in one transaction (each audited
    as by ``set_value``), then this PC's settings in its file (audited as "setting.terminal").
    Every value is checked first; if any is refused, ``ValidationError`` names each refused
    setting and nothing at all is saved. Returns the names that changed."""
    require(actor, "settings.edit")
    problems: dict[str, str] = {}
    for name, value in values.items():
        spec = SETTINGS_BY_NAME.get(name)
        message = _("{name}: no such setting.").format(name=name) if spec is None else _checked(spec, value)
        if message:
            problems[name] = message
    if problems:
        raise ValidationError(problems)
    file = settings_file if settings_file is not None else Paths.for_user().settings_file
    shop = {n: v for n, v in values.items() if SETTINGS_BY_NAME[n].scope == "shop"}
    here = {n: v for n, v in values.items() if SETTINGS_BY_NAME[n].scope == "terminal" and terminal(n, file) != v}
    changed = [name for name, value in shop.items() if get(name) != value]
    with transaction():
        for name in changed:
            set_value(actor, name, shop[name])
        for name, value in here.items():
            audit.record("setting.terminal", actor=actor, object_type="setting", object_id=f"{audit.TERMINAL}:{name}",
                         old=terminal(name, file), new=value)
        if here:  # inside the transaction: a file that cannot be written rolls the audit rows back
            _write_terminal_file(file, here)
    return changed + list(here)
