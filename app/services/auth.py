"""Signing in, locking, and who may do what (issue 7).

Secrets (PIN or password) are hashed with argon2id. Scripts and tests that open a clinic act
as "the system" with every right; the desk program always signs a staff member in, and then
manager-only actions are refused for front-desk staff with a sentence naming the role,
unless a manager approved that one action on the spot with their PIN (issue 14, item 10).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..i18n import N_, _
from ..models import Staff
from . import validation as v
from .base import Service
from .errors import NotAllowed, NotFound, ValidationError
from .manager_pins import require_manager_length
from .pin_lockout import PinLockouts, check_pin, staff_row_for_pin
from .staff import StaffRow, _row

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
ROLE_NAMES = {"front_desk": N_("front desk"), "manager": N_("manager")}
#: What the services refuse to non-managers, in the words of "Only a manager can ..."
#: (callers pass the English, or their own _() of it; require_manager translates).
MANAGER_ACTIONS = (
    N_("set staff PINs"), N_("restore a backup"), N_("change the clinic's settings"),
    N_("change no-show fees"), N_("add staff members"), N_("change staff members"),
    N_("refund a payment"), N_("void an invoice"), N_("change treatment types"),
    N_("change package templates"), N_("archive package templates"),
    N_("change a package's expiry date"), N_("refund a package"), N_("read the audit trail"),
    N_("change the chart of accounts"),
    # The journal names patients beside every amount of the period (R35): the books' own copy.
    N_("export the clinic's journal"),
    # Copies of the whole clinic out of the desk (issue 15, item 4): backup.COPY_OUT and
    # transfer.MOVE_TO_SERVER; a backup into the clinic's own backups folder is anyone's.
    N_("back up the clinic to a folder of your choice"), N_("copy the clinic to a server"),
    N_("reopen a closed day"),  # day_close.REOPEN (R32)
    N_("freeze or unfreeze a package"),  # freezes.FREEZE: it moves the expiry (R39)
    N_("transfer a package"),  # package_transfer.TRANSFER (R38)
    N_("cancel a membership"),  # memberships.CANCEL: it stops fees, releases visits (R44)
    N_("encrypt the clinic file"),  # encryption.ENCRYPT (issue 23)
)


def check_secret(secret: object, confirmation: object = None) -> str:
    """A PIN or password the desk may use; `confirmation` is the same typed a second time."""
    if not isinstance(secret, str) or len(secret) < 4:
        raise ValidationError("secret", _("The PIN or password must be at least {least} "
                                          "characters.").format(least=4))
    if len(secret) > 128:
        raise ValidationError("secret", _("The PIN or password can be at most {most} "
                                          "characters.").format(most=128))
    if not secret.strip():
        raise ValidationError("secret", _("The PIN or password cannot be only spaces."))
    if not secret.isprintable():
        raise ValidationError("secret", _("The PIN or password can hold only letters, digits, "
                                          "spaces and punctuation."))
    try:
        secret.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("secret", _("The PIN or password can hold only letters, digits, "
                                          "spaces and punctuation.")) from None
    if confirmation is not None and confirmation != secret:
        raise ValidationError("confirmation", _("The two PINs are not the same. Type the new "
                                                "PIN again in both fields."))
    return secret


@dataclass(frozen=True)
class Approval:
    """A manager's yes to one action of the staff member signed in when it was given."""
    manager_id: int
    manager_name: str
    staff_id: int | None  # the staff member it was given to, and no one else
    actions: tuple[str, ...]  # English, as in MANAGER_ACTIONS


def _pin_matches(row: Staff | None, secret: object) -> bool:
    if row is None or not row.active or not row.secret_hash or not isinstance(secret, str):
        return False
    try:
        return _hasher.verify(row.secret_hash, secret)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def _is_manager(row: Staff | None) -> bool:
    """An active manager: the one rule require_manager and needs_approval both ask."""
    return row is not None and row.role == "manager" and row.active


