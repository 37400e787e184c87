"""Every table model passes Qt's model tester, with rows of every kind it shows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.ui.formats import Formats, percent_text, rate_from_percent
from app.ui.models.appointments import AppointmentsModel
from app.ui.models.catalog import (NoShowFeesModel, PackageTemplatesModel, StaffModel,
                                   TreatmentTypesModel)
from app.ui.models.patients import PatientsModel


def check(qtmodeltester, model, rows) -> None:
    model.set_rows(rows)
    assert model.rowCount() == len(rows) > 0
    qtmodeltester.check(model)  # Qt's own QAbstractItemModelTester
    qtmodeltester.check(model, force_py=True)  # pytest-qt's, which also checks roles' types
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_catalog_models(qtmodeltester, clinic, catalog):
    formats = Formats(clinic)
    clinic.catalog.archive_package_template(catalog["three_physio"])
    clinic.staff.update(catalog["desk"], active=False)
    check(qtmodeltester, PackageTemplatesModel(formats),
          clinic.catalog.package_templates(include_archived=True))
    check(qtmodeltester, TreatmentTypesModel(formats),
          clinic.catalog.treatment_types(include_inactive=True))
    check(qtmodeltester, StaffModel(), clinic.staff.list(include_inactive=True))
    check(qtmodeltester, NoShowFeesModel(formats),
          clinic.settings.no_show_fees(include_inactive=True))


def test_patients_and_appointments_models(qtmodeltester, clinic, catalog):
    formats = Formats(clinic)
    clinic.patients.add("Ann", "Bell", birth_date="1970-01-31")
    check(qtmodeltester, PatientsModel(formats), clinic.patients.search(""))
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 2, 10))
    check(qtmodeltester, AppointmentsModel(formats),
          clinic.schedule.day(datetime(2026, 3, 2).date()))


def test_percent_fields_change_only_the_unit():
    assert rate_from_percent("13") == Decimal("0.13")
    assert rate_from_percent(" 14.975 % ") == Decimal("0.14975")
    assert rate_from_percent("5,5") == Decimal("0.055")
    assert rate_from_percent("") == ""
    assert rate_from_percent("abc") == "abc", "the service words its own refusal"
    assert percent_text(Decimal("0.13")) == "13"
    assert percent_text(Decimal("0.14975")) == "14.975"
    assert percent_text(Decimal("0")) == "0"
