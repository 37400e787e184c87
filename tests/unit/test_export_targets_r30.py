"""R30 (issue 15, item 1): no file the desk saves (PDF, CSV, Excel) can land on the clinic.

Every writer of a file the user names is given the clinic's own file, however spelled, its
-wal/-shm/-journal, its backups folder or a backup, a copy kept beside it, a link to any of
those: each is refused with a sentence on "path" before anything is written, and the clinic
file keeps every byte and still opens with the same rows. Bad file names (empty, a NUL byte,
a folder, a folder that cannot be made) are refusals too, not raw exceptions.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from app.services import file_targets
from app.services.reports import export as report_export, pdf as report_pdf
from app.services.errors import ValidationError


@pytest.fixture
def scene(clinic, catalog, clock):
    """A package sold, paid, used twice and refunded by Ana (a manager), and one backup: an
    invoice, a refund, a package refund and four reports to write out."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"], staff_id=catalog["ana"])
    payment = clinic.billing.receive_payment(patient, 80000, "debit",
                                             invoice_id=sale.invoice_id)
    for day in (3, 4):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                                    datetime(2026, 3, day, 10, 0)))
    clock.set(datetime(2026, 3, 10, 14, 30))
    clinic.current_staff_id = catalog["ana"]
    refunded = clinic.packages.refund(sale.package_id, 64000)
    refund = clinic.billing.refund_payment(payment, 64000,
                                           package_refund_id=refunded.package_refund_id)
    march = (date(2026, 3, 1), date(2026, 3, 31))
    ids = {"invoice": sale.invoice_id, "refund": refund,
           "package_refund": refunded.package_refund_id,
           "report": clinic.reports.package_usage(*march)}
    if clinic.path is not None:
        ids["backup"] = clinic.backup.create()
    return ids


def _report_writers():
    def report(write, **guard):
        return lambda clinic, s, path: write(s["report"], path, **guard)
    return {
        "report_export.to_csv": report(report_export.to_csv),
        "report_export.to_xlsx": report(report_export.to_xlsx),
        "report_export.to_pdf": report(report_export.to_pdf),
        "report_pdf.to_pdf": report(report_pdf.to_pdf),
    }


WRITERS = {
    "csv.export_table": lambda clinic, s, path: clinic.csv.export_table("patients", path),
    "printing.invoice_pdf": lambda clinic, s, path: clinic.printing.invoice_pdf(
        s["invoice"], path),
    "printing.refund_receipt_pdf": lambda clinic, s, path: clinic.printing.refund_receipt_pdf(
        s["refund"], path),
    "printing.package_refund_receipt_pdf":
        lambda clinic, s, path: clinic.printing.package_refund_receipt_pdf(
            s["package_refund"], path),
    "printing.batch_invoices_pdf": lambda clinic, s, path: clinic.printing.batch_invoices_pdf(
        [s["invoice"]], path),
    # without the clinic: a Report does not know it; every clinic open is protected anyway
    **_report_writers(),
    # as the Reports view calls them: with the report's clinic
    **{f"{name} (clinic=)": (lambda write: lambda clinic, s, path: write(
        s["report"], path, clinic=clinic))(write)
       for name, write in (("report_export.to_csv", report_export.to_csv),
                           ("report_export.to_xlsx", report_export.to_xlsx),
                           ("report_export.to_pdf", report_export.to_pdf))},
}


