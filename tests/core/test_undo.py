"""Undo/redo as the clerk uses it: log, correct, delete, then take it all back."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.figures import annual_figures
from core.models import Inspection, PenaltyCase, Staff, Unit
from core.records import live, save
from core.undo import UndoHistory, snapshot


def _inspection(s, unit, staff, day=dt.date(2025, 3, 5)):
    return Inspection(date=day, category="日常检查", method="其他", unit=unit, unit_id=unit.id,
                      result="合格", inspectors=staff, personnel=2)


def test_edit_delete_and_new_entry_are_undone_and_redone(demo_store):
    history = UndoHistory()
    with demo_store.session() as s:
        before_total = annual_figures(s, 2025)["inspection.total"]
        unit = save(s, Unit(name="撤销测试学校", unit_type="公办中小学"))
        staff = list(s.scalars(select(Staff).order_by(Staff.id).limit(2)))
        rec = history.save(s, _inspection(s, unit, staff))
        rid = rec.id
    with demo_store.session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == before_total + 1
        rec = s.get(Inspection, rid)
        before = snapshot(rec)
        rec.personnel = 5
        rec.inspectors = rec.inspectors[:1] + [s.get(Staff, 5)]
        history.save(s, rec, before)
        assert history.undo_label.startswith("修改行政检查")
    with demo_store.session() as s:
        history.undo(s)
    with demo_store.session() as s:
        rec = s.get(Inspection, rid)
        assert rec.personnel == 2
        assert [p.id for p in rec.inspectors] == [p.id for p in staff]
        history.redo(s)
    with demo_store.session() as s:
        assert s.get(Inspection, rid).personnel == 5
        history.delete(s, s.get(Inspection, rid))
    with demo_store.session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == before_total
        history.undo(s)                       # the delete
    with demo_store.session() as s:
        assert s.get(Inspection, rid).deleted_at is None
        history.undo(s)                       # the edit
        history.undo(s)                       # the new entry: into the recycle bin
    with demo_store.session() as s:
        assert s.get(Inspection, rid).deleted_at is not None
        assert annual_figures(s, 2025)["inspection.total"] == before_total
        assert not history.can_undo and history.can_redo


def test_undo_that_would_break_a_rule_is_refused_and_kept(demo_store):
    history = UndoHistory()
    with demo_store.session() as s:
        case = s.scalars(live(PenaltyCase)).first()
        old_no = case.decision_no
        history.delete(s, case)
        # Meanwhile the same 决定书文号 is entered again for another case.
        other = s.scalars(live(PenaltyCase)).first()
        other.decision_no = old_no
        save(s, other)
    with demo_store.session() as s, pytest.raises(ValidationError, match="决定书文号"):
        history.undo(s)
    assert history.can_undo
