"""R41: every invoice line of a redeemed use says which use it was and what it left, as of
that use ("10 Massages: use 4 of 10, 6 left, expires September 2, 2026"), in the clinic's
language; the package statement lists each use, what is left and the expiry."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app import i18n
from app.services import ValidationError
from app.services.use_lines import UseAtTheTime, expiry_then, phrase

from unit.test_printing import A4, LETTER, ROLL_WIDTH, media_boxes, pdf_text, same_size


def arrive(clinic, catalog, day: int, *, staff="ana", hour=10) -> int:
    visit = clinic.schedule.book(catalog["patient"], catalog[staff], catalog["massage"],
                                 datetime(2026, 3, day, hour))
    clinic.schedule.arrive(visit)
    return clinic.schedule.appointment(visit).invoice_id


def use_line(clinic, invoice_id) -> str:
    [line] = clinic.billing.invoice(invoice_id).lines
    return line.use_line


@pytest.fixture
def massages(clinic, catalog):
    """10 Massages sold Mar 2, 2026 (expires Sep 2, 2026), signed in as Ana (a manager)."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id


def test_r41_the_line_says_which_use_and_what_it_left(clinic, catalog, massages):
    first = arrive(clinic, catalog, 3)
    assert use_line(clinic, first) == \
        "10 Massages: use 1 of 10, 9 left, expires September 2, 2026"
    sale = clinic.billing.invoice(clinic.packages.summary(massages).invoice_id)
    assert [line.use_line for line in sale.lines] == [""]  # the sale uses nothing


def test_r41_each_line_stays_true_to_its_own_use(clinic, catalog, massages, clock):
    invoices = [arrive(clinic, catalog, day) for day in (3, 4, 5, 6)]
    assert use_line(clinic, invoices[3]).startswith("10 Massages: use 4 of 10, 6 left")
    arrive(clinic, catalog, 9)  # use 5 changes nothing on use 4's invoice
    assert [use_line(clinic, i).split(", expires")[0] for i in invoices] == [
        "10 Massages: use 1 of 10, 9 left", "10 Massages: use 2 of 10, 8 left",
        "10 Massages: use 3 of 10, 7 left", "10 Massages: use 4 of 10, 6 left"]
    # an extension made later: the visit's invoice keeps the expiry the patient was told
    clock.advance(days=10)
    clinic.packages.set_expiry(massages, date(2026, 12, 31))
    assert use_line(clinic, invoices[3]) == \
        "10 Massages: use 4 of 10, 6 left, expires September 2, 2026"
    later = arrive(clinic, catalog, 16)
    assert use_line(clinic, later) == \
        "10 Massages: use 6 of 10, 4 left, expires December 31, 2026"


def test_r41_a_package_without_expiry_says_no_expires(clinic, catalog, massages):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                                 datetime(2026, 3, 5, 10))
    clinic.schedule.arrive(visit)
    line = use_line(clinic, clinic.schedule.appointment(visit).invoice_id)
    assert line == "3 Physio: use 1 of 3, 2 left"
    assert "expires" not in line


def test_r41_an_undone_use_says_so(clinic, catalog, massages):
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 3, 10))
    clinic.schedule.arrive(visit)
    invoice = clinic.schedule.appointment(visit).invoice_id
    clinic.schedule.undo_arrival(visit)
    assert use_line(clinic, invoice) == \
        "10 Massages: this use was undone and given back to the package"


def test_r41_the_line_in_french(clinic, catalog, massages, french):
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    invoice = arrive(clinic, catalog, 3)
    assert use_line(clinic, invoice) == \
        "10 Massages\u00a0: utilisation 1 sur 10, 9 restantes, expire le 2 septembre 2026"


def test_r41_numbers_and_dates_through_babel():
    use = UseAtTheTime("Massage 10-pack", 4, 10, date(2026, 7, 15))
    assert phrase(use, "en_CA") == "Massage 10-pack: use 4 of 10, 6 left, expires July 15, 2026"
    big = UseAtTheTime("Yoga", 1200, 2000, None)
    assert phrase(big, "en_CA") == "Yoga: use 1,200 of 2,000, 800 left"
    used_up = UseAtTheTime("Yoga", 10, 10, None)
    assert used_up.left == 0


def test_r41_the_expiry_in_force_at_the_use():
    changes = [(datetime(2026, 4, 1, 9), 1, date(2026, 9, 2)),
               (datetime(2026, 5, 1, 9), 2, date(2026, 10, 2))]
    current = date(2026, 12, 31)
    assert expiry_then(current, changes, datetime(2026, 3, 3)) == date(2026, 9, 2)
    assert expiry_then(current, changes, datetime(2026, 4, 15)) == date(2026, 10, 2)
    assert expiry_then(current, changes, datetime(2026, 6, 1)) == current
    assert expiry_then(None, [], datetime(2026, 6, 1)) is None


def test_r41_the_account_lists_each_invoices_uses(clinic, catalog, massages):
    first, second = arrive(clinic, catalog, 3), arrive(clinic, catalog, 4)
    uses = {i.id: i.uses for i in clinic.billing.account(catalog["patient"]).invoices}
    assert uses[first] == "10 Massages: use 1 of 10, 9 left, expires September 2, 2026"
    assert uses[second] == "10 Massages: use 2 of 10, 8 left, expires September 2, 2026"
    assert uses[clinic.packages.summary(massages).invoice_id] == ""
