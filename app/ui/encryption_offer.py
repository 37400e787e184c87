"""Offering a manager, at start, to encrypt a plain clinic file, and to remove the plain copy
an encryption kept (issue 23, item 2). The work runs on the desk's worker behind a busy
window; the services decide and refuse."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import Clinic, clinic_key
from app.services.encryption import ENCRYPT

from . import msgbox
from .dialogs.backups import explain_failure, run_busy
from .dialogs.recovery_sheet import RecoverySheetDialog


def at_start(parent: QWidget | None, clinic: Clinic, *, demo: bool) -> None:
    """Once a manager has signed in: the plain copy left by an encryption, else the offer to
    encrypt (the demo's made-up patients are not asked about)."""
    if (demo or clinic.path is None or clinic.auth.current() is None
            or clinic.auth.needs_approval(ENCRYPT)):
        return  # (the services say who may: a manager, not the front desk)
    kept = clinic.encryption.plain_copy()
    if kept is not None:
        offer_removal(parent, clinic, kept.name, just_made=False)
    elif clinic.encryption.why_not_encrypt() is None:
        offer(parent, clinic)


def offer(parent: QWidget | None, clinic: Clinic) -> bool:
    answer = msgbox.show(
        parent, _("Encrypt the clinic file?"),
        _("The clinic file on this computer is not encrypted: anyone who copies it, or finds a "
          "backup stick, can read every patient's record with a common tool. Privacy laws "
          "for health records expect it to be encrypted.\n\nEncrypt it now? It takes a minute "
          "or so for a large clinic; you will print or save a recovery sheet first."),
        icon=msgbox.Icon.Question, buttons=msgbox.Button.Yes | msgbox.Button.No,
        default=msgbox.Button.Yes)
    return answer == msgbox.Button.Yes and encrypt(parent, clinic)


def encrypt(parent: QWidget | None, clinic: Clinic) -> bool:
    key = clinic_key.new_key()
    if not RecoverySheetDialog.ask(parent, clinic, key, can_cancel=True):
        return False
    try:
        kept = run_busy(parent, clinic, _("Encrypting"),
                        _("Encrypting the clinic file, then checking every row of the "
                          "encrypted copy…"),
                        lambda c: c.encryption.encrypt(key), write=True)
    except Exception as error:  # noqa: BLE001 - sorted just below
        if explain_failure(parent, error, _("Encryption")):
            return False
        raise
    offer_removal(parent, clinic, kept.name, just_made=True)
    return True


def offer_removal(parent: QWidget | None, clinic: Clinic, name: str, *, just_made: bool) -> None:
    first = (_("The clinic file is now encrypted.") if just_made else
             _("An encryption of the clinic file kept its unencrypted copy."))
    if not msgbox.confirm(parent, _("Remove the unencrypted copy?"), first + "\n\n" + _(
            "The copy \u201c{name}\u201d is kept beside it in case anything went wrong. Once "
            "the clinic looks right, remove the copy: it holds every patient's record "
            "unprotected.\n\nRemove it now? (If not, ClinicDesk asks again at the next "
            "start.)").format(name=name)):
        return
    try:
        run_busy(parent, clinic, _("Removing"), _("Overwriting and removing the unencrypted "
                                                  "copy…"),
                 lambda c: c.encryption.remove_plain_copy(), write=True)
    except Exception as error:  # noqa: BLE001 - sorted just below
        if not explain_failure(parent, error, _("Removal")):
            raise
