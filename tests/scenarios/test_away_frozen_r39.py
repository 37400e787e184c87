"""R39 from the front desk: Maria is away for surgery. Her massage package is frozen, the
booking she had during that time is moved out of it first, bookings skip the package while
it is frozen, and when she is back it is unfrozen with its expiry moved on by the days it
was frozen; the books never count its uses as expired meanwhile."""

from __future__ import annotations

from datetime import date

from app.services import NotAllowed

from scenarios.support import at, counts, paid_sale, refused


def test_r39_away_for_surgery(clinic, catalog, clock):
    maria, ana, massage = catalog["patient"], catalog["ana"], catalog["massage"]
    sale, _ = paid_sale(clinic, maria, catalog["ten_massages"])  # Mar 2: expires Sep 2
    package = sale.package_id
    visit = clinic.schedule.book(maria, ana, massage, at("2026-08-20"))
    clinic.schedule.arrive(clinic.schedule.book(maria, ana, massage, at("2026-03-02", 15)))

    # She will be away from Aug 1; nobody knows for how long. Her Aug 20 visit is in the way.
    refused(clinic, NotAllowed, clinic.packages.freeze, package, date(2026, 8, 1),
            reason="Surgery", match="Aug 20, 2026")
    clinic.schedule.cancel(visit)
    rows = counts(clinic)
    clinic.packages.freeze(package, date(2026, 8, 1), reason="Surgery")
    assert counts(clinic)["package_freezes"] == rows["package_freezes"] + 1

    clock.set(at("2026-08-10"))
    summary = clinic.packages.summary(package)
    assert (summary.status, summary.uses_available) == ("frozen", 0)
    during = clinic.schedule.book(maria, ana, massage, at("2026-08-12"))
    assert clinic.schedule.appointment(during).package_id is None  # skipped, not applied
    refused(clinic, NotAllowed, clinic.schedule.apply_package, during, package,
            match="frozen from Aug 1, 2026 until it is unfrozen")

    # Past its old expiry (Sep 2) and still frozen: not expired, in the books either.
    clock.set(at("2026-09-30"))
    assert clinic.packages.summary(package).status == "frozen"
    books = clinic.reports.package_liability(date(2026, 9, 1), date(2026, 9, 30)).totals
    assert books["expired"] == 0 and books["closing"] == 72000  # nine uses of $80.00

    # Back on Oct 5: frozen Aug 1 to Oct 4, 65 days; Sep 2 + 65 days is Nov 6.
    clock.set(at("2026-10-05"))
    clinic.packages.unfreeze(package, date(2026, 10, 5))
    summary = clinic.packages.summary(package)
    assert (summary.status, summary.expires_on, summary.uses_available) == (
        "active", date(2026, 11, 6), 9)
    back = clinic.schedule.book(maria, ana, massage, at("2026-10-07"))
    assert clinic.schedule.appointment(back).package_id == package
    detail = clinic.packages.freezes(package)
    assert [(f.starts_on, f.ends_on, f.days, f.reason) for f in detail] == [
        (date(2026, 8, 1), date(2026, 10, 5), 65, "Surgery")]
    year = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 10, 31)).totals
    assert (year["expired"], year["reinstated"], year["closing"]) == (0, 0, 72000)
