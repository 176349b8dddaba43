"""`zhifa-cli report --year Y [--out DIR]`: the year's report and annex."""

from __future__ import annotations

from pathlib import Path

from core.commands import Command
from core.parsing import parse_date
from core.report import write_report


def _configure(parser) -> None:
    parser.add_argument("--year", "-y", required=True, help="报告年度，例如 2025")
    parser.add_argument("--out", "-o", default=".", help="保存到的文件夹（默认当前文件夹）")
    parser.add_argument("--date", "-d", help="成文日期，例如 2026-01-20（默认用单位信息中的成文日期，"
                                             "没有则用今天）")


def run_report(args, store) -> int:
    day = parse_date(args.date, "成文日期") if args.date else None
    with store.session() as session:
        files = write_report(session, args.year, Path(args.out), document_date=day)
    print(f"已生成报告：{files.docx}")
    print(f"已生成统计附件：{files.annex}")
    print(f"已生成台账与数据来源（本单位留存，不公开）：{files.working}")
    for warning in files.warnings:
        print(f"请注意：{warning}")
    return 0


COMMANDS = [Command("report", "生成年度行政执法工作报告（.docx）及统计附件（.xlsx）",
                    _configure, run_report)]
