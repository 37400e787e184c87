"""A section from rows already worked out in Python, with the same group and grand totals a
`run_section` gives.

The books' reports (R33, R34) add up each package's day-by-day movements in Python
(app/domain/liability.py), so their rows do not come off one SQL statement; this gives them
the same `Section` the table view and the exporters read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable, Sequence

from ...i18n import _
from .shape import NOTHING, Column, Group, Section


def _sum(rows: Sequence, keys: Sequence[str]) -> dict[str, int]:
    return {key: sum(getattr(row, key) for row in rows) for key in keys}


def tally(rows: Iterable, *, title: str, columns: tuple[Column, ...],
          group_key: str | None = None, label_of: Callable[[Any], str] | None = None,
          group_heading: str = "", empty_text: str | None = None) -> Section:
    """`rows` in the order shown; the columns with total=True are summed per group (rows
    sharing `group_key`, in the order the groups first appear) and overall."""
    rows = tuple(rows)
    columns = tuple(replace(c, heading=_(c.heading)) for c in columns)
    sums = [c.key for c in columns if c.total]
    groups: list[Group] = []
    if group_key is not None:
        members: dict[Any, list] = {}
        for row in rows:
            members.setdefault(getattr(row, group_key), []).append(row)
        groups = [Group(key, label_of(key) if label_of else str(key), len(part),
                        _sum(part, sums)) for key, part in members.items()]
    return Section(title, columns, rows, tuple(groups), _sum(rows, sums), len(rows),
                   group_key, group_heading,
                   empty_text if empty_text is not None else _(NOTHING))
