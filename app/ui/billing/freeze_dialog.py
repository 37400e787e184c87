"""Freeze… and Unfreeze… on a package's show page (R39), and what the page says of freezes.

A freeze's end is the day the package can be used again: "from Mar 10 to Mar 20" freezes
Mar 10 to Mar 19, ten days, and moves the expiry on ten days. The dialog says so beside the
field, since a desk could read "to" as the last frozen day.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (QCheckBox, QDialogButtonBox, QLabel, QLineEdit, QPushButton,
                               QWidget)

from app.i18n import _, ngettext
from app.services import Clinic
from app.services.packages import PackageSummary

from ..date_fields import DateField
from ..dialogs.manager_approval import approved, mark
from ..formats import Formats
from ..forms import FormDialog, beside
from .keys import buttons_in_order, tab_order

#: The services' words for the manager-only action (app.services.freezes.FREEZE).
FREEZE = "freeze or unfreeze a package"


class FreezeDialog(FormDialog):
    def __init__(self, clinic: Clinic, package: PackageSummary, parent: QWidget | None = None):
        super().__init__(_("Freeze Package"), parent)
        self.clinic, self.package = clinic, package
        formats = Formats(clinic)
        self.setMinimumWidth(460)
        intro = QLabel(_("While \u201c{package}\u201d is frozen it covers no appointment. Its "
                         "expiry moves on by the days it is frozen.").format(
                             package=package.name))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        today = clinic.today()
        self.start = DateField(today, formats.locale, field="start",
                               label="freeze's first day", tell_on_leave=False)
        self.start.setAccessibleName(_("First frozen day"))
        self.end = DateField(today + timedelta(days=14), formats.locale, field="end",
                             label="freeze's end", tell_on_leave=False)
        self.end.setAccessibleName(_("Usable again on"))
        self.open_ended = QCheckBox(_("&Until unfrozen"))
        self.open_ended.setToolTip(_("No end yet: unfreeze the package when the patient is "
                                     "back. Its expiry is set then."))
        self.open_ended.toggled.connect(self.end.setDisabled)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. Travelling, surgery"))
        self.reason.setAccessibleName(_("Reason for the freeze"))
        start_label = QLabel(_("&Frozen from:"))
        start_label.setBuddy(self.start)
        end_label = QLabel(_("Usable &again on:"))
        end_label.setBuddy(self.end)
        self.form.addRow(start_label, self.start)
        self.form.addRow(end_label, beside(self.end, self.open_ended))
        self.form.addRow(_("&Reason:"), self.reason)
        self.ok_button.setText(_("Freeze"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.fields = {"start": self.start, "end": self.end, "reason": self.reason}
        tab_order(self.start, self.end, self.open_ended, self.reason,
                  *buttons_in_order(self.buttons))
        self.start.setFocus()

    def save(self) -> None:
        end = None if self.open_ended.isChecked() else self.end.value()
        self.outcome = self.clinic.packages.freeze(self.package.id, self.start.value(), end,
                                                   reason=self.reason.text())


class UnfreezeDialog(FormDialog):
    def __init__(self, clinic: Clinic, package: PackageSummary, parent: QWidget | None = None):
        super().__init__(_("Unfreeze Package"), parent)
        self.clinic, self.package = clinic, package
        formats = Formats(clinic)
        self.setMinimumWidth(420)
        intro = QLabel(_("\u201c{package}\u201d can be used again from this day; its expiry "
                         "moves on by the days from the freeze's first day to it.").format(
                             package=package.name))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.on = DateField(clinic.today(), formats.locale, field="on",
                            label="day it is unfrozen", tell_on_leave=False)
        self.on.setAccessibleName(_("Usable again on"))
        on_label = QLabel(_("Usable &again on:"))
        on_label.setBuddy(self.on)
        self.form.addRow(on_label, self.on)
        self.ok_button.setText(_("Unfreeze"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.fields = {"on": self.on}
        tab_order(self.on, *buttons_in_order(self.buttons))
        self.on.setFocus()

    def save(self) -> None:
        self.outcome = self.clinic.packages.unfreeze(self.package.id, self.on.value())


def buttons(page) -> tuple[QPushButton, QPushButton]:
    """The page's Freeze… and Unfreeze… buttons."""
    freeze = QPushButton(_("Free&ze…"))
    freeze.clicked.connect(lambda: _run(page, FreezeDialog))
    unfreeze = QPushButton(_("&Unfreeze…"))
    unfreeze.clicked.connect(lambda: _run(page, UnfreezeDialog))
    return freeze, unfreeze


def _run(page, dialog) -> None:
    if approved(page, page.clinic, FREEZE, lambda: dialog.ask(
            page, page.clinic, page.detail.summary)) is not None:
        page._changed()


def show_on(page) -> None:
    """The package's freezes on its page, and its expiry held while an open one lasts; the
    buttons offered when the services would do it, else their sentence says why."""
    clinic, f = page.clinic, page._f
    freezes = clinic.packages.freezes(page.package_id)
    lines = []
    for row in freezes:
        if row.ends_on is None:
            span = _("From {start} until unfrozen").format(start=f.date(row.starts_on))
            if page.detail.summary.expiry_held and row.expires_before:
                page._set("expires", _("Held while frozen (was {date}); it moves on by the "
                                       "days frozen").format(date=f.date(row.expires_before)))
        else:
            span = ngettext("{start} to {end} ({n} day)", "{start} to {end} ({n} days)",
                            row.days).format(start=f.date(row.starts_on),
                                             end=f.date(row.ends_on - timedelta(days=1)),
                                             n=row.days) if row.days else \
                _("Withdrawn on {date}").format(date=f.date(row.starts_on))
        lines.append(_("{span}: {reason}").format(span=span, reason=row.reason))
    page._set("frozen", "\n".join(lines))
    for button, text, refusal in (
            (page.freeze_button, _("Free&ze…"),
             clinic.packages.freeze_refusal(page.package_id)),
            (page.unfreeze_button, _("&Unfreeze…"),
             clinic.packages.unfreeze_refusal(page.package_id))):
        mark(clinic, FREEZE, button, text)
        button.setEnabled(refusal is None)
        if refusal:
            button.setToolTip(refusal)

