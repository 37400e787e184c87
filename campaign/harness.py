"""One case: a fresh copy of the seeded clinic, a dump before, the call, a dump after, a verdict.

Verdicts (the first that applies):
  clinic file damaged            the file fails integrity_check, lost its tables or won't open
  raw exception                  anything but a ClinicError escaped (a bug, R30)
  refused but something written  a ClinicError, yet a table or a file changed (R30)
  refused, nothing written       PASS
  hostile input accepted         no error, but the input must be refused (values.py says why)
  wrong result                   accepted, but the case's check found the outcome wrong
  wrote outside its target       accepted, but a file other than its target changed
  accepted, valid                PASS
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from app import i18n
from app.services import Clinic
from app.services.errors import ClinicError

from . import dump
from .seed import NOW
from .values import Ctx

REFUSED, ACCEPTED = "refused, nothing written", "accepted, valid"
DAMAGED, RAW, WRITTEN = ("clinic file damaged", "raw exception",
                         "refused but something written")
HOSTILE, WRONG, OUTSIDE = ("hostile input accepted", "wrong result",
                           "wrote outside its target")
UNPREPARED = "could not be prepared"
PASSES = (REFUSED, ACCEPTED)
DEFECTS = (DAMAGED, RAW, WRITTEN, HOSTILE, WRONG, OUTSIDE)
#: The clinic's own files: an accepted write changes them (its tables are compared instead).
CLINIC_FILES = {"clinic.db", "clinic.db-wal", "clinic.db-journal"}
#: The desk's copy of the audit trail's head (issue 15 item 3): every accepted write moves
#: it, on purpose outside the clinic's folder, so it is no write outside the target.
DESK_ANCHORS = "home/.config/ClinicDesk/audit-anchors/"
TIMEOUT_S = 20
_TEMP_PART = re.compile(r"\.[\w-]{8}\.part\b")  # tempfile's random part of a name


class Timeout(BaseException):
    """(A BaseException, so no `except Exception` in the code under test swallows it.)"""


@dataclass
class Case:
    group: str                 # "roles", "sweep" or "named"
    target: str                # "billing.receive_payment"
    role: str                  # "nobody" (the system), "front_desk" or "manager"
    args: str                  # what was passed, in words
    #: ctx -> (the call, ready to make; the files an accepted call may write, relative)
    prepare: Callable[[Ctx], tuple[Callable[[], Any], set[str]]]
    refuse: bool | None = None  # True: must be refused; None: either is fine
    why: str = ""
    check: Callable[[Ctx, Any], str | None] | None = None  # on acceptance: what is wrong
    setup: Callable[[Ctx], None] | None = None             # as the system, before the dump
    programmer_only: bool = False
    type_error_ok: str = ""    # why a deliberate TypeError is right here (expect.TYPE_ERRORS_OK)
    reopen: bool = False       # open the clinic again afterwards (a file target was given)


@dataclass
class Outcome:
    case: Case
    verdict: str
    detail: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def defect(self) -> bool:
        return self.verdict in DEFECTS


def relative(folder: Path, value: Any) -> str | None:
    """`value` (a path or a sqlite URL) as a path relative to the case's folder, if inside."""
    if not isinstance(value, (str, os.PathLike)):
        return None
    text = os.fspath(value)
    if isinstance(text, bytes) or "\x00" in text:
        return None
    text = text.removeprefix("sqlite:///")
    try:
        path = (folder / text).resolve() if not os.path.isabs(text) else Path(text).resolve()
        return str(path.relative_to(folder.resolve()))
    except (ValueError, OSError):
        return None


