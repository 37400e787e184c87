"""The Day Close sheet (R32), for a page (Letter, A4) or an 80 mm roll.

Lays out the `Report` clinic.reports.day_close made (the figures kept at the close, or the
open day's as of now): no sums are made here, so the paper says what the screen says.
"""

from __future__ import annotations

from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from ...i18n import _
from .documents import _header, _pairs, _rule
from .layout import INK, RULE, SHADE, Kit, Section

#: The figures the drawer's sum is about: shown strong.
STRONG = {"expected_cash", "over_short"}


def _cell(kit: Kit, value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return kit.money(value)
    if kind == "int":
        return kit.number(value)
    return kit.text(value)


def _methods_table(kit: Kit, section) -> Table:
    """Payments by method: received, refunded and net per method, and their totals. The roll
    leaves out the counts (72 mm holds four columns) and the methods nothing moved by."""
    roll = kit.paper.roll
    keep = ("method_name", "received", "refunded", "net") if roll else None
    columns = [c for c in section.columns if keep is None or c.key in keep]
    rows = [r for r in section.rows
            if not roll or r.method == "cash" or r.received or r.refunded]
    head = [kit.p(c.heading, "th" if c.kind == "text" else "th_right") for c in columns]
    body = [[kit.p(_cell(kit, getattr(r, c.key), c.kind),
                   "body" if c.kind == "text" else "right") for c in columns] for r in rows]
    total = [kit.p(_("Total"), "bold")] + [
        kit.p(_cell(kit, section.totals[c.key], c.kind), "bold_right") for c in columns[1:]]
    width = kit.paper.content_width
    first = width * (0.31 if roll else 0.28)
    widths = [first] + [(width - first) / (len(columns) - 1)] * (len(columns) - 1)
    table = Table([head, *body, total], colWidths=widths, repeatRows=1)
    pad = 1 if roll else 4
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
        *([] if roll else [("BACKGROUND", (0, -1), (-1, -1), SHADE)]),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _figures(kit: Kit, section) -> Table:
    """A section of named figures: "Invoices issued (4)" ... amount."""
    rows, strong = [], set()
    for i, row in enumerate(section.rows):
        label = row.label if getattr(row, "count", None) is None else \
            _("{label} ({count})").format(label=row.label, count=kit.number(row.count))
        rows.append((label, kit.money(row.amount)))
        if row.item in STRONG:
            strong.add(i)
    width = kit.paper.content_width
    return _pairs(kit, rows, width, strong=strong, label_width=width * (0.62 if
                                                                          kit.paper.roll
                                                                          else 0.7))


def day_close_section(kit: Kit, clinic, report, closed_words: str) -> Section:
    """The sheet of one day. `closed_words`: who closed it and when, or that it is open."""
    title = _("DAY CLOSE")
    day = report.subtitle
    story = _header(kit, clinic, title, [(_("Day"), day), (_("Status"), closed_words),
                                         (_("Printed"), kit.datetime(report.generated_at))])
    gap = 4 if kit.paper.roll else 6  # (10 sent the Checked by line onto a page 2 on Letter)
    for index, section in enumerate(report.sections):
        if kit.paper.roll:
            story.append(_rule(kit, 3))
        heading = kit.p(section.title.upper(), "label")
        table = _methods_table(kit, section) if index == 0 else _figures(kit, section)
        block = [heading, Spacer(0, 2), table, Spacer(0, gap)]
        # A roll is one page as tall as its content (measured before any canvas exists).
        story += block if kit.paper.roll else [KeepTogether(block)]
    story.append(_rule(kit, 4))
    story += [kit.p(note, "small") for note in report.notes]
    if not kit.paper.roll:
        story += [Spacer(0, 18), _pairs(kit, [(_("Counted by"), "_" * 32),
                                              (_("Checked by"), "_" * 32)],
                                        kit.paper.content_width, label_width=90)]
    else:
        story += [Spacer(0, 14), kit.p(_("Counted by") + " " + "_" * 24, "small")]
    return Section(story, _("Day close {day}").format(day=day))