def state(clinic_file: Path) -> dict:
    """Every byte that matters of the clinic and its backups, and its rows through SQLite."""
    files = [clinic_file, Path(f"{clinic_file}-wal"), *sorted((clinic_file.parent /
                                                              "backups").glob("*"))]
    digests = {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}
    conn = sqlite3.connect(f"file:{clinic_file}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()
    assert rows["patients"] and rows["invoices"], "the scene has rows to lose"
    shm = Path(f"{clinic_file}-shm")
    return {"digests": digests, "rows": rows,
            "shm": shm.read_bytes()[:4] if shm.exists() else None}


def spellings(clinic_file: Path, backup: Path, monkeypatch) -> dict[str, str]:
    """Every way the desk could name a place of the clinic; some need links made first."""
    folder = clinic_file.parent
    backups = folder / "backups"
    os.symlink(clinic_file, folder / "link-to-clinic.pdf")
    os.symlink(backups, folder / "link-to-backups")
    os.link(clinic_file, folder / "hard-link.pdf")
    elsewhere = folder / "usb"
    elsewhere.mkdir()
    (elsewhere / "copy.db").write_bytes(backup.read_bytes())  # a backup saved elsewhere
    (folder / "clinic.before-0007-20260301.db").write_bytes(b"migration copy")
    monkeypatch.chdir(backups)
    return {
        "itself": str(clinic_file),
        "relative": "../clinic.db",
        "dot-dot": str(backups / ".." / "clinic.db"),
        "dot-slash": str(folder / "." / "clinic.db"),
        "symlink": str(folder / "link-to-clinic.pdf"),
        "hard link": str(folder / "hard-link.pdf"),
        "-wal": f"{clinic_file}-wal",
        "-shm": f"{clinic_file}-shm",
        "-journal": f"{clinic_file}-journal",
        "relative -wal": "../clinic.db-wal",
        "backups folder": str(backups),
        "backups folder, relative": ".",
        "a backup": str(backup),
        "a backup, relative": backup.name,
        "a new file in backups": str(backups / "report.pdf"),
        "a file in backups through a link": str(folder / "link-to-backups" / "report.pdf"),
        "a backup saved elsewhere": str(elsewhere / "copy.db"),
        "a migration copy": str(folder / "clinic.before-0007-20260301.db"),
    }


@pytest.mark.sqlite_only(reason="the clinic's own file and its backups")
@pytest.mark.parametrize("writer", list(WRITERS))
def test_r30_no_writer_writes_over_the_clinic_its_side_files_or_its_backups(
        clinic, scene, writer, monkeypatch):
    clinic_file = clinic.path
    places = spellings(clinic_file, scene["backup"], monkeypatch)
    before = state(clinic_file)
    backups_before = sorted(p.name for p in (clinic_file.parent / "backups").iterdir())
    written = []
    for name, place in places.items():
        try:
            WRITERS[writer](clinic, scene, place)
        except ValidationError as refusal:
            assert refusal.field == "path", name
            assert place in str(refusal), (name, str(refusal))
        else:
            written.append(name)
    assert written == [], f"{writer} wrote over: {written}"
    assert state(clinic_file) == before
    assert sorted(p.name for p in (clinic_file.parent / "backups").iterdir()) == backups_before
    assert not Path(f"{clinic_file}-journal").exists()
    assert not list(clinic_file.parent.rglob("*.part"))
    # and the clinic still works, with its rows; and the writer writes an ordinary file
    assert clinic.patients.get(clinic.patients.search("maria")[0].id).last_name == "Lopez"
    out = clinic_file.parent / "exports" / "out.file"
    out.parent.mkdir()
    WRITERS[writer](clinic, scene, out)
    assert out.stat().st_size > 0 and not file_targets._is_database(out)


@pytest.mark.sqlite_only(reason="the clinic's own file")
def test_r30_a_name_in_another_case_is_refused_where_the_disk_ignores_case(
        clinic, scene, monkeypatch):
    """On Windows and macOS "CLINIC.DB" is the clinic file: the comparison follows the disk.
    This disk tells case apart, so it is asked as one that does not would answer."""
    folder = clinic.path.parent
    probe = folder / "Probe.txt"
    probe.write_text("x")
    assert file_targets._ignores_case(clinic.path) == (folder / "PROBE.TXT").exists()
    monkeypatch.setattr(file_targets, "_ignores_case", lambda database: True)
    before = state(clinic.path)
    for place in ("CLINIC.DB", "Clinic.db-WAL", "clinic.DB-shm", "BACKUPS/x.csv",
                  "Backups", "CLINIC.BEFORE-0001.db"):
        for write in ("csv.export_table", "printing.invoice_pdf", "report_export.to_xlsx"):
            with pytest.raises(ValidationError) as refusal:
                WRITERS[write](clinic, scene, folder / place)
            assert refusal.value.field == "path"
    assert state(clinic.path) == before


def test_r30_windows_spellings_of_the_clinic_are_the_clinic(tmp_path, monkeypatch):
    """Windows' own rule (ntpath.normcase: no case, "/" is "\\") decides, as it does there."""
    import ntpath

    database = tmp_path / "Clinic" / "clinic.db"
    files = file_targets._ClinicFiles(database, database.parent / "backups")
    monkeypatch.setattr(os.path, "normcase", ntpath.normcase)
    for place in ("CLINIC.DB", "Clinic.DB-Wal", "BACKUPS", "Backups/old.db",
                  "clinic.Before-0001.db"):
        assert files.refusal(tmp_path / "CLINIC" / place, place, "the PDF"), place
    for place in ("clinic.pdf", "backups.csv", "clinic.db.csv"):
        assert files.refusal(tmp_path / "clinic" / place, place, "the PDF") is None, place


@pytest.mark.parametrize("writer", list(WRITERS))
def test_r30_bad_file_names_are_refusals_naming_the_field(clinic, scene, writer, tmp_path):
    (tmp_path / "a file").write_text("in the way")
    os.mkfifo(tmp_path / "pipe")  # (a device node, like /dev/null, would be replaced too)
    bad = {
        "": "the file name is empty",
        "   ": "the file name is empty",
        str(tmp_path / "nul\x00.pdf"): "a null character",
        str(tmp_path): "is a folder",
        str(tmp_path / "a file" / "out.pdf"): "is a file, not a folder",
        str(tmp_path / "pipe"): "is not an ordinary file",
    }
    for place, words in bad.items():
        with pytest.raises(ValidationError) as refusal:
            WRITERS[writer](clinic, scene, place)
        assert refusal.value.field == "path" and words in str(refusal.value), (place, writer)
    with pytest.raises(ValidationError):
        WRITERS[writer](clinic, scene, None)
    assert (tmp_path / "a file").read_text() == "in the way"
    assert not list(tmp_path.rglob("*.part"))


def test_r30_a_folder_that_cannot_be_made_is_refused_and_a_missing_one_by_the_printers(
        clinic, scene, tmp_path, monkeypatch):
    missing = tmp_path / "no such folder" / "out.pdf"
    for writer in ("csv.export_table", "printing.invoice_pdf"):
        with pytest.raises(ValidationError, match="does not exist; choose another place"):
            WRITERS[writer](clinic, scene, missing)
    assert not missing.parent.exists()

    def cannot(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", cannot)
    with pytest.raises(ValidationError, match="could not be created \\(Permission denied\\)"):
        WRITERS["report_export.to_csv"](clinic, scene, missing)
    monkeypatch.undo()
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ValidationError, match="may not write in the folder"):
        WRITERS["report_export.to_xlsx"](clinic, scene, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
