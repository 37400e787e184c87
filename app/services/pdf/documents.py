"""The flowables of an invoice and of a refund receipt, for a page or an 80 mm roll (R31).

These functions only lay out what the billing service already computed (InvoiceView,
RefundView): no sums are made here, so the paper always agrees with the screen.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from ...domain.states import InvoiceStatus, as_state, name_of
from ...i18n import _
from .invoice_lines import described
from .invoice_payments import payment_rows
from .layout import INK, MUTED, RULE, SHADE, VOID_RED, Kit, Section



# shared pieces
def _tax_name(clinic) -> str:
    return (clinic.tax_name or "").strip() or _("Tax")


def _clinic_lines(kit: Kit, clinic) -> list[str]:
    """Address lines, then phone/email, then the tax number labelled with the tax's name."""
    lines = [line.strip() for line in (clinic.address or "").splitlines() if line.strip()]
    contact = [part for part in (clinic.phone, clinic.email) if part]
    if contact:
        lines.append("  \u00b7  ".join(contact))
    if clinic.tax_number:
        lines.append(_("{tax} no. {number}").format(tax=_tax_name(clinic),
                                                    number=clinic.tax_number))
    return lines


def _header(kit: Kit, clinic, title: str, facts: list[tuple[str, str]]) -> list:
    """Clinic letterhead and the document's title with its facts (date, status)."""
    if kit.paper.roll:
        out = [kit.p(clinic.name, "clinic")]
        out += [kit.p(line, "small_center") for line in _clinic_lines(kit, clinic)]
        out += [_rule(kit, 5), kit.p(title, "title"), Spacer(0, 2)]
        out += [kit.p(_("{label}: {value}").format(label=label, value=value), "center")
                for label, value in facts]
        return out
    left = [kit.p(clinic.name, "clinic"), Spacer(0, 3)]
    left += [kit.p(line, "body") for line in _clinic_lines(kit, clinic)]
    right = [kit.p(title, "title"), Spacer(0, 4)]
    grey = "#" + MUTED.hexval()[2:]
    right += [kit.p(f'<font color="{grey}">{kit.esc(label)}</font>&nbsp;&nbsp;'
                    f'{kit.esc(value)}', "right", markup=True) for label, value in facts]
    width = kit.paper.content_width
    table = Table([[left, right]], colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return [table, _rule(kit, 10)]


def _rule(kit: Kit, space: float = 6, *, thick: bool = False) -> HRFlowable:
    if kit.paper.roll:
        return HRFlowable(width="100%", thickness=0.6, color=INK, dash=(2, 2) if not thick
                          else None, spaceBefore=space, spaceAfter=space)
    return HRFlowable(width="100%", thickness=1.2 if thick else 0.6, color=RULE,
                      spaceBefore=space, spaceAfter=space)


def _person(kit: Kit, label: str, name: str, patient) -> list:
    out = [kit.p(label.upper(), "label"), kit.p(name or "\u2014", "bold")]
    if patient is not None:
        out += [kit.p(value, "body") for value in (patient.phone, patient.email) if value]
    return out


def _amount_box(kit: Kit, label: str, amount: str, width: float) -> Table:
    table = Table([[kit.p(label.upper(), "label_right")], [kit.p(amount, "big_right")]],
                  colWidths=[width])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), SHADE),
                               ("LEFTPADDING", (0, 0), (-1, -1), 8),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                               ("TOPPADDING", (0, 0), (0, 0), 6),
                               ("BOTTOMPADDING", (0, -1), (-1, -1), 7)]))
    return table


def _side_by_side(kit: Kit, left, right, right_width: float, gap: float = 16) -> Table:
    width = kit.paper.content_width
    table = Table([[left, right]], colWidths=[width - right_width - gap, right_width + gap])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return table


