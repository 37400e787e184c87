"""The audit trail's end, remembered outside the rows it checks (R29, issue 15).

The hash chain (audit.py) proves that each entry follows the one before it; it cannot prove
that nothing came after the last. Delete the newest entries, or all of them, or rewrite the
whole trail and compute its hashes again, and what is left is a perfect chain. So the head
(entry id, hash, how many entries, when) is kept where the clinic's rows are not:

- this desk's anchor: a tiny JSON file per clinic in the user's config folder (where the
  desk keeps its own settings), moved forward after each write that appended entries;
- the backups' index, beside the backups: the head each backup file holds, and the
  furthest head a backup reached.

An anchor only moves forward along the chain: it advances when the entry it names is still
there with the same hash, and otherwise stays where it was, as the evidence verify reports.
A legitimate restore (or a new clinic file in the same place) resets it and says so in the
file. With several desks on a server each desk's anchor is a lower bound (the others append
after it): the check is "the anchored entry is still there, unchanged", never "the trail
ends at the anchor".

Everything here is best effort for the write that called it: the data is committed before
an anchor moves, so a failure to move one (a full disk, a locked file) loses protection,
never work, and never raises into the desk.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from . import anchor_queue, sqlite_files
from .clinic_key import KeyNeeded
from .files import atomic_write_bytes

# Tests (and a support person) point the desk's anchors elsewhere with this.
DESK_FOLDER_VARIABLE = "CLINICDESK_DESK_DIR"
RESETS_KEPT = 20  # the newest resets, kept in the file for whoever looks into a report
BACKUPS_KEPT = 200  # index entries of backups outside the backups folder (a USB stick...)
_TROUBLE = (OSError, ValueError, SQLAlchemyError, KeyNeeded) + sqlite_files.ERRORS


@dataclass(frozen=True)
class Head:
    id: int
    hash: str
    count: int  # entries up to and including `id`
    at: str  # when that entry was written (ISO)

    @classmethod
    def read(cls, data) -> Head | None:
        try:
            return cls(int(data["id"]), str(data["hash"]), int(data["count"]), str(data["at"]))
        except (TypeError, KeyError, ValueError):
            return None  # none kept, or not one we wrote: no anchor (a lower bound lost)


@dataclass(frozen=True)
class Anchor:
    """An anchor as verify reads it: the head, and where it was kept."""
    head: Head
    source: str  # "desk" or "backups"
    backup: str = ""  # for "backups": the backup file that took it there


def iso(at) -> str:
    return at.isoformat(sep=" ") if isinstance(at, datetime) else str(at)


# Where anchors live ----------------------------------------------------------------------

def desk_folder() -> Path:
    override = os.environ.get(DESK_FOLDER_VARIABLE)
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("ClinicDesk", appauthor=False) / "audit-anchors"


@lru_cache(maxsize=64)
def clinic_key(url: str) -> str:
    """The clinic an anchor belongs to: its file, or its database on a server (whoever signs
    in, from wherever)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return os.path.normcase(str(Path(parsed.database or "").resolve()))
    return (f"{parsed.get_backend_name()}://{parsed.host or ''}:{parsed.port or ''}/"
            f"{parsed.database or ''}")


def desk_file(url: str) -> Path:
    return _desk_file(url, os.environ.get(DESK_FOLDER_VARIABLE, ""))


