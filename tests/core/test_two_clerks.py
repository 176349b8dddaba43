"""Two clerks on one ledger (issue 22): nothing one saves is silently overwritten by the other,
and the ledger says who entered and who last changed each record, in its 操作日志.

Two stores opened on the same ledger (a SQLite file, or with ZHIFA_TEST_DATABASE_URL one
database on a PostgreSQL server) stand for two clerks' programs; `act_as` gives each its user.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from core import audit
from core.errors import RecordChangedError
from core.figures import annual_figures
from core.models import AuditLog, Inspection, Staff, Unit
from core.records import delete, save
from core.store import open_store
from core.undo import UndoHistory, snapshot


@pytest.fixture
def two_clerks(ledger_location):
    first = open_store(ledger_location)
    second = open_store(ledger_location)
    audit.act_as(first.engine, "zhang", "张三", "安全科")
    audit.act_as(second.engine, "li", "李四", "民办教育科")
    yield first, second
    first.close()
    second.close()


def _inspection(s, name="两人学校", day=dt.date(2025, 3, 5)):
    unit = save(s, Unit(name=name, unit_type="公办中小学"))
    staff = [save(s, Staff(name="执法甲")), save(s, Staff(name="执法乙"))]
    return save(s, Inspection(date=day, category="日常检查", method="其他", unit=unit,
                              unit_id=unit.id, result="合格", inspectors=staff, personnel=2))


def test_the_second_save_of_one_record_is_refused_with_the_first_clerks_name(two_clerks):
    zhang, li = two_clerks
    with zhang.session() as s:
        rid = _inspection(s).id
    # Both open the entry (version 1).
    with zhang.read_session() as s:
        seen_by_zhang = s.get(Inspection, rid).version
    with li.read_session() as s:
        seen_by_li = s.get(Inspection, rid).version
    assert seen_by_zhang == seen_by_li == 1
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.personnel = 4
        save(s, rec, seen_version=seen_by_li)
    with pytest.raises(RecordChangedError) as refused, zhang.session() as s:
        rec = s.get(Inspection, rid)
        rec.personnel = 9
        save(s, rec, seen_version=seen_by_zhang)
    assert "李四（li）" in str(refused.value) and "修改" in str(refused.value)
    assert refused.value.who == "李四（li）"
    assert isinstance(refused.value.when, dt.datetime)
    with zhang.session() as s:
        rec = s.get(Inspection, rid)
        assert (rec.personnel, rec.version, rec.updated_by) == (4, 2, "李四（li）")
        assert rec.created_by == "张三（zhang）"
        assert rec.owner_department == "安全科"      # the 科室 of the clerk who entered it


def test_report_words_are_never_saved_over_another_clerks(two_clerks):
    """报告文字: a block stored when the page showed it, and one not stored yet (NO_ROW_SEEN),
    whose words another clerk saved meanwhile; a block only in the 回收站 is no one's words."""
    from core.models import NarrativeText
    from core.narrative import NO_ROW_SEEN, OWN, save_block
    from core.records import delete

    zhang, li = two_clerks
    with zhang.session() as s:
        seen = save_block(s, 2025, "导语", "张三的导语。", confirm=True, origin=OWN).version
    for block, shown in (("导语", seen), ("存在的问题", NO_ROW_SEEN)):
        with li.session() as s:
            save_block(s, 2025, block, "李四的文字。", confirm=True, origin=OWN)
        with pytest.raises(RecordChangedError, match="李四（li）"), zhang.session() as s:
            save_block(s, 2025, block, "张三的文字。", confirm=True, origin=OWN, seen_version=shown)
        with zhang.read_session() as s:
            assert s.scalars(select(NarrativeText.text).where(
                NarrativeText.block == block)).one() == "李四的文字。"
    with li.session() as s:
        row = s.scalars(select(NarrativeText).where(NarrativeText.block == "存在的问题")).one()
        delete(s, row)
    with zhang.session() as s:
        save_block(s, 2025, "存在的问题", "张三的文字。", confirm=True, origin=OWN,
                   seen_version=NO_ROW_SEEN)


def test_a_delete_of_a_record_edited_since_it_was_listed_is_refused(two_clerks):
    zhang, li = two_clerks
    with zhang.session() as s:
        rid = _inspection(s).id
        total = annual_figures(s, 2025)["inspection.total"]
    listed = 1                                    # the version zhang's list shows
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.problems_found = 3
        save(s, rec, seen_version=1)
    with pytest.raises(RecordChangedError, match="李四"), zhang.session() as s:
        delete(s, s.get(Inspection, rid), seen_version=listed)
    with zhang.session() as s:
        rec = s.get(Inspection, rid)
        assert rec.deleted_at is None and rec.problems_found == 3
        assert annual_figures(s, 2025)["inspection.total"] == total
        delete(s, rec, seen_version=rec.version)          # shown afresh: deleted
    with zhang.session() as s:
        assert s.get(Inspection, rid).deleted_at is not None


