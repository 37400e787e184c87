"""One report section from one statement, its rows taken straight off the cursor.

The section's detail query is a materialised CTE; the group totals are a GROUP BY over it and
the grand total adds up the groups, glued to the detail rows with UNION ALL. Python only turns
result rows into plain row objects. bench/RESULTS.md has the measurements.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import func, literal, null, select, union_all
from sqlalchemy.sql import Select

from ...i18n import _
from .formulas import whole_sum
from .shape import NOTHING, Column, Group, Section

REPORT_CACHE_KIB = 32 * 1024
FETCH_ROWS = 5000
LARGE_REPORT_ROWS = 50_000


def names_of(s, model) -> dict:
    return dict(s.execute(select(model.id, model.name)).all())


@dataclass
class Spec:
    """How to turn one detail query into a section.

    The detail query's columns are labelled; `build` turns one of its rows (a tuple in that
    column order) into a row object. `sums` name the columns totalled per group and overall.
    """

    detail: Select
    build: Callable[[tuple], Any]
    sums: Sequence[str]
    order: Sequence[str]  # row attributes the rows are sorted by (none: as they come)
    group_key: str | None = None
    label_of: Callable[[Any], str] | None = None  # group key -> label
    counted: str | None = None  # a 0/1 detail column: only rows with 1 enter the totals
    # For big reports: builds the same row but shares repeated values (names, ids, amounts)
    # between rows, which costs time per row and saves a third of the memory; used from the
    # LARGE_REPORT_ROWS-th row on.
    build_shared: Callable[[tuple], Any] | None = None


def section_statement(spec: Spec):
    """Detail rows (level 0), one total per group (level 1) and the grand total (level 2)
    from one statement: the detail is a materialised CTE, the groups a GROUP BY over it
    (materialised too), and the grand total adds up the groups (or the detail when the
    section has no groups). No ORDER BY: rows are sorted in Python, where they mostly arrive
    in order already, which spares SQLite a sort of the whole result."""
    base = spec.detail.cte("base").prefix_with("MATERIALIZED")
    columns = list(base.c)
    counted = [base.c[spec.counted] == 1] if spec.counted is not None else []
    branches = [select(literal(0).label("_level"), literal(1).label("_n"), *columns)]
    if spec.group_key is not None:
        groups = (select(base.c[spec.group_key].label("_key"), func.count().label("_n"),
                         *[whole_sum(base.c[k]).label(k) for k in spec.sums])
                  .where(*counted).group_by(base.c[spec.group_key])
                  .cte("groups").prefix_with("MATERIALIZED"))
        branches.append(select(
            literal(1), groups.c._n,
            *[groups.c[c.key] if c.key in spec.sums else
              groups.c._key if c.key == spec.group_key else null() for c in columns]))
        branches.append(select(
            literal(2), whole_sum(groups.c._n),
            *[whole_sum(groups.c[c.key]) if c.key in spec.sums else null()
              for c in columns]))
    else:
        branches.append(select(
            literal(2), func.count(),
            *[whole_sum(c) if c.key in spec.sums else null() for c in columns])
            .where(*counted))
    return union_all(*branches)


def fetch_rows(s, statement) -> Iterator[list[tuple]]:
    """The result rows as the driver's plain tuples, a few thousand at a time.

    The statement is compiled (and cached) and its parameters bound by SQLAlchemy as usual;
    the rows are then taken straight from the DBAPI cursor, skipping SQLAlchemy's per-row
    Row objects and type processing: a third of the time of a 50,000-row report. Dates come
    back as ISO text; the row builders turn them into dates.
    """
    connection = s.connection()
    if connection.dialect.name == "sqlite":
        # Reports read pages all over the file (patients, packages): a 32 MB page cache for
        # this connection instead of SQLite's 2 MB default halves the cost of those lookups.
        # (A PostgreSQL server has its own shared cache.)
        connection.exec_driver_sql(f"PRAGMA cache_size = -{REPORT_CACHE_KIB}")
    else:
        # A server's rows stay on the server until asked for (a named cursor): psycopg's
        # plain cursor holds the whole result first, 500,000 rows for a ten-year usage
        # report beside the rows the report builds (442 MB at its peak, bench/RESULTS.md).
        # Read through SQLAlchemy, which buffers ahead of the cursor, so no row is skipped.
        result = connection.execution_options(
            stream_results=True, max_row_buffer=FETCH_ROWS).execute(statement)
        try:
            for part in result.partitions(FETCH_ROWS):
                yield [tuple(row) for row in part]
        finally:
            result.close()
        return
    result = connection.execute(statement)
    try:
        cursor = result.cursor
        if cursor is None:  # nothing to fetch (never for a SELECT)
            yield [tuple(row) for row in result]
            return
        while chunk := cursor.fetchmany(FETCH_ROWS):
            yield chunk
    finally:
        result.close()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of row objects:
    each of its passes would walk all of them again (a sixth of a year's usage report)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@lru_cache(maxsize=16384)
def as_date(value) -> date | None:
    """ISO text from SQLite to a date, shared: a report's rows hold one object per day."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def run_section(s, spec: Spec, *, title: str, columns: tuple[Column, ...],
                 group_heading: str = "", empty_text: str | None = None) -> Section:
    """One section, its words (title, headings, empty text) in the desk's language."""
    columns = tuple(replace(c, heading=_(c.heading)) for c in columns)
    empty_text = empty_text if empty_text is not None else _(NOTHING)
    keys = [c.key for c in spec.detail.selected_columns]
    sum_positions = [(key, keys.index(key) + 2) for key in spec.sums]
    group_pos = keys.index(spec.group_key) + 2 if spec.group_key else None
    build = spec.build
    rows: list = []
    groups: list[Group] = []
    totals: dict[str, int] = {key: 0 for key, _ in sum_positions}
    count = 0
    with gc_paused():  # rows hold no cycles: no collector passes over them
        for chunk in fetch_rows(s, section_statement(spec)):
            for raw in chunk:
                level = raw[0]
                if level == 0:
                    rows.append(build(raw))
                    if len(rows) == LARGE_REPORT_ROWS and spec.build_shared is not None:
                        build = spec.build_shared
                elif level == 1:
                    key = raw[group_pos]
                    groups.append(Group(key, spec.label_of(key) if spec.label_of else str(key),
                                        raw[1], {k: raw[p] for k, p in sum_positions}))
                else:
                    count = raw[1]
                    totals = {k: raw[p] for k, p in sum_positions}
        if spec.order:
            rows.sort(key=attrgetter(*spec.order))
    groups.sort(key=lambda g: (g.label.casefold(), str(g.key)))
    return Section(title, columns, tuple(rows), tuple(groups), totals, count,
                   spec.group_key, group_heading, empty_text)
