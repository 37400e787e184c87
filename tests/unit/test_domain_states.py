"""The one table of states' names at the desk (issue 16)."""

from app.domain.states import (AppointmentStatus, InvoiceStatus, PackageStatus, PaymentMethod,
                               as_state, name_for, name_of)
import pytest

from app import i18n

KINDS = (AppointmentStatus, InvoiceStatus, PackageStatus, PaymentMethod)


@pytest.fixture
def french():
    i18n.set_language(i18n.FRENCH)
    yield
    i18n.set_language(i18n.ENGLISH)


def test_every_state_has_a_name_of_its_own():
    for kind in KINDS:
        names = [name_of(state) for state in kind]
        assert len(set(names)) == len(names)
        assert all(name[0].isupper() for name in names), names


def test_every_name_reads_in_french(french):
    """The names kept are the msgids the French catalogues already had ("No-show" from the
    packages' uses)."""
    untranslated = [name_of(state, lower=lower) for kind in KINDS for state in kind
                    for lower in (False, True)
                    if i18n._(name_of(state, lower=lower)) == name_of(state, lower=lower)]
    assert untranslated == []
    assert i18n._(name_of(AppointmentStatus.NO_SHOW)) == "Absence"
    assert i18n._(name_of(PackageStatus.USED_UP, lower=True)) == "épuisé"


def test_an_invoices_and_a_packages_void_are_named_apart_though_equal_codes():
    assert InvoiceStatus.VOID == PackageStatus.VOID
    assert name_of(InvoiceStatus.VOID) == "Void"
    assert name_of(PackageStatus.VOID, lower=True) == "void"
    assert name_of(InvoiceStatus.VOID, lower=True) == "Void"  # no lowercase column: its name


def test_the_report_file_keeps_its_lowercase_words():
    assert name_of(PackageStatus.USED_UP) == "Used up"
    assert name_of(PackageStatus.USED_UP, lower=True) == "used up"


def test_the_desk_says_no_show_one_way():
    assert name_of(AppointmentStatus.NO_SHOW) == "No-show"


def test_codes_from_the_database_are_named_and_unknown_ones_shown_as_they_are():
    assert as_state(PaymentMethod, "e_transfer") is PaymentMethod.E_TRANSFER
    assert name_for(PaymentMethod, "e_transfer") == "E-transfer"
    assert name_for(PaymentMethod, "barter") == "barter"
    assert name_of("barter") == "barter"
