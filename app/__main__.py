"""python -m app: open a clinic file and show the desk.

    python -m app                 the clinic's own file (in the user's data folder)
    python -m app --db PATH       any clinic file
    python -m app --demo          the demo clinic, filled with examples the first time
                                  (its PINs are typed in for whoever signs in)
    clinicdesk backup PATH        copy the clinic file to PATH (safe while the desk is open)
    clinicdesk restore PATH       replace the clinic's data with a backup (a copy is kept)
    clinicdesk verify-audit       check the audit trail's hash chain; exit 1 if broken
    clinicdesk export-journal     the journal of a period to a file (app/journal_command.py)
    clinicdesk print KIND ID      a document to this desk's printer (app/print_command.py)
    clinicdesk --db-url URL       the clinic on a PostgreSQL server, shared by several desks
    clinicdesk migrate-to URL     copy the clinic file (--db/--demo) into an empty server
                                  database, checked against the file; nothing kept on mismatch
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platformdirs import user_data_path

from app import journal_command, print_command


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="clinicdesk", description="ClinicDesk reception desk.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="open this clinic file")
    where.add_argument("--demo", action="store_true", help="open the demo clinic")
    where.add_argument("--db-url", metavar="URL", help="open the clinic on a PostgreSQL server")
    # For us, not for clinics: draw the window once into a PNG and exit.
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    backup = commands.add_parser("backup", help="copy the clinic file to PATH")
    backup.add_argument("path", metavar="PATH")
    restore = commands.add_parser("restore", help="replace the clinic's data with a backup")
    restore.add_argument("path", metavar="PATH")
    commands.add_parser("verify-audit", help="check that the audit trail was not tampered with")
    commands.add_parser("migrate-to", help="copy the clinic file into an empty PostgreSQL "
                        "database").add_argument("url", metavar="URL")
    journal_command.add_parser(commands)
    print_command.add_parser(commands)
    return parser.parse_args(argv)


def run_command(args: argparse.Namespace) -> int:
    """The commands that need no window: for scripts, scheduled tasks and support."""
    from app.services import Clinic, ClinicError
    from app.services import transfer
    from app.services.backup import integrity_problems

    if args.db_url and args.command == journal_command.NAME:
        return journal_command.on_server(args, print, lambda line: print(line, file=sys.stderr))
    if args.db_url and args.command == print_command.NAME:
        return print_command.on_server(args, print, lambda line: print(line, file=sys.stderr))
    if args.db_url:
        return transfer.server_command(args, err=lambda line: print(line, file=sys.stderr))
    path = clinic_path(args)
    if not path.exists():
        print(f"There is no clinic file at {path}.", file=sys.stderr)
        return 2
    try:
        key = _command_key(path)
        if args.command != "restore" and (problems := integrity_problems(path)):
            print(f"The clinic file {path} is damaged: {problems[0]}", file=sys.stderr)
            return 1
        # No one signs in here: the command is run by the computer's user who owns the file
        # and could copy it anyway, so it acts as the system, with every right (backup to
        # any folder, restore, migrate-to); the desk's roles guard the shared desk instead.
        with Clinic.open(path, key=key) as clinic:
            if args.command == "backup":
                print(f"Backed up to {clinic.backup.create(args.path)}")
            elif args.command == "restore":
                safety = _restore(clinic, args.path)
                print(f"Restored from {args.path}; the data it replaced is kept in {safety}")
            elif args.command == journal_command.NAME:
                return journal_command.run(clinic, args, print,
                                           lambda line: print(line, file=sys.stderr))
            elif args.command == print_command.NAME:
                return print_command.run(clinic, args, print,
                                         lambda line: print(line, file=sys.stderr))
            elif args.command == "migrate-to":
                return transfer.command_line(clinic, args.url,
                                             err=lambda line: print(line, file=sys.stderr))
            else:
                from app.services.audit_check import command_report
                return command_report(clinic.audit.verify(), print,
                                      lambda line: print(line, file=sys.stderr))
    except ClinicError as refusal:
        print(str(refusal), file=sys.stderr)
        return 1
    return 0


def _recovery_key(name: str) -> str | None:
    """A recovery key for a script (CLINICDESK_RECOVERY_KEY) or typed at the terminal."""
    import getpass
    import os

    if os.environ.get("CLINICDESK_RECOVERY_KEY"):
        return os.environ["CLINICDESK_RECOVERY_KEY"]
    if sys.stdin.isatty():
        return getpass.getpass(f"Recovery key for {name}: ")
    return None


def _command_key(path: Path) -> str | None:
    """The key of an encrypted clinic file: this desk's, or its recovery key (issue 23)."""
    from app.services import clinic_key

    if not clinic_key.is_encrypted(path):
        return None
    if (key := clinic_key.key_for(path)) is not None:
        return key
    typed = _recovery_key(path.name)
    if typed is None:
        raise clinic_key.KeyNeeded(path)
    return clinic_key.unlock(path, typed)


