"""The recovery sheet (issue 23): the one paper that opens an encrypted clinic file on a
computer that does not have its key, such as a new PC or a restored backup.

One page: the clinic's name, the key in large type in four lines of four groups (read aloud
and typed back without losing one's place), and what to do with the sheet."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ...i18n import _
from .fonts import default_fonts
from .layout import INK

QUIET = HexColor("#4A5560")  # labels: lighter than the text, still read on a photocopy


def _instructions() -> list[str]:
    return [
        _("This key opens the clinic's encrypted file and its backups. ClinicDesk keeps it in "
          "this computer's credential store; you need this sheet when that store is not "
          "there: a new or repaired computer, another user account, or a backup restored "
          "elsewhere."),
        _("Keep the sheet where you keep the clinic's other important papers, such as a "
          "locked drawer or safe, away from the computer and from the backup drives. Anyone "
          "with the sheet and a copy of the file can read every patient's record."),
        _("Without this key and without the computer that has it, nobody, not even ClinicDesk's "
          "makers, can open the file or its backups. Do not throw the sheet away while the "
          "clinic or any of its backups exists."),
        _("To use it: start ClinicDesk; when it asks for the recovery key, type the 64 letters "
          "and digits above (dashes and spaces do not matter, nor upper or lower case)."),
    ]


def recovery_sheet_pdf(clinic_name: str, recovery: str, file_name: str,
                       made_at: datetime, paper: str = "letter") -> bytes:
    """`recovery`: the key as clinic_key.recovery_text gives it (16 groups of four)."""
    fonts = default_fonts()
    text = fonts.printable
    base = ParagraphStyle("sheet", fontName=fonts.regular, fontSize=10.5, leading=14,
                          textColor=INK, spaceAfter=7)
    title = ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=18, leading=22)
    label = ParagraphStyle("label", parent=base, fontSize=9, textColor=QUIET, spaceAfter=2)
    groups = recovery.split("-")
    lines = [["  ".join(groups[i:i + 4])] for i in range(0, len(groups), 4)]
    key_table = Table(lines, colWidths=[6.0 * inch])
    key_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Courier-Bold", 19), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("BOX", (0, 0), (-1, -1), 1.2, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    story = [Paragraph(text(_("Recovery sheet")), title),
             Paragraph(text(clinic_name or _("(no clinic name yet)")), base),
             Spacer(0, 10),
             Paragraph(text(_("Recovery key")), label), key_table, Spacer(0, 6),
             Paragraph(text(_("Clinic file: {file} \u2014 made {when}").format(
                 file=file_name, when=f"{made_at:%Y-%m-%d %H:%M}")), label),
             Spacer(0, 14)]
    story += [Paragraph(text(line), base) for line in _instructions()]
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4 if paper == "a4" else LETTER, leftMargin=inch, rightMargin=inch,
                            topMargin=inch, bottomMargin=inch,
                            title=text(_("Recovery sheet")), author="ClinicDesk")
    doc.build(story)
    return buffer.getvalue()
