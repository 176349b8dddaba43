"""One unit on one day is one inspection, whatever the clerk does to the entries afterwards.

The entry that counts is stored with each inspection (core.inspection_days); these tests
log, correct, move, delete, restore and undo entries and check that the report's number and
the stored mark always agree with the rule worked out from scratch.
"""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select, text

from core.figures import annual_figures, figure_sources
from core.models import FIRST_OF_DAY, Inspection, Unit
from core.records import delete, restore, save
from core.store import open_store
from core.undo import UndoHistory, snapshot

D = dt.date
V1 = Path(__file__).resolve().parents[1] / "resources" / "schema_v1.db"


def _units(s, n=2):
    return [save(s, Unit(name=f"第{i + 1}中学", unit_type="公办中小学")) for i in range(n)]


def _log(s, unit, day, personnel=2):
    return save(s, Inspection(date=day, unit=unit, unit_id=unit.id, category="日常检查",
                              method="其他", result="合格", personnel=personnel))


def _rule(s) -> dict[int, bool]:
    """The rule from scratch: the lowest live id of each (unit, day) counts, nothing else."""
    first: dict[tuple, int] = {}
    rows = s.execute(select(Inspection.id, Inspection.unit_id, Inspection.date,
                            Inspection.deleted_at).order_by(Inspection.id)).all()
    for iid, uid, day, deleted in rows:
        if deleted is None:
            first.setdefault((uid, day), iid)
    return {iid: first.get((uid, day)) == iid for iid, uid, day, _ in rows}


def _stored(s) -> dict[int, bool]:
    return {iid: bool(mark) for iid, mark in s.execute(select(Inspection.id, FIRST_OF_DAY))}


def test_a_school_logged_twice_on_one_day_counts_once_through_delete_restore_and_move(store):
    with store.session() as s:
        school, other = _units(s)
        first = _log(s, school, D(2025, 3, 5), personnel=3)
        second = _log(s, school, D(2025, 3, 5), personnel=4)   # another section, same visit
        f = annual_figures(s, 2025)
        assert f["inspection.total"] == 1
        assert f["inspection.personnel"] == 3                   # the first entry's
        assert [r.record_id for r in figure_sources(s, f.figure("inspection.total"))] \
            == [first.id]

        delete(s, first)                                        # the second now counts
        f = annual_figures(s, 2025)
        assert (f["inspection.total"], f["inspection.personnel"]) == (1, 4)
        restore(s, first)                                       # and the first again
        assert annual_figures(s, 2025)["inspection.personnel"] == 3

        second.date = D(2025, 3, 6)                             # moved to the next day
        save(s, second)
        assert annual_figures(s, 2025)["inspection.total"] == 2
        second.date = D(2025, 3, 5)
        save(s, second)
        first.date = D(2025, 3, 4)                              # the first was the 4th:
        save(s, first)                                          # the second counts on the 5th
        f = annual_figures(s, 2025)
        assert (f["inspection.total"], f["inspection.month.03"]) == (2, 2)
        assert _stored(s) == _rule(s)
        first.date = D(2025, 3, 5)
        save(s, first)
        second.date = D(2025, 3, 5)
        second.unit = other                                     # another school, via the unit
        save(s, second)
        f = annual_figures(s, 2025)
        assert (f["inspection.total"], f["inspection.units"]) == (2, 2)
        first.unit = other                                      # now both at the other school
        save(s, first)
        f = annual_figures(s, 2025)
        assert (f["inspection.total"], f["inspection.units"]) == (1, 1)
        assert _stored(s) == _rule(s)


def test_undoing_a_move_puts_the_count_back(store):
    history = UndoHistory()
    with store.session() as s:
        (school,) = _units(s, 1)
        history.save(s, _log(s, school, D(2025, 4, 1)))
        moved = history.save(s, _log(s, school, D(2025, 4, 2)))
    with store.session() as s:
        rec = s.get(Inspection, moved.id)
        before = snapshot(rec)
        rec.date = D(2025, 4, 1)                                # logged on the same day
        history.save(s, rec, before)
    with store.session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 1
        history.undo(s)
    with store.session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 2
        assert _stored(s) == _rule(s)


