"""A customer's statement of account (A4): the shop, the customer, the open items with how long
each is overdue, the ageing line (current, 1–30, 31–60, 61–90, 90+ days), the total due and a
note on how to pay. Input: ``services.accounts.StatementData``; every total comes from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from partsdesk.printing.base import (
    ShopHeader,
    content_width,
    day,
    gap,
    grid,
    header_block,
    money,
    p,
    styles,
    write_pdf,
)
from partsdesk.services.accounts import StatementData

BUCKET_LABELS = {"current": "Current", "1-30": "1-30 days", "31-60": "31-60 days", "61-90": "61-90 days",
                 "90+": "Over 90 days"}
KIND_LABELS = {"invoice": "Invoice", "credit_note": "Credit note", "payment": "Payment on account",
               "refund": "Refund", "adjustment": "Adjustment"}


def _customer_block(data: StatementData, st) -> list[Flowable]:
    lines = [p(data.customer_name, st.bold)]
    if data.customer_address:
        lines.append(p(data.customer_address, st.normal))
    if data.customer_tax_id:
        lines.append(p(f"Tax ID {data.customer_tax_id}", st.normal))
    facts = [f"Customer no. #{data.customer_id}"]
    if data.member_card:
        facts.append(f"member card {data.member_card}")
    lines.append(p(" · ".join(facts), st.small))
    return lines


def write_statement(data: StatementData, target: str | Path | BinaryIO) -> None:
    """Write the statement PDF of ``data`` to ``target`` (a path or a binary file)."""
    st = styles()
    width = content_width()
    cur = data.currency
    shop = ShopHeader(name=data.shop_name, address=data.shop_address, phone=data.shop_phone,
                      tax_id=data.shop_tax_id, currency=cur)
    terms = f"{data.payment_terms_days} days" if data.payment_terms_days else "payment on delivery"
    facts = [("Date", day(data.as_of)), ("Customer no.", f"#{data.customer_id}"),
             ("Credit limit", f"{money(data.credit_limit, cur)} {cur}"), ("Terms", terms)]
    story: list[Flowable] = [header_block(shop, "Statement of account", facts, st, width), gap(6)]
    story += _customer_block(data, st)
    story += [gap(6), p("Open items", st.heading)]
    if data.lines:
        rows: list[list[object]] = [["Document", "Type", "Issued", "Due", f"Amount ({cur})", f"Open ({cur})",
                                     "Days overdue"]]
        for line in data.lines:
            rows.append([line.document, KIND_LABELS.get(line.kind, line.kind), day(line.issued), day(line.due),
                         money(line.amount, cur), money(line.open_amount, cur),
                         str(line.days_overdue) if line.days_overdue else ""])
        rows.append(["Total due", "", "", "", "", money(data.total_due, cur), ""])
        story.append(grid(rows, [0.18 * width, 0.14 * width, 0.12 * width, 0.12 * width, 0.15 * width,
                                 0.15 * width, 0.14 * width], st, numeric=(4, 5, 6), total_row=True))
    else:
        story.append(p("Nothing is open on this account.", st.normal))

    buckets = list(data.buckets)
    ageing_rows = [[*(BUCKET_LABELS.get(b, b) for b in buckets), "Total due"],
                   [*(money(data.ageing.get(b, 0), cur) for b in buckets), money(data.total_due, cur)]]
    column = width / (len(buckets) + 1)
    story += [gap(5), KeepTogether([p(f"Ageing ({cur}), days past the due date on {day(data.as_of)}", st.heading),
                                    grid(ageing_rows, [column] * (len(buckets) + 1), st,
                                         numeric=range(len(buckets) + 1))])]

    totals = [["Balance of the account", f"{money(data.balance, cur)} {cur}"]]
    if data.unallocated_credit:
        totals.append(["of which credit not yet used (taken off your next invoice)",
                       f"{money(data.unallocated_credit, cur)} {cur}"])
    if data.overdue_amount:
        totals.append(["Overdue now", f"{money(data.overdue_amount, cur)} {cur}"])
    totals_table = Table([[p(label, st.bold if n == 0 else st.normal), p(value, st.right_bold if n == 0 else st.right)]
                          for n, (label, value) in enumerate(totals)], colWidths=[0.7 * width, 0.3 * width])
    totals_table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]))
    story += [gap(4), totals_table]

    if data.total_due > 0:
        note = (f"Please pay {money(data.total_due, cur)} {cur}, the overdue items at once and the others by their "
                f"due dates, quoting customer no. #{data.customer_id} and the document numbers. ")
    else:
        note = "Nothing is due on this account. "
    note += (f"Payments received after {day(data.as_of)} are not shown. If anything on this statement does not "
             "match your records, please tell us"
             + (f" on {data.shop_phone}." if data.shop_phone else "."))
    story += [gap(6), p("Remittance", st.heading), p(note, st.normal)]
    write_pdf(target, story, title=f"Statement {data.customer_name} {day(data.as_of)}",
              footer=f"{data.shop_name} · statement of account #{data.customer_id} · {day(data.as_of)}")
