"""The paper sizes ClinicDesk prints on, and their names (shown as _(PAPER_NAMES[paper])).

Apart from app.services.pdf so that a screen offering the choice doesn't load ReportLab
(about a third of a second of start-up) before anything is printed.
"""

from __future__ import annotations

from ..i18n import N_

PAPERS = ("letter", "a4", "roll80")
PAPER_NAMES = {"letter": N_("Letter"), "a4": N_("A4"), "roll80": N_("80 mm roll")}
