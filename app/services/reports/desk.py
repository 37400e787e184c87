"""What every report does alike: check the period and the filters (R30), word the dates
in the clinic's locale, and wrap the sections into a `Report`."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from babel.dates import format_date

from ...i18n import _
from ...models import PackageTemplate, Staff
from .. import validation as v
from ..base import Service
from ..errors import ValidationError
from ..validity import show_time
from .shape import Report, Section


class ReportDesk(Service):
    """The helpers the reports share; each report adds its method (sales.py, usage.py...)."""

    def _period(self, start, end) -> tuple[date, date]:
        start = v.a_date(start, "start", label=_("start date"))
        end = v.a_date(end, "end", label=_("end date"))
        if end < start:
            raise ValidationError("end", _("The end date ({end}) must be on or after the start "
                                           "date ({start}).").format(end=self._date(end),
                                                                     start=self._date(start)))
        return start, end

    def _date(self, day: date) -> str:
        """A date in the clinic's locale, Babel's medium format ("Mar 31, 2026")."""
        return format_date(day, "medium", locale=self._clinic.money_context()["locale"])

    def _time(self, moment) -> str:
        """A time in the clinic's locale, Babel's short format ("7:19 a.m.")."""
        return show_time(moment, self._clinic.money_context()["locale"])

    def _span(self, start: date, end: date) -> str:
        return _("{start} to {end}").format(start=self._date(start), end=self._date(end))

    def _filters(self, s, query, *, template_id=None, staff_id=None, template_col=None,
                 staff_col=None):
        """Refuse unknown ids (R30) and narrow `query` (when given) to them."""
        if template_id is not None:
            v.get(s, PackageTemplate, template_id, "package template")
            if query is not None:
                query = query.where(template_col == template_id)
        if staff_id is not None:
            v.get(s, Staff, staff_id, "staff member")
            if query is not None:
                query = query.where(staff_col == staff_id)
        return query

    def _report(self, kind: str, title: str, subtitle: str, sections: Iterable[Section],
                parameters: Mapping[str, Any], *, notes: Sequence[str] = ()) -> Report:
        money = self._clinic.money_context()
        return Report(kind, title, subtitle, money["currency"], money["locale"], self._now(),
                      dict(parameters), tuple(sections), tuple(notes))