# Random sequences of the clerk's changes on two units over two days (few enough that
# entries keep landing on the same unit and day).
_ACTIONS = st.lists(st.tuples(
    st.sampled_from(["log", "move", "reassign", "delete", "restore"]),
    st.integers(0, 30), st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=_ACTIONS)
def test_the_stored_mark_always_follows_the_rule(store, actions):
    """Proves: after any sequence of logging, moving, re-assigning, deleting and restoring,
    each stored first_of_day equals the rule worked out from scratch."""
    days = [D(2025, 5, 1), D(2025, 5, 2)]
    with store.session() as s:
        s.execute(text("DELETE FROM inspection"))       # each example starts from no entries
        units = list(s.scalars(select(Unit).order_by(Unit.id))) or _units(s, 2)
        unit_ids = [u.id for u in units]
    for action, pick, unit_no, day_no in actions:
        with store.session() as s:
            entries = list(s.scalars(select(Inspection).order_by(Inspection.id)))
            rec = entries[pick % len(entries)] if entries else None
            if action == "log" or rec is None:
                _log(s, s.get(Unit, unit_ids[unit_no]), days[day_no])
            elif action == "move":
                rec.date = days[day_no]
                save(s, rec)
            elif action == "reassign":
                rec.unit = s.get(Unit, unit_ids[unit_no])
                save(s, rec)
            elif action == "delete" and rec.deleted_at is None:
                delete(s, rec)
            elif action == "restore" and rec.deleted_at is not None:
                restore(s, rec)
        with store.session() as s:
            assert _stored(s) == _rule(s), actions


def test_an_older_ledger_with_repeated_entries_is_marked_when_upgraded(tmp_path):
    """Proves: a file from before the mark existed (schema 1) gets it at upgrade: a unit
    logged twice on one day, once more deleted, counts once."""
    copy = tmp_path / "去年的台账.db"
    shutil.copy(V1, copy)
    with sqlite3.connect(copy) as raw:
        row = raw.execute("SELECT * FROM inspection").fetchone()
        names = [d[0] for d in raw.execute("SELECT * FROM inspection").description]
        year = int(row[names.index("date")][:4])
        for extra_id, deleted in ((9001, None), (9002, "2025-01-01 00:00:00")):
            values = dict(zip(names, row), id=extra_id, deleted_at=deleted)
            raw.execute(f"INSERT INTO inspection ({', '.join(values)}) "
                        f"VALUES ({', '.join('?' * len(values))})", list(values.values()))
    store = open_store(str(copy))
    with store.session() as s:
        assert annual_figures(s, year)["inspection.total"] == 1
        assert _stored(s) == _rule(s)
        assert _stored(s)[row[names.index("id")]] is True
    store.close()


@pytest.mark.server_only      # a SQLite ledger has one program at a time (core.lock)
def test_two_clerks_logging_one_school_on_one_day_at_once_count_it_once(store):
    """Issue 22: on a server two clerks save at the same time. 安全科 logs 一中 on 6 May and
    has not yet committed; 民办教育科 logs 一中 on 6 May too. The second save waits for the
    first (a lock per unit and day), then sees it: one inspection counts, not two."""
    import threading
    import time

    with store.session() as s:
        unit_id = _units(s, 1)[0].id
    day = dt.date(2025, 5, 6)
    first = store.session()
    s1 = first.__enter__()
    _log(s1, s1.get(Unit, unit_id), day)
    s1.flush()                                   # marked, not yet committed

    failed = []

    def second_clerk():
        try:
            with store.session() as s2:
                _log(s2, s2.get(Unit, unit_id), day)
        except Exception as exc:          # told to the test, not lost in the thread
            failed.append(exc)

    other = threading.Thread(target=second_clerk)
    other.start()
    time.sleep(1.0)                              # the second clerk is saving meanwhile
    first.__exit__(None, None, None)             # the first commits
    other.join(timeout=30)
    assert not other.is_alive() and not failed
    with store.session() as s:
        assert len(_rule(s)) == 2                # both entries were saved
        assert _stored(s) == _rule(s)
        assert annual_figures(s, 2025)["inspection.total"] == 1