class Runner:
    """Runs cases one after another in `work`/case, a fresh copy of `template` each time."""

    def __init__(self, template: Path, work: Path, ids: dict[str, int], flags: tuple):
        self.template, self.work, self.ids, self.flags = template, work, ids, flags
        self.folder = work / "case"  # the same path every time (and the seed's own)
        self._db = None

    def _open(self) -> Clinic:
        """Clinic.open on the fresh copy, but on one engine for the whole run: a new engine
        per case compiles every statement again (two thirds of a case's time). Its pool is
        emptied at each close, so every case's connections open that case's file."""
        from app.services.db import Database, database_url
        from app.services.settings import load_settings
        if self._db is None:
            self._db = Database(database_url(self.folder / "clinic.db"))
        clinic = Clinic(self._db, clock=lambda: NOW)
        with self._db.write() as s:
            load_settings(s)
        clinic.money_context()
        return clinic

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()

    def fresh(self) -> Ctx:
        if self.folder.exists() or self.folder.is_symlink():
            _remove(self.folder)
        shutil.copytree(self.template, self.folder, symlinks=True)
        os.chdir(self.folder)  # relative targets land in the case's folder
        os.environ["HOME"] = str(self.folder / "home")
        return Ctx(self.folder, self.ids, None, *self.flags)

    def run(self, case: Case) -> Outcome:
        ctx = self.fresh()
        db = self.folder / "clinic.db"
        clinic = ctx.clinic = self._open()
        error: BaseException | None = None
        result = None
        try:
            if case.setup:
                case.setup(ctx)
            clinic.current_staff_id = (None if case.role == "nobody" else self.ids[
                {"front_desk": "desk", "manager": "manager"}[case.role]])
            try:
                call, allowed = case.prepare(ctx)
            except Exception as problem:  # noqa: BLE001 (the harness's, reported as such)
                return Outcome(case, UNPREPARED, _raw(problem))
            before = dump.take(db, self.folder, check=False)
            old = signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(TIMEOUT_S)
            try:
                result = call()
                if hasattr(result, "__enter__") and hasattr(result, "__exit__") \
                        and not isinstance(result, Clinic):
                    with result:  # a context manager (auth.approved): enter it too
                        pass
            except (Exception, Timeout) as raised:  # noqa: BLE001
                error = raised
            finally:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, old)
            after = dump.take(db, self.folder)
            problem = None
            if error is None and case.check is not None:
                try:
                    problem = case.check(ctx, result)
                except Exception as failed:  # noqa: BLE001
                    problem = f"the check itself failed: {_raw(failed)}"
        finally:
            try:
                clinic.close()
            except Exception:  # noqa: BLE001 (a replaced file may not close cleanly)
                pass
            i18n.set_language(i18n.ENGLISH)  # a case may have switched the desk to French
        damage = after.problem
        if damage is None and (case.reopen or error is not None):
            damage = _reopen_problem(db)
        outcome = _verdict(case, before, after, error, damage, problem, allowed)
        # Runs are compared by diff: no temporary folder names in what they say.
        outcome.detail = _TEMP_PART.sub(".….part", outcome.detail.replace(
            str(self.folder), "<case>"))
        return outcome


def _verdict(case, before, after, error, damage, problem, allowed) -> Outcome:
    tables = before.changed_tables(after)
    files = before.changed_files(after)
    if damage:
        return Outcome(case, DAMAGED, damage + (f" (after: {_raw(error)})" if error else ""),
                       tables, files)
    if isinstance(error, TypeError) and case.type_error_ok and not tables and not files:
        return Outcome(case, REFUSED, f"TypeError ({case.type_error_ok}): {error}")
    if error is not None and not isinstance(error, ClinicError):
        return Outcome(case, RAW, _raw(error), tables, files)
    if error is not None:
        if tables or files:
            return Outcome(case, WRITTEN, f"refused with \u201c{error}\u201d", tables, files)
        return Outcome(case, REFUSED, str(error))
    if case.refuse:
        return Outcome(case, HOSTILE, case.why, tables, files)
    if problem:
        return Outcome(case, WRONG, problem, tables, files)
    outside = {name: how for name, how in files.items()
               if name not in CLINIC_FILES and not name.startswith(DESK_ANCHORS) and not any(
                   name == a or name.startswith(a.rstrip("/") + "/")
                   or (name.endswith("/") and a.startswith(name)) for a in allowed)}
    if outside:
        return Outcome(case, OUTSIDE, "", tables, outside)
    return Outcome(case, ACCEPTED, "", tables, files)


def _alarm(_signum, _frame):
    raise Timeout(f"no answer within {TIMEOUT_S} s")


def _raw(error: BaseException | None) -> str:
    if error is None:
        return ""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if "/app/" in frame.filename:
            where = f" at {frame.filename.split('/app/', 1)[1]}:{frame.lineno}"
            break
    text = str(error).splitlines()[0][:160] if str(error) else ""
    return f"{type(error).__name__}: {text}{where}"


def _reopen_problem(db: Path) -> str | None:
    try:
        Clinic.open(db, clock=lambda: NOW).close()
    except Exception as error:  # noqa: BLE001
        return f"the clinic no longer opens: {_raw(error)}"
    return None


def _remove(folder: Path) -> None:
    for parent, dirs, _names in os.walk(folder):
        for name in dirs:
            path = Path(parent) / name
            if not path.is_symlink():
                path.chmod(0o755)
    shutil.rmtree(folder)
