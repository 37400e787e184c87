"""The eligible treatment types of a package template (R9) and of a membership plan (R43),
checked once for both: at least one, each a treatment type, each Patient Pays an amount no
more than the type's standard price."""

from __future__ import annotations

from ..i18n import _
from ..models import TreatmentType
from . import validation as v
from .errors import ValidationError
from .money import cents as money_cents


def checked_eligible(session, eligible, money: dict, *, none_chosen: str
                     ) -> list[tuple[int, int]]:
    """(treatment type id, Patient Pays in cents) for each of `eligible` ({id: amount});
    `none_chosen` is the refusal of an empty choice, in the words of what covers them."""
    if not isinstance(eligible, dict) or not eligible:
        raise ValidationError("eligible", none_chosen)
    items = []
    for treatment_type_id, pays in eligible.items():
        treatment = v.get(session, TreatmentType, treatment_type_id, "treatment type")
        try:
            cents = money_cents(pays, field="patient_pays", **money)
            if cents > treatment.price:
                raise ValidationError("patient_pays", _(
                    "Patient Pays for {treatment} cannot be more than its standard price.")
                    .format(treatment=treatment.name))
        except ValidationError as error:
            # Names the row, so a form can point at the one amount to correct.
            error.treatment_type_id = treatment.id
            raise
        items.append((treatment.id, cents))
    return items
