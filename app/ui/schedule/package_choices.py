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


def details_text(package: PackageSummary, pays: int | None, f: Formats) -> str:
    parts = [uses_phrase(package, f.locale)]
    if pays is not None:
        parts.append(_("patient pays {amount}").format(amount=f.money(pays)))
    return " · ".join(parts)


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

    def set_packages(self, packages: list[PackageSummary], pays: dict[int, int | None],
                     held: list[PackageSummary] = (), *,
                     shared_by: dict[int, str] | None = None) -> None:
        """Show these choices; keep the desk's pick if it is still offered, else the first.
        `held`: packages that would cover it but have every use booked, told as such.
        `shared_by`: package id -> its purchaser, for packages shared with this patient."""
        shared_by = shared_by or {}
        kept = self.chosen_id()
        had_none = not self.packages
        for button in self.buttons.values():
            self.group.removeButton(button)
        for widget in [*self.buttons.values(), *self._notes, *self._held]:
            self._box.removeWidget(widget)
            widget.deleteLater()
        self.buttons, self._notes, self._held, self.packages = {}, [], [], list(packages)
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
        if packages:
            pick = kept if kept in self.buttons else packages[0].id
            self.buttons[pick].setChecked(True)
            if had_none:
                self.use.setChecked(True)
        self._use_toggled(self.use.isChecked())
        self.use.setVisible(self._optional and bool(packages))
        self.setVisible(bool(packages) or bool(held))
        self.changed.emit()

    def chosen_id(self) -> int | None:
        """The package to apply, or None for the standard price."""
        if not self.packages or not self.use.isChecked():
            return None
        checked = self.group.checkedId()
        return checked if checked in self.buttons else None

    def chosen(self) -> PackageSummary | None:
        return next((p for p in self.packages if p.id == self.chosen_id()), None)

    def _use_toggled(self, on: bool) -> None:
        for widget in [*self.buttons.values(), *self._notes]:
            widget.setEnabled(on)
        self.changed.emit()
