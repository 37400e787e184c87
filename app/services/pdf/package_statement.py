"""A package statement on paper (R41): the package, each use with its date, treatment and
practitioner, what is left and the expiry; Letter/A4 pages or an 80 mm roll. Lays out the
service's PackageStatement (package_statement.py); no counting here."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer, Table, TableStyle

from ...domain.states import AppointmentStatus, PackageStatus, name_for
from ...i18n import _, ngettext
from ..package_text import uses_phrase
from .documents import _amount_box, _header, _pairs, _person, _rule, _side_by_side
from .layout import INK, RULE, SHADE, Kit, Section
from .refund_history import _table


def package_statement_section(kit: Kit, clinic, st, patient) -> Section:
    p = st.summary
    label = _("Package statement: {package}").format(package=p.name)
    story = _header(kit, clinic, _("PACKAGE STATEMENT"),
                    [(_("Date"), kit.date(st.on)),
                     (_("Status"), _(name_for(PackageStatus, p.status)))])
    width = kit.paper.content_width
    left = _("{left} of {total}").format(left=kit.number(p.uses_remaining),
                                          total=kit.number(p.uses_total))
    facts = [(_("Package"), p.name), (_("Purchased"), kit.date(p.purchased_on)),
             (_("Price"), kit.money(p.price)), (_("Uses"), uses_phrase(p, kit.locale)),
             (_("Expires"), _("No expiry") if p.expires_on is None else kit.date(p.expires_on))]
    if kit.paper.roll:
        story.append(_rule(kit))
        story += _person(kit, _("Patient"), st.patient_name, patient)
        story.append(_rule(kit))
        # the uses phrase is too long for a roll's right-aligned column: it goes last
        story.append(_pairs(kit, [f for f in facts if f[0] != _("Uses")], width,
                            label_width=width * 0.34))
        story.append(_rule(kit, 4))
        story.append(kit.p(_("USES"), "label"))
        story += _roll_uses(kit, st.uses, st.uses_before)
        story.append(_rule(kit, 4))
        story.append(_pairs(kit, [(_("Uses left"), left)], width, strong={0}))
        story.append(kit.p(uses_phrase(p, kit.locale), "small"))
        return Section(story, label)
    box_w = 170
    story.append(_side_by_side(kit, _person(kit, _("Patient"), st.patient_name, patient),
                               _amount_box(kit, _("Uses left"), left, box_w), box_w))
    story.append(Spacer(0, 16))
    story.append(_table(kit, [[kit.p(a, "body"), kit.p(b, "bold" if i == 0 else "body")]
                              for i, (a, b) in enumerate(facts)], [140, width - 140]))
    story.append(Spacer(0, 14))
    story.append(kit.p(_("USES"), "label"))
    story.append(Spacer(0, 3))
    story.append(_page_uses(kit, st.uses, width, st.uses_before))
    return Section(story, label, _("{document} \u00b7 {patient}").format(
        document=label, patient=st.patient_name))


def visit_words(use) -> str:
    """How the use was consumed, named as the package page's Visit column names it; an
    undone use says it went back to the package."""
    if use.undone:
        return _("Undone: given back to the package")
    return _(name_for(AppointmentStatus, use.reason))


def _number(kit: Kit, use) -> str:
    return "\u2014" if use.undone else kit.number(use.use_number)


def before_words(kit: Kit, uses_before: int) -> tuple[str, str]:
    """The uses an imported package had in the old system (R42): their numbers, and what
    they were; they have no date, treatment or visit here."""
    numbers = (kit.number(1) if uses_before == 1 else
               f"{kit.number(1)}\u2013{kit.number(uses_before)}")  # "1–3": fits the column
    return numbers, ngettext("{n} use before ClinicDesk", "{n} uses before ClinicDesk",
                             uses_before).format(n=kit.number(uses_before))


def _page_uses(kit: Kit, uses, width: float, uses_before: int = 0) -> Table:
    head = [kit.p(text, "th") for text in (_("Use"), _("Date"), _("Treatment"),
                                            _("Practitioner"), _("Visit"), _("Invoice"))]
    rows = [[kit.p(_number(kit, u), "body"), kit.p(kit.datetime(u.start), "body"),
             kit.p(u.treatment_name, "body"), kit.p(u.practitioner_name, "body"),
             kit.p(visit_words(u), "small" if u.undone else "body"),
             kit.p(f"#{u.invoice_number}", "body")] for u in uses]
    if uses_before:
        numbers, words = before_words(kit, uses_before)
        rows.insert(0, [kit.p(numbers, "body"), kit.p(words, "body"), "", "", "", ""])
    if not rows:
        rows = [["", kit.p(_("No uses yet."), "small"), "", "", "", ""]]
    # the number column as wide as its heading ("Utilisation" in French)
    use_w = max(30, stringWidth(_("Use"), kit.fonts.bold, kit.styles["th"].fontSize) + 10)
    widths = [use_w, 128, width - use_w - 128 - 100 - 112 - 46, 100, 112, 46]
    table = Table([head] + rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def _roll_uses(kit: Kit, uses, uses_before: int = 0) -> list:
    if not uses and not uses_before:
        return [kit.p(_("No uses yet."), "small")]
    out = []
    if uses_before:
        numbers, words = before_words(kit, uses_before)
        out += [kit.p(_("{number}. {when}").format(number=numbers, when=words), "bold"),
                Spacer(0, 4)]
    for u in uses:
        when = kit.datetime(u.start)
        out.append(kit.p(when if u.undone else _("{number}. {when}").format(
            number=_number(kit, u), when=when), "bold"))
        out.append(kit.p(f"{u.treatment_name} \u00b7 {u.practitioner_name}", "body"))
        out.append(kit.p(f"{visit_words(u)} \u00b7 #{u.invoice_number}", "small"))
        out.append(Spacer(0, 4))
    return out
