"""R29, issue 15 item 3, on a server: several desks append to one audit trail, each keeping
its own anchor (app/services/audit_anchor.py), which is therefore only a lower bound: the
other desks' entries come after it. Two desk processes, each with its own config folder as
two computers would have, take payments at the same time; neither desk's anchor may call
the other's entries tampering, and a cut end is still seen.

(Needs a PostgreSQL server: `bash .ci/postgres .venv/bin/python -m pytest tests/pg`.)
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from datetime import datetime

import pytest
from sqlalchemy import text

from app.services import Clinic, anchor_queue, audit_anchor

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

PAYMENTS = 12
NOW = datetime(2026, 3, 2, 9, 0)


def _settled(path):
    """The desk's anchor file once the moves asked for are made (anchor_queue's thread)."""
    anchor_queue.settle()
    return path


def _desk(url: str, folder: str, patient: int, barrier) -> dict:
    """One computer at the desk: its own anchors, payments taken while the other desk takes
    its own; returns this desk's anchor file."""
    os.environ[audit_anchor.DESK_FOLDER_VARIABLE] = folder
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        for n in range(PAYMENTS):
            clinic.billing.receive_payment(patient, (n + 1) * 100, "cash")
        return json.loads(_settled(audit_anchor.desk_file(url)).read_text())
    finally:
        clinic.close()


def _count_upto(clinic, entry_id: int) -> int:
    with clinic.db.read() as s:
        return s.execute(text("SELECT count(*) FROM audit_entries WHERE id <= :id"),
                         {"id": entry_id}).scalar()


def test_r29_two_desks_anchors_do_not_call_each_others_entries_tampering(
        clinic, catalog, tmp_path, monkeypatch):
    folders = [tmp_path / "front-desk", tmp_path / "back-office"]
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        jobs = [pool.apply_async(_desk, (clinic.db.url, str(f), catalog["patient"], barrier))
                for f in folders]
        anchors = [job.get(timeout=180)["anchor"] for job in jobs]

    with clinic.db.read() as s:
        newest = s.execute(text("SELECT max(id) FROM audit_entries")).scalar()
    assert max(a["id"] for a in anchors) == newest  # one desk wrote the last entry,
    assert min(a["id"] for a in anchors) < newest  # the other's anchor is behind it
    for folder, anchor in zip(folders, anchors):
        # A lower bound, and an exact one: the other desk's entries before it are counted.
        assert anchor["count"] == _count_upto(clinic, anchor["id"])
        monkeypatch.setenv(audit_anchor.DESK_FOLDER_VARIABLE, str(folder))
        check = clinic.audit.verify()
        assert check.ok, check.sentences()

        # Verified whole, the trail's end is this desk's anchor from now on.
        assert json.loads(_settled(audit_anchor.desk_file(clinic.db.url)).read_text())["anchor"][
            "id"] == newest

    # The server's trail cut below both desks' anchors: each desk sees what it saw go.
    lowest = min(a["id"] for a in anchors)
    before = _count_upto(clinic, newest)
    with clinic.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id >= :id"), {"id": lowest})
    gone = before - _count_upto(clinic, newest)
    assert gone >= 2  # the lower desk's last entry, and the other desk's after it
    for folder in folders:
        monkeypatch.setenv(audit_anchor.DESK_FOLDER_VARIABLE, str(folder))
        check = clinic.audit.verify()
        assert [(lost.anchor.head.id, lost.missing) for lost in check.lost] == [(newest, gone)]
        assert any(r.kind == "payment" for r in check.unrecorded)
