"""The first-run set-up: a new shop's details, tax, prefixes and administrator in one go."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.models import AppUser, AuditLog, DocumentCounter, Setting, transaction
from partsdesk.services import audit, first_run, settings, users
from partsdesk.services.first_run import ShopSetup
from partsdesk.services.numbering import SERIES, take_number

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def good_setup(**changes) -> ShopSetup:
    base = ShopSetup(name="Lucky Star Auto Parts", address="12 Harbour Road, Xiamen", tax_id="91350200MA31X",
                     phone="0592 555 1234", currency="EUR", vat_percent="19", prices_include_tax=False,
                     prefixes={"receipt": "tk", "invoice": "RE"}, username="Owner", display_name="Lin Owner",
                     pin="2580", password="owner-pass-1", password_again="owner-pass-1")
    return replace(base, **changes)


def written_rows() -> tuple[int, int, int, int]:
    return (AppUser.select().count(), Setting.select().count(), DocumentCounter.select().count(),
            AuditLog.select().count())


def test_a_new_shop_needs_setting_up_and_a_set_up_one_does_not(db, tmp_path):
    assert first_run.needs_setup()
    first_run.set_up_shop(good_setup(), data_dir=tmp_path / "data")
    assert not first_run.needs_setup()


def test_a_shop_with_users_but_no_name_is_not_sent_to_the_wizard(admin):
    assert not first_run.needs_setup()


def test_the_set_up_writes_settings_prefixes_and_the_administrator(db, tmp_path):
    logo = tmp_path / "my logo.png"
    logo.write_bytes(PNG)
    row = first_run.set_up_shop(good_setup(logo=str(logo)), data_dir=tmp_path / "data")

    assert settings.get("shop.name") == "Lucky Star Auto Parts"
    assert settings.get("shop.address") == "12 Harbour Road, Xiamen"
    assert settings.get("shop.tax_id") == "91350200MA31X"
    assert settings.get("shop.phone") == "0592 555 1234"
    assert settings.get("shop.currency") == "EUR"
    assert settings.get("tax.default_rate_bp") == 1900
    assert settings.get("tax.prices_include_tax") is False
    assert settings.get("shop.language") == "en"
    copied = Path(settings.get("shop.logo"))
    assert copied == tmp_path / "data" / "shop-logo.png" and copied.read_bytes() == PNG

    assert (row.username, row.display_name, row.role, row.has_password) == ("owner", "Lin Owner", "admin", True)
    actor = users.log_in("owner", "owner-pass-1")
    assert actor.role == "admin"
    assert users.switch_user("owner", "2580").username == "owner"

    with transaction():
        assert take_number("receipt") == "TK-000001"
        assert take_number("receipt") == "TK-000002"
        assert take_number("invoice") == "RE-000001"
        assert take_number("quote") == f"{SERIES['quote']}-000001"  # unchanged: the default

    entry = AuditLog.select().where(AuditLog.action == "shop.setup").get()
    assert entry.user_id == row.id
    recorded = json.loads(entry.new_value)
    assert recorded["prefixes"]["receipt"] == "TK" and recorded["settings"]["shop.name"] == "Lucky Star Auto Parts"
    assert audit.verify_chain() == []


def test_the_first_sale_of_the_new_shop_is_numbered_with_its_prefix(db, tmp_path):
    from partsdesk.domain.tender import Payment
    from partsdesk.services import catalog, stock
    from partsdesk.services.sales import LineRequest, commit_sale

    first_run.set_up_shop(good_setup(), data_dir=tmp_path)
    owner = users.log_in("owner", "owner-pass-1")
    part = catalog.save_part(owner, None, {"number": "W 712/75", "brand": "Mann", "name_en": "Oil filter",
                                           "category": "engine.filters", "price_retail": "45.50"},
                             barcodes=[], numbers=[], fitments=[])
    with transaction():
        stock.post_move(part_id=part, qty=5_000, unit_cost=2_000, reason="receipt", document="GR-1", user_id=None)
    sale = commit_sale(owner, [LineRequest(part, 1_000)], [Payment("cash", 10_000)])
    assert sale.number == "TK-000001" and sale.kind == "receipt"
    assert sale.total == 5_415  # 45.50 before the shop's 19 % VAT (its prices exclude it)


def test_the_wizard_offers_the_currencies_money_can_format():
    assert "CNY" in first_run.currencies() and "EUR" in first_run.currencies()
    from partsdesk.domain.money import CURRENCIES

    assert set(first_run.currencies()) <= set(CURRENCIES)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": "  "}, "shop.name", "type it"),
    ({"vat_percent": "thirteen"}, "tax.default_rate_bp", "percentage"),
    ({"vat_percent": "130"}, "tax.default_rate_bp", "0 to 100"),
    ({"vat_percent": "-1"}, "tax.default_rate_bp", "0 to 100"),
    ({"vat_percent": "6.125"}, "tax.default_rate_bp", "two decimals"),
    ({"prefixes": {"receipt": "INV"}}, "prefix.receipt", "already the prefix of invoices"),
    ({"prefixes": {"quote": "Q-1"}}, "prefix.quote", "letters and digits"),
    ({"prefixes": {"quote": ""}}, "prefix.quote", "short code"),
    ({"prefixes": {"quote": "TOOLONG7"}}, "prefix.quote", "1 to 6"),
    ({"pin": "12"}, "pin", "4 to 8 digits"),
    ({"password_again": "owner-pass-2"}, "password_again", "differ"),
    ({"password": "short", "password_again": "short"}, "password", "at least"),
    ({"username": "lin owner"}, "username", "without spaces"),
    ({"currency": "XXX"}, "shop.currency", "one of"),
    ({"logo": "/no/such/logo.png"}, "shop.logo", "no file"),
])
def test_bad_input_is_refused_by_its_field_and_nothing_is_written(db, tmp_path, changes, field, words):
    before = written_rows()
    with pytest.raises(ValidationError) as refused:
        first_run.set_up_shop(good_setup(**changes), data_dir=tmp_path / "data")
    assert words in refused.value.problems[field]
    assert written_rows() == before
    assert first_run.needs_setup()
    assert not (tmp_path / "data").exists()


def test_every_problem_is_named_at_once(db, tmp_path):
    with pytest.raises(ValidationError) as refused:
        first_run.set_up_shop(good_setup(name="", vat_percent="x", pin="1", password_again="nope",
                                         prefixes={"receipt": "INV"}), data_dir=tmp_path)
    assert set(refused.value.problems) == {"shop.name", "tax.default_rate_bp", "pin", "password_again",
                                           "prefix.receipt", "prefix.invoice"}


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(db, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    with pytest.raises(ValidationError) as refused:
        first_run.set_up_shop(good_setup(logo=str(fake)), data_dir=tmp_path / "data")
    assert "PNG or JPEG" in refused.value.problems["shop.logo"]


def test_a_shop_that_already_has_users_is_not_set_up_again(admin, tmp_path):
    before = written_rows()
    with pytest.raises(UserError, match="already set up"):
        first_run.set_up_shop(good_setup(), data_dir=tmp_path)
    assert written_rows() == before
    assert users.count_users() == 1


def test_a_failure_while_writing_leaves_nothing_behind(db, tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(first_run.audit, "record", broken)
    with pytest.raises(RuntimeError):
        first_run.set_up_shop(good_setup(logo=str(logo)), data_dir=tmp_path / "data")
    assert written_rows() == (0, 0, 0, 0)
    assert not (tmp_path / "data" / "shop-logo.png").exists()
    assert first_run.needs_setup()
    monkeypatch.undo()  # the disk has room again: the same set-up goes through
    assert first_run.set_up_shop(good_setup(logo=str(logo)), data_dir=tmp_path / "data").username == "owner"


def test_a_logo_that_cannot_be_read_prints_no_picture_and_the_document_still_prints(tmp_path):
    import subprocess

    from partsdesk.printing.base import ShopHeader, content_width, header_block, styles, write_pdf

    broken = tmp_path / "logo.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    target = tmp_path / "doc.pdf"
    for logo in ("", str(tmp_path / "gone.png"), str(broken)):
        shop = ShopHeader(name="Lucky Star", address="12 Harbour Road", logo=logo)
        write_pdf(target, [header_block(shop, "Invoice", [], styles(), content_width())], title="t")
        listed = subprocess.run(["pdfimages", "-list", str(target)], check=True, capture_output=True,
                                text=True).stdout.splitlines()[2:]
        assert listed == []
        text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True, text=True).stdout
        assert "Lucky Star" in text


def test_the_shop_keeps_the_wizards_language_and_refuses_an_unknown_one(db, tmp_path):
    with pytest.raises(ValidationError) as refused:
        first_run.set_up_shop(good_setup(language="fr"), data_dir=tmp_path / "data")
    assert "shop.language" in refused.value.problems and first_run.needs_setup()
    first_run.set_up_shop(good_setup(language="zh_CN"), data_dir=tmp_path / "data")
    assert settings.get("shop.language") == "zh_CN"
