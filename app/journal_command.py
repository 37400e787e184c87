"""`clinicdesk export-journal`: the journal of a period to a file, from a script (R35).

    clinicdesk [--db PATH] export-journal --from 2026-01-01 --to 2026-12-31 \\
        --format beancount|quickbooks|xero --out FILE

Its own module so the program's entry point only registers it. With --db-url it exports the
clinic on a PostgreSQL server the same way (`on_server`). A refusal (a date that is not
one, the end before the start, an unknown format, a file that may not be written) is the
service's one sentence on stderr and exit code 2, with nothing written.
"""

from __future__ import annotations

import argparse
from typing import Callable

NAME = "export-journal"
#: exit code of a refusal: the command was given something it will not do
REFUSED = 2


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(NAME, help="write the journal of a period to a file "
                                 "(Beancount, QuickBooks Online or Xero import CSV)")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True)
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True)
    parser.add_argument("--format", required=True, metavar="beancount|quickbooks|xero")
    parser.add_argument("--out", required=True, metavar="FILE")
    return parser


def run(clinic, args: argparse.Namespace, out: Callable[[str], None],
        err: Callable[[str], None]) -> int:
    from .i18n import _  # (here: the window's start does not pay for them)
    from .services.errors import ClinicError
    from .services.typed_dates import typed_date

    try:
        locale = clinic.money_context()["locale"]
        start = typed_date(args.start, field="start", label=_("start date"), locale=locale)
        end = typed_date(args.end, field="end", label=_("end date"), locale=locale)
        done = clinic.accounting.export_journal(start, end, args.out, format=args.format)
    except ClinicError as refusal:
        err(str(refusal))
        return REFUSED
    first, *more = done.files
    out(_("{count} journal entries written to {path}").format(count=done.entries, path=first))
    for path in more:  # a long Xero journal: 300 lines a file
        out(_("(continued in {path})").format(path=path))
    return 0


def on_server(args: argparse.Namespace, out: Callable[[str], None],
              err: Callable[[str], None], command: Callable | None = None) -> int:
    """`--db-url URL export-journal ...`: the journal of the clinic on a server. A server
    that cannot be reached is exit code 1, as the other server commands say it. `command`
    is another such command's run(clinic, args, out, err) (`print`, app/print_command.py)."""
    from sqlalchemy.exc import DBAPIError

    from .services import Clinic
    from .services.errors import ClinicError
    from .services.transfer import hidden

    try:
        clinic = Clinic.open(args.db_url)
    except (ClinicError, DBAPIError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        err(f"ClinicDesk could not open {hidden(args.db_url)}: {first}")
        return 1
    with clinic:
        return (command or run)(clinic, args, out, err)
