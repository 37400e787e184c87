"""A print that did not reach the printer (R48): said in the desk's words, PDF kept."""

from __future__ import annotations

from pathlib import Path

from app.services.errors import ClinicError


class PrintFailed(ClinicError):
    """The printer or the computer's print service refused the document. `pdf` is the file
    that was to be printed: it is kept, so the desk can save it or print it later."""

    def __init__(self, message: str, pdf: str | Path | None = None):
        super().__init__(message)
        self.pdf = Path(pdf) if pdf is not None else None
