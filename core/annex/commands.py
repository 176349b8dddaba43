"""`zhifa-cli annex --year Y [--out DIR]`: the year's statistical annex alone: the published
数据统计表 and the working copy (台账与数据来源), written as a pair."""

from __future__ import annotations

from pathlib import Path

from core.annex import write_annexes
from core.commands import Command
from core.errors import ReportError
from core.figures import ledger_has_year
from core.years import statistical_year


def _configure(parser) -> None:
    parser.add_argument("--year", "-y", required=True, help="统计年度，例如 2025")
    parser.add_argument("--out", "-o", default=".", help="保存到的文件夹（默认当前文件夹）")


def run_annex(args, store) -> int:
    year = statistical_year(args.year)
    with store.session() as session:
        if not ledger_has_year(session, year):
            raise ReportError(f"台账中没有{year}年的任何执法记录，无法生成该年度统计附件。"
                              f"请确认年度是否选对，或先录入、导入{year}年的数据。")
        written = write_annexes(session, year, Path(args.out))
    print(f"已生成统计附件：{written.published}")
    print(f"已生成台账与数据来源（本单位留存，不公开）：{written.working}")
    return 0


COMMANDS = [Command("annex", "生成年度行政执法数据统计表（统计附件 .xlsx）及台账与数据来源",
                    _configure, run_annex)]
