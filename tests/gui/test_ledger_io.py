"""导入台账 through the window: the plan is shown (counts per sheet, rejected rows with their
reason), nothing is written until 导入 is clicked, then the year's number moves."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.figures import annual_figures
from core.ledger_io.exporter import export_ledger
from core.models import Inspection
from tests.workbooks import sheet_names


def _workbook_with_one_new_and_one_wrong_inspection(store, tmp_path):
    """The demo year exported (so every row is a duplicate), plus two inspection rows."""
    with store.session() as s:
        path, _counts = export_ledger(s, 2025, tmp_path / "导出.xlsx")
    wb = load_workbook(path)
    ws = wb["行政检查"]
    headers = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    date_col = headers.index("检查日期")
    new, wrong = list(first), list(first)
    new[date_col] = "2025-12-30"
    new[headers.index("公示日期")] = None            # not yet published
    wrong[date_col] = "2025-13-45"
    ws.append(new)
    ws.append(wrong)
    target = tmp_path / "区里汇总的台账.xlsx"
    wb.save(target)
    return target


def _count(store) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(Inspection))


def test_import_shows_the_plan_and_writes_only_when_confirmed(qtbot, window, show, demo_store,
                                                               tmp_path, answers):
    source = _workbook_with_one_new_and_one_wrong_inspection(demo_store, tmp_path)
    before = _count(demo_store)
    actions = window.ledger
    actions.preview(source)
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(),
                    timeout=30000)
    dialog = actions.dialog
    summary = dialog.summary.toPlainText()
    assert "行政检查：将导入 1 行，重复跳过 73 行，未导入 1 行" in summary
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 0).text() == "行政检查"
    assert "2025-13-45" in dialog.problems.item(0, 2).text()
    assert dialog.import_button.text() == "导入 1 行"
    assert _count(demo_store) == before                  # nothing written yet

    saved = dialog.write_rejections()
    assert saved.name == "区里汇总的台账-未导入的行.xlsx" and saved.is_file()

    with qtbot.waitSignal(window.imported, timeout=30000):
        dialog.import_button.click()
    assert _count(demo_store) == before + 1
    assert "导入完成" in answers.shown[-1] and "导入前的台账已备份到" in answers.shown[-1]
    with demo_store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 73
    assert show("overview").cards[0].value.text() == "73次"


def test_cancelling_the_plan_writes_nothing(qtbot, window, demo_store, tmp_path):
    source = _workbook_with_one_new_and_one_wrong_inspection(demo_store, tmp_path)
    before = _count(demo_store)
    window.ledger.preview(source)
    qtbot.waitUntil(lambda: window.ledger.dialog is not None, timeout=30000)
    window.ledger.dialog.cancel_button.click()
    assert _count(demo_store) == before


def test_a_file_that_is_not_a_ledger_is_refused_in_words(qtbot, window, tmp_path, answers):
    bad = tmp_path / "不是表格.xlsx"
    bad.write_text("这不是 Excel 文件", encoding="utf-8")
    window.ledger.preview(bad)
    qtbot.waitUntil(lambda: bool(answers.shown), timeout=30000)
    assert answers.shown[-1].startswith("无法导入：")
    assert "不是表格.xlsx" in answers.shown[-1]


def test_export_and_blank_template(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.exported, timeout=30000) as done:
        window.ledger.export(tmp_path / "台账2025.xlsx", 2025)
    assert "行政检查" in sheet_names(done.args[0])
    template = window.ledger.template(tmp_path / "模板.xlsx")
    assert "行政处罚" in sheet_names(template)