def test_a_race_lost_at_the_database_is_refused_too(two_clerks):
    """Both read version 1 in their own transactions before either writes: the UPDATE's
    version check refuses the later one (on SQLite the file's one writer at a time)."""
    zhang, li = two_clerks
    with zhang.session() as s:
        rid = _inspection(s).id
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.personnel = 5
        save(s, rec)
    with pytest.raises(RecordChangedError, match="李四"), zhang.session() as s:
        rec = s.get(Inspection, rid)
        # zhang's copy is as he loaded it before li saved: version 1.
        from sqlalchemy.orm import attributes
        attributes.set_committed_value(rec, "version", 1)
        rec.personnel = 7
        save(s, rec)
    with zhang.session() as s:
        assert s.get(Inspection, rid).personnel == 5


def test_a_race_lost_while_checking_a_unique_name_is_refused_too(two_clerks):
    """A unit's save first looks for another of the same name: that query flushes the
    change, so the lost race surfaces there, and is told the same way."""
    from sqlalchemy.orm import attributes

    zhang, li = two_clerks
    with zhang.session() as s:
        uid = save(s, Unit(name="竞争学校", unit_type="公办中小学")).id
    with li.session() as s:
        unit = s.get(Unit, uid)
        unit.street = "李四街道"
        save(s, unit)
    with pytest.raises(RecordChangedError, match="李四"), zhang.session() as s:
        unit = s.get(Unit, uid)
        attributes.set_committed_value(unit, "version", 1)
        unit.street = "张三街道"
        save(s, unit)
    with zhang.session() as s:
        assert s.get(Unit, uid).street == "李四街道"


def test_undo_does_not_write_over_another_clerks_change(two_clerks):
    zhang, li = two_clerks
    history = UndoHistory()
    with zhang.session() as s:
        rid = _inspection(s).id
    with zhang.session() as s:
        rec = s.get(Inspection, rid)
        before = snapshot(rec)
        rec.personnel = 3
        history.save(s, rec, before, seen_version=before.version)
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.personnel = 6
        save(s, rec)
    with pytest.raises(RecordChangedError, match="李四"), zhang.session() as s:
        history.undo(s)
    assert history.can_undo
    with zhang.session() as s:
        assert s.get(Inspection, rid).personnel == 6


def test_every_change_is_logged_with_its_user_and_fields(two_clerks):
    zhang, li = two_clerks
    history = UndoHistory()
    with zhang.session() as s:
        rid = _inspection(s).id
    with li.session() as s:
        rec = s.get(Inspection, rid)
        before = snapshot(rec)
        rec.personnel, rec.note = 4, "复查"
        rec.inspectors = rec.inspectors[:1]
        history.save(s, rec, before, seen_version=1)
    with li.session() as s:
        history.delete(s, s.get(Inspection, rid))
    with li.session() as s:
        history.undo(s)
    with zhang.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.model == "Inspection",
                                                AuditLog.record_id == rid)
                         .order_by(AuditLog.id)).all()
        assert [(r.action, r.login) for r in rows] == [
            ("create", "zhang"), ("edit", "li"), ("delete", "li"), ("undo", "li")]
        edit = json.loads(rows[1].changes)
        assert edit["personnel"] == [2, 4]
        assert edit["note"] == ["", "复查"]
        assert edit["inspectors"] == [["执法甲", "执法乙"], ["执法甲"]]
        assert set(edit) == {"personnel", "note", "inspectors"}     # no bookkeeping columns
        entries = audit.record_history(s, Inspection, rid)
        assert [e.action for e in entries] == ["新增", "修改", "删除", "撤销"]
        assert entries[1].who == "李四（li）"
        assert ("出动人次", "2", "4") in entries[1].changes
        assert ("执法人员", "执法甲、执法乙", "执法甲") in entries[1].changes
        made_this_year = [e.record for e in audit.year_entries(s, dt.date.today().year)]
        assert made_this_year.count(entries[0].record) == 4
        assert audit.year_entries(s, dt.date.today().year - 1) == []
        # The stamp a window compares moves with every change anyone logs.
        stamp = audit.change_stamp(s)
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.items = "消防安全"
        save(s, rec)
    with zhang.read_session() as s:
        assert audit.change_stamp(s) > stamp


