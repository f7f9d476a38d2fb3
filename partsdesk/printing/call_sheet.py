"""The call sheet: the day's or the week's care lists on paper, to call down the list and write
each outcome and score by hand. A4 landscape (the reasons are long and the hand-written columns
need room); one section per list, its heading row repeated on every page.

Plain data in (``services.care.CareLists``), PDF out; nothing is counted here but the rows given.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    content_width,
    day,
    gap,
    grid,
    header_block,
    p,
    shop_header,
    styles,
    write_pdf,
)
from partsdesk.services.care import CareLists

PAGE = landscape(A4)
# column -> share of the width: the reason reads best wide, the hand-written columns need room
_COLUMNS = (("#", 0.035), (N_("Customer"), 0.16), (N_("Phone"), 0.11), (N_("Reason"), 0.27), (N_("Best time"), 0.105),
            (N_("Outcome"), 0.09), (N_("Scores"), 0.13), (N_("Notes"), 0.10))


def write_call_sheet(data: CareLists, target: str | Path | BinaryIO) -> None:
    """Write the call sheet of ``data`` to ``target`` (a path or a binary file)."""
    st = styles(8.5)
    width = content_width(PAGE)
    span = (day(data.start) if data.start == data.end
            else _("{start} to {end}").format(start=day(data.start), end=day(data.end)))
    counts = ", ".join(f"{item.title} {item.total}" for item in data.lists)
    story = [header_block(shop_header(), _("Call sheet"), [(_("Calls for"), span), (_("Lists"), counts)], st, width),
             gap(3),
             p(_("Outcome: R reached · N no answer · W wrong number · C call back (write the day). "
                 "Scores: 1 (very unhappy) to 5 (very happy), one per question, in this order:"), st.small),
             *(p(f"{number}. {question}", st.small) for number, question in enumerate(data.questions, start=1))]
    widths = [width * share for _name, share in _COLUMNS]
    blanks = " ".join(["__"] * len(data.questions))
    for item in data.lists:
        story.append(p(f"{item.title} ({item.total})", st.heading))
        if not item.rows:
            story.append(p(_("Nobody on this list."), st.small))
            continue
        rows: list[list[object]] = [[_(name) if name != "#" else name for name, _share in _COLUMNS]]
        for number, row in enumerate(item.rows, start=1):
            who = row.name + (f" ({row.grade})" if row.grade else "")
            when = " · ".join(text for text in (row.preferred_time, row.channel_label) if text)
            reason = row.reason + ("" if row.marketing_consent or row.kind not in ("birthday", "lapsed")
                                   else " · " + _("no offers"))
            rows.append([str(number), who, row.phone or "—", reason, when, "", blanks, ""])
        table = grid(rows, widths, st)
        table.setStyle([("LINEBEFORE", (5, 0), (7, -1), 0.25, "#B0B7C3"), ("BOTTOMPADDING", (0, 1), (-1, -1), 3 * mm)])
        story.append(table)
        if item.more:
            story.append(p(_("… and {count} more not printed: work through these first, then print again.").format(
                count=item.more), st.small))
    write_pdf(target, story, title=_("Call sheet"), pagesize=PAGE,
              footer=_("Call sheet · {span} · R/N/W/C outcome, score 1-5").format(span=span))