def _pairs(kit: Kit, rows: list[tuple], width: float, *, strong: set[int] = frozenset(),
           rule_above: set[int] = frozenset(), shade: set[int] = frozenset(),
           label_width: float | None = None) -> Table:
    """Label / amount rows (totals): labels wrap, amounts are right-aligned on one line."""
    f = kit.fonts
    size = kit.styles["body"].fontSize
    data = [[kit.p(label, "strong" if i in strong else "body"), kit.text(value)]
            for i, (label, value) in enumerate(rows)]
    label_width = label_width or width * 0.55
    table = Table(data, colWidths=[label_width, width - label_width])
    style = [("FONTNAME", (0, 0), (-1, -1), f.regular),
             ("FONTSIZE", (0, 0), (-1, -1), size),
             ("TEXTCOLOR", (0, 0), (-1, -1), INK),
             ("ALIGN", (1, 0), (1, -1), "RIGHT"),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 0 if kit.paper.roll else 4),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0 if kit.paper.roll else 4),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    for i in strong:
        style += [("FONTNAME", (0, i), (-1, i), f.bold), ("FONTSIZE", (0, i), (-1, i), size + 1)]
    for i in rule_above:
        style.append(("LINEABOVE", (0, i), (-1, i), 0.8, INK))
    for i in shade:
        style += [("BACKGROUND", (0, i), (-1, i), SHADE), ("TOPPADDING", (0, i), (-1, i), 4),
                  ("BOTTOMPADDING", (0, i), (-1, i), 5)]
    table.setStyle(TableStyle(style))
    return table


def _void_banner(kit: Kit, inv) -> list:
    when = kit.date(inv.voided_at) if inv.voided_at else ""
    reason = (inv.void_reason or "").strip()
    text = (_("Voided on {date}: {reason}").format(date=when, reason=reason) if reason
            else _("Voided on {date}").format(date=when))
    void = _("VOID")
    if kit.paper.roll:
        box = Table([[[kit.p(f"*** {void} ***", "void"), kit.p(text, "void_reason")]]],
                    colWidths=[kit.paper.content_width])
    else:
        stamp_w = max(48, stringWidth(void, kit.fonts.bold, kit.styles["void"].fontSize) + 12)
        box = Table([[kit.p(void, "void"), kit.p(text, "void_reason")]],
                    colWidths=[stamp_w, kit.paper.content_width - stamp_w])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, VOID_RED),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("TOPPADDING", (0, 0), (-1, -1), 4),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return [Spacer(0, 6), box, Spacer(0, 2 if kit.paper.roll else 10)]


def _money_width(kit: Kit, texts: list[str], font: str, size: float, minimum: float) -> float:
    return max([minimum] + [stringWidth(t, font, size) + 10 for t in texts])


# the invoice
def invoice_section(kit: Kit, clinic, inv, patient, method_names: dict[str, str]) -> Section:
    builder = _roll_invoice if kit.paper.roll else _page_invoice
    label = _("Invoice #{number}").format(number=inv.number)
    return Section(builder(kit, clinic, inv, patient, method_names), label,
                   _("{document} \u00b7 {patient}").format(document=label,
                                                           patient=inv.patient_name),
                   void=inv.status == "void")


def _facts(kit: Kit, inv) -> list[tuple[str, str]]:
    status = as_state(InvoiceStatus, inv.status)
    return [(_("Date"), kit.date(inv.issued_on)),
            (_("Status"), _(name_of(status)) if isinstance(status, InvoiceStatus)
             else inv.status.capitalize())]


def _method(method_names: dict[str, str], code: str) -> str:
    """A payment method's name in the desk's language (the names are English msgids)."""
    name = method_names.get(code, code)
    return _(name) if name else name


