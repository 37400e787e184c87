"""Load the document libraries on the GUI thread before the worker needs them.

ReportLab (with Pillow) and openpyxl are loaded when first needed, to keep them out of
start-up (issue 6). First loaded on the worker thread, though, the import ran beside Qt's
event loop and crashed the program now and then (a segmentation fault inside the worker's
import, under the print dialog). So whatever is about to hand printing or exporting to the
worker calls this first, on the GUI thread; main() also calls it once the window is up.
After the first call it costs nothing.
"""

from __future__ import annotations

_done = False


def document_libraries() -> None:
    global _done
    if _done:
        return
    import openpyxl  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401
    import reportlab.platypus  # noqa: F401

    import app.services.pdf  # noqa: F401 - fonts registered, layouts built
    _done = True
