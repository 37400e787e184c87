"""A package template's refund policy (R40): stored on the template, copied onto each package
at sale, followed by the suggested refund, and kept with the refund for its receipt."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain import refund_policy as domain
from app.domain.packages import refund_suggestion
from app.services import ValidationError
from app.services.integrity import ledger_problems
from app.services.refund_words import policy_name, words

from scenarios.support import refused


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def redeem(clinic, catalog, package, treatment="massage", days=(3,)):
    for day in days:
        clinic.schedule.arrive(clinic.schedule.book(
            catalog["patient"], catalog["ana"], catalog[treatment], datetime(2026, 3, day, 10),
            package=package))


def paid(clinic, catalog, template, amount=None):
    sale = clinic.billing.sell_package(catalog["patient"], template)
    total = clinic.billing.invoice(sale.invoice_id).total
    clinic.billing.receive_payment(catalog["patient"], total if amount is None else amount,
                                   "cash", invoice_id=sale.invoice_id)
    return sale.package_id


def template(clinic, catalog, policy, *, price=80000, uses=10, pays=0, treatment="massage"):
    return clinic.catalog.add_package_template(
        f"Pack {policy}", price=price, uses=uses, eligible={catalog[treatment]: pays},
        refund_policy=policy)


# the policy code (pure)

@pytest.mark.parametrize("code, policy", [
    ("pro_rata", domain.RefundPolicy()),
    ("standard_price", domain.RefundPolicy("standard_price")),
    ("pro_rata_fee:10:5000", domain.RefundPolicy("pro_rata_fee", 10, 5000)),
    ("pro_rata_fee:0:0", domain.RefundPolicy("pro_rata_fee", 0, 0)),
    ("pro_rata_fee:100:1", domain.RefundPolicy("pro_rata_fee", 100, 1)),
])
def test_r40_policy_codes_are_read_and_written_back(code, policy):
    assert domain.parse_policy(code) == policy
    assert policy.code == code


@pytest.mark.parametrize("code, field, limit", [
    ("refund_all", "refund_policy", None), ("", "refund_policy", None),
    (None, "refund_policy", None), ("pro_rata:5", "refund_policy", None),
    ("pro_rata_fee:101:5000", "fee_percent", 100), ("pro_rata_fee:-1:5000", "fee_percent", 100),
    ("pro_rata_fee:10:-1", "fee_cap", 0), ("pro_rata_fee:ten:5000", "fee_percent", None),
    ("pro_rata_fee:10", "fee_cap", None), ("pro_rata_fee:10:5.00", "fee_cap", None),
    ("pro_rata_fee:" + "9" * 40 + ":1", "refund_policy", None),
])
def test_r40_bad_policy_codes_name_the_field_and_the_limit(code, field, limit):
    with pytest.raises(domain.PolicyProblem) as caught:
        domain.parse_policy(code)
    assert (caught.value.field, caught.value.limit) == (field, limit)


def test_r40_the_fee_is_a_percent_of_the_remaining_value_capped():
    base = refund_suggestion(80000, 10, 0, collected=80000)
    capped = domain.suggest(domain.RefundPolicy("pro_rata_fee", 10, 5000), base)
    assert (capped.fee_uncapped, capped.fee, capped.amount) == (8000, 5000, 75000)
    under = domain.suggest(domain.RefundPolicy("pro_rata_fee", 5, 5000), base)
    assert (under.fee, under.amount) == (4000, 76000)
    everything = domain.suggest(domain.RefundPolicy("pro_rata_fee", 100, 10 ** 9), base)
    assert (everything.amount, everything.floored) == (0, False)


def test_r40_standard_price_never_goes_below_zero_nor_above_the_r28a_cap():
    base = refund_suggestion(80000, 10, 4, collected=80000)  # 4 uses given, worth $320
    uses = (domain.UsesAt(4, "Massage", 25000),)  # $1,000 of standard price
    over = domain.suggest(domain.RefundPolicy("standard_price"), base, uses)
    assert (over.amount, over.floored) == (0, True)
    cheap = domain.suggest(domain.RefundPolicy("standard_price"), base,
                           (domain.UsesAt(4, "Massage", 5000),))  # cheaper than the package
    assert (cheap.amount, cheap.capped) == (base.cap, True) == (48000, True)


# the catalogue

def test_r40_a_template_keeps_its_policy_and_a_sale_copies_it(clinic, catalog):
    fee = template(clinic, catalog, "pro_rata_fee:10:5000")
    assert clinic.catalog.package_template(fee).refund_policy == "pro_rata_fee:10:5000"
    assert clinic.catalog.package_template(catalog["ten_massages"]).refund_policy == "pro_rata"
    package = paid(clinic, catalog, fee)
    clinic.catalog.update_package_template(fee, refund_policy="pro_rata")
    assert clinic.catalog.package_template(fee).refund_policy == "pro_rata"
    # what was promised to the patient who bought stays: the fee still applies
    assert clinic.packages.suggested_refund(package) == 75000
    assert clinic.packages.suggested_refund(paid(clinic, catalog, fee)) == 80000


@pytest.mark.parametrize("code, field, words_", [
    ("pro_rata_fee:101:5000", "fee_percent", "from 0 to 100 %"),
    ("pro_rata_fee:10:-1", "fee_cap", "0 or more"),
    ("everything_back", "refund_policy", "Choose a refund policy"),
])
def test_r40_a_bad_policy_is_refused_with_nothing_written(clinic, catalog, code, field, words_):
    error = refused(clinic, ValidationError, clinic.catalog.add_package_template, "Bad",
                    price=10000, uses=3, eligible={catalog["massage"]: 0}, refund_policy=code,
                    match=words_)
    assert error.field == field
    error = refused(clinic, ValidationError, clinic.catalog.update_package_template,
                    catalog["ten_massages"], refund_policy=code, match=words_)
    assert error.field == field


# the suggestion and its record

def test_r40_standard_price_charges_each_use_given_at_the_treatments_price(clinic, catalog):
    package = paid(clinic, catalog, template(clinic, catalog, "standard_price"))
    redeem(clinic, catalog, package, days=(3, 4, 5, 6))
    suggestion = clinic.packages.refund_suggestion(package)
    assert suggestion.amount == 80000 - 4 * 9000
    assert words(suggestion.basis, money) == (
        "4 uses of Massage 60 min at $90.00 standard price = $360.00; "
        "collected $800.00 − $360.00 = $440.00")
    result = clinic.packages.refund(package, suggestion.amount)
    assert result.credit_created == 44000
    assert ledger_problems(clinic) == []


def test_r40_standard_price_does_not_charge_again_the_patient_pays_of_a_visit(clinic, catalog):
    # Physio is $85.00 + 15 % = $97.75; $10.00 + 15 % = $11.50 was billed at the visit.
    package = paid(clinic, catalog, template(clinic, catalog, "standard_price", price=24000,
                                             uses=3, pays=1000, treatment="physio"))
    redeem(clinic, catalog, package, treatment="physio", days=(3, 4))
    suggestion = clinic.packages.refund_suggestion(package)
    assert suggestion.amount == 24000 - 2 * (9775 - 1150)
    assert words(suggestion.basis, money) == (
        "2 uses of Physio follow-up at $97.75 standard price less $11.50 paid at each visit "
        "= $172.50; collected $240.00 − $172.50 = $67.50")


def test_r40_standard_price_over_what_was_collected_suggests_nothing(clinic, catalog):
    package = paid(clinic, catalog, template(clinic, catalog, "standard_price"))
    redeem(clinic, catalog, package, days=tuple(range(3, 12)))  # 9 × $90 = $810 > $800
    suggestion = clinic.packages.refund_suggestion(package)
    assert suggestion.amount == 0
    assert "is less than nothing, so $0.00" in words(suggestion.basis, money)


def test_r40_the_fee_words_and_its_cap(clinic, catalog):
    package = paid(clinic, catalog, template(clinic, catalog, "pro_rata_fee:10:5000"))
    redeem(clinic, catalog, package, days=(3, 4))
    suggestion = clinic.packages.refund_suggestion(package)
    assert suggestion.amount == 64000 - 5000
    assert words(suggestion.basis, money) == (
        "pro rata $640.00 (price × 8 ÷ 10) − cancellation fee $50.00 = $590.00. The fee is "
        "10 % of the $640.00 remaining value ($64.00), capped at $50.00.")
    assert policy_name("pro_rata_fee:10:5000", money) == (
        "Pro rata less a cancellation fee of 10 % of the remaining value, at most $50.00")


def test_r40_every_policy_stays_within_zero_and_what_was_collected(clinic, catalog):
    for day, code in enumerate(("pro_rata", "standard_price", "pro_rata_fee:0:0",
                                "pro_rata_fee:50:100000"), start=3):
        package = paid(clinic, catalog, template(clinic, catalog, code), amount=5000)
        redeem(clinic, catalog, package, days=(day,))
        suggestion = clinic.packages.refund_suggestion(package)
        assert 0 <= suggestion.amount <= suggestion.collected == 5000, code
        # the desk may still refund anything from 0 to what was collected (R26)
        assert clinic.packages.refund_limit(package) == 5000


def test_r40_the_receipt_says_what_the_dialog_said_even_after_prices_change(clinic, catalog):
    package = paid(clinic, catalog, template(clinic, catalog, "standard_price"))
    redeem(clinic, catalog, package, days=(3, 4))
    said = words(clinic.packages.refund_suggestion(package).basis, money)
    refund = clinic.packages.refund(package, 50000).package_refund_id  # overridden
    clinic.catalog.update_treatment_type(catalog["massage"], price=12000)
    receipt = clinic.packages.refund_receipt(refund)
    assert (receipt.amount, receipt.suggested) == (50000, 62000)
    assert words(receipt.basis, money) == said
    assert receipt.basis.policy == "standard_price"


def test_r40_pro_rata_packages_are_suggested_as_before(clinic, catalog):
    package = paid(clinic, catalog, catalog["ten_massages"])
    redeem(clinic, catalog, package, days=(3, 4, 5))
    suggestion = clinic.packages.refund_suggestion(package)
    assert (suggestion.amount, suggestion.basis.policy) == (56000, "pro_rata")
    assert words(suggestion.basis, money) == "$560.00  (price × 7 remaining ÷ 10 uses)"


@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_r40_the_package_refund_receipt_prints_the_policy_and_the_calculation(
        clinic, catalog, tmp_path, paper):
    from test_printing import pdf_text, plain

    package = paid(clinic, catalog, template(clinic, catalog, "pro_rata_fee:10:5000"))
    redeem(clinic, catalog, package, days=(3, 4))
    refund = clinic.packages.refund(package, 59000).package_refund_id
    # words only: a sentence wraps over lines of its cell
    text = " ".join(pdf_text(clinic.printing.package_refund_receipt_pdf(
        refund, tmp_path / "r.pdf", paper=paper)).split())
    for expected in ("Refund policy", "Pro rata less a cancellation fee of 10 % of the "
                     "remaining value, at most $50.00", "Suggested refund",
                     "pro rata $640.00 (price × 8 ÷ 10) − cancellation fee $50.00 = $590.00",
                     "capped at $50.00", "$590.00"):
        assert plain(expected) in text, expected
