"""Issue 15, item 4 (R30): the whole clinic is copied out of the desk only by a manager, as
exporting the patients table is: a backup to a folder of one's choice (a USB stick) and the
move to a server are refused to the front desk, in the same words, before anything is
written or any server is reached. The program's own copies in the clinic's backups folder
(daily, on close, before a restore, before a migration) stay open to anyone, or no one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.__main__ import main
from app.services import NotAllowed
from app.services.backup import integrity_problems
from app.services.transfer import TransferFailed, migrate_to

pytestmark = pytest.mark.sqlite_only(reason="backups and the move to a server start from a "
                                            "clinic file")

REFUSED_COPY = ("Only a manager can back up the clinic to a folder of your choice. Ask a "
                "manager to sign in and do it.")
REFUSED_MOVE = "Only a manager can copy the clinic to a server. Ask a manager to sign in and do it."
# A PostgreSQL server that cannot be there: a connection attempt would fail, not a refusal.
UNREACHABLE = "postgresql+psycopg://desk:secret@127.0.0.1:1/harbour"


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_front_desk_cannot_back_up_to_a_folder_of_their_choice(clinic, desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    backups_before = files_under(clinic.backup.folder)
    for target in (usb / "harbour.db", usb / "new-folder" / "harbour.db",
                   clinic.path.parent / "beside-the-clinic.db",
                   clinic.backup.folder / ".." / "escaped.db"):
        with pytest.raises(NotAllowed) as refused:
            clinic.backup.create(target)
        assert str(refused.value) == REFUSED_COPY
    assert files_under(usb) == []  # not even the folder it named was made
    assert not (clinic.path.parent / "beside-the-clinic.db").exists()
    assert not (clinic.path.parent / "escaped.db").exists()
    assert files_under(clinic.backup.folder) == backups_before


def test_the_refusal_is_the_same_as_the_patients_export(clinic, desk, tmp_path):
    with pytest.raises(NotAllowed) as export:
        clinic.csv.check_can_export("patients")
    with pytest.raises(NotAllowed) as copy:
        clinic.backup.create(tmp_path / "usb.db")
    sentence = re.compile(r"Only a manager can (.+)\. Ask a manager to sign in and do it\.")
    assert sentence.fullmatch(str(export.value)) and sentence.fullmatch(str(copy.value))
    assert type(export.value) is type(copy.value)


def test_the_refusal_reads_french_in_a_french_desk(clinic, desk, tmp_path, french):
    with pytest.raises(NotAllowed) as refused:
        clinic.backup.create(tmp_path / "usb.db")
    assert str(refused.value) == ("Seul un gestionnaire peut sauvegarder la clinique dans le "
                                  "dossier de votre choix. Demandez à un gestionnaire d\u2019ouvrir "
                                  "une session pour le faire.")
    with pytest.raises(NotAllowed) as refused:
        migrate_to(clinic, UNREACHABLE)
    assert str(refused.value).startswith("Seul un gestionnaire peut copier la clinique sur un "
                                         "serveur.")


def test_a_link_in_the_backups_folder_to_a_usb_stick_is_a_copy_out(clinic, desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    clinic.backup.folder.mkdir(parents=True, exist_ok=True)
    (clinic.backup.folder / "stick").symlink_to(usb, target_is_directory=True)
    with pytest.raises(NotAllowed) as refused:
        clinic.backup.create(clinic.backup.folder / "stick" / "harbour.db")
    assert str(refused.value) == REFUSED_COPY
    assert files_under(usb) == []


def test_the_front_desks_own_copies_in_the_backups_folder_still_work(clinic, desk, clock):
    daily = clinic.backup.daily_if_due()
    on_close = clinic.backup.create(reason="close")
    manual = clinic.backup.create()
    chosen = clinic.backup.create(clinic.backup.folder / "before-the-update.db")
    for made in (daily, on_close, manual, chosen):
        assert made.parent == clinic.backup.folder and integrity_problems(made) == []
    assert daily.name.endswith("-daily.db") and on_close.name.endswith("-close.db")
    clock.advance(days=1)
    assert clinic.backup.daily_if_due() is not None  # the next day's, for the front desk too


def test_no_one_signed_in_is_the_system_and_may_copy_anywhere(clinic, catalog, tmp_path):
    assert clinic.current_staff_id is None
    made = clinic.backup.create(tmp_path / "usb" / "harbour.db")
    assert integrity_problems(made) == []


def test_a_manager_may_back_up_anywhere(clinic, desk, tmp_path):
    clinic.auth.sign_in(desk["ana"], "2468")
    made = clinic.backup.create(tmp_path / "usb" / "harbour.db")
    assert made == tmp_path / "usb" / "harbour.db" and integrity_problems(made) == []


def test_a_managers_pin_approves_one_copy_for_the_front_desk(clinic, desk, tmp_path):
    approval = clinic.auth.approve(desk["ana"], "2468",
                                   "back up the clinic to a folder of your choice")
    with clinic.auth.approved(approval):
        made = clinic.backup.create(tmp_path / "usb" / "harbour.db")
    assert integrity_problems(made) == []
    with pytest.raises(NotAllowed):  # one action: gone once it is done
        clinic.backup.create(tmp_path / "usb" / "again.db")
    assert not (tmp_path / "usb" / "again.db").exists()
    # An approval of something else does not stretch to a copy out.
    void = clinic.auth.approve(desk["ana"], "2468", "void an invoice")
    with clinic.auth.approved(void), pytest.raises(NotAllowed):
        clinic.backup.create(tmp_path / "usb" / "other.db")
    assert sorted(p.name for p in (tmp_path / "usb").glob("*.db")) == ["harbour.db"]


def test_front_desk_cannot_move_the_clinic_to_a_server_and_none_is_reached(clinic, desk,
                                                                           tmp_path):
    # Refused before connecting: an unreachable server gives the role's sentence, not a
    # connection error; a reachable one (a new SQLite file here) is not even created.
    with pytest.raises(NotAllowed) as refused:
        migrate_to(clinic, UNREACHABLE)
    assert str(refused.value) == REFUSED_MOVE
    target = tmp_path / "server.db"
    with pytest.raises(NotAllowed) as refused:
        migrate_to(clinic, f"sqlite:///{target}")
    assert str(refused.value) == REFUSED_MOVE
    assert not target.exists()
    with pytest.raises(NotAllowed):
        migrate_to(clinic, "not a url at all")  # the role first, the URL's form after


def test_a_manager_or_an_approval_may_move_the_clinic(clinic, desk, tmp_path):
    approval = clinic.auth.approve(desk["ana"], "2468", "copy the clinic to a server")
    target = tmp_path / "server.db"
    with clinic.auth.approved(approval):
        report = migrate_to(clinic, f"sqlite:///{target}")
    assert report.audit_entries > 0
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM patients")) == 1
    finally:
        engine.dispose()
    clinic.auth.sign_in(desk["ana"], "2468")
    with pytest.raises(TransferFailed) as manager:
        migrate_to(clinic, UNREACHABLE)
    assert str(manager.value).startswith("ClinicDesk could not connect to")  # she may try


def test_the_command_line_is_the_files_owner_and_may_copy_and_move(clinic, desk, tmp_path,
                                                                   capsys):
    # A command run at the machine by the user who owns the file acts as the system.
    path = clinic.path
    clinic.close()
    copy = tmp_path / "usb" / "harbour.db"
    assert main(["--db", str(path), "backup", str(copy)]) == 0
    assert integrity_problems(copy) == []
    server = tmp_path / "server.db"
    assert main(["--db", str(path), "migrate-to", f"sqlite:///{server}"]) == 0
    engine = sa.create_engine(f"sqlite:///{server}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM patients")) == 1
    finally:
        engine.dispose()
