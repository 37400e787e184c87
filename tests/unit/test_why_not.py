"""Offer only what can be done (R12, R25, R23; issue 14): the answer the screens ask before
the desk types anything is the very sentence the service refuses with."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.services import NotAllowed, NotFound

from scenarios.support import refused


@pytest.fixture
def sold(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])


def booked(clinic, catalog):
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                datetime(2026, 3, 5, 10, 0))


def test_r12_remove_package_is_offered_until_arrival_then_refused_in_the_same_words(
        clinic, catalog, sold):
    appointment = booked(clinic, catalog)
    assert clinic.why_not.remove_package(appointment) is None
    clinic.schedule.arrive(appointment)
    reason = clinic.why_not.remove_package(appointment)
    assert reason == ("This appointment has been arrived, so its package can no longer be "
                      "removed. Undo the arrival first.")
    error = refused(clinic, NotAllowed, clinic.schedule.remove_package, appointment)
    assert str(error) == reason


def test_r12_remove_package_without_a_package_or_when_cancelled(clinic, catalog, sold):
    appointment = booked(clinic, catalog)
    clinic.schedule.remove_package(appointment)
    assert clinic.why_not.remove_package(appointment) == \
        "This appointment has no package applied."
    clinic.schedule.apply_package(appointment, sold.package_id)
    clinic.schedule.cancel(appointment)
    reason = clinic.why_not.remove_package(appointment)
    assert reason == ("You can only remove a package from a booked appointment; this one is "
                      "cancelled.")
    assert str(refused(clinic, NotAllowed, clinic.schedule.remove_package,
                       appointment)) == reason


def test_r25_refund_is_offered_once_then_refused_in_the_same_words(clinic, catalog, sold):
    assert clinic.why_not.refund_package(sold.package_id) is None
    assert clinic.why_not.change_expiry(sold.package_id) is None
    clinic.packages.refund(sold.package_id, 0)
    for ask, call, args in (
            (clinic.why_not.refund_package, clinic.packages.refund, (0,)),
            (clinic.why_not.change_expiry, clinic.packages.set_expiry, (None,))):
        reason = ask(sold.package_id)
        assert reason and str(refused(clinic, NotAllowed, call, sold.package_id,
                                      *args)) == reason
    assert clinic.why_not.refund_package(sold.package_id) == \
        "The package \u201c10 Massages\u201d was already refunded."


def test_a_voided_package_is_neither_refunded_nor_given_a_new_expiry(clinic, catalog, sold):
    clinic.billing.void_invoice(sold.invoice_id, "Sold the wrong package")
    assert clinic.why_not.refund_package(sold.package_id) == \
        "The package \u201c10 Massages\u201d was already voided."
    assert "was voided" in clinic.why_not.change_expiry(sold.package_id)


def test_apply_credit_is_offered_only_on_an_owing_invoice_with_credit(clinic, catalog, sold):
    p = catalog["patient"]
    reason = clinic.why_not.apply_credit(sold.invoice_id)
    assert reason == "This patient has no credit to apply."
    assert str(refused(clinic, NotAllowed, clinic.billing.apply_credit, p,
                       sold.invoice_id)) == reason
    clinic.billing.receive_payment(p, 90000, "cash", allocations={})
    assert clinic.why_not.apply_credit(sold.invoice_id) is None
    clinic.billing.apply_credit(p, sold.invoice_id)
    reason = clinic.why_not.apply_credit(sold.invoice_id)
    assert reason == "Invoice #1 is already paid."
    assert str(refused(clinic, NotAllowed, clinic.billing.apply_credit, p,
                       sold.invoice_id)) == reason


def test_asking_about_an_unknown_record_is_refused(clinic):
    for ask in (clinic.why_not.remove_package, clinic.why_not.refund_package,
                clinic.why_not.apply_credit, clinic.why_not.change_expiry):
        with pytest.raises(NotFound):
            ask(999)
