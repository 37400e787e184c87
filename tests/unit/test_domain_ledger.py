"""The invoice and payment arithmetic as pure functions (issue 16; R8, R18, R27, R28a)."""

from hypothesis import given
from hypothesis import strategies as st

from app.domain import ledger
from app.domain.states import InvoiceStatus

cents = st.integers(min_value=0, max_value=10_000_000)


def test_an_invoice_is_unpaid_then_partially_paid_then_paid():
    assert ledger.invoice_status(10000, 0, False) is InvoiceStatus.UNPAID
    assert ledger.invoice_status(10000, 1, False) is InvoiceStatus.PARTIALLY_PAID
    assert ledger.invoice_status(10000, 9999, False) is InvoiceStatus.PARTIALLY_PAID
    assert ledger.invoice_status(10000, 10000, False) is InvoiceStatus.PAID


def test_a_void_invoice_is_void_and_asks_for_nothing_whatever_was_paid():
    for paid in (0, 4000, 10000):
        assert ledger.invoice_status(10000, paid, True) is InvoiceStatus.VOID
        assert ledger.invoice_balance(10000, paid, True) == 0
        assert not ledger.can_pay(10000, paid, True)
    assert not ledger.can_void(True)
    assert ledger.can_void(False)


def test_a_zero_invoice_is_paid_and_takes_no_payment():
    """A package refunded in full leaves its sale invoice at $0.00 (R28a)."""
    assert ledger.invoice_status(0, 0, False) is InvoiceStatus.PAID
    assert ledger.invoice_balance(0, 0, False) == 0
    assert not ledger.can_pay(0, 0, False)


def test_the_status_is_its_code_for_the_database_and_exports():
    assert ledger.invoice_status(10000, 2500, False) == "partially paid"


def test_a_payments_unapplied_part_is_what_is_neither_applied_nor_refunded():
    assert ledger.unapplied(10000, 6000, 1000) == 3000
    assert ledger.unapplied(10000, 10000, 0) == 0


def test_credit_counts_only_payments_with_something_left():
    assert ledger.credit([3000, 0, 1500]) == 4500
    assert ledger.credit([]) == 0


def test_a_payment_goes_on_an_invoice_up_to_its_balance_only():
    assert ledger.payable(balance=4000, available=10000) == 4000
    assert ledger.payable(balance=4000, available=2500) == 2500
    assert ledger.payable(balance=0, available=2500) == 0


def test_a_refund_is_within_the_payments_unapplied_part_and_the_credit():
    assert ledger.refundable(3000, 5000) == 3000
    assert ledger.refundable(3000, 2000) == 2000


@given(total=cents, paid=cents, voided=st.booleans())
def test_paid_exactly_when_nothing_is_left_and_not_void(total, paid, voided):
    balance = ledger.invoice_balance(total, paid, voided)
    status = ledger.invoice_status(total, paid, voided)
    assert (status is InvoiceStatus.PAID) == (balance <= 0 and not voided)
    assert (status is InvoiceStatus.VOID) == voided
    assert ledger.can_pay(total, paid, voided) == (balance > 0)
    if not voided:
        assert balance == total - paid


@given(payments=st.lists(st.tuples(cents, cents, cents)))
def test_credit_is_the_sum_of_the_unapplied_parts_and_never_negative(payments):
    # As the ledger keeps them: applied + refunded never exceed the payment.
    parts = []
    for amount, applied, refunded in payments:
        applied = min(applied, amount)
        parts.append(ledger.unapplied(amount, applied, min(refunded, amount - applied)))
    assert all(part >= 0 for part in parts)
    assert ledger.credit(parts) == sum(parts) >= 0


@given(parts=st.lists(st.integers(min_value=-10_000, max_value=10_000)))
def test_credit_is_never_negative_even_from_a_bad_row(parts):
    assert ledger.credit(parts) >= 0


@given(balance=st.integers(min_value=-10_000, max_value=10_000), available=cents)
def test_what_goes_on_an_invoice_is_never_past_its_balance_nor_the_money(balance, available):
    share = ledger.payable(balance, available)
    assert 0 <= share <= available
    assert share <= max(balance, 0)
    assert share == min(max(balance, 0), available)
