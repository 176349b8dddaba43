"""The lists' ids (core.listing): what the clerk sees for a search, a filter, the recycle bin
and a sort, read in two parts from one snapshot; and the list's index serves the list only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select, text

from core.figures import annual_figures
from core.listing import ListQuery, id_batches, list_ids
from core.models import Inspection, PenaltyCase, Unit
from core.records import delete, save

YEAR = 2025


def _inspection_list(**kw) -> ListQuery:
    return ListQuery(Inspection, Inspection.date, date_range=(dt.date(YEAR, 1, 1),
                                                                dt.date(YEAR, 12, 31)),
                     search_columns=(Inspection.items, Inspection.note, Unit.name), **kw)


@pytest.fixture
def logged(store):
    """Five inspections as a clerk logs them: two schools, one tutoring centre."""
    with store.session() as s:
        school = save(s, Unit(name="示例区第一中学", unit_type="公办中小学"))
        other = save(s, Unit(name="示例区实验小学", unit_type="公办中小学"))
        tutor = save(s, Unit(name="启明星培训学校", unit_type="校外培训机构"))
        rows = [
            (dt.date(YEAR, 3, 5), school, "校园安全检查", "", "合格"),
            (dt.date(YEAR, 3, 5), other, "食堂卫生", "100% 整改", "责令整改"),
            (dt.date(YEAR, 6, 1), tutor, "收费公示", "", "责令整改"),
            (dt.date(YEAR, 9, 9), school, "招生工作", "复查安全通道", "合格"),
            (dt.date(YEAR - 1, 12, 30), tutor, "收费公示", "", "合格"),     # last year
        ]
        ids = []
        for day, unit, items, note, result in rows:
            ids.append(save(s, Inspection(
                date=day, category="日常检查", method="其他", unit_id=unit.id, items=items,
                note=note, result=result, personnel=2)).id)
    return ids


def test_newest_first_and_only_the_chosen_year(store, logged):
    a, b, c, d, _last_year = logged
    with store.read_session() as s:
        # Same day: the later entry first, as the clerk entered them.
        assert list_ids(s, _inspection_list()) == [d, c, b, a]


def test_search_looks_in_items_note_and_unit_name(store, logged):
    a, b, c, d, _ = logged
    with store.read_session() as s:
        assert list_ids(s, _inspection_list(search="安全")) == [d, a]          # items, note
        assert list_ids(s, _inspection_list(search="启明星")) == [c]           # unit name
        assert list_ids(s, _inspection_list(search="  收费 ")) == [c]          # trimmed
        # % and _ are what the clerk typed, not wildcards.
        assert list_ids(s, _inspection_list(search="100%")) == [b]
        assert list_ids(s, _inspection_list(search="_")) == []


def test_search_finds_latin_letters_in_either_case_on_a_server_as_in_a_file(store):
    """SQLite's LIKE finds 「abc」 in 「ABC」; PostgreSQL's does not, so the same search box
    gave fewer rows on a server (issue 22). A 统一社会信用代码 or a room number typed in
    lower case is found both ways."""
    with store.session() as s:
        unit = save(s, Unit(name="ABC国际教育培训中心", unit_type="校外培训机构"))
        found = save(s, Inspection(date=dt.date(YEAR, 4, 1), category="日常检查", method="其他",
                                   unit_id=unit.id, items="消防通道", note="B栋3层 Room-12",
                                   result="合格", personnel=2)).id
    with store.read_session() as s:
        assert list_ids(s, _inspection_list(search="room-12")) == [found]     # note
        assert list_ids(s, _inspection_list(search="abc国际")) == [found]      # unit name
        assert list_ids(s, _inspection_list(search="b栋")) == [found]


def test_filters_recycle_bin_and_sorting_by_unit_name(store, logged):
    a, b, c, d, _ = logged
    with store.read_session() as s:
        assert list_ids(s, _inspection_list(filters={"result": "责令整改"})) == [c, b]
        assert list_ids(s, _inspection_list(filters={"result": ""})) == [d, c, b, a]
        by_name = list_ids(s, _inspection_list(sort=Unit.name))
    with store.read_session() as s:
        names = [s.get(Inspection, i).unit.name for i in by_name]
    assert names == sorted(names) and len(by_name) == 4
    with store.session() as s:
        delete(s, s.get(Inspection, b))
    with store.read_session() as s:
        assert list_ids(s, _inspection_list()) == [d, c, a]
        assert list_ids(s, _inspection_list(recycle_bin=True)) == [b]


def test_a_list_by_year_number_and_one_without_a_year(store):
    with store.session() as s:
        save(s, PenaltyCase(decision_no="示罚〔2025〕1号", party="某机构",
                            party_type="法人或其他组织", procedure="简易程序", kinds="警告",
                            decided_on=dt.date(YEAR, 5, 1)))
        unit = save(s, Unit(name="示例区第二中学", unit_type="公办中小学"))
    with store.read_session() as s:
        assert list_ids(s, ListQuery(Unit)) == [unit.id]
        assert len(list_ids(s, ListQuery(PenaltyCase, PenaltyCase.decided_on,
                                         date_range=(dt.date(YEAR, 1, 1),
                                                     dt.date(YEAR, 12, 31))))) == 1


def test_two_parts_from_one_snapshot(store, logged):
    """The first screen and the rest come from the same state of the ledger: an inspection
    saved between the two parts is not half in the list."""
    with store.session() as s:
        unit_id = s.scalar(select(Unit.id).limit(1))
    session = store.read_session()
    batches = id_batches(session, _inspection_list(), first=2)
    first = next(batches)
    with store.session() as s:
        save(s, Inspection(date=dt.date(YEAR, 1, 2), category="日常检查", method="其他",
                           unit_id=unit_id, items="后来保存", result="合格", personnel=2))
    rest = next(batches)
    batches.close()
    session.close()
    assert first + rest == logged[3::-1]
    with store.read_session() as s:
        assert len(list_ids(s, _inspection_list())) == 5      # seen by the next reading


def _plans(store, run) -> list[tuple[str, str]]:
    """(statement, query plan) of every SELECT `run(session)` sends to SQLite."""
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.read_session() as s:
            run(s)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    raw = store.engine.raw_connection()
    try:
        return [(sql, " / ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql,
                                                            params).fetchall()))
                for sql, params in seen]
    finally:
        raw.close()


@pytest.mark.sqlite_only("SQLite's query plans")
def test_the_list_reads_its_index_alone_and_counting_never_uses_it(store, logged):
    """Opening or searching the inspection list reads ix_inspection_list in the list's order
    (no sort, no table row); counting the year keeps to the counting indexes, which hold the
    columns it filters on (docs/PERFORMANCE.md: the list index cost counting 10x once)."""
    for query in (_inspection_list(), _inspection_list(search="安全")):
        [(sql, plan)] = [p for p in _plans(store, lambda s, q=query: list_ids(s, q))
                         if "FROM inspection" in p[0]]
        assert "COVERING INDEX ix_inspection_list" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    counting = _plans(store, lambda s: annual_figures(s, YEAR))
    assert counting
    assert not [sql for sql, plan in counting if "ix_inspection_list" in plan]


@pytest.mark.sqlite_only("SQLite's query plans")
def test_counting_the_year_reads_indexes_alone_in_a_file_without_statistics(store, logged):
    """Every year-wide query over inspections in annual_figures reads a covering index (no
    table row), and the grouping by the report's dimensions needs no temporary sort, in a
    ledger that has never been ANALYZEd, as a clerk's file never is (docs/PERFORMANCE.md)."""
    with store.engine.connect() as conn:
        assert not conn.execute(text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
    counting = [(sql, plan) for sql, plan in _plans(store, lambda s: annual_figures(s, YEAR))
                if re.search(r"FROM inspection\s", sql) and "GROUP BY" in sql]
    # By the dimensions and per unit; and (schema 6) the 个案 by source and the 上级部署 专项
    # per enterprise (the frequency caps reuse the count per unit); for this year and for
    # last year's comparison. (No plan task recorded here: no count per task.)
    assert len(counting) == 8, [sql for sql, _ in counting]
    for sql, plan in counting:
        assert "USING COVERING INDEX" in plan, (sql, plan)
        if "GROUP BY inspection.date, inspection.category" in sql:   # the dimensions
            assert "TEMP B-TREE" not in plan, plan


def test_an_upgraded_ledger_has_the_list_index(tmp_path):
    import shutil
    from pathlib import Path

    from core.store import open_store

    v1 = Path(__file__).resolve().parent.parent / "resources" / "schema_v1.db"
    copy = tmp_path / "v1.db"
    shutil.copy(v1, copy)
    upgraded = open_store(str(copy))
    try:
        with upgraded.engine.connect() as conn:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = "
                                    "'ix_inspection_list'")).scalar()
    finally:
        upgraded.close()
    assert sql is not None and "WHERE items IS NOT NULL" in sql