def _page_invoice(kit: Kit, clinic, inv, patient, method_names) -> list:
    s = kit.styles
    f = kit.fonts
    width = kit.paper.content_width
    tax = _tax_name(clinic)
    story = _header(kit, clinic, _("INVOICE #{number}").format(number=inv.number),
                    _facts(kit, inv))
    if inv.status == "void":
        story += _void_banner(kit, inv)
    box_w = 170
    story.append(_side_by_side(kit, _person(kit, _("Bill to"), inv.patient_name, patient),
                               _amount_box(kit, _("Balance due"), kit.money(inv.balance),
                                           box_w),
                               box_w))
    story.append(Spacer(0, 14))

    # lines (#, description, staff, qty, unit price, tax, total)
    size = s["body"].fontSize
    rows = [[kit.text(line.line_no), described(kit, line), kit.p(line.staff_name),
             kit.number(line.quantity), kit.money(line.unit_price), kit.money(line.tax),
             kit.money(line.total)] for line in inv.lines]
    header = [kit.p("#", "th"), kit.p(_("Description"), "th"), kit.p(_("Staff member"), "th"),
              kit.p(_("Qty"), "th_right"), kit.p(_("Unit price"), "th_right"),
              kit.p(tax, "th_right"), kit.p(_("Total"), "th_right")]
    money_cols = [[r[i] for r in rows] for i in (4, 5, 6)]
    unit_w = _money_width(kit, money_cols[0], f.regular, size, 62)
    tax_w = _money_width(kit, money_cols[1], f.regular, size, 54)
    total_w = _money_width(kit, money_cols[2], f.regular, size, 64)
    no_w = max(20, stringWidth(str(len(rows)), f.regular, size) + 10)
    qty_w, staff_w = 30, 96
    desc_w = width - (no_w + staff_w + qty_w + unit_w + tax_w + total_w)
    if not rows:
        rows = [["", kit.p(_("No items."), "small"), "", "", "", "", ""]]
    table = Table([header] + rows, repeatRows=1,
                  colWidths=[no_w, desc_w, staff_w, qty_w, unit_w, tax_w, total_w])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 1), (-1, -1), f.regular),
        ("FONTSIZE", (0, 1), (-1, -1), size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LEADING", (0, 1), (-1, -1), size * 1.25),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(table)
    story.append(Spacer(0, 12))

    # payments applied | totals
    totals_w = 230
    totals = _pairs(kit, [(_("Subtotal"), kit.money(inv.subtotal)), (tax, kit.money(inv.tax)),
                          (_("Total"), kit.money(inv.total)),
                          (_("Amount paid"), kit.money(inv.paid)),
                          (_("Balance due"), kit.money(inv.balance))],
                    totals_w, strong={2, 4}, rule_above={2}, shade={4}, label_width=120)
    payments = [kit.p(_("PAYMENTS APPLIED"), "label"), Spacer(0, 3)]
    if inv.payments:
        data = [[kit.p(_("Date"), "th"), kit.p(_("Method"), "th"),
                 kit.p(_("Amount"), "th_right")]]
        data += [[day, kit.p(what), amount] if day else [kit.p(what, "small"), "", amount]
                 for day, what, amount in payment_rows(kit, inv.payments, method_names)]
        # what a refund took back reads across the date and method columns
        spans = [("SPAN", (0, i), (1, i)) for i, row in enumerate(data) if row[1] == ""]
        left_w = width - totals_w - 16
        pay = Table(data, colWidths=[left_w * 0.38, left_w * 0.34, left_w * 0.28])
        pay.setStyle(TableStyle([
            ("FONTNAME", (0, 1), (-1, -1), f.regular),
            ("FONTSIZE", (0, 1), (-1, -1), size),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ] + spans))
        payments.append(pay)
    else:
        payments.append(kit.p(_("No payments applied."), "small"))
    story.append(KeepTogether([_side_by_side(kit, payments, totals, totals_w)]))
    return story


def _roll_invoice(kit: Kit, clinic, inv, patient, method_names) -> list:
    s = kit.styles
    f = kit.fonts
    width = kit.paper.content_width
    tax = _tax_name(clinic)
    size = s["body"].fontSize
    story = _header(kit, clinic, _("INVOICE #{number}").format(number=inv.number),
                    _facts(kit, inv))
    if inv.status == "void":
        story += _void_banner(kit, inv)
    story.append(_rule(kit))
    story += _person(kit, _("Bill to"), inv.patient_name, patient)
    story.append(_rule(kit))

    # each line: description (and staff member), then qty × price [+ tax] ... total
    data, style = [], [("FONTNAME", (0, 0), (-1, -1), f.regular),
                       ("FONTSIZE", (0, 0), (-1, -1), size),
                       ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                       ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                       ("TOPPADDING", (0, 0), (-1, -1), 0),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    totals = [kit.money(line.total) for line in inv.lines]
    total_w = _money_width(kit, totals, f.regular, size, 50)
    for line, total in zip(inv.lines, totals):
        row = len(data)
        detail = f"{kit.number(line.quantity)} \u00d7 {kit.money(line.unit_price)}"
        if line.tax:
            detail += f" + {kit.money(line.tax)} {tax}"
        data += [[described(kit, line, f"{line.line_no}. ", "bold"), ""],
                 [kit.p(detail, "body"), total],
                 [kit.p(line.staff_name, "small"), ""]]
        style += [("SPAN", (0, row), (1, row)), ("SPAN", (0, row + 2), (1, row + 2)),
                  ("BOTTOMPADDING", (0, row + 2), (-1, row + 2), 5)]
    if data:
        table = Table(data, colWidths=[width - total_w, total_w])
        table.setStyle(TableStyle(style))
        story.append(table)
    else:
        story.append(kit.p(_("No items."), "small"))
    story.append(_rule(kit, 4))
    story.append(_pairs(kit, [(_("Subtotal"), kit.money(inv.subtotal)),
                              (tax, kit.money(inv.tax)),
                              (_("TOTAL"), kit.money(inv.total))], width, strong={2}))
    story.append(_rule(kit))
    story.append(kit.p(_("PAYMENTS APPLIED"), "label"))
    if inv.payments:
        rows = [(f"{day} \u00b7 {what}" if day else what, amount)
                for day, what, amount in payment_rows(kit, inv.payments, method_names)]
        story.append(_pairs(kit, rows, width, label_width=width - total_w))
    else:
        story.append(kit.p(_("No payments applied."), "small"))
    story.append(_rule(kit, 4))
    story.append(_pairs(kit, [(_("Amount paid"), kit.money(inv.paid)),
                              (_("BALANCE DUE"), kit.money(inv.balance))], width,
                        strong={1}))
    return story


# the refund receipt
def refund_section(kit: Kit, clinic, refund, patient, payment) -> Section:
    """A receipt for money handed back to the patient out of their credit (R27)."""
    title = _("REFUND RECEIPT #{number}").format(number=refund.id)
    label = _("Refund receipt #{number}").format(number=refund.id)
    story = _header(kit, clinic, title, [(_("Date"), kit.datetime(refund.refunded_at))])
    method = _(payment.method_name) if payment is not None and payment.method_name else ""
    refund_method = _(refund.method_name) if refund.method_name else ""
    original = [kit.date(refund.payment_received_at), method, kit.money(refund.payment_amount)]
    note = (refund.note or "").strip()
    if kit.paper.roll:
        width = kit.paper.content_width
        story.append(_rule(kit))
        story += _person(kit, _("Refunded to"), refund.patient_name, patient)
        story.append(_rule(kit))
        story.append(_pairs(kit, [(_("AMOUNT REFUNDED"), kit.money(refund.amount)),
                                  (_("Refund method"), refund_method)], width, strong={0},
                            label_width=width * 0.5))
        story.append(_rule(kit, 4))
        story.append(kit.p(_("ORIGINAL PAYMENT"), "label"))
        story.append(_pairs(kit, [(f"{original[0]} \u00b7 {original[1]}", original[2])], width,
                            label_width=width * 0.6))
        if refund.package_name:
            story.append(kit.p(_("PACKAGE REFUNDED"), "label"))
            amount = ("" if refund.package_refund_amount is None
                      else kit.money(refund.package_refund_amount))
            story.append(_pairs(kit, [(refund.package_name, amount)], width,
                                label_width=width * 0.6))
        if note:
            story += [kit.p(_("NOTE"), "label"), kit.p(note, "body"), Spacer(0, 3)]
        if refund.staff_name:
            story.append(_rule(kit, 4))
            story.append(kit.p(_("Processed by {name}").format(name=refund.staff_name),
                               "small_center"))
        return Section(story, label)

    details = [(_("Amount refunded"), kit.money(refund.amount)),
               (_("Refund method"), refund_method),
               (_("Original payment"), " \u00b7 ".join(part for part in original if part))]
    if refund.package_name:
        details.append((_("Package refunded"), refund.package_name))
        if refund.package_refund_amount is not None:
            details.append((_("Package refund amount"),
                            kit.money(refund.package_refund_amount)))
    if note:
        details.append((_("Note"), note))
    if refund.staff_name:
        details.append((_("Processed by"), refund.staff_name))
    box_w = 170
    story.append(_side_by_side(kit, _person(kit, _("Refunded to"), refund.patient_name,
                                            patient),
                               _amount_box(kit, _("Amount refunded"), kit.money(refund.amount),
                                           box_w), box_w))
    story.append(Spacer(0, 16))
    rows = [[kit.p(label, "body"), kit.p(value, "bold" if i == 0 else "body")]
            for i, (label, value) in enumerate(details)]
    table = Table(rows, colWidths=[140, kit.paper.content_width - 140])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story.append(table)
    return Section(story, label, _("{document} \u00b7 {patient}").format(
        document=label, patient=refund.patient_name))
