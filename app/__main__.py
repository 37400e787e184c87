"""python -m app: open a clinic file and show the desk.

    python -m app                 the clinic's own file (in the user's data folder)
    python -m app --db PATH       any clinic file
    python -m app --demo          the demo clinic, filled with examples the first time
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platformdirs import user_data_path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="clinicdesk", description="ClinicDesk reception desk.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="open this clinic file")
    where.add_argument("--demo", action="store_true", help="open the demo clinic")
    # For us, not for clinics: draw the window once into a PNG and exit.
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def clinic_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    folder = user_data_path("ClinicDesk")
    return folder / ("demo-clinic.db" if args.demo else "clinic.db")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from app.services import Clinic
    from app.ui import crash, msgbox, style
    from app.ui.dialogs.first_run import FirstRunDialog
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ClinicDesk")
    style.apply(app)
    path = clinic_path(args)
    try:
        clinic = Clinic.open(path)
    except Exception as error:  # noqa: BLE001 - any failure here is "cannot open this file"
        msgbox.show(None, "ClinicDesk", f"ClinicDesk could not open the clinic file\n{path}\n\n"
                    f"{error}", icon=msgbox.Icon.Critical)
        return 1
    previous_hook = sys.excepthook
    crash.install()
    try:
        if args.demo and not clinic.settings.get().setup_complete:
            _seed_demo(clinic)
        if not clinic.settings.get().setup_complete and FirstRunDialog.ask(None, clinic) is None:
            return 0
        window = MainWindow(clinic)
        window.show()
        if args.screenshot:
            _screenshot_when_painted(app, window, Path(args.screenshot))
        return app.exec()
    except Exception:  # noqa: BLE001 - before the event loop runs, Python's hook comes too late
        crash.handle(*sys.exc_info())
        return 1
    finally:
        sys.excepthook = previous_hook
        clinic.close()


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
