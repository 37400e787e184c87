"""Fonts for printed invoices and receipts (SPEC R31).

Babel writes fr_CA amounts with a no-break space (U+00A0) or a narrow no-break space
(U+202F): "1 234,50 $". ReportLab's built-in Helvetica has no glyph for U+202F (it prints a
box), so we embed DejaVu Sans when we can find it: first in resources/fonts/ (where an
installer can ship it), then in the usual system folders. Without it we fall back to Helvetica
and make the text printable first: those spaces become plain spaces and any character outside
Helvetica's encoding becomes "?", so a receipt never shows black boxes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "ClinicSans"
REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"

_RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "fonts"
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2007": " ", "\u2009": " "})


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    embedded: bool  # True: a Unicode TrueType font; False: Helvetica (cp1252 only)

    def printable(self, text: object) -> str:
        """`text` as the chosen font can print it."""
        text = "" if text is None else str(text)
        if self.embedded:
            return text
        text = text.translate(_SPACES)
        return text.encode("cp1252", errors="replace").decode("cp1252")

    def missing_glyphs(self, text: str) -> set[str]:
        """Characters of `text` the font would print as a box (none, for the fallback, once
        the text went through `printable`)."""
        if not self.embedded:
            return {c for c in self.printable(text) if c == "\ufffd"}
        face = pdfmetrics.getFont(self.regular).face
        return {c for c in text if c not in "\n\r\t" and ord(c) not in face.charToGlyph}


def font_dirs() -> list[Path]:
    """Where DejaVu Sans is looked for, in order."""
    dirs = [_RESOURCES]
    env = os.environ.get("CLINICDESK_FONT_DIR")
    if env:
        dirs.insert(0, Path(env))
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):  # PyInstaller bundle
        dirs.insert(0, Path(sys._MEIPASS) / "resources" / "fonts")
    dirs += [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/TTF"), Path("/usr/share/fonts/dejavu-sans-fonts"),
             Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / "Library/Fonts", Path("/Library/Fonts")]
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def find_font_files(dirs: list[Path] | None = None) -> tuple[Path, Path] | None:
    for folder in font_dirs() if dirs is None else dirs:
        regular, bold = folder / REGULAR_FILE, folder / BOLD_FILE
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


@lru_cache(maxsize=1)
def default_fonts() -> FontSet:
    """Register and return the fonts documents are set in (once per process)."""
    return load(find_font_files())


def load(files: tuple[Path, Path] | None) -> FontSet:
    if files is not None:
        try:
            pdfmetrics.registerFont(TTFont(FAMILY, str(files[0])))
            pdfmetrics.registerFont(TTFont(FAMILY + "-Bold", str(files[1])))
            pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=FAMILY + "-Bold",
                                          italic=FAMILY, boldItalic=FAMILY + "-Bold")
            return FontSet(FAMILY, FAMILY + "-Bold", True)
        except Exception:  # a damaged or unreadable font file: print with Helvetica instead
            pass
    return FontSet("Helvetica", "Helvetica-Bold", False)
