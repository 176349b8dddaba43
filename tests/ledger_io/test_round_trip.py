"""Export a year, import it into an empty ledger elsewhere: the same figures come out."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from core.figures import annual_figures
from core.ledger_io.exporter import export_ledger
from core.ledger_io.importer import plan_import
from core.ledger_io.template import write_template
from core.store import open_store


def figures_json(store, year):
    with store.session() as s:
        return json.dumps(annual_figures(s, year).as_json(), ensure_ascii=False, default=str,
                          sort_keys=True, indent=0)


@pytest.mark.parametrize("years", [(2024, 2025), (None,)], ids=["year by year", "all years"])
def test_demo_exported_and_imported_into_an_empty_ledger_gives_identical_figures(
        demo_store, tmp_path, years):
    files = {}
    for year in years:
        with demo_store.session() as s:
            files[year], counted = export_ledger(s, year, tmp_path / f"台账{year}.xlsx")
        assert counted["行政检查"] > 0
    other = open_store(str(tmp_path / "另一台电脑.db"))
    try:
        for year in years:
            with other.session() as s:
                plan = plan_import(s, files[year])
            assert plan.rejected == 0, [r.reason for sh in plan.sheets for r in sh.rejected]
            with other.session() as s:
                plan.commit(s)
        for year in (2024, 2025):
            assert figures_json(other, year) == figures_json(demo_store, year)
    finally:
        other.close()


def test_one_items_month_logged_in_two_entries_survives_export_and_import(store, tmp_path):
    """教师资格认定 for March logged as two entries (two batches): the figures add them up,
    so the import must keep both; the same file imported again is all duplicates."""
    from core.models import OtherAct
    from core.records import save

    with store.session() as s:
        for applied, granted in ((40, 38), (25, 25)):
            save(s, OtherAct(year=2025, month=3, category="行政许可", item="教师资格认定",
                             applied=applied, accepted=applied, granted=granted))
        path, _ = export_ledger(s, 2025, tmp_path / "台账.xlsx")
    other = open_store(str(tmp_path / "另一台电脑.db"))
    try:
        with other.session() as s:
            plan_import(s, path).commit(s)
        with other.session() as s:
            assert annual_figures(s, 2025).figures["license.granted"].value == 63
            again = plan_import(s, path)
        assert (again.imported, again.duplicates) == (0, 2)
        assert figures_json(other, 2025) == figures_json(store, 2025)
    finally:
        other.close()


def test_equal_entries_within_one_file_are_all_imported_and_none_twice(store, tmp_path):
    """Two equal 其他执法行为 entries (the same month's count logged twice) and two campaigns
    of one name starting on one day: the figures count each, so the import keeps each (a
    city year exported and imported lost 9 and 2 of them); importing the file again adds
    nothing."""
    import datetime as dt

    from core.models import Campaign, OtherAct
    from core.records import save

    with store.session() as s:
        for _ in range(2):
            save(s, OtherAct(year=2025, month=5, category="行政奖励", item="优秀教师表彰", count=3))
            save(s, Campaign(name="校外培训专项治理", start_date=dt.date(2025, 4, 1),
                             lead_department="示例区教育局", personnel=10, institutions_checked=5))
        path, _ = export_ledger(s, 2025, tmp_path / "台账.xlsx")
    other = open_store(str(tmp_path / "另一台电脑.db"))
    try:
        with other.session() as s:
            plan_import(s, path).commit(s)
        assert figures_json(other, 2025) == figures_json(store, 2025)
        with other.session() as s:
            figures = annual_figures(s, 2025).figures
            assert (figures["other_act.reward"].value, figures["campaign.total"].value) == (6, 2)
            again = plan_import(s, path)
        assert (again.imported, again.duplicates) == (0, 4)
    finally:
        other.close()


def test_the_export_is_the_template_layout_with_the_year_in_it(demo_store, tmp_path):
    with demo_store.session() as s:
        path, counted = export_ledger(s, 2025, tmp_path / "台账2025.xlsx")
    blank = load_workbook(write_template(tmp_path / "模板.xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == blank.sheetnames
    for name in blank.sheetnames[1:]:
        assert [c.value for c in book[name][1]] == [c.value for c in blank[name][1]]
        assert book[name].max_row == counted[name] + 1
    inspections = book["行政检查"]
    assert inspections["A2"].is_date and inspections["A2"].value.year == 2025
    assert all(c.value.year == 2025 for c in inspections["A"][1:])


def test_text_that_looks_like_a_formula_is_exported_as_text(store, tmp_path):
    from core.models import Unit
    from core.records import save
    with store.session() as s:
        save(s, Unit(name="=HYPERLINK(\"http://x\",\"点我\")", unit_type="其他"))
        path, _ = export_ledger(s, None, tmp_path / "全部.xlsx")
    cell = load_workbook(path)["检查对象"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
    other = open_store(str(tmp_path / "另一台电脑.db"))
    try:
        with other.session() as s:
            plan_import(s, path).commit(s)
            assert s.query(Unit).one().name == "=HYPERLINK(\"http://x\",\"点我\")"
    finally:
        other.close()


def test_an_exported_ledger_imports_with_the_same_record_counts_not_only_the_same_figures(
        demo_store, tmp_path):
    """A morning 日常 and an afternoon 专项 visit to one school on one day, with their own
    事项, 问题数 and staff: the figures count the day once, but the ledger keeps both, and so
    must the ledger the export is imported into (the import used to skip the second)."""
    import datetime as dt

    from sqlalchemy import func, select

    from core.ledger_io.columns import LEDGER_SHEETS
    from core.models import Inspection, Staff, Unit
    from core.records import save

    with demo_store.session() as s:
        unit = s.scalars(select(Unit).order_by(Unit.id)).first()
        school = unit.name
        team = list(s.scalars(select(Staff).order_by(Staff.id).limit(4)))
        day = dt.date(2025, 11, 20)
        for category, items, problems, staff in (("日常检查", "校园安全", 0, team[:2]),
                                                 ("专项检查", "食品安全、收费", 3, team[2:])):
            save(s, Inspection(date=day, unit=unit, category=category, method="其他",
                               items=items, problems_found=problems, result="责令整改",
                               inspectors=staff))
        path, _ = export_ledger(s, None, tmp_path / "全部.xlsx")

    def records(store):
        with store.session() as s:
            return {sheet.title: s.scalar(select(func.count()).select_from(sheet.model).where(
                sheet.model.deleted_at.is_(None))) for sheet in LEDGER_SHEETS}

    other = open_store(str(tmp_path / "另一台电脑.db"))
    try:
        with other.session() as s:
            plan_import(s, path).commit(s)
        assert records(other) == records(demo_store)
        with other.session() as s:
            visits = s.scalars(select(Inspection).join(Inspection.unit).where(
                Inspection.date == day, Unit.name == school)).all()
            assert sorted((v.category, v.problems_found, len(v.inspectors)) for v in visits) == [
                ("专项检查", 3, 2), ("日常检查", 0, 2)]
        assert figures_json(other, 2025) == figures_json(demo_store, 2025)
        with other.session() as s:
            again = plan_import(s, path)
        assert again.imported == 0 and again.rejected == 0
    finally:
        other.close()
