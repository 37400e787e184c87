"""An invoice line's description cell, page or roll (R31), with the package use it billed
under it (R41)."""

from __future__ import annotations

from .layout import Kit


def described(kit: Kit, line, prefix: str = "", style: str = "body"):
    """The line's description, and under it "10 Massages: use 4 of 10, 6 left, …" when the
    line billed a package use."""
    text = kit.p(prefix + line.description, style)
    return [text, kit.p(line.use_line, "small")] if line.use_line else text
