"""Change Expiry…: a new expiry date for a sold package, or none at all (R23, R24)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLabel, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.packages import PackageSummary

from ..date_fields import DateField
from ..formats import Formats
from ..forms import FormDialog, beside
from .keys import buttons_in_order, tab_order


class ExpiryDialog(FormDialog):
    def __init__(self, clinic: Clinic, package: PackageSummary, parent: QWidget | None = None):
        super().__init__(_("Change Expiry"), parent)
        self.clinic = clinic
        self.package = package
        formats = Formats(clinic)
        self.setMinimumWidth(420)

        intro = QLabel(_("\u201c{package}\u201d, purchased {date}. It can cover appointments "
                         "up to the end of its expiry day.").format(
                             package=package.name, date=formats.date(package.purchased_on)))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)

        # The clinic's long format, weekday and all ("Wednesday, September 30, 2026").
        self.expires_on = DateField(package.expires_on or clinic.today(), formats.locale,
                                    field="expires_on", label="expiry date", long=True,
                                    tell_on_leave=False)
        # Wide enough for the longest date of a year ("Wednesday, September 30, 2026"), not
        # only for today's: the weekday and month names differ in length.
        metrics = self.expires_on.fontMetrics()
        locale, long_format = self.expires_on.locale(), self.expires_on.displayFormat()
        start = QDate(2026, 1, 1)
        widest = max(metrics.horizontalAdvance(locale.toString(start.addDays(day), long_format))
                     for day in range(365))
        self.expires_on.setMinimumWidth(widest + 48)  # the frame and the calendar arrow
        # No minimum of the package's own: a date it cannot take is the service's to refuse.
        self.expires_on.setAccessibleName(_("Expiry date"))
        self.no_expiry = QCheckBox(_("&No expiry"))
        self.no_expiry.setToolTip(_("The package can be used for as long as it has uses left."))
        self.no_expiry.toggled.connect(self.expires_on.setDisabled)
        self.no_expiry.setChecked(package.expires_on is None)
        self.expires_on.setDisabled(package.expires_on is None)
        expires_label = QLabel(_("&Expires on:"))
        expires_label.setBuddy(self.expires_on)
        self.form.addRow(expires_label, beside(self.expires_on, self.no_expiry))
        self.ok_button.setText(_("Save Expiry"))
        self.fields = {"expires_on": self.expires_on}
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        tab_order(self.expires_on, self.no_expiry, *buttons_in_order(self.buttons))
        (self.no_expiry if package.expires_on is None else self.expires_on).setFocus()

    def chosen(self) -> date | None:
        return None if self.no_expiry.isChecked() else self.expires_on.value()

    def save(self) -> None:
        self.clinic.packages.set_expiry(self.package.id, self.chosen())

