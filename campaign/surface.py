"""The attack surface, found by introspection: every public method of every service on the
Clinic facade, the report exports and transfer.migrate_to, with each parameter's kind read
from its name and annotation. A method added tomorrow is tried tomorrow, with no edit here."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

#: Keyword arguments a `**changes` method understands (it cannot say so itself).
KWARGS = {
    "patients.update": ("first_name", "last_name", "phone", "email", "birth_date", "notes",
                        "active", "no_such_field"),
    "settings.update": ("name", "address", "phone", "email", "tax_number", "tax_name",
                        "currency", "locale", "language", "paper", "default_tax_rate",
                        "setup_complete", "no_such_field"),
    "catalog.update_treatment_type": ("name", "duration_min", "price", "tax_rate", "active",
                                      "no_such_field"),
    "catalog.update_package_template": ("name", "price", "uses", "validity", "tax_rate",
                                        "no_such_field"),
}
ENTITY = {"patient_id": "patient", "other_patient_id": "patient", "to_patient_id": "patient",
          "staff_id": "staff", "manager_staff_id": "staff", "treatment_type_id": "treatment",
          "package_template_id": "template", "template_id": "template", "invoice_id": "invoice",
          "payment_id": "payment", "refund_id": "refund", "package_id": "package",
          "package_refund_id": "package_refund", "appointment_id": "appointment",
          "fee_id": "fee",
          # (schedule.eligible_packages: the appointment being moved, left out of the count;
          # swept as text before, so an existing appointment's id, 5, counted as a defect)
          "excluding": "appointment"}
MONEY = {"amount", "price", "counted_cash", "patient_pays", "collected"}
INTS = {"limit", "duration", "duration_min", "uses", "batch", "uses_used", "rollover_cap",
        "uses_per_period"}
ENUMS = {"method", "paper", "role", "kind", "table", "validity", "locale",
         "currency", "language", "format", "period", "refund_policy", "colour"}
DATES = {"on", "day", "expires_on", "birth_date", "purchased_on"}
RATES = {"tax_rate", "default_tax_rate"}
OBJECTS = {"report", "sale", "preview", "approval"}
SKIPPED = {"progress", "cancelled", "out", "err"}  # callbacks: code's, never typed
NAME_LIKE = {"name", "first_name", "last_name"}
#: Parameters that are read (a file to restore or import), not written.
SOURCES = {("backup", "restore", "source"), ("csv", "preview_import", "path")}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str           # id ids money cents int bool date datetime path url enum text rate
    #                     dict object package kwarg
    entity: str = ""    # for ids: what it names; for paths: "target" or "source"
    required: bool = True
    none_ok: bool = False  # None is a meaningful value (a default of None, or "| None")
    keyword: bool = False


@dataclass(frozen=True)
class Target:
    service: str         # "billing", "report_export", "transfer"
    method: str
    get: Callable[[Any], Callable]  # clinic -> the callable
    params: tuple[Param, ...]
    kwargs: tuple[str, ...] = ()    # for **changes

    @property
    def key(self) -> str:
        return f"{self.service}.{self.method}"


def kind_of(name: str, annotation: str, service: str = "", method: str = "") -> Param:
    ann = annotation.replace("'", "")
    if name in SKIPPED:
        return Param(name, "skip")
    if name == "package" and service == "schedule":
        return Param(name, "package")
    if name in ENTITY or name.endswith("_id"):
        return Param(name, "id", ENTITY.get(name, name[:-3]))
    if name.endswith("_ids"):
        return Param(name, "ids", name[:-4])
    if name == "cents":
        return Param(name, "cents")
    if name in MONEY:
        return Param(name, "money")
    if name in RATES:
        return Param(name, "rate")
    if name in INTS:
        return Param(name, "int")
    if ann == "bool" or name in {"practitioner", "use_package", "archived", "active",
                                 "setup_complete"} or name.startswith("include_"):
        return Param(name, "bool")
    if "datetime" in ann or (name in {"start", "end"} and service == "schedule"):
        return Param(name, "datetime")
    if "date" in ann or name in DATES or name in {"start", "end"}:
        return Param(name, "date")
    if name == "target_url":
        return Param(name, "url")
    if "PathLike" in ann or name in {"path", "destination"}:
        role = "source" if (service, method, name) in SOURCES else "target"
        return Param(name, "path", role)
    if name == "source":
        return Param(name, "object")
    if name in ENUMS:
        return Param(name, "enum")
    if name in {"eligible", "allocations"}:
        return Param(name, "dict")
    if name in OBJECTS:
        return Param(name, "object")
    return Param(name, "text")


def _params(function: Callable, service: str, method: str) -> tuple[tuple[Param, ...], bool]:
    out, var_kw = [], False
    for p in list(inspect.signature(function).parameters.values()):
        if p.name == "self":
            continue
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
            continue
        ann = p.annotation if isinstance(p.annotation, str) else getattr(
            p.annotation, "__name__", str(p.annotation))
        base = kind_of(p.name, "" if p.annotation is p.empty else str(ann), service, method)
        required = p.default is p.empty
        none_ok = (not required and p.default is None) or "None" in str(ann)
        out.append(Param(base.name, base.kind, base.entity, required, none_ok,
                         p.kind is p.KEYWORD_ONLY))
    return tuple(out), var_kw


def services(clinic) -> dict[str, Any]:
    """The facade's service objects by attribute name (clinic.billing, clinic.why_not...)."""
    from app.services.base import Service
    return {name: value for name, value in sorted(vars(clinic).items())
            if isinstance(value, Service)}


def targets(clinic) -> list[Target]:
    out = []
    for service, obj in services(clinic).items():
        for method, function in inspect.getmembers(type(obj), inspect.isfunction):
            if method.startswith("_"):
                continue
            params, var_kw = _params(function, service, method)
            key = f"{service}.{method}"
            out.append(Target(service, method,
                              lambda c, s=service, m=method: getattr(getattr(c, s), m),
                              params, KWARGS.get(key, ("no_such_field",)) if var_kw else ()))
    from app.services import transfer
    from app.services.reports import export as report_export
    for method, function in inspect.getmembers(report_export, inspect.isfunction):
        if (function.__module__ == report_export.__name__ and not method.startswith("_")
                and "report" in inspect.signature(function).parameters):
            params, _kw = _params(function, "report_export", method)
            out.append(Target("report_export", method,
                              lambda c, f=function: f, params))
    params, _kw = _params(transfer.migrate_to, "transfer", "migrate_to")
    out.append(Target("transfer", "migrate_to", lambda c: transfer.migrate_to, params))
    return out
