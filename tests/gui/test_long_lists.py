"""Lists longer than one screen keep every row: after a save, a sort, a year switch and the
recycle bin, and the exported workbook holds exactly the rows listed (issue 20: one save
made a 286-unit list drop to 100 rows; a sort and 导出Excel wrote 100 of 223 inspections)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert, select, update

from core.models import Inspection, Unit
from tests.workbooks import sheet_rows

THIS_YEAR, LAST_YEAR = 1_200, 1_050         # added to the demo year's 73 and 2024's own
BINNED = 150


def _inspections(unit_id: int, year: int, n: int) -> list[dict]:
    return [dict(date=dt.date(year, 1, 1) + dt.timedelta(days=i % 365), category="日常检查",
                 method="其他", unit_id=unit_id, result="合格" if i % 4 else "责令整改",
                 items="校园安全", lead_department="", partner_departments="", personnel=2,
                 problems_found=0, rectified_on_site=0, recorded=True, note="")
            for i in range(n)]


@pytest.fixture
def long_year(demo_store):
    """The demo ledger with 1,200 more inspections in 2025 and 1,050 in 2024, 150 of the
    2025 ones in the recycle bin, and 1,100 more units; returns the counts to expect."""
    with demo_store.session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.name == "示例区第一中学"))
        s.execute(insert(Inspection), _inspections(unit_id, 2025, THIS_YEAR)
                  + _inspections(unit_id, 2024, LAST_YEAR))
        binned = s.scalars(select(Inspection.id).where(Inspection.items == "校园安全",
                                                       Inspection.note == "",
                                                       Inspection.date >= dt.date(2025, 1, 1))
                           .order_by(Inspection.id.desc()).limit(BINNED)).all()
        s.execute(update(Inspection).where(Inspection.id.in_(binned))
                  .values(deleted_at=dt.datetime(2025, 12, 1)))
        s.execute(insert(Unit), [dict(name=f"示例区第{i}培训中心", unit_type="校外培训机构", is_enterprise=True,
                                      credit_code="", street="")
                                 for i in range(1_100)])

    def listed(year: int) -> int:
        with demo_store.read_session() as s:
            return len(s.scalars(select(Inspection.id).where(
                Inspection.deleted_at.is_(None),
                Inspection.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))).all())

    def units() -> int:
        with demo_store.read_session() as s:
            return len(s.scalars(select(Unit.id).where(Unit.deleted_at.is_(None))).all())
    return listed, units


def _whole(qtbot, view, rows: int) -> None:
    """Every row on screen, the count label saying so, and no read left open."""
    qtbot.waitUntil(lambda: view.model.rowCount() == rows and view._reading is None,
                    timeout=20000)
    assert view.count_label.text() == f"共 {rows:,} 条"
    last = view.model.row_values(rows - 1)
    assert last[0]                                   # the last row is there and has its data


def test_a_long_list_keeps_every_row_after_save_sort_year_and_recycle_bin(
        qtbot, window, long_year):
    listed, _units = long_year
    view = window.show_view("inspection")
    rows = listed(2025)
    assert rows == THIS_YEAR - BINNED + 73
    _whole(qtbot, view, rows)

    form = view.new_record()                          # a save refreshes the list
    form.widgets["date"].setText("2025-06-02")
    form.widgets["unit_id"].setText("示例区第一中学")
    form.widgets["inspectors"].setText("何勇、朱红")
    for attr, value in (("category", "日常检查"), ("method", "其他"), ("result", "合格")):
        form.widgets[attr].setCurrentText(value)
    assert form.save()
    _whole(qtbot, view, rows + 1)

    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)      # a sort
    _whole(qtbot, view, rows + 1)
    assert view.model.row_values(0)[0] == "2025-01-01"

    window.year_box.setCurrentIndex(window.year_box.findData(2024))   # another year
    _whole(qtbot, view, listed(2024))
    assert listed(2024) > LAST_YEAR
    window.year_box.setCurrentIndex(window.year_box.findData(2025))
    _whole(qtbot, view, rows + 1)

    view.recycle.setChecked(True)                      # the recycle bin, and back
    qtbot.waitUntil(lambda: view._reading is None and view.model.rowCount() >= BINNED,
                    timeout=20000)
    assert view.model.rowCount() == BINNED
    view.recycle.setChecked(False)
    _whole(qtbot, view, rows + 1)


def test_a_save_keeps_a_long_unit_list_whole(qtbot, window, long_year):
    _listed, units = long_year
    view = window.show_view("unit")
    _whole(qtbot, view, units())
    form = view.new_record()
    form.widgets["name"].setText("示例区星光艺术培训中心")
    form.widgets["unit_type"].setCurrentText("校外培训机构")
    assert form.save()
    _whole(qtbot, view, units())
    assert units() > 1_100


def test_export_after_a_sort_writes_exactly_the_rows_listed(qtbot, window, long_year, tmp_path):
    listed, _units = long_year
    view = window.show_view("inspection")
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    rows = listed(2025)
    _whole(qtbot, view, rows)
    with qtbot.waitSignal(view.exported, timeout=60000) as done:
        assert view.export(tmp_path / "行政检查")
    written = sheet_rows(done.args[0])[1:]
    assert len(written) == rows
    assert [r[0] for r in written] == sorted(r[0] for r in written)

    box = view.filter_boxes["result"]                  # a filter: only what it shows
    box.setCurrentIndex(box.findData("责令整改"))
    qtbot.waitUntil(lambda: view._reading is None, timeout=20000)
    shown = view.model.rowCount()
    assert shown > 100
    with qtbot.waitSignal(view.exported, timeout=60000) as done:
        assert view.export(tmp_path / "责令整改")
    written = sheet_rows(done.args[0])[1:]
    assert len(written) == shown and {r[8] for r in written} == {"责令整改"}
