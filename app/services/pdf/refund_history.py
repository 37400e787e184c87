"""A package refund on paper (R27, R31): one receipt listing every method the money went back
by (the service's PackageRefundReceipt, laid out; no sums here)."""

from __future__ import annotations

from reportlab.platypus import Spacer, Table, TableStyle

from ...i18n import _
from ..refund_words import policy_name, words
from .documents import _amount_box, _header, _method, _pairs, _person, _rule, _side_by_side
from .layout import INK, RULE, Kit, Section


def package_refund_section(kit: Kit, clinic, receipt, patient,
                           method_names: dict[str, str]) -> Section:
    """The receipt of one package refund: the package, the amount, then each hand-back."""
    label = _("Package refund receipt #{number}").format(number=receipt.package_refund_id)
    title = _("PACKAGE REFUND #{number}").format(number=receipt.package_refund_id)
    story = _header(kit, clinic, title, [(_("Date"), kit.datetime(receipt.refunded_at))])
    width = kit.paper.content_width
    lines = [(_("{method}, from the {payment} payment of {date}").format(
                 method=_method(method_names, h.method), payment=kit.money(h.payment_amount),
                 date=kit.date(h.payment_received_at)), kit.money(h.amount))
             for h in receipt.handed_back]
    if receipt.still_credit:
        lines.append((_("Kept as credit on the patient's account"),
                      kit.money(receipt.still_credit)))
    facts = [(_("Package refunded"), receipt.package_name),
             (_("Uses remaining at the refund"), _("{remaining} of {total}").format(
                 remaining=receipt.uses_remaining, total=receipt.uses_total)),
             (_("Package refund amount"), kit.money(receipt.amount))]
    # R40: the suggestion as the refund dialog worded it
    calculation = [] if receipt.basis is None else [
        (_("Refund policy"), policy_name(receipt.basis.policy, kit.money)),
        (_("Suggested refund"), words(receipt.basis, kit.money))]
    if not kit.paper.roll:
        facts[2:2] = calculation
    if receipt.staff_name:
        facts.append((_("Processed by"), receipt.staff_name))
    if kit.paper.roll:
        story.append(_rule(kit))
        story += _person(kit, _("Refunded to"), receipt.patient_name, patient)
        story.append(_rule(kit))
        story.append(_pairs(kit, facts, width, label_width=width * 0.5))
        for label, text in calculation:  # sentences: too long for a label / amount row
            story.append(kit.p(label, "label"))
            story.append(kit.p(text, "body"))
        story.append(_rule(kit, 4))
        story.append(kit.p(_("WHERE THE MONEY WENT"), "label"))
        story.append(_pairs(kit, lines or [(_("Nothing was handed back."), "")], width,
                            label_width=width * 0.7))
        story.append(_rule(kit, 4))
        story.append(_pairs(kit, [(_("Handed back"), kit.money(receipt.total_handed_back))],
                            width, strong={0}))
        return Section(story, label)
    box_w = 170
    story.append(_side_by_side(kit, _person(kit, _("Refunded to"), receipt.patient_name,
                                            patient),
                               _amount_box(kit, _("Handed back"),
                                           kit.money(receipt.total_handed_back), box_w),
                               box_w))
    story.append(Spacer(0, 16))
    strong = len(facts) - (2 if receipt.staff_name else 1)  # the amount, in bold
    story.append(_table(kit, [[kit.p(a, "body"), kit.p(b, "bold" if i == strong else "body")]
                              for i, (a, b) in enumerate(facts)], [180, width - 180]))
    story.append(Spacer(0, 12))
    story.append(kit.p(_("WHERE THE MONEY WENT"), "label"))
    story.append(Spacer(0, 3))
    rows = [[kit.p(a, "body"), b] for a, b in lines] or \
        [[kit.p(_("Nothing was handed back."), "small"), ""]]
    story.append(_table(kit, rows, [width - 110, 110], right=1))
    return Section(story, label, _("{document} \u00b7 {patient}").format(
        document=label, patient=receipt.patient_name))


def _table(kit: Kit, rows, widths, right: int | None = None) -> Table:
    table = Table(rows, colWidths=widths)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("FONTNAME", (0, 0), (-1, -1), kit.fonts.regular),
             ("FONTSIZE", (0, 0), (-1, -1), kit.styles["body"].fontSize),
             ("TEXTCOLOR", (0, 0), (-1, -1), INK),
             ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
             ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
             ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    if right is not None:
        style.append(("ALIGN", (right, 0), (right, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table