@lru_cache(maxsize=64)
def _desk_file(url: str, _folder: str) -> Path:
    # (Cached: resolving the path and parsing the URL cost more than the write itself.)
    key = clinic_key(url)
    return desk_folder() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def index_file(clinic_path: Path) -> Path:
    """Beside the backups (BackupService.folder), one per clinic file sharing the folder."""
    clinic_path = Path(clinic_path)
    return clinic_path.parent / "backups" / f"{clinic_path.stem}-audit-anchors.json"


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, data: dict, *, durable: bool) -> None:
    """Replace the file at once (a reader sees the old anchor or the new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)  # (atomic_write leaves that to us)
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1,
                                        sort_keys=True).encode("utf-8"), durable=durable)


# Reading a trail (a SQLAlchemy connection to the clinic, or sqlite3 on a file) -----------

def _row(conn, sql: str, **params):
    if hasattr(conn, "cursor"):  # a DB-API connection: sqlite3, or SQLCipher's
        return conn.execute(sql, params).fetchone()
    return conn.execute(text(sql), params).fetchone()


def _tip(conn):
    """(id, hash, at) of the newest entry, or None when the trail is empty."""
    return _row(conn, "SELECT id, hash, at FROM audit_entries ORDER BY id DESC LIMIT 1")


def _count(conn, after: int | None, upto: int) -> int:
    if after is None:
        return int(_row(conn, "SELECT count(*) FROM audit_entries WHERE id <= :upto",
                        upto=upto)[0])
    return int(_row(conn, "SELECT count(*) FROM audit_entries WHERE id > :after AND "
                          "id <= :upto", after=after, upto=upto)[0])


def _head(conn) -> Head | None:
    tip = _tip(conn)
    if tip is None:
        return None
    return Head(int(tip[0]), str(tip[1]), _count(conn, None, int(tip[0])), iso(tip[2]))


def _moved(data: dict, tip, conn) -> Head | None:
    """The head `tip` as the anchor's next position, or None when the anchor must stay: no
    newer, or the entry it names is gone or changed (then it stays, as the evidence)."""
    old = Head.read(data.get("anchor"))
    tip_id = int(tip[0])
    if old is None:
        return Head(tip_id, str(tip[1]), _count(conn, None, tip_id), iso(tip[2]))
    if tip_id <= old.id:
        return None
    still = _row(conn, "SELECT hash FROM audit_entries WHERE id = :id", id=old.id)
    if still is None or still[0] != old.hash:
        return None
    return Head(tip_id, str(tip[1]), old.count + _count(conn, old.id, tip_id), iso(tip[2]))


def _place(path: Path, data: dict, head: Head, *, durable: bool, **extra) -> None:
    _save(path, {**data, **extra, "anchor": asdict(head)}, durable=durable)


# The desk's anchor, after each write ------------------------------------------------------

def later(db, tail: dict) -> None:
    """Database.audit_appended: a write that appended entries has committed; this desk's
    anchor moves to its newest (anchor_queue: counted now if it must be, placed a moment
    later by the thread).

    Not fsynced: the clinic file is (synchronous=FULL) and is committed first, so after a
    power cut this anchor is at worst behind the trail, or unreadable; both only lower the
    bound it gives, and neither can report an honest trail as cut. It costs no query of
    its own when the write's chain statement told how far the trail had gone (audit.py)."""
    try:
        path = desk_file(db.url)
        clinic = clinic_key(db.url)
    except _TROUBLE:
        return

    def place(path: Path, head: Head) -> None:
        data = _load(path)
        old = Head.read(data.get("anchor"))
        if old is None or head.id > old.id:  # (forward only: another program may be ahead)
            _place(path, data, head, durable=False, clinic=clinic)

    try:
        anchor_queue.move_after(path, db, tail, anchored=lambda: _file_head(path),
                                follow=_follow, recount=_recount, place=place)
    except _TROUBLE:
        pass  # (see the module's docstring: the write stands; the bound stays lower)


def _file_head(path: Path) -> Head | None:
    return Head.read(_load(path).get("anchor"))


def anchored(db) -> tuple | None:
    """Database.audit_anchored: this desk's anchor as its next move will leave it."""
    try:
        path = desk_file(db.url)
        head = anchor_queue.reached(path, lambda: _file_head(path))
    except _TROUBLE:
        return None
    return None if head is None else (head.id, head.hash)


def _follow(head: Head, tail: dict) -> Head | None:
    """The head after `tail`'s entries, when they follow straight on from `head`, or when
    the write found how many came between (audit.py: `since`, asked as it committed)."""
    entry = tail["last"]
    if (head.id, head.hash) == tuple(tail["after"]):
        between = 0
    elif tail.get("since") is not None and tuple(tail["since"][:2]) == (head.id, head.hash):
        between = int(tail["since"][2])
    else:
        return None
    return Head(entry.id, entry.hash, head.count + between + tail["appended"], iso(entry.at))


def _recount(db, head: Head | None, tail: dict) -> Head | None:
    """The head after `tail`, asked of the clinic on a connection of its own (`_moved`):
    only when the write could not tell (this desk's first, or its anchor moved between by
    another thread of the desk); otherwise the write's own chain statement did (audit.py)."""
    entry = tail["last"]
    with db.engine.connect() as conn:
        return _moved({"anchor": asdict(head)} if head else {},
                      (entry.id, entry.hash, entry.at), conn)


@anchor_queue.settled
def confirmed(db, head: Head) -> None:
    """verify found the whole trail sound up to `head`: the anchor may start there."""
    try:
        path = desk_file(db.url)
        data = _load(path)
        old = Head.read(data.get("anchor"))
        if old is None or head.id > old.id:
            _place(path, data, head, durable=False, clinic=clinic_key(db.url))
    except _TROUBLE:
        pass


