"""A customer's personal data as a PDF (their copy of what the shop holds about them), laid out
from the same plain data the JSON export writes (``services.customers.personal_data``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, BinaryIO

from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    content_width,
    gap,
    grid,
    header_block,
    money,
    p,
    shop_header,
    styles,
    write_pdf,
)

# section -> its heading; the order they print in
SECTIONS = {
    "history": N_("History"),
    "account": N_("Account"),
    "points": N_("Points"),
    "prepaid": N_("Prepaid balance"),
    "calls": N_("Calls"),
    "complaints": N_("Complaints"),
}
_PROFILE_LABELS = {
    "kind": N_("Kind"), "name": N_("Name"), "contact_person": N_("Contact person"), "tax_id": N_("Tax ID"),
    "address": N_("Address"), "email": N_("E-mail"), "preferred_channel": N_("Preferred channel"),
    "preferred_time": N_("Preferred time"), "marketing_consent": N_("Marketing consent"),
    "consent_at": N_("Consent given"), "birthday": N_("Birthday"), "tags": N_("Tags"), "notes": N_("Notes"),
    "key_account": N_("Key account"), "member_card": N_("Member card"), "credit_limit": N_("Credit limit"),
    "payment_terms_days": N_("Payment terms (days)"),
}
# a section's column -> its heading (the field's name, as words); a column not here prints its field's name so
_COLUMN_LABELS = {
    "at": N_("At"), "kind": N_("Kind"), "document_no": N_("Document no"), "amount": N_("Amount"),
    "summary": N_("Summary"), "posted_at": N_("Posted at"), "document": N_("Document"), "due_on": N_("Due on"),
    "points": N_("Points"), "expires_on": N_("Expires on"), "reason": N_("Reason"), "called_at": N_("Called at"),
    "outcome": N_("Outcome"), "comment": N_("Comment"), "scores": N_("Scores"), "received_at": N_("Received at"),
    "category": N_("Category"), "description": N_("Description"), "status": N_("Status"),
    "resolution": N_("Resolution"),
}


def _column(name: str) -> str:
    if name in _COLUMN_LABELS:
        return _(_COLUMN_LABELS[name])
    return name.replace("_", " ").capitalize()


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})[\d:.]*$")
MONEY_KEYS = frozenset({"amount", "credit_limit"})  # minor units in the data, printed as money


def _cell(value: Any, key: str = "", currency: str = "CNY") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in MONEY_KEYS and isinstance(value, int):
        return money(value, currency)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    stamp = _ISO_TIME.match(text)
    return f"{stamp[1]} {stamp[2]}" if stamp else text


def write_personal_data(data: dict[str, Any], target: str | Path | BinaryIO) -> None:
    st = styles()
    width = content_width()
    profile = data["profile"]
    shop = shop_header()
    story = [header_block(shop, _("Personal data"), [(_("Customer"), f"#{data['customer']}"),
                                                     (_("Exported"), _cell(data["exported_at"]))], st, width),
             gap(), p(_("Profile"), st.heading)]
    rows = [[_("Field"), _("Value")]]
    rows += [[_(label), _cell(profile.get(key), key, shop.currency)] for key, label in _PROFILE_LABELS.items()
             if profile.get(key) not in (None, "")]
    rows += [[_("Phone ({label})").format(label=phone["label"]) if phone["label"] else _("Phone"), phone["number"]]
             for phone in data["phones"]]
    story.append(grid(rows, [width * 0.3, width * 0.7], st))
    if data["vehicles"]:
        story += [p(_("Vehicles"), st.heading)]
        rows = [[_("Plate"), _("VIN"), _("Year"), _("Owned"), _("Odometer readings")]]
        for vehicle in data["vehicles"]:
            owned = "; ".join(f"{_cell(s)[:10]} – {_cell(u)[:10] or _('now')}" for s, u in vehicle["owned"])
            readings = "; ".join(f"{_cell(at)[:10]}: " + _("{km:,} km").format(km=km) for at, km in vehicle["odometer"])
            rows.append([vehicle["plate"], vehicle["vin"], _cell(vehicle["model_year"]), owned, readings])
        story.append(grid(rows, [width * w for w in (0.14, 0.24, 0.07, 0.25, 0.30)], st))
    for key, heading in SECTIONS.items():
        entries = data.get(key) or []
        if not entries:
            continue
        columns = list(entries[0])
        story += [p(f"{_(heading)} ({len(entries)})", st.heading)]
        rows = [[_column(column) for column in columns]]
        rows += [[_cell(entry[column], column, shop.currency) for column in columns] for entry in entries]
        numeric = [i for i, column in enumerate(columns) if column in MONEY_KEYS or column == "points"]
        story.append(grid(rows, [width / len(columns)] * len(columns), st, numeric=numeric))
    write_pdf(target, story, title=_("Personal data of customer #{number}").format(number=data["customer"]),
              footer=_("Personal data held by the shop, exported at the customer's request."))
