"""Which database a desk uses: its own clinic file, or the clinic on a PostgreSQL server
that several desks share (issue 9). Checking a server before a desk is pointed at it.

The choice itself is the desk's (it can't live in the database it points at); the UI keeps
it in the desk's own settings. Here: building a server address from what the desk typed,
and looking at the server to say, in the desk's words, what is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..i18n import _
from .errors import ClinicError, ValidationError

DEFAULT_PORT = 5432
TLS_MODES = ("prefer", "require")
CONNECT_SECONDS = 5

# What a server database holds, as far as this desk is concerned.
CLINIC = "clinic"      # a ClinicDesk clinic this version can open
EMPTY = "empty"        # nothing yet: a clinic file can be moved here (migrate-to)
NEWER = "newer"        # a clinic from a newer ClinicDesk: update this desk first
OTHER = "other"        # tables that aren't ClinicDesk's: not a clinic database


class ServerUnreachable(ClinicError):
    """The server could not be reached, or refused this desk."""


@dataclass(frozen=True)
class ServerFields:
    host: str = ""
    port: int = DEFAULT_PORT
    database: str = ""
    user: str = ""
    password: str = ""
    # issue 23: "prefer" encrypts when the server offers TLS; "require" refuses a server
    # that does not (libpq's sslmode)
    tls: str = "prefer"


@dataclass(frozen=True)
class ServerCheck:
    url: str            # the full address, password included: what the desk saves
    shown: str          # the same with the password hidden: what people see
    state: str          # CLINIC, EMPTY, NEWER or OTHER
    server_version: str
    clinic_name: str = ""

    @property
    def usable(self) -> bool:
        return self.state in (CLINIC, EMPTY)

    def summary(self) -> str:
        if self.state == CLINIC:
            name = self.clinic_name or _("(no name yet)")
            return _("Connected. The server holds the clinic \u201c{name}\u201d; this desk can "
                     "use it.").format(name=name)
        if self.state == EMPTY:
            return _("Connected. The server database is empty: ClinicDesk will set up a new "
                     "clinic there, or a manager can copy this desk's clinic file into it "
                     "first (Copy This Clinic to the Server).")
        if self.state == NEWER:
            return _("Connected, but the clinic on the server was saved by a newer ClinicDesk. "
                     "Update ClinicDesk on this desk before using it.")
        return _("Connected, but that database holds something other than a ClinicDesk "
                 "clinic. Ask whoever runs the server for an empty database.")


def server_url(fields: ServerFields) -> str:
    """The address of a clinic on a PostgreSQL server, from what the desk typed."""
    host = (fields.host or "").strip()
    database = (fields.database or "").strip()
    user = (fields.user or "").strip()
    if not host:
        raise ValidationError("host", _("Type the server's name or address, such as "
                                        "clinic-server or 192.168.1.20."))
    if any(ch.isspace() for ch in host) or "/" in host:
        raise ValidationError("host", _("\u201c{host}\u201d is not a server name or "
                                        "address.").format(host=host))
    try:
        port = int(str(fields.port).strip())
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ValidationError("port", _("The port is a number from 1 to 65535; PostgreSQL "
                                        "uses 5432 unless told otherwise."))
    if not database:
        raise ValidationError("database", _("Type the name of the clinic's database on the "
                                            "server."))
    if not user:
        raise ValidationError("user", _("Type the user name this desk signs in to the "
                                        "server with."))
    if fields.tls not in TLS_MODES:
        raise ValidationError("tls", _("The connection's encryption must be \u201cwhen the "
                                       "server offers it\u201d or \u201crequired\u201d."))
    address = URL.create("postgresql+psycopg", username=user, password=fields.password or None,
                         host=host, port=port, database=database,
                         query={"sslmode": fields.tls})
    return address.render_as_string(hide_password=False)


def server_fields(url: str | None) -> ServerFields:
    """The parts of a saved server address, to fill the form again."""
    if not url:
        return ServerFields()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return ServerFields()
    tls = parsed.query.get("sslmode", "prefer")
    return ServerFields(parsed.host or "", parsed.port or DEFAULT_PORT, parsed.database or "",
                        parsed.username or "", parsed.password or "",
                        tls if tls in TLS_MODES else "prefer")


def shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def check_server(url: str, *, seconds: int = CONNECT_SECONDS) -> ServerCheck:
    """Connect to the server (giving up after `seconds`) and say what it holds.
    Reads only; changes nothing on the server."""
    engine = create_engine(url, connect_args={"connect_timeout": seconds,
                                              "application_name": "clinicdesk-check"})
    try:
        try:
            with engine.connect() as conn:
                version = conn.execute(text("SHOW server_version")).scalar() or ""
                tables = set(inspect(conn).get_table_names())
                if not tables:
                    return ServerCheck(url, shown(url), EMPTY, version)
                if "alembic_version" not in tables or "clinic_settings" not in tables:
                    return ServerCheck(url, shown(url), OTHER, version)
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if revision not in known_revisions():
                    return ServerCheck(url, shown(url), NEWER, version)
                name = conn.execute(text("SELECT name FROM clinic_settings WHERE id = 1")
                                    ).scalar() or ""
                return ServerCheck(url, shown(url), CLINIC, version, name)
        except DBAPIError as error:
            raise ServerUnreachable(_explain(error, make_url(url))) from None
    finally:
        engine.dispose()


def _explain(error: DBAPIError, url: URL) -> str:
    """The server's complaint, in the desk's words (the driver's words are for support)."""
    detail = str(getattr(error, "orig", None) or error).lower()
    where = f"{url.host}:{url.port or DEFAULT_PORT}"
    if "password" in detail and ("authentication" in detail or "supplied" in detail):
        return _("The server refused the user name or password for {user}. Check them with "
                 "whoever runs the server.").format(user=url.username or "")
    if "ssl" in detail and ("not support" in detail or "required" in detail):
        return _("The server {server} does not offer an encrypted connection (TLS), and this "
                 "desk requires one. Ask whoever runs the server to turn TLS on.").format(
                     server=where)
    if "does not exist" in detail and "database" in detail:
        return _("The server {server} has no database called \u201c{database}\u201d. Check "
                 "the name, or ask for it to be created.").format(server=where,
                                                                  database=url.database)
    if "role" in detail and "does not exist" in detail:
        return _("The server {server} has no user called \u201c{user}\u201d.").format(
            server=where, user=url.username or "")
    if "timeout" in detail or "timed out" in detail:
        return _("The server {server} did not answer in time. Check that it is switched on "
                 "and on this network.").format(server=where)
    return _("ClinicDesk could not reach the server {server}. Check its name and port, and "
             "that PostgreSQL is running there.").format(server=where)


def known_revisions() -> set[str]:
    """Every schema revision this ClinicDesk knows (an older one is upgraded on opening)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from .db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def is_server(url_or_path: str | None) -> bool:
    return bool(url_or_path) and str(url_or_path).startswith(("postgresql", "postgres://"))


