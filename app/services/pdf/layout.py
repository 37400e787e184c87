"""Paper, styles and the document builder shared by invoices and refund receipts (R31).

A document is a list of `Section`s (one per invoice or receipt). Letter and A4 pages get a
footer "Page n of m" counted within each section, a running header on continuation pages and
a VOID watermark on void invoices; an 80 mm roll gets one page per section, exactly as tall as
its content.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Sequence
from xml.sax.saxutils import escape

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph)

from ...i18n import _
from ..money import format_money
from ..papers import PAPER_NAMES, PAPERS  # noqa: F401 - re-exported with the layouts
from .fonts import FontSet, default_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#eef1f4")
VOID_RED = colors.HexColor("#c62828")

#: The tallest page a PDF reader accepts (200 inches); a roll longer than this is split.
MAX_PAGE_HEIGHT = 14400.0


@dataclass(frozen=True)
class Paper:
    key: str
    width: float
    height: float | None  # None: fitted to the content (a roll)
    left: float
    right: float
    top: float
    bottom: float

    @property
    def roll(self) -> bool:
        return self.height is None

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right


PAPER_SPECS = {
    "letter": Paper("letter", LETTER[0], LETTER[1], 0.6 * 72, 0.6 * 72, 0.55 * 72, 0.8 * 72),
    "a4": Paper("a4", A4[0], A4[1], 15 * mm, 15 * mm, 14 * mm, 20 * mm),
    # 80 mm paper; thermal printers print about 72 mm of it.
    "roll80": Paper("roll80", 80 * mm, None, 4 * mm, 4 * mm, 4 * mm, 8 * mm),
}


class Kit:
    """Everything a page needs to turn data into flowables: fonts, styles, Babel formatting
    in the clinic's locale, and text made printable by the chosen font."""

    def __init__(self, paper: Paper, *, currency: str, locale: str, clinic_name: str = "",
                 font_set: FontSet | None = None):
        self.paper = paper
        self.currency = currency
        self.locale = locale
        self.fonts = font_set or default_fonts()
        self.clinic_name = clinic_name
        self.styles = _styles(self.fonts, roll=paper.roll)

    # text
    def text(self, value: object) -> str:
        return self.fonts.printable(value)

    def esc(self, value: object) -> str:
        """Printable and escaped for Paragraph markup; newlines become line breaks."""
        return escape(self.text(value)).replace("\r\n", "\n").replace("\n", "<br/>")

    def p(self, text: object, style: str = "body", *, markup: bool = False) -> Paragraph:
        return Paragraph(self.text(text) if markup else self.esc(text), self.styles[style])

    # Babel, in the clinic's locale (R4)
    def money(self, cents: int) -> str:
        return self.text(format_money(cents, self.currency, self.locale))

    def date(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.date()
        return self.text(format_date(value, "medium", locale=self.locale))

    def datetime(self, value: datetime) -> str:
        return self.text(f"{format_date(value.date(), 'medium', locale=self.locale)} "
                         f"{format_time(value.time(), 'short', locale=self.locale)}")

    def number(self, value: int) -> str:
        return self.text(format_decimal(value, locale=self.locale))


def _styles(f: FontSet, *, roll: bool) -> dict[str, ParagraphStyle]:
    size = 8 if roll else 9
    # Thermal printers have no grey: on a roll, quiet text is smaller, not lighter.
    muted = INK if roll else MUTED
    base = ParagraphStyle("body", fontName=f.regular, fontSize=size, leading=size * 1.25,
                          textColor=INK)

    def style(name, parent=base, **kw):
        return ParagraphStyle(name, parent=parent, **kw)

    styles = {
        "body": base,
        "bold": style("bold", fontName=f.bold),
        "strong": style("strong", fontName=f.bold, fontSize=size + 1, leading=(size + 1) * 1.25),
        "right": style("right", alignment=TA_RIGHT),
        "bold_right": style("bold_right", fontName=f.bold, alignment=TA_RIGHT),
        "center": style("center", alignment=TA_CENTER),
        "bold_center": style("bold_center", fontName=f.bold, alignment=TA_CENTER),
        "small": style("small", fontSize=size - 1, leading=(size - 1) * 1.25, textColor=muted),
        "small_right": style("small_right", fontSize=size - 1, leading=(size - 1) * 1.25,
                             textColor=muted, alignment=TA_RIGHT),
        "small_center": style("small_center", fontSize=size - 1, leading=(size - 1) * 1.25,
                              textColor=muted, alignment=TA_CENTER),
        "label": style("label", fontName=f.bold, fontSize=size - 1.5,
                       leading=(size - 1.5) * 1.3, textColor=muted),
        "label_right": style("label_right", fontName=f.bold, fontSize=size - 1.5,
                             leading=(size - 1.5) * 1.3, textColor=muted, alignment=TA_RIGHT),
        "th": style("th", fontName=f.bold, fontSize=size - 1, leading=(size - 1) * 1.25),
        "th_right": style("th_right", fontName=f.bold, fontSize=size - 1,
                          leading=(size - 1) * 1.25, alignment=TA_RIGHT),
        "clinic": style("clinic", fontName=f.bold, fontSize=11 if roll else 15,
                        leading=13.5 if roll else 18,
                        alignment=TA_CENTER if roll else TA_LEFT),
        "title": style("title", fontName=f.bold, fontSize=10.5 if roll else 16,
                       leading=13 if roll else 20, alignment=TA_CENTER if roll else TA_RIGHT),
        "big_right": style("big_right", fontName=f.bold, fontSize=size + 5,
                           leading=(size + 5) * 1.2, alignment=TA_RIGHT),
        "void": style("void", fontName=f.bold, fontSize=size + 2, leading=(size + 2) * 1.25,
                      textColor=VOID_RED, alignment=TA_CENTER if roll else TA_LEFT),
        "void_reason": style("void_reason", textColor=VOID_RED,
                             alignment=TA_CENTER if roll else TA_LEFT),
    }
    return styles


@dataclass
class Section:
    """One invoice or receipt: its flowables, and what its pages say around them."""

    story: list
    label: str                 # "Invoice #1001", in the footer
    running: str = ""          # top of continuation pages
    void: bool = False         # VOID watermark on every page
    pages: int = field(default=0, init=False)


class _SectionStart(Flowable):
    """Zero-size marker: the pages from here on belong to `section`."""

    _ZEROSIZE = True

    def __init__(self, key: int):
        super().__init__()
        self.key = key

    def wrap(self, aW, aH):
        return 0, 0

    def draw(self):
        self.canv._cd_section = self.key


class _SectionEnd(Flowable):
    """Zero-size marker: the section is laid out; tell whoever waits (progress)."""

    _ZEROSIZE = True

    def __init__(self, callback: Callable[[], None]):
        super().__init__()
        self.callback = callback

    def wrap(self, aW, aH):
        return 0, 0

    def draw(self):
        self.callback()


def _page_canvas(decorate: Callable[[Canvas, int, int, int], None]):
    """A canvas that holds its pages until the end, so each can say "Page n of m"."""

    class _Canvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._cd_section = 0
            self._cd_pages: list[dict] = []

        def showPage(self):
            self._cd_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            counts = Counter(page["_cd_section"] for page in self._cd_pages)
            seen: Counter = Counter()
            for page in self._cd_pages:
                self.__dict__.update(page)
                key = page["_cd_section"]
                seen[key] += 1
                decorate(self, key, seen[key], counts[key])
                super().showPage()
            super().save()

    return _Canvas


def stack_height(flowables: list, width: float) -> float:
    """How tall `flowables` are when stacked in a frame `width` wide (as Frame._add does)."""
    total, first = 0.0, True
    for flowable in flowables:
        if getattr(flowable, "_ZEROSIZE", False):
            continue
        before = 0.0 if first else flowable.getSpaceBefore()
        _, height = flowable.wrap(width, MAX_PAGE_HEIGHT)
        total += before + height + flowable.getSpaceAfter()
        first = False
    return total


class _Load(Flowable):
    """Stands in the story for a section not read yet: a batch reads each invoice only when
    the layout reaches it, so progress is smooth and memory stays flat."""

    def __init__(self, key: int):
        super().__init__()
        self.key = key


class _Doc(BaseDocTemplate):
    def __init__(self, *args, expand: Callable[[int], list], **kwargs):
        super().__init__(*args, **kwargs)
        self._expand = expand

    def handle_flowable(self, flowables):
        if isinstance(flowables[0], _Load):
            flowables[0:1] = self._expand(flowables[0].key)
            return
        super().handle_flowable(flowables)


SectionSource = Callable[[], Section]


def build(sources: Sequence[Section | SectionSource], kit: Kit, *, title: str,
          author: str = "", subject: str = "",
          progress: Callable[[int, int], None] | None = None) -> bytes:
    """Lay the sections out on `kit.paper` and return the PDF bytes.

    A source is a Section or a function that makes one; functions are called only when the
    layout reaches them. `progress(done, total)` is called as each section is laid out;
    raising from it abandons the document.
    """
    paper = kit.paper
    total = len(sources)
    sections: dict[int, Section] = {}
    done = [0]

    def finished():
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    def expand(key: int) -> list:
        source = sources[key]
        section = source if isinstance(source, Section) else source()
        sections[key] = section
        story: list = []
        if paper.roll:
            height = stack_height(section.story, paper.content_width)
            # A little slack so rounding never pushes the last line onto a second page.
            page_h = min(MAX_PAGE_HEIGHT, math.ceil(height + paper.top + paper.bottom + 4))
            template = PageTemplate(id=f"roll{key}", pagesize=(paper.width, page_h),
                                    frames=[_frame(paper, page_h)])
            if key == 0:
                templates.append(template)
            else:
                doc.addPageTemplates([template])
                story += [NextPageTemplate(template.id), PageBreak()]
        elif key:
            story.append(PageBreak())
        return story + [_SectionStart(key), *section.story, _SectionEnd(finished)]

    def decorate(canv: Canvas, key: int, page: int, pages: int) -> None:
        if not paper.roll:
            _decorate_page(canv, kit, sections[key], page, pages)

    templates: list[PageTemplate] = []
    if not paper.roll:
        templates.append(PageTemplate(id="page", pagesize=(paper.width, paper.height),
                                      frames=[_frame(paper, paper.height)]))
    story = expand(0) + [_Load(key) for key in range(1, total)]
    buffer = io.BytesIO()
    doc = _Doc(buffer, expand=expand, pagesize=templates[0].pagesize, pageTemplates=templates,
               leftMargin=paper.left, rightMargin=paper.right, topMargin=paper.top,
               bottomMargin=paper.bottom, title=kit.text(title), author=kit.text(author),
               subject=kit.text(subject), creator="ClinicDesk")
    doc.build(story, canvasmaker=_page_canvas(decorate))
    return buffer.getvalue()


def _frame(paper: Paper, page_height: float) -> Frame:
    return Frame(paper.left, paper.bottom, paper.content_width,
                 page_height - paper.top - paper.bottom, leftPadding=0, rightPadding=0,
                 topPadding=0, bottomPadding=0, id="body")


def _decorate_page(canv: Canvas, kit: Kit, section: Section, page: int, pages: int) -> None:
    paper = kit.paper
    f = kit.fonts
    width, height = paper.width, paper.height
    canv.saveState()
    if section.void:
        canv.setFillColor(VOID_RED)
        canv.setFillAlpha(0.12)
        canv.setFont(f.bold, 130)
        canv.translate(width / 2, height / 2)
        canv.rotate(35)
        canv.drawCentredString(0, -45, kit.text(_("VOID")))
        canv.restoreState()
        canv.saveState()
    # footer
    y = paper.bottom - 24
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(paper.left, y + 11, width - paper.right, y + 11)
    canv.setFillColor(MUTED)
    canv.setFont(f.regular, 7.5)
    left = " \u00b7 ".join(part for part in (kit.clinic_name, section.label) if part)
    canv.drawString(paper.left, y, kit.text(left))
    canv.drawRightString(width - paper.right, y, kit.text(
        _("Page {page} of {pages}").format(page=page, pages=pages)))
    # running header on continuation pages
    if page > 1 and section.running:
        canv.setFont(f.regular, 7.5)
        canv.drawRightString(width - paper.right, height - paper.top + 12,
                             kit.text(_("{document} (continued)").format(
                                 document=section.running)))
    canv.restoreState()