def _restore(clinic, source: str) -> Path:
    from app.services.clinic_key import KeyNeeded

    try:
        return clinic.backup.restore(source)
    except KeyNeeded as needed:
        typed = _recovery_key(needed.path.name)
        if typed is None:
            raise
        return clinic.backup.restore(source, recovery_key=typed)


def clinic_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    folder = user_data_path("ClinicDesk")
    return folder / ("demo-clinic.db" if args.demo else "clinic.db")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command:
        return run_command(args)
    from PySide6.QtWidgets import QApplication

    from app.i18n import _
    from app.services import Clinic
    from app.services.transfer import hidden
    from app.ui import crash, gc_guard, msgbox, style
    from app.ui.qt_language import apply_language
    from app.ui.dialogs.first_run import FirstRunDialog
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    gc_guard.install(app)  # cycles are collected on this thread, between events
    app.setApplicationName("ClinicDesk")
    app.setDesktopFileName("clinicdesk")  # (installers/linux/clinicdesk.desktop: its icon)
    style.apply(app)
    path = clinic_path(args)
    server = args.db_url or _saved_server(args)
    if not server and not _sound_or_recovered(path):
        return 1
    from app.services.clinic_key import KeyNeeded
    key = None
    while True:
        try:
            # A new clinic file is encrypted (issue 23); the demo's made-up patients are not.
            clinic = Clinic.open(server or path, key=key, encrypt=not args.demo)
            break
        except KeyNeeded as needed:
            from app.ui.dialogs.recovery_key import ask_for_file
            if (key := ask_for_file(None, needed)) is None:
                return 1
        except Exception as error:  # noqa: BLE001 - any failure here is "cannot open it"
            if server:
                from app.ui import server_password_prompt as prompt
                if prompt.asks_for_password(error) and (typed := prompt.ask(server)):
                    server = typed
                    continue
                if _retry_server(hidden(server), error):
                    continue
                return 1
            msgbox.show(None, "ClinicDesk",  # i18n: not shown (the program's name)
                        _("ClinicDesk could not open the clinic file\n{path}\n\n{error}")
                        .format(path=path, error=error), icon=msgbox.Icon.Critical)
            return 1
    previous_hook = sys.excepthook
    crash.install()
    window = None
    try:
        if args.demo and not clinic.settings.get().setup_complete:
            _seed_demo(clinic)
        # The clinic's language, for everything from here on (issue 8): our words and Qt's.
        apply_language(clinic.settings.get().language)
        if (not clinic.settings.get().setup_complete and not args.screenshot
                and FirstRunDialog.ask(None, clinic) is None):
            return 0  # (a screenshot of a fresh file shows it as first opened, unset)
        apply_language(clinic.settings.get().language)  # as chosen at first run
        if clinic.new_recovery_key is not None and not args.screenshot:
            from app.ui.dialogs.recovery_sheet import RecoverySheetDialog
            RecoverySheetDialog.ask(None, clinic, clinic.new_recovery_key, can_cancel=False)
        window = MainWindow(clinic)
        if not args.screenshot:
            # Where this desk left the window, and its tab; remembered again on close. (A
            # screenshot is drawn at the default size and leaves this desk's memory alone.)
            window.restore_window_state()
        if not _signed_in_at_start(window, clinic, args):
            return 0
        if not args.screenshot:
            from app.ui import encryption_offer  # issue 23: before anything else reads it
            encryption_offer.at_start(None, clinic, demo=args.demo)
        window.show()
        if not args.screenshot:
            from app.ui import startup_checks
            window.startup_checks = startup_checks.start(window, clinic)
            window.start_live_refresh()  # another desk's changes show here (issue 9)
            from app.ui import membership_invoicing  # R43: at start-up, then daily
            window.membership_invoicing = membership_invoicing.start(window, clinic)
            from app.ui import mail_sender  # R46: the outbox sent while the program runs
            window.mail_sender = mail_sender.start(window, clinic)
            from app.ui import reminder_runs  # R47: at start-up, then daily
            window.reminder_runs = reminder_runs.start(window, clinic)
            # ReportLab and openpyxl, once the window is up: ready before anyone prints,
            # and loaded on this thread rather than the worker's (app/ui/preload.py).
            from PySide6.QtCore import QTimer

            from app.ui import preload
            QTimer.singleShot(500, preload.document_libraries)
        if args.screenshot:
            _screenshot_when_painted(app, window, Path(args.screenshot))
        code = app.exec()
        from app.ui.tasks import tasks_for
        tasks_for(clinic).close()  # the start-up check may still be reading
        if not args.screenshot:  # a screenshot changed nothing worth a copy
            _backup_on_close(clinic)
        return code
    except Exception:  # noqa: BLE001 - before the event loop runs, Python's hook comes too late
        crash.handle(*sys.exc_info())
        return 1
    finally:
        sys.excepthook = previous_hook
        if window is not None:
            # Gone for good (a screenshot leaves it shown): nothing of it outlives main().
            # hide(), not close(): closing the last window would leave Qt a quit to deliver
            # to whatever event loop runs next.
            window.hide()
            window.deleteLater()
        clinic.close()


