"""The demo clinic: Harbourview Physiotherapy & Massage, Halifax NS (`clinicdesk --demo`).

`seed_demo(clinic)` fills an empty clinic file with a realistic, deterministic clinic: staff, a
catalogue, 40 patients, packages sold (paid in full, in part, or not yet), membership plans
with a few members and gift cards sold (extras.py), and two weeks of
appointments around `clinic.today()` (last week and this week). The past is replayed day by day
through the Clinic facade with the clock moved back, so every invoice, payment, redemption and
audit entry carries the time it would have happened at, and every rule (R9-R18) is applied by
the same services the desk uses. Nothing here writes to the database directly.

The package, by job: harbourview.py (the clinic itself: staff, catalogue, patients, packages),
plan.py (the two weeks' visits, placed in free slots) and replay.py (the plan done through the
services, in time order).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from ...i18n import _
from ..errors import NotAllowed
from .harbourview import (CLINIC, HOURS, OLIVIA, PACKAGES, PATIENTS, SEED, STAFF, TEMPLATES,
                          TREATMENTS, DemoClinic, pin_of, set_up)
from .extras import extra_events, set_up_plans
from .plan import plan_visits
from .replay import replay_events


def seed_demo(clinic) -> DemoClinic:
    """Build the demo clinic in an empty clinic file. Deterministic for a given clock."""
    if (clinic.staff.list(include_inactive=True) or clinic.patients.search("", limit=1)
            or clinic.catalog.treatment_types(include_inactive=True)):
        raise NotAllowed(_("The demo clinic can only be built in an empty clinic file; "
                           "delete the demo file to start it again."))
    rng = random.Random(SEED)
    real_clock = clinic._clock
    real_now = real_clock().replace(second=0, microsecond=0)
    today = real_now.date()
    # Last week and this week; at the weekend, "this week" is the one starting on Monday, so
    # there is always something booked ahead.
    anchor = today + timedelta(days=7 - today.weekday()) if today.weekday() >= 5 else today
    week_start = anchor - timedelta(days=anchor.weekday() + 7)
    demo = DemoClinic(week_start)
    moment = {"now": datetime.combine(week_start - timedelta(days=420), time(9))}
    previous_staff = clinic.current_staff_id

    def at(when: datetime) -> None:
        moment["now"] = max(moment["now"], min(when, real_now))

    clinic._clock = lambda: moment["now"]
    try:
        set_up(clinic, demo)
        set_up_plans(clinic, demo)
        visits = plan_visits(rng, week_start, today)
        events = replay_events(clinic, demo, rng, visits, week_start, real_now)
        extra_events(clinic, demo, visits, week_start, real_now,
                     lambda when, action: events.append((when, len(events), action)))
        clinic.auth.sign_in(demo.staff[OLIVIA], pin_of(OLIVIA))
        for when, _order, action in sorted(events, key=lambda e: (e[0], e[1])):
            if when > real_now:
                continue
            at(when)
            action()
        at(real_now)
        clinic.auth.sign_out()
        clinic.settings.update(setup_complete=True)
    finally:
        clinic._clock = real_clock
        clinic.current_staff_id = previous_staff
    demo.appointments.sort()
    return demo


__all__ = ["CLINIC", "HOURS", "PACKAGES", "PATIENTS", "SEED", "STAFF", "TEMPLATES", "TREATMENTS",
           "DemoClinic", "seed_demo"]
