

def test_r44_a_move_onto_a_paused_day_is_refused_saying_what_to_do(clinic, catalog, member):
    visit = book(clinic, catalog, 305)
    clinic.memberships.pause(member, date(2026, 3, 16), date(2026, 3, 23))
    with pytest.raises(NotAllowed, match="paused on Mar 18, 2026.*Remove the membership from "
                                         "the appointment before moving it"):
        clinic.schedule.reschedule(visit, datetime(2026, 3, 18, 10))
    clinic.schedule.remove_membership(visit)
    clinic.schedule.reschedule(visit, datetime(2026, 3, 18, 10))  # then at the standard price
    assert clinic.schedule.appointment(visit).start == datetime(2026, 3, 18, 10)
