"""Every declared setting refuses a bad value with a message and keeps a good one.

The bad values are derived from each declaration (its type, bounds, choices and list check), so
a setting added to ``partsdesk.config.SETTINGS`` is tested here without a new line. Shop settings
go through ``services.settings.set_value``, this PC's through ``save_all`` into its file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from partsdesk.config import SETTINGS, SETTINGS_BY_NAME, Paths, SettingSpec
from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.models import AuditLog
from partsdesk.services import cart, settings
from partsdesk.services.shop import backup_dir_for, check_connection, resolve_url

# Text settings whose own check refuses these (a value of the right type, still wrong).
BAD_TEXT: dict[str, list[str]] = {
    "shop.name": ["", "   ", "Line\nbreak", "x" * 81],
    "shop.address": ["x" * 201, "tab\tinside"],
    "shop.phone": ["1" * 41],
    "shop.tax_id": ["T" * 41],
    "shop.phone_country_code": ["", "+86", "abc", "12345"],
    "workshop.day_start": ["8:00", "25:00", "noon"],
    "workshop.day_end": ["18:60", ""],
    "database.url": ["shop.sqlite", "relative/shop.sqlite", "/tmp/shop.txt", "mysql://x@y/z",
                     "postgresql://", "postgresql://user@host/"],
    "backup.folder": ["relative/folder", "line\nbreak"],
    "printer.receipt": ["bad\nname", "p" * 201],
    "printer.a4": ["bad\x01name"],
    "printer.label": ["p" * 201],
    "shop.logo": ["logo\npng", "x" * 501],
    "workshop.service_types": [[]],
    "membership.tiers": [[{"name": "Gold", "min_points": 0, "min_prepaid": 0, "discount_bp": 100}],
                         [{"name": "Gold", "min_points": 10, "min_prepaid": 0, "discount_bp": 10_001}]],
}
# Good values for text settings with a check (others get "Changed text").
GOOD_TEXT: dict[str, str] = {
    "shop.phone_country_code": "852",
    "workshop.day_start": "07:30",
    "workshop.day_end": "19:00",
    "database.url": "postgresql://partsdesk@192.168.1.10:5432/shop",
    "printer.receipt": "EPSON TM-T20",
}


def bad_values(spec: SettingSpec) -> list[Any]:
    wrong_type = {bool: [1, "yes", None], int: ["12", 1.5, True, None], str: [5, None, ["a"]],
                  list: ["a", {"a": 1}, None]}[spec.type]
    values = list(wrong_type)
    if spec.minimum is not None:
        values.append(spec.minimum - 1)
    if spec.maximum is not None:
        values.append(spec.maximum + 1)
    if spec.choices:
        values.append("not-a-choice")
    if spec.type is list:
        if spec.default and isinstance(spec.default[0], dict):
            # (no tiers at all is allowed: a shop without membership tiers)
            values += [[{"bogus": 1}], [{**spec.default[0], "name": ""}], [spec.default[0], spec.default[0]],
                       [{**spec.default[0], "name": "x" * 201}]]
        else:
            values += [[], ["Same", "same"], [""], ["x" * 200], [1, 2]]
    values += BAD_TEXT.get(spec.name, [])
    return values


def good_value(spec: SettingSpec, tmp_path: Path) -> Any:
    if spec.type is bool:
        return not spec.default
    if spec.type is int:
        low = spec.minimum if spec.minimum is not None else 0
        return low + 1 if spec.default == low else low
    if spec.choices:
        return next(c for c in spec.choices if c != spec.default)
    if spec.type is list:
        if isinstance(spec.default[0], dict):
            return [dict(spec.default[0])]
        return list(spec.default[:-1]) + ["A new entry"]
    if spec.name == "backup.folder":
        return str(tmp_path / "elsewhere")
    return GOOD_TEXT.get(spec.name, "Changed text")


def test_every_setting_has_bad_values_and_a_check_for_text() -> None:
    """A free-text setting without its own check would take anything: each has one."""
    for spec in SETTINGS:
        assert len(bad_values(spec)) >= 3, spec.name
        if spec.type is str and not spec.choices and spec.name not in ("shop.demo",):
            assert spec.check is not None, f"{spec.name} takes any text"


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_validate_refuses_bad_values(name: str) -> None:
    spec = SETTINGS_BY_NAME[name]
    for value in bad_values(spec):
        with pytest.raises(ValidationError) as caught:
            settings.validate(spec, value)
        assert caught.value.problems and all(m.strip() for m in caught.value.problems.values()), (name, value)


@pytest.mark.parametrize("name", [s.name for s in SETTINGS if s.scope == "shop"])
def test_shop_setting_refuses_bad_and_keeps_good(name: str, staff, tmp_path: Path) -> None:
    spec = SETTINGS_BY_NAME[name]
    manager = staff["manager"]
    before = settings.get(name)
    audits = AuditLog.select().count()
    for value in bad_values(spec):
        with pytest.raises(ValidationError) as caught:
            settings.set_value(manager, name, value)
        assert str(caught.value).strip(), (name, value)
        assert settings.get(name) == before, (name, value)
    assert AuditLog.select().count() == audits  # nothing was recorded either
    good = good_value(spec, tmp_path)
    settings.set_value(manager, name, good)
    assert settings.get(name) == good
    row = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (row.action, row.object_id) == ("setting.change", name)


@pytest.mark.parametrize("name", [s.name for s in SETTINGS if s.scope == "terminal"])
def test_terminal_setting_refuses_bad_and_keeps_good(name: str, staff, tmp_path: Path) -> None:
    spec = SETTINGS_BY_NAME[name]
    file = tmp_path / "config" / "terminal.json"
    for value in bad_values(spec):
        with pytest.raises(ValidationError) as caught:
            settings.save_all(staff["manager"], {name: value}, file)
        assert caught.value.problems[name].strip(), (name, value)
        assert not file.exists()
    good = good_value(spec, tmp_path)
    assert settings.save_all(staff["manager"], {name: good}, file) == [name]
    assert settings.terminal(name, file) == good
    assert json.loads(file.read_text(encoding="utf-8"))[name] == good
    row = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert row.action == "setting.terminal" and row.object_id.endswith(":" + name)


def test_save_all_is_all_or_nothing(staff, tmp_path: Path) -> None:
    file = tmp_path / "terminal.json"
    file.write_text(json.dumps({"printer.a4": "Office", "unknown.entry": 3}), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        settings.save_all(staff["manager"], {"care.followup_days": 5, "printer.receipt": "Till",
                                             "counter.return_window_days": -1, "backup.keep_daily": 0}, file)
    assert set(caught.value.problems) == {"counter.return_window_days", "backup.keep_daily"}
    assert settings.get("care.followup_days") == 3
    assert settings.terminal("printer.receipt", file) == ""
    changed = settings.save_all(staff["manager"], {"care.followup_days": 5, "printer.receipt": "Till",
                                                   "printer.a4": "Office"}, file)
    assert sorted(changed) == ["care.followup_days", "printer.receipt"]  # the A4 printer was already so
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data == {"printer.a4": "Office", "printer.receipt": "Till", "unknown.entry": 3}
    with pytest.raises(ValidationError):
        settings.save_all(staff["manager"], {"no.such": 1}, file)


def test_only_managers_and_admins(staff, tmp_path: Path) -> None:
    file = tmp_path / "terminal.json"
    for role in ("cashier", "storekeeper", "service_advisor", "technician"):
        with pytest.raises(PermissionDenied):
            settings.set_value(staff[role], "care.followup_days", 5)
        with pytest.raises(PermissionDenied):
            settings.save_all(staff[role], {"printer.receipt": "Till"}, file)
        with pytest.raises(PermissionDenied):
            settings.current_values(staff[role], file)
    assert settings.get("care.followup_days") == 3 and not file.exists()
    values = settings.current_values(staff["admin"], file)
    assert set(values) == set(SETTINGS_BY_NAME)


def test_sections_follow_the_declarations() -> None:
    sections = dict(settings.sections())
    order = [s.name for s in SETTINGS]
    assert sorted(s.name for specs in sections.values() for s in specs) == sorted(order)
    for section, specs in sections.items():
        names = [s.name for s in specs]
        assert all(n.startswith(section + ".") for n in names) and names == sorted(names, key=order.index)
    assert {"shop", "tax", "counter", "pricing", "membership", "database", "backup", "printer"} <= set(sections)


def test_price_tier_settings_are_used_at_the_counter(staff) -> None:
    assert cart.tier_of(None).tier == "retail"
    settings.set_value(staff["manager"], "pricing.walk_in", "trade")
    assert cart.tier_of(None).tier == "trade"


def test_database_setting_chooses_the_shop(tmp_path: Path) -> None:
    paths = Paths(data_dir=tmp_path / "data", config_dir=tmp_path / "config")
    assert resolve_url(None, paths) == str(paths.default_database)
    paths.config_dir.mkdir()
    paths.settings_file.write_text(json.dumps({"database.url": str(tmp_path / "other.sqlite")}), encoding="utf-8")
    assert resolve_url(None, paths) == str((tmp_path / "other.sqlite").resolve())
    assert resolve_url(str(tmp_path / "given.sqlite"), paths) == str((tmp_path / "given.sqlite").resolve())


def test_backup_folder_setting(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    shop_file = str(tmp_path / "shop.sqlite")
    assert backup_dir_for(shop_file) == tmp_path / "shop-backups"
    file = Paths.for_user().settings_file
    file.parent.mkdir(parents=True)
    file.write_text(json.dumps({"backup.folder": str(tmp_path / "usb")}), encoding="utf-8")
    assert backup_dir_for(shop_file) == tmp_path / "usb"
    assert backup_dir_for("postgresql://u@h/db") is None


@pytest.mark.skipif(bool(__import__("os").environ.get("PARTSDESK_TEST_PG")), reason="SQLite backups only")
def test_backups_go_to_the_folder_set(db, db_url: str, tmp_path: Path, monkeypatch) -> None:
    from partsdesk.services import backup

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    file = Paths.for_user().settings_file
    file.parent.mkdir(parents=True)
    file.write_text(json.dumps({"backup.folder": str(tmp_path / "usb")}), encoding="utf-8")
    made = backup.make_backup(db_url)
    assert made.parent == tmp_path / "usb"
    assert [b.path for b in backup.list_backups(db_url)] == [made]


def test_connection_check(db, db_url: str, tmp_path: Path) -> None:
    good = check_connection(db_url)
    assert good.ok and "schema" in good.message, good.message
    missing = check_connection(str(tmp_path / "nowhere" / "shop.sqlite"))
    assert not missing.ok and "no database file" in missing.message
    assert not (tmp_path / "nowhere").exists()  # nothing was created
    refused = check_connection("postgresql://partsdesk@127.0.0.1:1/none")
    assert not refused.ok and refused.message.startswith("Could not open the database")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    assert not check_connection(str(junk)).ok
    empty = tmp_path / "empty.sqlite"
    __import__("sqlite3").connect(empty).close()
    fresh = check_connection(str(empty))
    assert fresh.ok and "no shop yet" in fresh.message


def test_partsdesks_own_checklists_speak_the_pcs_language_until_the_shop_writes_its_own(admin):
    from partsdesk import i18n

    assert settings.get("workshop.checkin_items")[0] == "Lights"
    i18n.set_language("zh_CN")
    try:
        chinese = settings.get("workshop.checkin_items")
        assert chinese[0] == i18n._("Lights") != "Lights" and len(chinese) == 8
        assert settings.get("care.survey_questions")[0] != "How satisfied are you with the parts or the repair?"
        settings.set_value(admin, "workshop.checkin_items", ["Lights", "喇叭"])  # the shop's own words stay as typed
        assert settings.get("workshop.checkin_items") == ["Lights", "喇叭"]
        assert settings.get("workshop.service_types")[0]["name"] == "Oil service"  # a name reminders refer to
    finally:
        i18n.set_language("en")
