"""A large wrong workbook is bounded work: the rejected rows are listed up to a cap over the
whole file and the rest counted, and the command line shows how far it has read.

The clerk's day: the wrong file is chosen (another bureau's export in another layout, every
row rejected). The preview says how many rows would not be imported and why for the first
ones, instead of running for ten minutes and writing 3.4 million rows back out."""

from __future__ import annotations

import gc
import io

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.errors import ImportFileError
from core.ledger_io import importer
from core.ledger_io.importer import plan_import

HEADER = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果"]


def _bad_rows(n, start=0):
    return [[f"第{start + i}天", "一中", "公办中小学", "日常检查", "其他", "合格"] for i in range(n)]


def test_rejected_rows_are_listed_up_to_the_cap_over_all_sheets_and_the_rest_counted(
        store, workbook, monkeypatch):
    monkeypatch.setattr(importer, "MAX_LISTED_REJECTIONS", 50)
    path = workbook({"行政检查": [HEADER, *_bad_rows(30)],
                     "2025年行政检查": [HEADER, *_bad_rows(40, 30)],
                     "学法培训": [["日期", "主题", "形式", "学时"], ["2025-06-01", "民法典", "集中培训", 2]]})
    with store.session() as s:
        plan = plan_import(s, path)
    assert plan.rejected == 70 and plan.unlisted == 20 and len(plan.problems()) == 50
    assert [s.counts() for s in plan.sheets] == [(0, 0, 30), (0, 0, 40), (1, 0, 0)]
    text = "\n".join(plan.summary_lines())
    assert "只列出前 50 行" in text and "其余 20 行只计数" in text
    assert "合计：将导入 1 行，重复跳过 0 行，未导入 70 行。" in text
    book = load_workbook(plan.write_rejections())
    assert sum(ws.max_row - 1 for ws in book.worksheets if ws.title != "说明") == 50
    assert "另有 20 行未列出" in " ".join(str(r[0]) for r in book["说明"].values)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_command_line_shows_its_progress_on_a_terminal_only(store, workbook, monkeypatch,
                                                                capsys):
    rows = [[f"2025-03-{1 + i % 28:02d}", f"学校{i}", "公办中小学", "日常检查", "其他", "合格"]
            for i in range(1200)]
    path = workbook({"行政检查": [HEADER, *rows]})
    store.close()
    terminal = Terminal()
    monkeypatch.setattr("core.ledger_io.commands.sys.stderr", terminal)
    assert main(["--db", store.location, "import", str(path)]) == 0
    shown = terminal.getvalue()
    assert "正在读取「行政检查」第 1,000 行" in shown
    assert "正在写入台账（1,200 行）" in shown
    assert "已导入 1200 行" in capsys.readouterr().out
    monkeypatch.undo()                     # not a terminal (a log, a pipe): no progress lines
    assert main(["--db", store.location, "import", "--dry-run", str(path)]) == 0
    assert "正在读取" not in capsys.readouterr().err


def test_the_import_puts_the_cycle_collector_back_as_it_found_it(store, workbook, tmp_path):
    """The collector runs less often while a file is read (importer._fewer_collections),
    and as before once the import ends, however it ends."""
    before = gc.get_threshold()
    seen = []
    good = workbook({"行政检查": [HEADER, *_bad_rows(1001)]})
    with store.session() as s:
        plan_import(s, good, say=lambda _text: seen.append(gc.get_threshold()))
    assert seen and seen[0][0] == importer.IMPORT_COLLECT_EVERY
    assert gc.get_threshold() == before
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with store.session() as s, pytest.raises(ImportFileError):
        plan_import(s, broken)
    assert gc.get_threshold() == before
