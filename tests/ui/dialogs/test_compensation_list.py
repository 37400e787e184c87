"""R7: the double-compensation warning at sale lists every appointment it would unassign, all
of them in view (issue 14, item 16): the list is as tall as its rows, up to the screen."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.ui.dialogs.sale_dialog import CompensationDialog, SaleDialog

from ui.helpers import click
from ui.test_date_fields import the_desks_look  # noqa: F401  (the fixture)
from ui.dialogs.test_sale_dialog import pick_package, pick_staff


@pytest.mark.parametrize("visits", [8, 10])
def test_r7_every_covered_appointment_is_in_view(qtbot, clinic, catalog, shown, drive,
                                                 the_desks_look, visits):
    """8, and 10: as many as “10 Massages” covers (the list used to stop at 8 rows)."""
    upcoming = [clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                     datetime(2026, 3, 3 + day, 10, 0), package=None)
                for day in range(visits)]
    seen = {}

    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        pick_staff(d, "Ben Okafor")
        click(qtbot, d.ok_button)

    def decide(d: CompensationDialog) -> None:
        qtbot.waitExposed(d)
        view = d.appointments
        shown_area = view.viewport().rect()
        seen["rows"] = view.count()
        seen["hidden"] = [view.item(i).text() for i in range(view.count())
                          if not shown_area.contains(view.visualItemRect(view.item(i)))]
        seen["scrolls"] = view.verticalScrollBar().isVisible()
        seen["fits_screen"] = d.frameGeometry().height() <= d.screen().availableGeometry().height()
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    drive(CompensationDialog, decide)
    result = SaleDialog.ask(clinic, catalog["patient"])

    assert len(result.double_compensation) == visits
    assert seen == {"rows": visits, "hidden": [], "scrolls": False, "fits_screen": True}
    assert not any(clinic.schedule.appointment(a).compensate_staff for a in upcoming)
