"""The Packages section (R10): the patient's packages that can cover this visit, as the
service lists them, its first one pre-selected; the desk can untick "Use a package". A
package whose every use is held by booked visits (R11) is named, not offered."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QGroupBox, QLabel, QRadioButton,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.services.packages import PackageSummary
from app.services.package_text import uses_phrase

from ..formats import Formats
from .membership_choices import membership_label, membership_note


def details_text(package: PackageSummary, pays: int | None, f: Formats) -> str:
    parts = [uses_phrase(package, f.locale)]
    if pays is not None:
        parts.append(_("patient pays {amount}").format(amount=f.money(pays)))
    return " · ".join(parts)


def _membership_button(number: int) -> int:
    """A membership's button id from its id, and back: below -1, which Qt keeps for "give
    this button an id of your own"."""
    return -number - 1


class PackageChoices(QGroupBox):
    changed = Signal()

    def __init__(self, formats: Formats, parent: QWidget | None = None, *,
                 optional: bool = True):
        super().__init__(_("Packages"), parent)
        self._f = formats
        self._optional = optional
        self.use = QCheckBox(_("&Use a package"))
        self.use.setChecked(True)
        self.use.setVisible(optional)
        self.use.toggled.connect(self._use_toggled)
        self.group = QButtonGroup(self)
        self.group.idToggled.connect(lambda _id, on: on and self.changed.emit())
        self.buttons: dict[int, QRadioButton] = {}
        self._notes: list[QLabel] = []
        self._held: list[QLabel] = []  # not choices: never greyed with "Use a package"
        self._box = QVBoxLayout(self)
        self._box.addWidget(self.use)
        self.packages: list[PackageSummary] = []
        self.memberships: list = []  # MembershipChoice (app.services.membership_cover)

    def set_packages(self, packages: list[PackageSummary], pays: dict[int, int | None],
                     held: list[PackageSummary] = (), *,
                     shared_by: dict[int, str] | None = None, memberships=()) -> None:
        """Show these choices; keep the desk's pick if it is still offered, else the first.
        `held`: packages that would cover it but have every use booked, told as such.
        `shared_by`: package id -> its purchaser, for packages shared with this patient.
        `memberships`: the patient's memberships that can cover it, shown first and picked
        first (R43); their buttons' ids are negative (_membership_button)."""
        shared_by = shared_by or {}
        kept = self._checked()
        had_none = not self.packages
        for button in self.buttons.values():
            self.group.removeButton(button)
        for widget in [*self.buttons.values(), *self._notes, *self._held]:
            self._box.removeWidget(widget)
            widget.deleteLater()
        self.buttons, self._notes, self._held, self.packages = {}, [], [], list(packages)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self._add_choice(_membership_button(membership.id), membership_label(membership, self._f),
                             membership_note(membership, self._f))
        for package in packages:
            # Two packages can share a name; the purchase date tells them apart.
            button = QRadioButton(_("{package}, bought {date}").format(
                package=package.name, date=self._f.date(package.purchased_on))
                if package.id not in shared_by else
                _("{package}, bought {date} by {purchaser} (shared)").format(  # R37
                    package=package.name, date=self._f.date(package.purchased_on),
                    purchaser=shared_by[package.id]))
            button.setAccessibleDescription(details_text(package, pays.get(package.id),
                                                         self._f))
            note = QLabel(details_text(package, pays.get(package.id), self._f))
            note.setObjectName("note")
            note.setIndent(22)
            self.group.addButton(button, package.id)
            self._box.addWidget(button)
            self._box.addWidget(note)
            self.buttons[package.id] = button
            self._notes.append(note)
        for package in held:
            note = QLabel(_("\u201c{package}\u201d, bought {date}: {uses}").format(
                package=package.name, date=self._f.date(package.purchased_on),
                uses=uses_phrase(package, self._f.locale)))
            note.setObjectName("note")
            note.setWordWrap(True)
            self._box.addWidget(note)
            self._held.append(note)
        if packages or self.memberships:
            first = (_membership_button(self.memberships[0].id) if self.memberships
                     else packages[0].id)
            pick = kept if kept in self.buttons else first
            self.buttons[pick].setChecked(True)
            if had_none:
                self.use.setChecked(True)
        self._use_toggled(self.use.isChecked())
        self.use.setVisible(self._optional and bool(packages or self.memberships))
        self.setVisible(bool(packages) or bool(held) or bool(self.memberships))
        self.changed.emit()

    def chosen_id(self) -> int | None:
        """The package to apply, or None (a membership, or the standard price)."""
        checked = self._checked()
        return checked if checked is not None and checked > 0 else None

    def chosen_membership_id(self) -> int | None:
        """The membership to cover it (R43), or None."""
        checked = self._checked()
        return _membership_button(checked) if checked is not None and checked < 0 else None

    def chosen_membership(self):
        return next((m for m in self.memberships if m.id == self.chosen_membership_id()), None)

    def _checked(self) -> int | None:
        if not (self.packages or self.memberships) or not self.use.isChecked():
            return None
        checked = self.group.checkedId()
        return checked if checked in self.buttons else None

    def _add_choice(self, button_id: int, label: str, details: str) -> None:
        button = QRadioButton(label)
        button.setAccessibleDescription(details)
        note = QLabel(details)
        note.setObjectName("note")
        note.setIndent(22)
        self.group.addButton(button, button_id)
        self._box.addWidget(button)
        self._box.addWidget(note)
        self.buttons[button_id] = button
        self._notes.append(note)

    def chosen(self) -> PackageSummary | None:
        return next((p for p in self.packages if p.id == self.chosen_id()), None)

    def _use_toggled(self, on: bool) -> None:
        for widget in [*self.buttons.values(), *self._notes]:
            widget.setEnabled(on)
        self.changed.emit()