def _is_staff_id(value: object) -> bool:
    """A whole number SQLite can look up (bools, Decimals, huge ints are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _staff_id(value: object) -> int:
    if not _is_staff_id(value):
        raise NotFound("staff member", value)
    return value


class AuthService(PinLockouts, Service):
    def __init__(self, clinic):
        super().__init__(clinic)
        # Per thread: a worker thread's writes never borrow the desk's approval.
        self._local = threading.local()

    def needs_first_manager(self) -> bool:
        with self._db.read() as s:
            return not s.scalar(select(func.count(Staff.id)).where(
                Staff.role == "manager", Staff.secret_hash.is_not(None),
                Staff.active.is_(True)))

    def create_first_manager(self, name: str, secret: str, *, practitioner: bool = False,
                             confirmation: str | None = None) -> int:
        """The clinic's first manager, who then signs in. Checked before anything is saved,
        so a refusal adds no staff member."""
        if not self.needs_first_manager():
            raise NotAllowed(_("This clinic already has a manager; ask them to add you in "
                               "Settings > Staff."))
        check_secret(secret, confirmation)
        with self._db.read() as s:
            require_manager_length(s, secret, None)  # R50: before anyone is added
        v.name(name, "name", label="staff member's name")
        staff_id = self._clinic.staff.add(name, practitioner=practitioner, role="manager")
        self._store_secret(staff_id, secret)
        return staff_id

    def set_secret(self, staff_id: int, secret: str, *, confirmation: str | None = None
                   ) -> None:
        """Set a staff member's PIN. Anyone may change their own; only a manager (or the
        system, when no one is signed in) may set someone else's."""
        self.check_can_set_secret(staff_id)
        check_secret(secret, confirmation)
        self._store_secret(staff_id, secret)

    def check_can_set_secret(self, staff_id: int) -> None:
        """Refuse unless whoever is signed in may set this staff member's PIN (read-only, so
        the desk is told before typing one)."""
        _staff_id(staff_id)
        with self._db.read() as s:  # (so the desk is told there is no one before typing)
            v.get(s, Staff, staff_id, "staff member")
        if staff_id != self._clinic.current_staff_id:
            self.require_manager("set staff PINs")

    def _store_secret(self, staff_id: int, secret: str) -> None:
        digest = _hasher.hash(check_secret(secret))
        _staff_id(staff_id)
        with self._db.write() as s:
            row = v.get(s, Staff, staff_id, "staff member")
            if row.role == "manager":
                require_manager_length(s, secret, row.name)  # R50
            row.secret_hash, row.pin_length = digest, len(secret)
            self._audit(s, "staff.set_secret", "staff", row.id, None, {"secret": "changed"})

    def sign_in(self, staff_id: int, secret: str) -> StaffRow:
        """Refused while `staff_id` is locked out (R50), saying for how long; a wrong PIN
        is counted (and committed) before it is refused."""
        wrong = _("That name and PIN do not match. Try again.")
        with self._db.write() as s:
            row = staff_row_for_pin(s, staff_id) if _is_staff_id(staff_id) else None
            if row is None or not row.active or not row.secret_hash:
                raise NotAllowed(wrong)  # no one's PIN to count a miss against
            refusal = check_pin(self, s, row, secret, where="sign_in", wrong=wrong,
                                matches=_pin_matches)
            if refusal is None:
                if _hasher.check_needs_rehash(row.secret_hash):
                    row.secret_hash = _hasher.hash(secret)
                self._clinic.current_staff_id = row.id
                self._local.approval = None
                self._audit(s, "staff.sign_in", "staff", row.id)
                return _row(row)
        raise refusal  # after the commit: the miss is kept

    def sign_out(self) -> None:
        if self._clinic.current_staff_id is not None:
            with self._db.write() as s:
                self._audit(s, "staff.sign_out", "staff", self._clinic.current_staff_id)
        self._clinic.current_staff_id = None
        self._local.approval = None

    def can_sign_in(self) -> list[StaffRow]:
        with self._db.read() as s:
            return [_row(r) for r in s.scalars(select(Staff).where(
                Staff.active.is_(True), Staff.secret_hash.is_not(None)).order_by(Staff.name))]

    def current(self) -> StaffRow | None:
        if self._clinic.current_staff_id is None:
            return None
        return self._clinic.staff.get(self._clinic.current_staff_id)

    def require_manager(self, action: str) -> None:
        """Refuse `action` unless a manager (or the system) is acting."""
        _action_name(action)
        staff_id = self._clinic.current_staff_id
        if staff_id is None:
            return
        with self._db.read() as s:
            if _is_manager(s.get(Staff, staff_id)):
                return
        approval = self.approval_in_force()
        if approval is not None and _(action) in {_(a) for a in approval.actions}:
            return
        raise NotAllowed(_("Only a manager can {action}. Ask a manager to sign in and do it.")
                         .format(action=_(action)))

    # A manager's PIN on the spot, asked before the desk types anything (issue 14, item 10)
    def needs_approval(self, action: str) -> bool:
        """Whether `action` (English, from MANAGER_ACTIONS) needs a manager's PIN first: the
        one signed in is not a manager. The system (no one signed in) needs none."""
        _action_name(action)
        if action not in MANAGER_ACTIONS or self._clinic.current_staff_id is None:
            return False
        with self._db.read() as s:
            return not _is_manager(s.get(Staff, self._clinic.current_staff_id))

    def can_approve(self) -> list[StaffRow]:
        """The managers who could type their PIN at this desk."""
        return [r for r in self.can_sign_in() if r.role == "manager"]

    def approve(self, manager_staff_id: int, pin: str, actions: str | tuple[str, ...]
                ) -> Approval:
        """A manager's yes to `actions` (one action, or the steps of one): their PIN checked
        as at sign-in, a wrong one counted against the manager (R50). Nothing else is
        written: the approved action's audit entry names them."""
        actions = (actions,) if isinstance(actions, str) else actions
        if not isinstance(actions, tuple) or not all(isinstance(a, str) for a in actions):
            # Only code names actions (MANAGER_ACTIONS): a wrong one is a bug, not a refusal.
            raise TypeError("actions: an action's name or a tuple of them")  # i18n: not shown
        with self._db.write() as s:
            row = (staff_row_for_pin(s, manager_staff_id) if _is_staff_id(manager_staff_id)
                   else None)
            if row is None or not row.active:
                raise NotAllowed(_("Choose the manager who approves."))
            if row.role != "manager":
                raise NotAllowed(_("{name} is not a manager, so they cannot approve this. Ask "
                                   "a manager.").format(name=row.name))
            refusal = check_pin(self, s, row, pin, where="approval", matches=_pin_matches,
                                wrong=_("Wrong PIN for {name}: nothing was approved. Try "
                                        "again.").format(name=row.name))
            if refusal is None:
                return Approval(row.id, row.name, self._clinic.current_staff_id, actions)
        raise refusal  # after the commit: the manager's miss is kept

    @contextmanager
    def approved(self, approval: Approval) -> Iterator[Approval]:
        """`approval` in force for what runs inside, on this thread only; gone on exit."""
        if not isinstance(approval, Approval):  # (only code holds one: approve() made it)
            raise TypeError("approved() takes the Approval that approve() gave")  # i18n: not shown
        if approval.staff_id != self._clinic.current_staff_id:
            raise NotAllowed(_("That approval was given to someone else. Ask the manager "
                               "again."))
        before = getattr(self._local, "approval", None)
        self._local.approval = approval
        try:
            yield approval
        finally:
            self._local.approval = before

    def approval_in_force(self) -> Approval | None:
        """The approval of the action running now, if it is still the asker's."""
        approval = getattr(self._local, "approval", None)
        if approval is None or approval.staff_id != self._clinic.current_staff_id:
            return None
        return approval


def _action_name(action: object) -> None:
    # Actions are named by code (MANAGER_ACTIONS, or a sentence for the refusal), never
    # typed at the desk: another type is a bug, not a refusal for the receptionist.
    if not isinstance(action, str):
        raise TypeError("an action is named by a text")  # i18n: not shown
