"""Signing in, locking, and who may do what (issue 7).

Secrets (PIN or password) are hashed with argon2id. Scripts and tests that open a clinic act
as "the system" with every right; the desk program always signs a staff member in, and then
manager-only actions are refused for front-desk staff with a sentence naming the role.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..i18n import N_, _
from ..models import Staff
from . import validation as v
from .base import Service
from .errors import NotAllowed, NotFound, ValidationError
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


def _is_staff_id(value: object) -> bool:
    """A whole number SQLite can look up (bools, Decimals, huge ints are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _staff_id(value: object) -> int:
    if not _is_staff_id(value):
        raise NotFound("staff member", value)
    return value


class AuthService(Service):
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
        v.text(name, "name", label="staff member's name")
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
        if staff_id != self._clinic.current_staff_id:
            self.require_manager("set staff PINs")

    def _store_secret(self, staff_id: int, secret: str) -> None:
        digest = _hasher.hash(check_secret(secret))
        _staff_id(staff_id)
        with self._db.write() as s:
            row = v.get(s, Staff, staff_id, "staff member")
            row.secret_hash = digest
            self._audit(s, "staff.set_secret", "staff", row.id, None, {"secret": "changed"})

    def sign_in(self, staff_id: int, secret: str) -> StaffRow:
        with self._db.write() as s:
            row = s.get(Staff, staff_id) if _is_staff_id(staff_id) else None
            ok = False
            if row is not None and row.active and row.secret_hash and isinstance(secret, str):
                try:
                    ok = _hasher.verify(row.secret_hash, secret)
                except (VerificationError, InvalidHashError, UnicodeEncodeError):
                    ok = False
            if not ok:
                raise NotAllowed(_("That name and PIN do not match. Try again."))
            if _hasher.check_needs_rehash(row.secret_hash):
                row.secret_hash = _hasher.hash(secret)
            self._clinic.current_staff_id = row.id
            self._audit(s, "staff.sign_in", "staff", row.id)
            return _row(row)

    def sign_out(self) -> None:
        if self._clinic.current_staff_id is not None:
            with self._db.write() as s:
                self._audit(s, "staff.sign_out", "staff", self._clinic.current_staff_id)
        self._clinic.current_staff_id = None

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
        staff_id = self._clinic.current_staff_id
        if staff_id is None:
            return
        with self._db.read() as s:
            row = s.get(Staff, staff_id)
            if row is not None and row.role == "manager" and row.active:
                return
        raise NotAllowed(_("Only a manager can {action}. Ask a manager to sign in and do it.")
                         .format(action=_(action)))
