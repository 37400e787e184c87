"""Issue 22: the desk's audit anchor (R29) is moved by its own thread after each write, and
writes close together are folded into one move. What the anchor says must not change: the
newest entry, counted exactly, whether the moves were folded or made one by one, and a move
that fails must never stop the next."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

from sqlalchemy import text

from app.services import anchor_queue, audit_anchor


def _anchor(clinic) -> dict:
    anchor_queue.settle()
    return json.loads(audit_anchor.desk_file(clinic.db.url).read_text())["anchor"]


def _trail_end(clinic) -> tuple[int, str, int]:
    with clinic.db.read() as s:
        newest = s.execute(text("SELECT id, hash FROM audit_entries ORDER BY id DESC "
                                "LIMIT 1")).one()
        count = s.execute(text("SELECT count(*) FROM audit_entries")).scalar()
    return newest.id, newest.hash, count


def test_writes_in_a_burst_leave_the_anchor_on_the_newest_entry_counted_exactly(clinic):
    for n in range(40):  # faster than the thread moves it: several are folded into one
        clinic.patients.add("Burst", f"Number {n}")
    newest, digest, count = _trail_end(clinic)
    anchor = _anchor(clinic)
    assert (anchor["id"], anchor["hash"], anchor["count"]) == (newest, digest, count)


def test_writes_from_two_threads_of_one_desk_fold_without_losing_count(clinic):
    def add(who):
        for n in range(15):
            clinic.patients.add(who, f"Number {n}")

    threads = [threading.Thread(target=add, args=(who,)) for who in ("Front", "Back")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    newest, digest, count = _trail_end(clinic)
    anchor = _anchor(clinic)
    assert (anchor["id"], anchor["hash"], anchor["count"]) == (newest, digest, count)


def test_a_move_that_fails_does_not_stop_the_next(clinic, tmp_path):
    def broken(path, head):
        raise RuntimeError("a move that went wrong")

    clinic.patients.add("Before", "Failure")
    anchor_queue.settle()
    here = audit_anchor.Head(1, "a", 1, "2026-03-02 09:00:00")
    anchor_queue.move_after(tmp_path / "other.json", clinic.db,
                            {"after": (1, "a"), "appended": 1,
                             "last": SimpleNamespace(id=2, hash="b", at="2026-03-02")},
                            anchored=lambda: here, follow=audit_anchor._follow,
                            recount=None, place=broken)  # (follows on: the thread makes it)
    assert anchor_queue.settle()
    clinic.patients.add("After", "Failure")
    newest, _digest, count = _trail_end(clinic)
    anchor = _anchor(clinic)
    assert (anchor["id"], anchor["count"]) == (newest, count)


def _another_desks_entry(clinic) -> None:
    with clinic.db.write() as s:  # another desk's entry, as on a server: not this desk's
        s.execute(text("INSERT INTO audit_entries (at, staff_id, action, entity, entity_id, "
                       "before, after, prev_hash, hash) SELECT at, staff_id, 'other.desk', "
                       "entity, entity_id, '', '', hash, hash FROM audit_entries "
                       "ORDER BY id DESC LIMIT 1"))


def test_a_write_that_does_not_follow_the_anchor_counts_the_trail_as_it_commits(clinic):
    clinic.patients.add("First", "Write")
    anchor_queue.settle()
    _another_desks_entry(clinic)
    clinic.patients.add("Second", "Write")
    newest, _digest, count = _trail_end(clinic)
    # Cut the other desk's entry at once, before the thread has placed the anchor: the
    # count was asked as the write committed, so the anchor still counts it (counted a
    # moment later, it would have taken the cut entry as never there).
    with clinic.db.write() as s:
        s.execute(text("DELETE FROM audit_entries WHERE action = 'other.desk'"))
    anchor = _anchor(clinic)
    assert (anchor["id"], anchor["count"]) == (newest, count)
    assert _trail_end(clinic)[2] == count - 1


def test_writes_that_each_follow_another_desks_fold_into_one_placement(clinic, monkeypatch):
    """On a server every write of a desk may find other desks' entries before its own: each
    is counted as it commits, in the statement that reads the chain's end anyway, and the
    file is still replaced once, by the thread."""
    clinic.patients.add("First", "Write")
    anchor_queue.settle()
    placed = []
    real = audit_anchor._place
    monkeypatch.setattr(audit_anchor, "_place",
                        lambda *a, **k: (placed.append(a[2].id), real(*a, **k)))
    monkeypatch.setattr(anchor_queue, "MOVE_EVERY", 3600.0)  # (only settle() moves it)

    def asked_again(*_args):
        raise AssertionError("the write's own chain statement told how many came between")

    monkeypatch.setattr(audit_anchor, "_recount", asked_again)
    for n in range(5):
        _another_desks_entry(clinic)
        clinic.patients.add("Between", f"Others {n}")
    assert placed == []  # nothing replaced the file inside a write
    newest, _digest, count = _trail_end(clinic)
    anchor = _anchor(clinic)
    assert (anchor["id"], anchor["count"]) == (newest, count)
    assert placed == [newest]


def test_verify_waits_for_the_moves_it_checks_against(clinic):
    for n in range(10):
        clinic.patients.add("Checked", f"Number {n}")
    check = clinic.audit.verify()  # (reads the anchors: settles first)
    assert check.ok, check.sentences()
    newest, _digest, _count = _trail_end(clinic)
    assert check.last_id == newest
    assert _anchor(clinic)["id"] == newest
