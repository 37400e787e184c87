"""R33 one package at a time: the roll-forward adds up, periods chain, and each figure is the
value (R3) of the uses concerned."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.liability import (Movements, PackageLife, liability_at, movements,
                                  refund_adjustment, steps, value_left)

D = date(2026, 1, 1)


def life(*, price=10000, uses=3, purchased=D, ended=None, ended_by=None, expiry=None,
         changes=(), before=0, uses_on=()) -> PackageLife:
    return PackageLife(1, 7, price, uses, purchased, ended, ended_by,
                       ((purchased, expiry), *changes), before, tuple(uses_on))


def day(n: int) -> date:
    return D + timedelta(days=n)


def test_r3_value_left_releases_the_remainder_cents_last():
    assert [value_left(10000, 3, k) for k in range(4)] == [10000, 6667, 3334, 0]
    assert value_left(10000, 3, 5) == 0


def test_r33_sale_use_and_undo_in_one_period():
    package = life(uses_on=[(day(2), None), (day(3), day(5))])
    moved = movements(package, D, day(10))
    assert moved == Movements(opening=0, sold=10000, redeemed=3333, closing=6667)
    assert [(s.on, s.sold, s.redeemed) for s in steps(package, D, day(10))] == [
        (day(0), 10000, 0), (day(2), 0, 3333), (day(3), 0, 3333), (day(5), 0, -3333)]


def test_r33_refund_releases_the_unredeemed_value_on_its_day():
    package = life(ended=day(4), ended_by="refunded", uses_on=[(day(1), None)])
    assert movements(package, day(2), day(9)) == Movements(opening=6667, refunded=6667)


def test_r33_void_is_its_own_movement():
    package = life(ended=day(1), ended_by="void")
    assert movements(package, D, day(3)) == Movements(sold=10000, voided=10000)


def test_r33_a_sale_voided_after_its_expiry_takes_its_breakage_back():
    """The sale never happened: its breakage is not the clinic's earning (R34), and the
    invoice's void takes back the whole price (R35), so "voided" is the whole price."""
    package = life(expiry=day(10), ended=day(20), ended_by="void")
    assert movements(package, D, day(15)) == Movements(sold=10000, expired=10000)
    assert movements(package, day(16), day(30)) == Movements(voided=10000, expired=-10000)
    assert movements(package, D, day(30)) == Movements(sold=10000, voided=10000)


def test_r33_a_sale_voided_after_a_use_takes_the_use_back_too():
    package = life(ended=day(5), ended_by="void", uses_on=[(day(2), None)])
    assert movements(package, day(3), day(9)) == Movements(
        opening=6667, redeemed=-3333, voided=10000)
    assert movements(package, D, day(9)) == Movements(sold=10000, voided=10000)


def test_r13_r33_uses_expire_the_day_after_the_expiry_date():
    package = life(expiry=day(30), uses_on=[(day(3), None)])
    assert liability_at(package, day(30)) == 6667  # the expiry day itself is valid
    assert movements(package, day(31), day(31)) == Movements(opening=6667, expired=6667)


def test_r33_an_extension_after_expiry_reinstates_the_uses():
    package = life(expiry=day(10), changes=[(day(20), day(60))])
    assert movements(package, day(11), day(19)) == Movements(opening=10000, expired=10000)
    assert movements(package, day(20), day(70)) == Movements(reinstated=10000, expired=10000)


def test_r34_refund_adjustment_is_value_released_less_the_cancelled_line():
    assert refund_adjustment(6667, 6667) == 0
    assert refund_adjustment(6667, 0) == 6667  # paid in full, refunded nothing: earned
    assert refund_adjustment(0, 3000) == -3000  # expired first, then refunded


events = st.lists(st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 50))),
                  max_size=6)


@st.composite
def lives(draw) -> PackageLife:
    uses = draw(st.integers(1, 6))
    price = draw(st.integers(0, 50000))
    purchased = day(draw(st.integers(0, 20)))
    ended = draw(st.one_of(st.none(), st.integers(0, 50)))
    expiry = draw(st.one_of(st.none(), st.integers(0, 60)))
    changes = draw(st.lists(st.tuples(st.integers(0, 60),
                                      st.one_of(st.none(), st.integers(0, 80))), max_size=3))
    uses_on = [(day(a), None if b is None else day(max(a, b))) for a, b in draw(events)]
    return life(price=price, uses=uses, purchased=purchased,
                ended=None if ended is None else max(purchased, day(ended)),
                ended_by=draw(st.sampled_from(["refunded", "void"])),
                expiry=None if expiry is None else day(expiry),
                changes=[(day(a), None if b is None else day(b))
                         for a, b in sorted(changes, key=lambda c: c[0])],
                uses_on=uses_on[: uses])


def adds_up(m: Movements) -> bool:
    return m.closing == (m.opening + m.sold - m.redeemed - m.refunded - m.voided - m.expired
                         + m.reinstated)


@settings(max_examples=300, deadline=None)
@given(lives(), st.integers(0, 60), st.integers(0, 30), st.integers(0, 30))
def test_r33_any_period_adds_up_and_adjacent_periods_chain(package, a, b, c):
    start, middle, end = day(a), day(a + b), day(a + b + c)
    first, second = movements(package, start, middle), movements(package, middle + timedelta(1),
                                                                 end)
    assert adds_up(first) and adds_up(second)
    assert first.closing == second.opening
    whole = movements(package, start, end)
    for name in ("sold", "redeemed", "refunded", "voided", "expired", "reinstated"):
        assert getattr(whole, name) == getattr(first, name) + getattr(second, name)
