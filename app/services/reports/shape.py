"""What a report is: sections of typed columns, rows, group subtotals and a grand total.

Generic on purpose: a table view or an exporter reads a `Report` and needs nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from ...i18n import N_

NO_STAFF = N_("No Staff Member")  # R6; in rows and groups as _(NO_STAFF)
NOTHING = N_("Nothing in this period.")
KINDS = ("text", "money", "date", "int")


@dataclass(frozen=True)
class Column:
    """One column of a section. `key` is the attribute of each row that holds the value."""

    key: str
    heading: str
    kind: str = "text"  # text | money (int cents) | date (datetime.date or None) | int
    total: bool = False  # summed in the group totals and the grand total


@dataclass(frozen=True)
class Group:
    """Subtotals of the rows sharing one value of the section's `group_by` key."""

    key: Any  # the value of the grouped key (a template id, a staff id or None)
    label: str  # what to show ("10 Massages", "No Staff Member")
    count: int  # detail rows in the group (counted rows only, see Section.notes)
    totals: Mapping[str, int]  # column key -> total, for every column with total=True


@dataclass(frozen=True)
class Section:
    title: str
    columns: tuple[Column, ...]
    rows: tuple  # plain dataclass rows: getattr(row, column.key) is the cell's value
    groups: tuple[Group, ...] = ()
    totals: Mapping[str, int] = field(default_factory=dict)  # grand totals, column key -> int
    count: int = 0  # counted rows (the grand total's row count)
    group_by: str | None = None  # row attribute the groups are keyed on ("template_id")
    group_heading: str = ""  # what a group is ("Package", "Staff member")
    empty_text: str = NOTHING

    def value(self, row, key: str):
        return getattr(row, key)

    def cells(self, row) -> tuple:
        """The row's values in column order (raw: cents, dates, ints, text)."""
        return tuple(getattr(row, c.key) for c in self.columns)

    @property
    def money_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "money")


@dataclass(frozen=True)
class Report:
    """A finished report. `sections[0]` is the main table; the shortcuts read it."""

    kind: str  # package_sales | package_usage | outstanding | compensation
    title: str
    subtitle: str  # the period or date, in words ("2026-01-01 to 2026-12-31")
    currency: str
    locale: str
    generated_at: datetime
    parameters: Mapping[str, Any]  # what was asked: start/end or on, template_id, staff_id
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()  # sentences to print under the title

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.sections[0].columns

    @property
    def rows(self) -> tuple:
        return self.sections[0].rows

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.sections[0].groups

    @property
    def totals(self) -> Mapping[str, int]:
        return self.sections[0].totals

    @property
    def count(self) -> int:
        return self.sections[0].count

    def section(self, title: str) -> Section:
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)
