"""What a sound clinic must refuse: by role (who may call what) and by value (values.py)."""

from __future__ import annotations

from . import values as hv
from .surface import Param, Target

AUTH = "issue 7/14: manager-only, enforced in the services"
ITEM4 = "issue 15 item 4: copying the clinic out is manager-only"
#: "service.method" -> why front desk must be refused (with the baseline's arguments).
MANAGER_ONLY = {
    "auth.set_secret": AUTH + " (another's PIN)",
    "auth.check_can_set_secret": AUTH + " (another's PIN)",
    "auth.require_manager": AUTH,
    "backup.restore": AUTH, "backup.create": ITEM4 + " (a backup to any folder)",
    "transfer.migrate_to": ITEM4 + " (moving the clinic to a server)",
    "csv.export_table": AUTH + " (the patients table)",
    "csv.check_can_export": AUTH + " (the patients table)",
    "settings.update": AUTH, "settings.add_no_show_fee": AUTH,
    "settings.update_no_show_fee": AUTH, "staff.add": AUTH, "staff.update": AUTH,
    "billing.refund_payment": AUTH, "billing.void_invoice": AUTH,
    "catalog.add_treatment_type": AUTH, "catalog.update_treatment_type": AUTH,
    "catalog.add_package_template": AUTH, "catalog.update_package_template": AUTH,
    "catalog.archive_package_template": AUTH, "packages.set_expiry": AUTH,
    "packages.refund": AUTH, "audit.entries": AUTH + " (read the audit trail)",
}
ROLES = ("nobody", "front_desk", "manager")
#: Parameters only code fills (the desk never types them): their raw exceptions are counted
#: apart, as "code only".
CODE_ONLY = {"action", "actions", "approval", "report", "sale", "preview", "source", "batch",
             "excluding", "cents", "clinic"}
#: Ids of these kinds are filters or free references: an unknown one may find nothing.
LOOSE_IDS = {"entity"}
#: Reads whose id filters must refuse an id that does not exist (issue 15, sweep): the
#: schedule says "no such staff member / patient" (one primary-key look-up) rather than
#: show an empty day, which the desk would take for "nothing booked".
STRICT_FILTERS = {"schedule.day", "schedule.between"}
_CODE_TYPE = "only code passes it, so a wrong type is a bug: a TypeError, on purpose"
#: (method, parameter) -> why a deliberate TypeError is the right answer there, and no
#: defect: no receptionist can type these, and a sentence for the desk would hide the bug
#: in the calling code. Any other exception there (AttributeError...) is still a defect.
TYPE_ERRORS_OK = {
    ("settings.format", "cents"): "R1: code formats cents it read from the clinic; "
                                  + _CODE_TYPE,
    ("settings.amount_text", "cents"): "R1: code pre-fills a field with cents it read; "
                                       + _CODE_TYPE,
    ("auth.approve", "actions"): "action names come from MANAGER_ACTIONS; " + _CODE_TYPE,
    ("auth.approved", "approval"): "the Approval is what approve() returned; " + _CODE_TYPE,
    ("sale_payment.payment_preview", "sale"): "the sale dialog builds it; " + _CODE_TYPE,
    ("sale_payment.sell_and_pay", "sale"): "the sale dialog builds it; " + _CODE_TYPE,
    ("transfer.migrate_to", "source"): "the open Clinic; " + _CODE_TYPE,
    ("auth.require_manager", "action"): "code names the action; " + _CODE_TYPE,
    ("auth.needs_approval", "action"): "code names the action (MANAGER_ACTIONS); " + _CODE_TYPE,
    ("report_export.to_csv", "report"): "the Reports tab made it; " + _CODE_TYPE,
    ("report_export.to_xlsx", "report"): "the Reports tab made it; " + _CODE_TYPE,
    ("report_export.to_pdf", "report"): "the Reports tab made it; " + _CODE_TYPE,
    ("report_export.to_csv", "clinic"): "the report's Clinic; " + _CODE_TYPE,
    ("report_export.to_xlsx", "clinic"): "the report's Clinic; " + _CODE_TYPE,
    ("report_export.to_pdf", "clinic"): "the report's Clinic; " + _CODE_TYPE,
}


def type_error_ok(target: Target, param: Param) -> str:
    return TYPE_ERRORS_OK.get((target.key, param.name), "")


def role_refusal(target: Target, role: str) -> tuple[bool | None, str]:
    if target.key == "auth.create_first_manager":  # the seeded clinic has its manager
        return True, "R30: a clinic that has a manager gets no second \u201cfirst\u201d one"
    if role == "front_desk" and target.key in MANAGER_ONLY:
        return True, MANAGER_ONLY[target.key]
    return None, ""


def hostile_for(target: Target, param: Param, flags: tuple[bool, bool],
                writer: bool) -> list[hv.Hostile]:
    kind = param.kind
    if kind == "id":
        found = hv.IDS + hv.WRONG_KIND.get(param.entity, [])
    elif kind == "ids":
        found = hv.id_list_values(param.entity)
    elif kind == "money":
        found = hv.MONEY
    elif kind == "cents":
        found = hv.CENTS
    elif kind == "int":
        found = hv.INTS
    elif kind == "bool":
        found = hv.BOOLS
    elif kind == "rate":
        found = hv.RATES
    elif kind == "date":
        found = hv.DATES
    elif kind == "datetime":
        found = hv.DATETIMES
    elif kind == "path":
        found = hv.path_values(param.entity, flags, backup_create=target.key == "backup.create",
                               report=target.key.startswith("report_export."))
    elif kind == "url":
        found = hv.url_values()
    elif kind == "enum":
        found = hv.enum_values()
    elif kind == "dict":
        found = hv.dict_values(param.name)
    elif kind == "object":
        found = hv.object_values(param.name)
    elif kind == "package":
        found = hv.package_choice()
    elif kind == "text":
        found = hv.text_values(param.required, param.name in {"name", "first_name",
                                                              "last_name"}, writer)
        if target.key == "backup.create" and param.name == "reason":
            found = found + [hv.V(f"{v!r}", v, why="issue 15 item 7: the reason names the "
                                  "backup's file") for v in ("../x", "/abs", "a/b")]
    else:
        return []
    return found


def must_refuse(target: Target, param: Param, value: hv.Hostile,
                writer: bool) -> bool | None:
    """True when a sound service refuses `value` for `param`; None when either is fine."""
    if value.refuse_in is not None:
        return True if target.key in value.refuse_in else None
    if value.refuse and value.only_writers and not writer:
        return None
    if value.label == "None" and param.none_ok:
        return None
    if param.kind == "id" and param.entity in LOOSE_IDS and value.label in {
            "0", "-1", "99999 (no such)"}:
        return None
    if not writer and param.kind == "id" and param.none_ok and target.key not in STRICT_FILTERS:
        return None  # a filter of a report or a list: an unknown one finds nothing
    if param.none_ok and value.label in {"empty", "spaces only"}:
        return None  # clearing a value that may be empty
    if param.name == "validity" and value.label in {"empty", "None"}:
        return None  # no expiry
    if param.kind == "text" and not writer and value.label in {"None", "empty"}:
        return None
    if target.key.startswith("report_export.") and param.name == "clinic" \
            and isinstance(value.make(None), str):
        return None  # a text is a clinic file's name (file_targets): one more file protected
    return value.refuse
