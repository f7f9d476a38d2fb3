"""A customer's personal data as a PDF (their copy of what the shop holds about them), laid out
from the same plain data the JSON export writes (``services.customers.personal_data``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, BinaryIO

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
    "history": "History",
    "account": "Account",
    "points": "Points",
    "prepaid": "Prepaid balance",
    "calls": "Calls",
    "complaints": "Complaints",
}
_PROFILE_LABELS = {
    "kind": "Kind", "name": "Name", "contact_person": "Contact person", "tax_id": "Tax ID", "address": "Address",
    "email": "E-mail", "preferred_channel": "Preferred channel", "preferred_time": "Preferred time",
    "marketing_consent": "Marketing consent", "consent_at": "Consent given", "birthday": "Birthday", "tags": "Tags",
    "notes": "Notes", "key_account": "Key account", "member_card": "Member card", "credit_limit": "Credit limit",
    "payment_terms_days": "Payment terms (days)",
}


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})[\d:.]*$")
MONEY_KEYS = frozenset({"amount", "credit_limit"})  # minor units in the data, printed as money


def _cell(value: Any, key: str = "", currency: str = "CNY") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
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
    story = [header_block(shop, "Personal data", [("Customer", f"#{data['customer']}"),
                                                            ("Exported", _cell(data["exported_at"]))], st, width),
             gap(), p("Profile", st.heading)]
    rows = [["Field", "Value"]]
    rows += [[label, _cell(profile.get(key), key, shop.currency)] for key, label in _PROFILE_LABELS.items()
             if profile.get(key) not in (None, "")]
    rows += [[f"Phone ({phone['label']})" if phone["label"] else "Phone", phone["number"]] for phone in data["phones"]]
    story.append(grid(rows, [width * 0.3, width * 0.7], st))
    if data["vehicles"]:
        story += [p("Vehicles", st.heading)]
        rows = [["Plate", "VIN", "Year", "Owned", "Odometer readings"]]
        for vehicle in data["vehicles"]:
            owned = "; ".join(f"{_cell(s)[:10]} – {_cell(u)[:10] or 'now'}" for s, u in vehicle["owned"])
            readings = "; ".join(f"{_cell(at)[:10]}: {km:,} km" for at, km in vehicle["odometer"])
            rows.append([vehicle["plate"], vehicle["vin"], _cell(vehicle["model_year"]), owned, readings])
        story.append(grid(rows, [width * w for w in (0.14, 0.24, 0.07, 0.25, 0.30)], st))
    for key, heading in SECTIONS.items():
        entries = data.get(key) or []
        if not entries:
            continue
        columns = list(entries[0])
        story += [p(f"{heading} ({len(entries)})", st.heading)]
        rows = [[column.replace("_", " ").capitalize() for column in columns]]
        rows += [[_cell(entry[column], column, shop.currency) for column in columns] for entry in entries]
        numeric = [i for i, column in enumerate(columns) if column in MONEY_KEYS or column == "points"]
        story.append(grid(rows, [width / len(columns)] * len(columns), st, numeric=numeric))
    write_pdf(target, story, title=f"Personal data of customer #{data['customer']}",
              footer="Personal data held by the shop, exported at the customer's request.")