def _saved_server(args: argparse.Namespace) -> str | None:
    """The clinic server this desk was pointed at (File › Clinic Database), unless the
    command line names a file or the demo."""
    if args.db or args.demo:
        return None
    from app.ui.dialogs.connection import saved_server_url

    return saved_server_url()


def _retry_server(shown: str, error: BaseException) -> bool:
    """The server did not answer at start-up: Retry, or Close. Never a silent switch to this
    computer's own file, where the day's work would go somewhere the other desks can't see."""
    from app.i18n import _
    from app.ui import msgbox

    answer = msgbox.show(
        None, "ClinicDesk",  # i18n: not shown (the program's name)
        _("ClinicDesk could not reach the clinic on the server {server}.\n\nCheck that the "
          "server is switched on and that this computer is on its network, then try again. "
          "To use another database, a manager can start ClinicDesk with --db FILE and change "
          "File › Clinic Database.").format(server=shown),
        icon=msgbox.Icon.Critical, buttons=msgbox.Button.Retry | msgbox.Button.Close,
        default=msgbox.Button.Retry, details=str(error))
    return answer == msgbox.Button.Retry


def _sound_or_recovered(path: Path) -> bool:
    """A file that cannot open is offered the newest sound backup, keeping the damaged one."""
    from datetime import datetime

    from app.i18n import _
    from app.services.backup import newest_backup, open_problems, recover_from_backup
    from app.ui import msgbox

    # Only what stops the file from opening is checked here; the full integrity_check runs
    # once the window is up (app/ui/startup_checks.py), as it takes seconds on a big file.
    if not path.exists() or not (problems := open_problems(path)):
        return True
    backup = newest_backup(path)
    if backup is None:
        msgbox.show(None, "ClinicDesk",  # i18n: not shown (the program's name)
                    _("ClinicDesk could not open the clinic file\n{path}\n\nIt is damaged "
                      "({problem}) and there is no backup of it to restore. Keep the file and "
                      "contact support; ClinicDesk will not change it.").format(
                          path=path, problem=problems[0]), icon=msgbox.Icon.Critical)
        return False
    taken = datetime.fromtimestamp(backup.stat().st_mtime)
    if not msgbox.confirm(None, _("Restore from backup?"),
                          _("The clinic file is damaged ({problem}).\n\nRestore the newest "
                            "backup, taken {when}? Work done after that time will need to be "
                            "entered again. The damaged file is kept beside it.").format(
                                problem=problems[0], when=f"{taken:%Y-%m-%d %H:%M}")):
        return False
    kept = recover_from_backup(path, backup, datetime.now())
    msgbox.information(None, _("Restored"),
                       _("The clinic was restored from {backup}.\nThe damaged file is kept "
                         "as {kept}.").format(backup=backup.name, kept=kept.name))
    return True


