"""How the day grid looks: colours by status, blocks, lines and labels. Drawing only; what to
draw and where comes from DayLayout."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from app.domain.states import AppointmentStatus
from app.i18n import _
from app.services.schedule import AppointmentRow

from ..formats import Formats
from ..models.appointments import status_name
from .day_layout import GUTTER, SLOT_HEIGHT, SLOT_MINUTES, Block, DayLayout


@dataclass(frozen=True)
class Look:
    fill: str
    edge: str
    text: str
    mark: str  # shown before the name, so status does not rest on colour alone


LOOKS = {
    AppointmentStatus.BOOKED: Look("#e4effc", "#3b7dd8", "#16365c", ""),
    AppointmentStatus.ARRIVED: Look("#ddf3e4", "#2f8f52", "#174a2a", "\u2713 "),
    AppointmentStatus.NO_SHOW: Look("#fde7e1", "#d4483f", "#6d1d18", "\u2298 "),
    AppointmentStatus.CANCELLED: Look("#f4f5f7", "#b3b9c2", "#8a9099", ""),
}
PACKAGE_COLOUR = "#7353ba"
NOW_LINE = "#e0452b"
BADGE = 16
#: paint_swatch's key for the membership badge (None is the package's), R43
MEMBERSHIP = "membership"


@dataclass(frozen=True)
class Surface:
    """The grid's own colours (behind the blocks), light or dark like the rest of the window.
    The status colours of the blocks stay the same in both: they are cards on the grid."""

    background: str
    off_hours: str
    hour_line: str
    quarter_line: str
    column_line: str
    selected: str
    hover: str
    hover_text: str
    label: str
    header: str
    header_line: str
    header_text: str


LIGHT = Surface("#ffffff", "#f7f8fa", "#d3d8df", "#eef0f3", "#dde1e6", "#111827", "#eaf2fd",
                "#3b6fb6", "#5b6470", "#eef1f4", "#c9ced6", "#1f2937")
DARK = Surface("#1e2126", "#24282e", "#3d434c", "#2b3036", "#353a42", "#f5f7fa", "#243449",
               "#9cc3f5", "#a4acb8", "#2a2e35", "#3d434c", "#e6e9ee")


def surface() -> Surface:
    """The colours for the palette in force (app/ui/style.py: a dark scheme or a light one)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return DARK if base.lightness() < 128 else LIGHT


def block_font(base: QFont, *, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF() - 0.5, 8))
    font.setBold(bold)
    return font


def paint_grid(p: QPainter, layout: DayLayout, f: Formats, clip: QRectF,
               now: datetime | None) -> None:
    look = surface()
    p.fillRect(clip, QColor(look.background))
    p.fillRect(QRectF(0, clip.top(), GUTTER, clip.height()), QColor(look.off_hours))
    small = QFont(p.font())
    small.setPointSizeF(max(small.pointSizeF() - 1, 7.5))
    p.setFont(small)
    for slot in range(layout.slots() + 1):
        y = slot * SLOT_HEIGHT
        if y < clip.top() - SLOT_HEIGHT or y > clip.bottom() + SLOT_HEIGHT:
            continue
        on_hour = slot % (60 // SLOT_MINUTES) == 0
        p.setPen(QPen(QColor(look.hour_line if on_hour else look.quarter_line), 1))
        p.drawLine(QPointF(GUTTER - (8 if on_hour else 0), y + 0.5),
                   QPointF(layout.width, y + 0.5))
        if on_hour and slot < layout.slots():
            when = layout.time_at(y + 1)
            p.setPen(QColor(look.label))
            p.drawText(QRectF(0, y + 2, GUTTER - 12, SLOT_HEIGHT),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f.time(when))
    p.setPen(QPen(QColor(look.column_line), 1))
    for index in range(len(layout.columns) + 1):
        x = layout.column_left(index) + 0.5
        p.drawLine(QPointF(x, clip.top()), QPointF(x, clip.bottom()))
    if now is not None and now.date() == layout.day:
        y = layout.y_of(now)
        p.setPen(QPen(QColor(NOW_LINE), 2))
        p.drawLine(QPointF(GUTTER - 6, y), QPointF(layout.width, y))
        p.setBrush(QColor(NOW_LINE))
        p.drawEllipse(QPointF(GUTTER - 6, y), 3.5, 3.5)


def paint_hover(p: QPainter, rect: QRectF, text: str) -> None:
    look = surface()
    p.fillRect(rect.adjusted(1, 1, -1, 0), QColor(look.hover))
    p.setPen(QColor(look.hover_text))
    p.drawText(rect.adjusted(8, 0, -6, 0),
               Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)


def paint_block(p: QPainter, block: Block, f: Formats, *, selected: bool = False,
                ghost: bool = False) -> None:
    row, rect = block.row, block.rect
    look = LOOKS.get(row.status, LOOKS[AppointmentStatus.BOOKED])
    cancelled = row.status == AppointmentStatus.CANCELLED
    p.save()
    if ghost:
        p.setOpacity(0.75)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    edge = QPen(QColor(surface().selected if selected else look.edge), 2.2 if selected else 1)
    if cancelled or ghost:
        edge.setStyle(Qt.PenStyle.DashLine)
    p.setPen(edge)
    p.setBrush(QColor(look.fill))
    p.drawRoundedRect(rect, 4, 4)
    # A bar down the left edge: the status colour, readable even when the block is narrow.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(look.edge))
    p.drawRoundedRect(QRectF(rect.left() + (1 if selected else 0.5), rect.top() + 1, 4,
                             rect.height() - 2), 2, 2)
    text_rect = rect.adjusted(9, 3, -5, -2)
    if (row.package_id is not None or row.membership_id is not None) and not cancelled:
        _badge(p, QRectF(rect.right() - BADGE - 4, rect.top() + 4, BADGE, BADGE),
               membership=row.package_id is None)
        text_rect.setRight(text_rect.right() - BADGE - 3)
    _text(p, row, text_rect, look, f, strike=cancelled)
    p.restore()


def block_lines(row: AppointmentRow, f: Formats) -> list[str]:
    look = LOOKS.get(row.status, LOOKS[AppointmentStatus.BOOKED])
    return [f"{look.mark}{row.patient_name}", row.treatment_name,
            f"{f.time(row.start)} – {f.time(row.end)}"]


def _text(p: QPainter, row: AppointmentRow, rect: QRectF, look: Look, f: Formats, *,
          strike: bool) -> None:
    lines = block_lines(row, f)
    if rect.height() < 30:
        # A short visit: name and treatment on one line rather than a clipped second one.
        lines = [f"{lines[0]} · {row.treatment_name}"]
    fonts = [block_font(p.font(), bold=True), block_font(p.font())]
    y = rect.top()
    for number, line in enumerate(lines):
        font = fonts[min(number, 1)]
        font.setStrikeOut(strike)
        metrics = QFontMetricsF(font)
        if y + metrics.height() > rect.bottom() + 2 and number > 0:
            break
        p.setFont(font)
        p.setPen(QColor(look.text if number < 2 else _softer(look.text)))
        p.drawText(QRectF(rect.left(), y, rect.width(), metrics.height()),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                   metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width()))
        y += metrics.height()


