"""A valid call of every method: the arguments each sweep starts from, changing one at a time.

Generic values come from the parameter's name (an id of the kind it names, an amount, a date,
a file in the case's out/ folder); OVERRIDES names what a method needs beyond that (the one
appointment that can be undone, the invoice that can be voided...). A new method gets the
generic values and is tried at once; its refusals of a valid call show in the results as
"valid call refused", the hint that it wants an override here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from .seed import DESK_PIN, MANAGER_PIN
from .surface import Param, Target
from .values import Ctx


class K(str):
    """A seed id by its key."""


def _report(ctx: Ctx):
    return ctx.clinic.reports.package_sales(date(2026, 1, 1), date(2026, 12, 31))


def _preview(ctx: Ctx):
    return ctx.clinic.csv.preview_import("patients", ctx.p("out/patients.csv"))


def _sale(ctx: Ctx):
    from app.services.sale_payment import PendingSale
    return PendingSale(ctx.ids["template"])


def _approval(ctx: Ctx):
    return ctx.clinic.auth.approve(ctx.ids["manager"], MANAGER_PIN, "refund a package")


GENERIC: dict[str, Any] = {
    "patient_id": K("patient"), "other_patient_id": K("other_patient"),
    "staff_id": K("manager"), "manager_staff_id": K("manager"),
    "treatment_type_id": K("massage"), "package_template_id": K("template"),
    "template_id": K("template"), "invoice_id": K("invoice_open"),
    "payment_id": K("payment_credit"), "refund_id": K("refund_payment"),
    "package_id": K("package"), "package_refund_id": K("package_refund"),
    "appointment_id": K("appointment"), "fee_id": K("fee"),
    "appointment_ids": lambda c: [c.ids["appointment"]],
    "invoice_ids": lambda c: [c.ids["invoice_open"], c.ids["package_invoice"]],
    "amount": 1000, "price": 9000, "counted_cash": "0", "cents": 1250,
    "name": "Test Name", "first_name": "Test", "last_name": "Person", "reason": "campaign",
    "text": "mar", "phone": "902-555-0199", "email": "t@example.com", "secret": "9753",
    "pin": MANAGER_PIN, "action": "refund a package", "actions": "refund a package",
    "on": date(2026, 3, 10), "day": date(2026, 3, 16), "expires_on": date(2026, 12, 31),
    "birth_date": date(1980, 5, 1), "start": date(2026, 1, 1), "end": date(2026, 12, 31),
    "method": "cash", "paper": "letter", "role": "front_desk", "kind": "patients",
    "table": "patients", "validity": "6m", "duration": 30, "duration_min": 30, "uses": 5,
    "limit": 10, "eligible": lambda c: {c.ids["massage"]: 0}, "tax_rate": "0.15",
    "default_tax_rate": "0.15", "address": "1 Harbour Rd", "notes": "a note",
    "tax_number": "987654321 RT0001", "tax_name": "HST", "currency": "CAD",
    "locale": "en_CA", "language": "en", "setup_complete": True, "active": True,
    "no_such_field": 1, "use_package": True, "report": _report, "preview": _preview,
    "sale": _sale, "approval": _approval,
}
DATETIME = {"start": datetime(2026, 3, 16, 11, 0), "end": datetime(2026, 3, 31, 0, 0)}
#: "service.method" -> arguments beyond (or instead of) the generic ones.
OVERRIDES: dict[str, dict[str, Any]] = {
    "auth.approve": {"pin": MANAGER_PIN},
    "auth.sign_in": {"staff_id": K("desk"), "secret": DESK_PIN},
    "auth.set_secret": {"staff_id": K("clerk")},  # someone else's: a manager's right
    "auth.check_can_set_secret": {"staff_id": K("clerk")},
    "auth.create_first_manager": {"secret": "9753"},
    "billing.apply_credit": {"invoice_id": K("invoice_open"), "amount": 1000},
    "billing.receive_payment": {"invoice_id": K("invoice_open")},
    "billing.refund_payment": {"payment_id": K("payment_credit")},
    "billing.void_invoice": {"invoice_id": K("other_invoice")},
    "schedule.apply_package": {"appointment_id": K("appointment_plain")},
    "schedule.undo_no_show": {"appointment_id": K("appointment_no_show")},
    "schedule.undo_arrival": {"appointment_id": K("appointment_arrived_open")},
    "schedule.can_undo": {"appointment_id": K("appointment_arrived_open")},
    "schedule.reschedule": {"start": datetime(2026, 3, 16, 14, 0)},
    "schedule.between": {"start": datetime(2026, 3, 1), "end": datetime(2026, 3, 31)},
    "schedule.first_free_slot": {"day": date(2026, 3, 16)},
    "packages.refund": {"amount": 10000},
    "packages.refund_offers": {"package_refund_id": K("package_refund")},
    "staff.update": {"staff_id": K("desk"), "name": "Ben O."},
    "staff.add": {"name": "New Person"},
    "settings.update_no_show_fee": {"amount": 4500},
    "settings.add_no_show_fee": {"name": "Late cancellation", "amount": 2500},
    "catalog.add_treatment_type": {"name": "Cupping", "price": 6000},
    "catalog.add_package_template": {"name": "5 Massages", "price": 40000},
    "catalog.update_treatment_type": {"treatment_type_id": K("massage")},
    "sale_payment.sell_and_pay": {"amount": 80000},
    "transfer.migrate_to": {"source": lambda c: c.clinic,
                            "target_url": lambda c: "sqlite:///" + c.p("out/server.db")},
    "backup.restore": {"source": lambda c: str(next((c.folder / "backups").glob("*.db")))},
    "csv.preview_import": {"path": lambda c: c.p("out/patients.csv")},
}
#: (method, swept parameter) -> other arguments for that sweep (OMIT: leave at its default),
#: where the valid call's own would hide what the swept one does.
OMIT = object()
SWEEP_WITH = {
    ("backup.create", "reason"): {"destination": OMIT},  # the reason names the file
    ("billing.receive_payment", "allocations"): {"invoice_id": OMIT},
}
EXTENSION = {"printing": "pdf", "csv": "csv", "backup": "db"}


def resolve(value: Any, ctx: Ctx) -> Any:
    if isinstance(value, K):
        return ctx.ids[str(value)]
    if callable(value) and not isinstance(value, type):
        return value(ctx)
    return value


def target_file(target: Target, ctx: Ctx) -> str:
    ext = EXTENSION.get(target.service, target.method.removeprefix("to_"))
    return ctx.p(f"out/target.{ext}")


def valid(target: Target, param: Param) -> Callable[[Ctx], Any] | None:
    """A valid value for `param` (a maker), or None to leave it at its default."""
    override = OVERRIDES.get(target.key, {})
    if param.name in override:
        return lambda ctx, v=override[param.name]: resolve(v, ctx)
    if param.kind == "path":
        return lambda ctx: target_file(target, ctx)
    if not param.required:
        return None
    if param.kind == "datetime" and param.name in DATETIME:
        return lambda ctx, v=DATETIME[param.name]: v
    if param.name in GENERIC:
        return lambda ctx, v=GENERIC[param.name]: resolve(v, ctx)
    if param.kind == "bool":
        return lambda ctx: True
    return lambda ctx: None  # unknown: the sweep shows what the method says


def valid_kwarg(target: Target, key: str) -> Callable[[Ctx], Any]:
    override = OVERRIDES.get(target.key, {})
    value = override.get(key, GENERIC.get(key))
    return lambda ctx: resolve(value, ctx)


def arguments(target: Target, ctx: Ctx, *, swap: tuple[str, Any] | None = None,
              kwarg: tuple[str, Any] | None = None) -> tuple[list, dict]:
    """The valid call, with one parameter swapped (or one **changes key given)."""
    args, kwargs = [], {}
    beside = SWEEP_WITH.get((target.key, swap[0] if swap else ""), {})
    for param in target.params:
        if param.kind == "skip" or beside.get(param.name, None) is OMIT:
            continue
        if swap is not None and param.name == swap[0]:
            value, given = swap[1], True
        else:
            maker = valid(target, param)
            given = maker is not None
            value = maker(ctx) if given else None
        if not given:
            continue
        if param.keyword or not param.required:
            kwargs[param.name] = value
        else:
            args.append(value)
    if target.kwargs:
        key, value = kwarg if kwarg is not None else (
            target.kwargs[0], valid_kwarg(target, target.kwargs[0])(ctx))
        kwargs[key] = value
    return args, kwargs
