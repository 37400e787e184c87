"""The generated cases: every method with a valid call in every role, then every parameter
with every hostile value of its kind (one at a time, the rest valid), signed in as a manager
(who may do everything, so the value itself is what gets tested)."""

from __future__ import annotations

import os
from . import baseline, expect
from . import values as hv
from .harness import Case, relative
from .surface import Param, Target, kind_of

#: Keys of **changes that may be cleared (None or empty means "no value").
CLEARABLE = {"birth_date", "email", "phone", "notes", "address", "tax_number", "tax_name",
             "validity"}
#: Method names that only read (used only when no valid call showed what a method does).
READS = ("get", "list", "search", "account", "invoice", "payment", "detail", "summary",
         "for_", "suggested", "refund_limit", "refund_offers", "refund_payments",
         "refund_receipt", "refund_suggestion", "refunds", "can_", "needs_", "check_",
         "eligible", "held", "upcoming", "usual", "between", "day", "appointment", "warnings",
         "patient_pays", "first_free", "entries", "verify", "tables", "export_columns",
         "sale_preview", "payment_preview", "format", "amount_text", "no_show_fees",
         "package_template", "treatment_type", "current", "approval", "approve", "approved",
         "package_sales", "package_usage", "outstanding", "compensation", "apply_credit_",
         "change_expiry", "remove_package_", "refund_package", "list")


def allowed_files(target: Target, ctx, args: list, kwargs: dict) -> set[str]:
    found = {relative(ctx.folder, v) for v in [*args, *kwargs.values()]}
    found.discard(None)
    if target.service in ("backup", "transfer"):
        found.add("backups/")
    return found


def _has_path(target: Target) -> bool:
    return any(p.kind in ("path", "url") for p in target.params)


def _prepare(target: Target, swap=None, kwarg=None):
    def prepare(ctx):
        made_swap = (swap[0], swap[1].make(ctx)) if swap else None
        made_kwarg = (kwarg[0], kwarg[1].make(ctx)) if kwarg else None
        args, kwargs = baseline.arguments(target, ctx, swap=made_swap, kwarg=made_kwarg)
        function = target.get(ctx.clinic)
        return (lambda: function(*args, **kwargs)), allowed_files(target, ctx, args, kwargs)
    return prepare


def role_cases(targets: list[Target]) -> list[Case]:
    out = []
    for target in targets:
        for role in expect.ROLES:
            refuse, why = expect.role_refusal(target, role)
            out.append(Case("roles", target.key, role, "a valid call", _prepare(target),
                            refuse, why, reopen=_has_path(target)))
    return out


def is_writer(target: Target, learned: dict[str, bool]) -> bool:
    """What the valid calls showed (tables or files changed); else the method's name."""
    if target.key in learned:
        return learned[target.key]
    return not target.method.startswith(READS) or target.method in {"refund"}


def _kwarg_param(key: str) -> Param:
    base = kind_of(key, "")
    return Param(key, base.kind, base.entity, required=key in {"name", "first_name",
                                                               "last_name"},
                 none_ok=key in CLEARABLE, keyword=True)


def sweep_cases(targets: list[Target], learned: dict[str, bool],
                flags: tuple[bool, bool]) -> list[Case]:
    out = []
    for target in targets:
        writer = is_writer(target, learned)
        for param in target.params:
            for value in expect.hostile_for(target, param, flags, writer):
                refuse = expect.must_refuse(target, param, value, writer)
                out.append(Case("sweep", target.key, "manager", f"{param.name}={value.label}",
                                _prepare(target, swap=(param.name, value)), refuse,
                                value.why if refuse else "",
                                programmer_only=value.programmer_only
                                or param.kind == "object" or param.name in expect.CODE_ONLY,
                                type_error_ok=expect.type_error_ok(target, param),
                                reopen=param.kind in ("path", "url")))
        for key in target.kwargs:
            if key == "no_such_field":
                value = hv.V("an unknown field", 1, why="R30: an unknown field is refused")
                out.append(Case("sweep", target.key, "manager", "no_such_field=1",
                                _prepare(target, kwarg=(key, value)), True, value.why))
                continue
            param = _kwarg_param(key)
            for value in expect.hostile_for(target, param, flags, writer):
                refuse = expect.must_refuse(target, param, value, writer)
                out.append(Case("sweep", target.key, "manager", f"{key}={value.label}",
                                _prepare(target, kwarg=(key, value)), refuse,
                                value.why if refuse else ""))
    return out


def file_flags(folder) -> tuple[bool, bool]:
    """(the file system ignores case, running as root)."""
    probe = folder / "CaseProbe"
    probe.write_text("x")
    try:
        insensitive = (folder / "caseprobe").exists()
    finally:
        probe.unlink()
    return insensitive, hasattr(os, "geteuid") and os.geteuid() == 0
