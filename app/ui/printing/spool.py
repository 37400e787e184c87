"""A PDF to a CUPS queue as it is, with `lp` (R48; Linux and macOS).

CUPS takes PDF: its own filters and the printer's driver turn it into what the printer
speaks, at the printer's resolution, text kept as text. So the file is sent, not painted.
The paper goes with the job (`-o media=`): a queue's default size is its driver's (often
A4), not the document's. What lp and lpstat say is read with LC_ALL=C and said again in
the desk's words; the job number is returned for the desk to quote.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from app.i18n import _

from .failure import PrintFailed

#: lp answers at once, even for a big file (CUPS spools it); longer means CUPS is stuck
WAIT_S = 30
#: how long a job is watched once sent: CUPS's backends say an offline printer is so within
#: a few seconds (the socket and ipp backends after about 4), a local one prints in about 1
SETTLE_S = 8
#: what CUPS's backends say of a printer that is off, unplugged, unreachable or out of paper
#: (the backends' own English: lp asks in LC_ALL=C)
TROUBLE = ("unavailable", "not responding", "unable to", "offline", "off-line", "paper",
           "busy, down", "unreachable", "will retry", "not connected", "jam", "cover open")
MEDIA = {"letter": "Letter", "a4": "A4"}
_JOB = re.compile(r"request id is (\S+)")


def available() -> bool:
    """Whether this computer has CUPS's lp (Linux, macOS; not Windows)."""
    return shutil.which("lp") is not None


def media_for(pdf: Path, paper: str) -> str:
    """lp's media for the paper. A roll is cut to the length of the tallest page, in
    points, so nothing of a page is lost or shrunk (a shorter page gets a little blank)."""
    if paper in MEDIA:
        return MEDIA[paper]
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        sizes = [document[i].get_size() for i in range(len(document))]
    finally:
        document.close()
    width = max(w for w, _h in sizes)
    height = max(h for _w, h in sizes)
    return f"Custom.{width:.2f}x{height:.2f}"


def _run(*command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=WAIT_S,
                              env=env, check=False)
    except subprocess.TimeoutExpired:
        raise PrintFailed(_("The computer's print service did not answer within {seconds} "
                            "seconds. Restart the computer's printing (CUPS) or the computer, "
                            "then print again.").format(seconds=WAIT_S)) from None


def printers() -> list[str]:
    """CUPS's queues, as lp knows them (none when CUPS is not running)."""
    return [line.strip() for line in _run("lpstat", "-e").stdout.splitlines() if line.strip()]


def default_printer() -> str:
    """The computer's default printer, or "" when it has none."""
    found = re.search(r"system default destination: (\S+)", _run("lpstat", "-d").stdout)
    return found.group(1) if found else ""


def _service_running() -> bool:
    return "scheduler is running" in _run("lpstat", "-r").stdout


def why_not(printer: str) -> str | None:
    """Why `printer` cannot print now, in the desk's words; None when it can. CUPS stops a
    queue when its printer is offline or out of paper, and keeps the printer's reason."""
    state = _run("lpstat", "-p", printer)
    if state.returncode != 0:
        if not _service_running():
            return _("The computer's print service (CUPS) is not running. Start it, or "
                     "restart the computer, then print again.")
        return _("There is no printer called \u201c{printer}\u201d on this computer. Choose "
                 "one in File \u203a Settings \u203a This Desk.").format(printer=printer)
    lines = state.stdout.strip().splitlines()
    if lines and " disabled since " in lines[0]:
        reason = " ".join(line.strip() for line in lines[1:]).strip() or _("no reason given")
        return _("The printer \u201c{printer}\u201d is stopped: {reason}. Check it is on, has "
                 "paper and is connected, then resume it in the computer's printer "
                 "settings.").format(printer=printer, reason=reason)
    return None


def send(pdf: Path, printer: str, paper: str, *, title: str = "", copies: int = 1) -> str:
    """Send `pdf` to the CUPS queue `printer` ("" = the computer's default) on `paper`;
    returns the job ("ClinicPDF-12"). Raises PrintFailed, keeping `pdf`, when it cannot."""
    chosen = printer or default_printer()
    if not chosen:
        raise PrintFailed(_("No printer is chosen at this desk and the computer has no default "
                            "printer. Choose one in File \u203a Settings \u203a This Desk."), pdf)
    problem = why_not(chosen)
    if problem:
        raise PrintFailed(problem, pdf)
    command = ["lp", "-d", chosen, "-n", str(copies), "-o", f"media={media_for(pdf, paper)}"]
    if title:
        command += ["-t", title]
    done = _run(*command, "--", str(pdf))
    job = _JOB.search(done.stdout)
    if done.returncode == 0 and job:
        settle(job.group(1), chosen, pdf)
        return job.group(1)
    said = (done.stderr or done.stdout).strip().removeprefix("lp:").strip()
    if "not accepting jobs" in said:
        message = _("The printer \u201c{printer}\u201d is not taking documents now (it was "
                    "set to refuse them in the computer's printer settings).").format(
            printer=chosen)
    else:
        message = why_not(chosen) or _("The printer \u201c{printer}\u201d refused the "
                                       "document: {reason}").format(printer=chosen,
                                                                     reason=said)
    raise PrintFailed(message, pdf)


def _state(printer: str) -> tuple[bool, str]:
    """Whether CUPS stopped the queue, and what the printer last said ("" if nothing)."""
    lines = _run("lpstat", "-p", printer).stdout.strip().splitlines()
    said = " ".join(line.strip() for line in lines[1:]).strip()
    return bool(lines) and " disabled since " in lines[0], said


def settle(job: str, printer: str, pdf: Path, wait_s: float = SETTLE_S) -> None:
    """Watch the job just sent until it is printed, for at most `wait_s`. A printer that CUPS
    stopped, or that says it is offline, unreachable or out of paper, fails the print: the
    job is cancelled (else it would come out later, unasked, once the printer is back) and
    PrintFailed says why, the PDF kept. A slow printer that says nothing is left printing."""
    deadline = time.monotonic() + wait_s
    said = ""
    while time.monotonic() < deadline:
        if job in _run("lpstat", "-W", "completed", "-o", printer).stdout.split():
            return
        stopped, said = _state(printer)
        if stopped or any(word in said.lower() for word in TROUBLE):
            _run("cancel", job)
            raise PrintFailed(_("The printer \u201c{printer}\u201d did not print it: {reason}. "
                                "Check it is on, has paper and is connected, then print "
                                "again.").format(printer=printer,
                                                 reason=said.rstrip(".") or _(
                                                     "it stopped")), pdf)
        time.sleep(0.25)
