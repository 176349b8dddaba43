"""The clerk imports a colleague's inspections into a ledger that already holds some of the
same units on the same days: each unit counts once a day, whichever entry came first, and
an entry in the recycle bin does not take a day from the imported one."""

from __future__ import annotations

from sqlalchemy import select

from core.figures import annual_figures
from core.inspection_days import mark_first_of_day
from core.ledger_io.importer import import_now, plan_import
from core.models import FIRST_OF_DAY, Inspection, Staff, Unit
from core.records import delete, save

from .conftest import D

HEADER = ["检查日期", "检查对象", "检查类别", "检查方式", "执法人员", "出动人次", "发现问题数",
          "现场整改数", "检查结果", "全过程记录"]


def _row(day, unit, staff="张三、李四", problems=0):
    return [day, unit, "日常检查", "其他", staff, 2, problems, 0, "合格", "是"]


def _ledger(store):
    """一中 inspected on 3 March (live) and on 6 March (since deleted); 二中 never."""
    with store.session() as s:
        one = save(s, Unit(name="示例一中", unit_type="公办中小学"))
        save(s, Unit(name="示例二中", unit_type="公办中小学"))
        people = [save(s, Staff(name="张三")), save(s, Staff(name="李四"))]
        for day in (D(2025, 3, 3), D(2025, 3, 6)):
            save(s, Inspection(date=day, unit=one, category="日常检查", method="其他",
                               inspectors=people, personnel=2, result="合格"))
        s.commit()
    with store.session() as s:
        delete(s, s.scalars(select(Inspection).where(Inspection.date == D(2025, 3, 6))).one())
        s.commit()


BOOK = {"行政检查": [
    HEADER,
    _row(D(2025, 3, 3), "示例一中"),                       # a second entry of a counted day
    _row(D(2025, 3, 6), "示例一中"),                       # the day's entry is in the bin
    _row(D(2025, 3, 6), "示例一中", staff="王五", problems=1),   # that day again, other team
    _row(D(2025, 3, 3), "示例二中"),                       # another unit, the same day
]}


def _flags(session) -> list[tuple]:
    rows = session.execute(select(Inspection.date, Unit.name, Inspection.deleted_at.is_(None),
                                  FIRST_OF_DAY).join(Unit).order_by(Inspection.id))
    return [tuple(r) for r in rows]


def test_imported_entries_count_each_unit_once_a_day(store, workbook):
    _ledger(store)
    path = workbook(BOOK)
    with store.session() as s:
        done = import_now(s, path)
        s.commit()
    assert done.imported == 4 and done.duplicates == 0
    with store.session() as s:
        # (date, unit, live, counts) in the order logged, worked out by hand
        assert _flags(s) == [
            (D(2025, 3, 3), "示例一中", True, True),
            (D(2025, 3, 6), "示例一中", False, False),
            (D(2025, 3, 3), "示例一中", True, False),
            (D(2025, 3, 6), "示例一中", True, True),
            (D(2025, 3, 6), "示例一中", True, False),
            (D(2025, 3, 3), "示例二中", True, True),
        ]
        # one a day: 一中 on the 3rd and the 6th, 二中 on the 3rd
        assert annual_figures(s, 2025)["inspection.total"] == 3
        # and the same as working out every day of the ledger again from scratch
        before = _flags(s)
        mark_first_of_day(s.connection())
        assert _flags(s) == before
        s.rollback()


def test_the_preview_and_commit_mark_the_days_alike(store, workbook):
    """The window's path (a preview, then the commit) gives the same days as the CLI's."""
    _ledger(store)
    path = workbook(BOOK)
    with store.session() as s:
        plan = plan_import(s, path)
    with store.session() as s:
        plan.commit(s)
        s.commit()
    with store.session() as s:
        assert [flag for *_, flag in _flags(s)] == [True, False, False, True, False, True]
        assert annual_figures(s, 2025)["inspection.total"] == 3


def test_a_bad_cell_repeated_down_the_column_is_refused_in_each_row(store, workbook):
    """Cells are parsed once per column and text; a cell that cannot be read is not
    remembered, so each row that repeats it is refused naming its own cell."""
    _ledger(store)
    rows = [HEADER] + [_row(D(2025, 4, day), "示例二中") for day in (1, 2, 3)]
    for row in rows[1:]:
        row[5] = "两人"                       # 出动人次, column F
    rows.append(_row(D(2025, 4, 4), "示例二中"))
    with store.session() as s:
        plan = plan_import(s, workbook({"行政检查": rows}))
    assert plan.sheets[0].counts() == (1, 0, 3)
    assert [(r.row, r.reason.endswith(f"（单元格 F{r.row}）。")) for r in plan.sheets[0].rejected] \
        == [(2, True), (3, True), (4, True)]
