"""A customer's statement of account (A4): the shop, the customer, the open items with how long
each is overdue, the ageing line (current, 1–30, 31–60, 61–90, 90+ days), the total due and a
note on how to pay. Input: ``services.accounts.StatementData``; every total comes from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from partsdesk.i18n import N_, _
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

BUCKET_LABELS = {"current": N_("Current"), "1-30": N_("1-30 days"), "31-60": N_("31-60 days"),
                 "61-90": N_("61-90 days"), "90+": N_("Over 90 days")}
KIND_LABELS = {"invoice": N_("Invoice"), "credit_note": N_("Credit note"), "payment": N_("Payment on account"),
               "refund": N_("Refund"), "adjustment": N_("Adjustment")}


def _label(labels: dict[str, str], code: str) -> str:
    """The printed label of ``code`` in ``labels``, in this PC's language (the code itself if it has none)."""
    return _(labels[code]) if code in labels else code


def _customer_block(data: StatementData, st) -> list[Flowable]:
    lines = [p(data.customer_name, st.bold)]
    if data.customer_address:
        lines.append(p(data.customer_address, st.normal))
    if data.customer_tax_id:
        lines.append(p(_("Tax ID {tax_id}").format(tax_id=data.customer_tax_id), st.normal))
    facts = [_("Customer no. #{number}").format(number=data.customer_id)]
    if data.member_card:
        facts.append(_("member card {card}").format(card=data.member_card))
    lines.append(p(" · ".join(facts), st.small))
    return lines


def write_statement(data: StatementData, target: str | Path | BinaryIO) -> None:
    """Write the statement PDF of ``data`` to ``target`` (a path or a binary file)."""
    st = styles()
    width = content_width()
    cur = data.currency
    shop = ShopHeader(name=data.shop_name, address=data.shop_address, phone=data.shop_phone,
                      tax_id=data.shop_tax_id, currency=cur)
    terms = (_("{days} days").format(days=data.payment_terms_days) if data.payment_terms_days
             else _("payment on delivery"))
    facts = [(_("Date"), day(data.as_of)), (_("Customer no."), f"#{data.customer_id}"),
             (_("Credit limit"), f"{money(data.credit_limit, cur)} {cur}"), (_("Terms"), terms)]
    story: list[Flowable] = [header_block(shop, _("Statement of account"), facts, st, width), gap(6)]
    story += _customer_block(data, st)
    story += [gap(6), p(_("Open items"), st.heading)]
    if data.lines:
        rows: list[list[object]] = [[_("Document"), _("Type"), _("Issued"), _("Due"),
                                     _("Amount ({currency})").format(currency=cur),
                                     _("Open ({currency})").format(currency=cur), _("Days overdue")]]
        for line in data.lines:
            rows.append([line.document, _label(KIND_LABELS, line.kind), day(line.issued), day(line.due),
                         money(line.amount, cur), money(line.open_amount, cur),
                         str(line.days_overdue) if line.days_overdue else ""])
        rows.append([_("Total due"), "", "", "", "", money(data.total_due, cur), ""])
        story.append(grid(rows, [0.18 * width, 0.14 * width, 0.12 * width, 0.12 * width, 0.15 * width,
                                 0.15 * width, 0.14 * width], st, numeric=(4, 5, 6), total_row=True))
    else:
        story.append(p(_("Nothing is open on this account."), st.normal))

    buckets = list(data.buckets)
    ageing_rows = [[*(_label(BUCKET_LABELS, b) for b in buckets), _("Total due")],
                   [*(money(data.ageing.get(b, 0), cur) for b in buckets), money(data.total_due, cur)]]
    column = width / (len(buckets) + 1)
    ageing = _("Ageing ({currency}), days past the due date on {date}").format(currency=cur, date=day(data.as_of))
    story += [gap(5), KeepTogether([p(ageing, st.heading),
                                    grid(ageing_rows, [column] * (len(buckets) + 1), st,
                                         numeric=range(len(buckets) + 1))])]

    totals = [[_("Balance of the account"), f"{money(data.balance, cur)} {cur}"]]
    if data.unallocated_credit:
        totals.append([_("of which credit not yet used (taken off your next invoice)"),
                       f"{money(data.unallocated_credit, cur)} {cur}"])
    if data.overdue_amount:
        totals.append([_("Overdue now"), f"{money(data.overdue_amount, cur)} {cur}"])
    totals_table = Table([[p(label, st.bold if n == 0 else st.normal), p(value, st.right_bold if n == 0 else st.right)]
                          for n, (label, value) in enumerate(totals)], colWidths=[0.7 * width, 0.3 * width])
    totals_table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]))
    story += [gap(4), totals_table]

    if data.total_due > 0:
        note = _("Please pay {amount} {currency}, the overdue items at once and the others by their due dates, "
                 "quoting customer no. #{number} and the document numbers.").format(
            amount=money(data.total_due, cur), currency=cur, number=data.customer_id) + " "
    else:
        note = _("Nothing is due on this account.") + " "
    if data.shop_phone:
        note += _("Payments received after {date} are not shown. If anything on this statement does not match your "
                  "records, please tell us on {phone}.").format(date=day(data.as_of), phone=data.shop_phone)
    else:
        note += _("Payments received after {date} are not shown. If anything on this statement does not match your "
                  "records, please tell us.").format(date=day(data.as_of))
    story += [gap(6), p(_("Remittance"), st.heading), p(note, st.normal)]
    write_pdf(target, story, title=_("Statement {customer} {date}").format(customer=data.customer_name,
                                                                          date=day(data.as_of)),
              footer=f"{data.shop_name} · " + _("statement of account #{number}").format(number=data.customer_id)
              + f" · {day(data.as_of)}")