def test_a_save_without_a_change_logs_nothing_and_keeps_the_version(two_clerks):
    zhang, _ = two_clerks
    with zhang.session() as s:
        rid = _inspection(s).id
        count = s.query(AuditLog).count()
    with zhang.session() as s:
        rec = s.get(Inspection, rid)
        rec.personnel = rec.personnel
        save(s, rec, seen_version=1)
    with zhang.session() as s:
        assert s.get(Inspection, rid).version == 1
        assert s.query(AuditLog).count() == count


def test_a_caller_cannot_set_the_version_or_who_entered_a_record(two_clerks):
    zhang, li = two_clerks
    with zhang.session() as s:
        rid = _inspection(s).id
    with li.session() as s:
        rec = s.get(Inspection, rid)
        rec.version, rec.created_by, rec.personnel = 1, "别人", 8
        save(s, rec)
    with li.session() as s:
        rec = s.get(Inspection, rid)
        assert (rec.version, rec.created_by) == (2, "张三（zhang）")


def test_an_import_is_one_entry_of_the_log(demo_store, new_ledger, tmp_path):
    from core.ledger_io.exporter import export_ledger
    from core.ledger_io.importer import plan_import
    from core.models import RECORD_KINDS

    with demo_store.session() as s:
        path, counted = export_ledger(s, 2025, tmp_path / "台账2025.xlsx")
    other = open_store(new_ledger("另一台电脑.db"))
    try:
        audit.act_as(other.engine, "wang", "王五", "法制科")
        with other.session() as s:
            plan = plan_import(s, path)
        with other.session() as s:
            plan.commit(s)
        with other.session() as s:
            [row] = s.scalars(select(AuditLog)).all()
            assert (row.action, row.login, row.record_label) == ("import", "wang",
                                                                "导入「台账2025.xlsx」")
            added = json.loads(row.changes)["新增"]
            for kind in RECORD_KINDS:
                n = s.query(kind).count()
                assert added.get(kind.KIND, 0) == n, kind.KIND
            assert added["行政检查"] == counted["行政检查"]
            [entry] = audit.year_entries(s, row.at.year)
            assert (entry.action, entry.who) == ("导入", "王五（wang）")
            assert ("行政检查", "", f"新增 {added['行政检查']} 条") in entry.changes
            assert {i.created_by for i in s.query(Inspection)} == {"王五（wang）"}
    finally:
        other.close()


def test_an_import_from_the_command_line_is_one_entry_of_the_log_too(demo_store, new_ledger,
                                                                      tmp_path):
    """`zhifa-cli import` plans and saves in one reading (import_now): the same one entry,
    and every inspection bulk-written carries who entered it."""
    from core.ledger_io.exporter import export_ledger
    from core.ledger_io.importer import import_now

    with demo_store.session() as s:
        path, counted = export_ledger(s, 2025, tmp_path / "台账2025.xlsx")
    other = open_store(new_ledger("命令行导入.db"))
    try:
        audit.act_as(other.engine, "wang", "王五", "法制科")
        with other.session() as s:
            import_now(s, path)
        with other.session() as s:
            [row] = s.scalars(select(AuditLog)).all()
            assert (row.action, row.record_label) == ("import", "导入「台账2025.xlsx」")
            assert json.loads(row.changes)["新增"]["行政检查"] == counted["行政检查"] > 0
            assert {(i.created_by, i.owner_department) for i in s.query(Inspection)} == {
                ("王五（wang）", "法制科")}
    finally:
        other.close()


def test_zhifa_cli_log_writes_the_years_log(ledger_location, tmp_path, capsys):
    from openpyxl import load_workbook

    from core.cli import main

    store = open_store(ledger_location)
    try:
        audit.act_as(store.engine, "zhang", "张三", "安全科")
        with store.session() as s:
            rid = _inspection(s).id
        with store.session() as s:
            rec = s.get(Inspection, rid)
            rec.personnel = 3
            save(s, rec)
    finally:
        store.close()
    year = dt.date.today().year
    target = tmp_path / "操作日志.xlsx"
    assert main(["--db", ledger_location, "log", "--year", str(year), "-o", str(target)]) == 0
    assert "5 条操作" in capsys.readouterr().out      # unit, two staff, inspection, its edit
    ws = load_workbook(target).active
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    assert rows[0] == ("时间", "操作人", "操作", "记录", "修改的项目", "原内容", "新内容")
    edit = [r for r in rows if r[2] == "修改"]
    assert [r[4:] for r in edit] == [("出动人次", "2", "3")]
    [made] = [r for r in rows if r[2] == "新增" and r[3].startswith("行政检查")]
    assert "出动人次：2" in made[6] and "检查对象：检查对象「两人学校」" in made[6]
    assert len(rows) == 1 + 5
    assert main(["--db", ledger_location, "log", "--year", "abc"]) == 2
