"""Which records each figure counted: `core.figures.figure_sources` for all the year's figures
at once, for the 数据来源 sheet.

Asking figure by figure costs a pass over the year's records each: at city scale (100,000
inspections, some 40 inspection figures) that alone took longer than writing the sheet. So the figures
are grouped by the records they select from; each group is read in ONE query, ordered as
figure_sources orders it, with the conditions all its figures share in the WHERE clause and,
per figure, a CASE saying whether the record counts for it (packed as bits). SQLite counts the
totals; the rows are read as plain columns, not ORM objects, only until every figure has its
first `limit`. tests/annex checks the result equals figure_sources for every figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import BigInteger, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from core.figures import Figure, SourceRow, figure_sources
from core.models import (
    Campaign, Inspection, OtherAct, PenaltyCase, PowerItem, ReviewCase, Staff, Training, Unit,
)


@dataclass
class Trace:
    rows: list[SourceRow] = field(default_factory=list)   # the first `limit`, in date order
    total: int = 0                                         # all the records it counted


def _source_columns(model):
    """What figure_sources shows of a record (reference, date, unit), as SQL columns, and
    the joins they need. None for a model it does not know (then figure_sources is used)."""
    if model is Inspection:
        return ((Inspection.category + "·" + Inspection.method), Inspection.date, Unit.name), \
            [(Unit, Unit.id == Inspection.unit_id, False)]
    if model is PenaltyCase:
        return (PenaltyCase.decision_no, PenaltyCase.decided_on, PenaltyCase.party), []
    if model is Staff:
        return (func.coalesce(Staff.certificate_no, ""), Staff.certificate_issued, Staff.name), []
    if model is Training:
        return (Training.topic, Training.date, Training.form), []
    if model is Campaign:
        return (Campaign.name, Campaign.start_date, Campaign.lead_department), []
    if model is OtherAct:
        return (OtherAct.item, literal(None), OtherAct.category), []
    if model is PowerItem:
        return (PowerItem.name, literal(None), PowerItem.category), []
    if model is ReviewCase:
        reviewed = aliased(PenaltyCase)
        return (func.coalesce(reviewed.decision_no, ""), ReviewCase.received_on,
                ReviewCase.result), [(reviewed, reviewed.id == ReviewCase.penalty_case_id, True)]
    return None


# The order figure_sources lists records in: by date where the record has one, then by id.
_ORDER = {Inspection: Inspection.date, PenaltyCase: PenaltyCase.decided_on,
          Training: Training.date, Campaign: Campaign.start_date,
          ReviewCase: ReviewCase.received_on}


def trace_figures(session: Session, figures: Iterable[Figure],
                  limit: int | None = None) -> dict[str, Trace]:
    """For each figure with a source: its first `limit` records (all when None) and the
    number of records in all. Figures without a source are left out."""
    shapes: dict[type, tuple | None] = {}
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for fig in figures:
        if fig.source is None:
            continue
        model = fig.source.model
        if model not in shapes:
            shapes[model] = _source_columns(model)
        # A join the shown columns make anyway (inspection → unit, inner) does not set a
        # figure apart: one pass over the year's inspections serves them all.
        shown = {t for t, _, outer in shapes[model][1] if not outer} if shapes[model] else set()
        groups[(model, tuple(j for j in fig.source.joins if j not in shown))].append(fig)
    traces: dict[str, Trace] = {}
    for (model, joins), members in groups.items():
        shape = shapes[model]
        if shape is None:
            for fig in members:
                rows = figure_sources(session, fig)
                traces[fig.key] = Trace(rows[:limit] if limit is not None else rows, len(rows))
        else:
            traces.update(_trace_group(session, model, joins, members, shape, limit))
    return traces


def _shared(condition, conditions) -> bool:
    # SQL expressions compare by identity here: `==` would build a new expression.
    return any(condition is c for c in conditions)


_BITS = 62                  # flags per SQLite integer (64-bit, signed)


def _trace_group(session, model, joins, members, shape, limit) -> dict[str, Trace]:
    columns, extra_joins = shape
    common = [c for c in members[0].source.conditions
              if all(_shared(c, f.source.conditions) for f in members[1:])]
    flags = []
    for fig in members:
        own = [c for c in fig.source.conditions if not _shared(c, common)]
        flags.append(case((and_(*own), 1), else_=0) if own else literal(1))

    def selecting(*what):
        q = select(*what).select_from(model)
        for target in joins:
            q = q.join(target)
        for target, on, outer in extra_joins:
            if target not in joins:
                q = q.join(target, on, isouter=outer)
        return q.where(model.deleted_at.is_(None), *common)

    traces = [Trace() for _ in members]
    # The totals are counted by SQLite (in C, one pass); Python then only looks at the flags
    # of figures still short of `limit` rows, and stops reading once every figure has them:
    # at city scale most figures fill up in the first weeks of the year.
    totals = session.execute(selecting(*(func.sum(f) for f in flags))).one()
    for trace, total in zip(traces, totals):
        trace.total = total or 0
    if limit is not None and limit <= 0:
        return {fig.key: trace for fig, trace in zip(members, traces)}
    # The flags travel as the bits of a few integers rather than a column each (40 columns a
    # row through the result machinery cost more than the rest of the pass), and a figure's
    # bit is dropped from `wanted` once it has its rows.
    parts = [range(j, min(j + _BITS, len(flags))) for j in range(0, len(flags), _BITS)]
    # 64-bit in SQL too: a server takes a plain number for a 32-bit integer (issue 22).
    masks = [sum((flags[i] * literal(1 << (i - part[0]), BigInteger) for i in part),
                 literal(0, BigInteger)) for part in parts]
    wanted = [sum(1 << (i - part[0]) for i in part if traces[i].total) for part in parts]
    q = selecting(model.id, *columns, *masks).order_by(
        *(c for c in (_ORDER.get(model), model.id) if c is not None))
    first = len(columns) + 1
    # Closed on leaving, also when the loop stops early: a server's cursor is not left open.
    with session.execute(q.execution_options(yield_per=2000)) as result:
        _collect(result, first, wanted, traces, model, limit)
    return {fig.key: trace for fig, trace in zip(members, traces)}


def _collect(result, first: int, wanted: list[int], traces: list, model, limit) -> None:
    """Hand each row to the figures whose bits it carries, until each has its rows."""
    for row in result:
        source = None
        for n, mask in enumerate(row[first:]):
            mask &= wanted[n]
            while mask:
                bit = mask & -mask
                mask ^= bit
                source = source or SourceRow(model.KIND, row[0], row[1] or "", row[2],
                                             row[3] or "")
                trace = traces[n * _BITS + bit.bit_length() - 1]
                trace.rows.append(source)
                if len(trace.rows) == limit or len(trace.rows) == trace.total:
                    wanted[n] ^= bit
        if not any(wanted):
            break