def _signed_in_at_start(window, clinic, args: argparse.Namespace) -> bool:
    """Someone signs in (or the clinic's first manager is created) before the desk opens.
    False when they chose Quit."""
    from app.ui.idle_lock import who_continues

    if args.screenshot:
        # For us, not for clinics: the window is drawn once into a PNG and the program
        # exits; no one works in it, so no one signs in (the system is the actor).
        return True
    if args.demo:
        if not clinic.auth.can_sign_in():
            # The demo clinic with no PINs at all (a demo file made before sign-in existed):
            # its data is made up and no one could sign in, so it opens as the system.
            return True
        # The demo's PINs are published with it: typed in for whoever is chosen, so a demo
        # opens with one press of Enter. A clinic's own file never gets this.
        window.idle_lock.prefill = _demo_pins(clinic)
    who = who_continues(None, clinic, locked=False, prefill=window.idle_lock.prefill)
    if who is None:
        return False
    window.show_signed_in()
    return True


def _demo_pins(clinic) -> dict[int, str]:
    import importlib

    # import_module goes through sys.modules, as `from app.services.demo import seed_demo` in
    # _seed_demo does, so both read the same module (a test's stand-in included).
    demo = importlib.import_module("app.services.demo")
    pins = {entry[0]: entry[3] for entry in getattr(demo, "STAFF", ())}
    return {member.id: pins[member.name] for member in clinic.auth.can_sign_in()
            if member.name in pins}


def _backup_on_close(clinic) -> None:
    """The automatic backup on close must never lose the desk's work or hide a failure."""
    if clinic.path is None:
        return
    try:
        clinic.backup.create(reason="close")
    except OSError as error:
        from app.i18n import _
        from app.ui import msgbox
        msgbox.show(None, _("Backup not made"),
                    _("The automatic backup could not be written ({error}). Your work is "
                      "saved; check the disk.").format(error=error), icon=msgbox.Icon.Warning)


def _seed_demo(clinic) -> None:
    from app.services.demo import seed_demo  # only the demo needs it
    seed_demo(clinic)
    if not clinic.settings.get().setup_complete:
        clinic.settings.update(setup_complete=True)


def _screenshot_when_painted(app, window, png: Path) -> None:
    """Grab the window once it is on screen and has painted, save it, and quit."""
    from PySide6.QtCore import QTimer

    waited = {"ticks": 0}
    timer = QTimer(window)
    timer.setInterval(25)

    def poll() -> None:
        handle = window.windowHandle()
        waited["ticks"] += 1
        if handle is not None and handle.isExposed():
            timer.stop()
            # One more turn of the event loop lets queued paints and layouts finish.
            QTimer.singleShot(0, grab)
        elif waited["ticks"] > 400:  # ten seconds: something is wrong with the display
            timer.stop()
            app.exit(1)

    def grab() -> None:
        png.parent.mkdir(parents=True, exist_ok=True)
        app.exit(0 if window.grab().save(str(png)) else 1)

    timer.timeout.connect(poll)
    timer.start()


if __name__ == "__main__":
    sys.exit(main())