def _badge(p: QPainter, rect: QRectF, *, membership: bool = False) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(PACKAGE_COLOUR))
    p.drawRoundedRect(rect, 4, 4)
    font = block_font(p.font(), bold=True)
    font.setStrikeOut(False)
    p.setFont(font)
    p.setPen(QColor("white"))
    # The package badge's letter: P for Package (F for Forfait); a membership's, M for
    # Membership (A for Abonnement), in the same place and colour: both mean "prepaid".
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, _("M") if membership else _("P"))


def _softer(colour: str) -> QColor:
    c = QColor(colour)
    return QColor.fromHslF(c.hslHueF(), c.hslSaturationF() * 0.6,
                           min(c.lightnessF() + 0.18, 0.55))


def paint_swatch(p: QPainter, rect: QRectF, status: str | None) -> None:
    """The legend's sample of one status, or (None) of the package badge, or (MEMBERSHIP)
    of the membership's."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if status in (None, MEMBERSHIP):
        _badge(p, rect, membership=status == MEMBERSHIP)
        return
    look = LOOKS[status]
    pen = QPen(QColor(look.edge), 1)
    if status == AppointmentStatus.CANCELLED:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(QColor(look.fill))
    p.drawRoundedRect(rect, 3, 3)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(look.edge))
    p.drawRoundedRect(QRectF(rect.left() + 0.5, rect.top() + 1, 3, rect.height() - 2), 1.5, 1.5)


def legend_text(status: str) -> str:
    return f"{LOOKS[status].mark}{status_name(status)}"


def tooltip(row: AppointmentRow, f: Formats) -> str:
    lines = [row.patient_name, row.treatment_name,
             _("{start} – {end} with {practitioner}").format(
                 start=f.time(row.start), end=f.time(row.end), practitioner=row.staff_name),
             status_name(row.status)]
    if row.package_id is not None and row.status != AppointmentStatus.CANCELLED:
        lines.append(_("Covered by the package \u201c{package}\u201d").format(
            package=row.package_name))
    elif row.membership_id is not None and row.status != AppointmentStatus.CANCELLED:
        lines.append(_("Covered by the membership \u201c{membership}\u201d").format(
            membership=row.membership_name))
    if row.can_reschedule:
        lines.append(_("Drag to move it; click to see its details."))
    # Rich text on purpose, with everything the desk typed escaped: a name is never markup.
    return "<p style='white-space:pre'>" + "<br>".join(map(html.escape, lines)) + "</p>"


def minutes_label(start: datetime, minutes: int, f: Formats) -> str:
    return f"{f.time(start)} – {f.time(start + timedelta(minutes=minutes))}"
