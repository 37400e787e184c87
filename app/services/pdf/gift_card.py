"""A printable gift card (R45): the clinic's name, the amount on the card, and its code as
text and as a QR code (a desk's scanner reads it back into Receive Payment's code field);
Letter/A4 pages or an 80 mm roll. Lays out what GiftCardService.card gives; no money
arithmetic here."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Spacer, Table, TableStyle

from ...i18n import _
from .documents import _rule
from .layout import INK, RULE, Kit, Section


def keep_it_safe() -> str:
    return _("Give this code at the desk to pay with the card. Keep it safe: anyone with the "
             "code can spend it.")


def _qr(code: str, size: float) -> Drawing:
    widget = QrCodeWidget(code.replace("-", ""), barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.hAlign = "CENTER"
    return drawing


def gift_card_section(kit: Kit, clinic, card) -> Section:
    """`card`: a GiftCardView. The amount printed is what the card holds now."""
    label = _("Gift card {code}").format(code=card.code)
    roll = kit.paper.roll
    width = kit.paper.content_width
    qr_size = min(width * 0.6, 130) if roll else 150
    body = [kit.p(clinic.name, "clinic" if not roll else "bold_center"),
            Spacer(0, 4), kit.p(_("GIFT CARD"), "title"), Spacer(0, 8),
            kit.p(_("Value"), "label"), kit.p(kit.money(card.balance), "strong"),
            Spacer(0, 8), kit.p(_("Code"), "label"), kit.p(card.code, "bold"),
            Spacer(0, 8), *_expiry(kit, card, "small"),
            kit.p(keep_it_safe(), "small")]
    if roll:
        story = [kit.p(clinic.name, "clinic"), _rule(kit, 5), kit.p(_("GIFT CARD"), "title"),
                 Spacer(0, 6), kit.p(kit.money(card.balance), "bold_center"), Spacer(0, 6),
                 _qr(card.code, qr_size), Spacer(0, 4), kit.p(card.code, "bold_center"),
                 _rule(kit, 5), *_expiry(kit, card, "small_center"),
                 kit.p(keep_it_safe(), "small_center")]
        return Section(story, label)
    # a card-sized panel with a cutting line: the code on the left, its QR on the right
    panel_w = min(width, 360)
    table = Table([[body, _qr(card.code, qr_size)]],
                  colWidths=[panel_w - qr_size - 24, qr_size + 24])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 14),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                               ("TOPPADDING", (0, 0), (-1, -1), 14),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 14),
                               ("TEXTCOLOR", (0, 0), (-1, -1), INK)]))
    table.hAlign = "LEFT"
    return Section([table], label)


def _expiry(kit: Kit, card, style: str) -> list:
    """R45: the card's last day when the clinic sets one (none printed: it never expires)."""
    if getattr(card, "expires_on", None) is None:
        return []
    return [kit.p(_("Valid through {date}").format(date=kit.date(card.expires_on)), style),
            Spacer(0, 4)]