@anchor_queue.settled
def anchors_for(db) -> list[Anchor]:
    found = []
    desk = _file_head(desk_file(db.url))
    if desk is not None:
        found.append(Anchor(desk, "desk"))
    if db.path is not None:
        index = _load(index_file(db.path))
        furthest = Head.read(index.get("anchor"))
        if furthest is not None:
            found.append(Anchor(furthest, "backups", str(index.get("anchor_backup", ""))))
    return found


# Backups: each records its head; a restore resets the anchors to the restored trail ------

def _open_file(path: Path):
    return sqlite_files.open_file(path)


@anchor_queue.settled
def record_backup(clinic_path: Path, backup: Path, now: datetime) -> None:
    """`backup` was just copied from the clinic file: keep its head in the backups' index
    (fsynced: backups are rare, and this anchor outlives the desk's), and move both anchors
    on to it."""
    clinic_path, backup = Path(clinic_path), Path(backup)
    try:
        conn = _open_file(backup)
        try:
            tip = _tip(conn)  # (a file from before the hash chain has no `hash`: raises)
            if tip is None:
                return
            index = index_file(clinic_path)
            data = _load(index)
            head = _moved(data, tip, conn)
            own = _head(conn) if head is None else head
            inside = backup.resolve().parent == index.parent.resolve()
            # Rotated backups leave the index with them; copies kept elsewhere (named by
            # their whole path) stay, the newest BACKUPS_KEPT of them.
            entries = {name: kept for name, kept in dict(data.get("backups") or {}).items()
                       if Path(name).is_absolute() or (index.parent / name).exists()}
            entries[backup.name if inside else str(backup.resolve())] = {
                **asdict(own), "taken_at": iso(now)}
            entries = dict(sorted(entries.items(), key=_taken)[-BACKUPS_KEPT:])
            extra = {"clinic": clinic_path.name, "backups": entries}
            if head is not None:
                _place(index, data, head, durable=True, anchor_backup=backup.name, **extra)
            else:
                _save(index, {**data, **extra}, durable=True)
            url = f"sqlite:///{clinic_path.resolve()}"
            desk = desk_file(url)
            desk_data = _load(desk)
            moved = _moved(desk_data, tip, conn)
            if moved is not None:
                _place(desk, desk_data, moved, durable=False, clinic=clinic_key(url))
        finally:
            conn.close()
    except _TROUBLE:
        pass  # the backup is made; only its anchor is missing (a lower bound, not an alarm)


def _taken(item) -> str:
    kept = item[1]
    return str(kept.get("taken_at", "")) if isinstance(kept, dict) else ""


def _reset(path: Path, head: Head | None, why: dict, now: datetime, *, durable: bool,
           only_if_kept: bool = False, **extra) -> None:
    if only_if_kept and not path.exists():
        return
    data = _load(path)
    resets = list(data.get("resets") or [])
    resets.append({**why, "at": iso(now), "anchor_was": data.get("anchor")})
    data = {**data, **extra, "resets": resets[-RESETS_KEPT:],
            "anchor": asdict(head) if head is not None else None}
    data.pop("anchor_backup", None)
    _save(path, data, durable=durable)


def _reset_both(url: str, clinic_path: Path | None, head: Head | None, why: dict,
                now: datetime, *, only_if_kept: bool = False) -> None:
    _reset(desk_file(url), head, why, now, durable=False, only_if_kept=only_if_kept,
           clinic=clinic_key(url))
    if clinic_path is not None:
        _reset(index_file(clinic_path), head, why, now, durable=True,
               only_if_kept=only_if_kept)


@anchor_queue.settled
def restored(db, source_name: str, now: datetime) -> None:
    """A manager restored a backup: the trail is now the backup's (and the restore's own
    entry). An older trail on purpose is no tampering: the anchors start again from it,
    and keep where they were before, and why they moved back."""
    try:
        with db.engine.connect() as conn:
            head = _head(conn)
        _reset_both(db.url, db.path, head, {"reason": "restored", "from": source_name}, now)
    except _TROUBLE:
        pass


@anchor_queue.settled
def reset_for_file(clinic_path: Path, why: dict, now: datetime, *,
                   only_if_kept: bool = False) -> None:
    """The clinic file at `clinic_path` was replaced whole (recovered from a backup, or
    created anew where another was): the anchors start again from what it holds now."""
    clinic_path = Path(clinic_path)
    try:
        head = None
        if clinic_path.exists() and clinic_path.stat().st_size:
            conn = _open_file(clinic_path)
            try:
                head = _head(conn)
            except sqlite_files.ERRORS:
                head = None  # no audit trail in it yet
            finally:
                conn.close()
        _reset_both(f"sqlite:///{clinic_path.resolve()}", clinic_path, head, why, now,
                    only_if_kept=only_if_kept)
    except _TROUBLE:
        pass
