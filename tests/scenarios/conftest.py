"""Scenario fixtures: the shared catalogue plus the templates the SPEC's examples talk about."""

from __future__ import annotations

import pytest


@pytest.fixture
def shop(clinic, catalog):
    """`catalog` plus "3 Massages" ($100 over 3 uses, no tax, no expiry: R3/R26's example),
    a second patient, and a second no-show fee."""
    ids = dict(catalog)
    ids["three_massages"] = clinic.catalog.add_package_template(
        "3 Massages", price=10000, uses=3, eligible={ids["massage"]: 0}, validity=None)
    ids["other_patient"] = clinic.patients.add("Tom", "Reid", phone="902-555-0199")
    ids["late_fee"] = clinic.settings.add_no_show_fee("Late cancellation", 2500)
    return ids
