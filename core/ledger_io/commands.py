"""`zhifa-cli template | import | export`: the 台账 workbook in and out."""

from __future__ import annotations

import sys
from pathlib import Path

from core.commands import Command
from core.errors import OutputError
from core.years import statistical_year
from core.ledger_io.exporter import export_ledger
from core.ledger_io.importer import import_now, plan_import
from core.ledger_io.template import write_template
from core.lock import writing
from core.paths import data_dir


def _xlsx(name: str) -> Path:
    """The target with .xlsx added when the clerk left it out (Excel would not open it)."""
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def run_template(args) -> int:
    path = write_template(_xlsx(args.file))
    print(f"已生成空白台账模板：{path}")
    return 0


def _progress(stream=None):
    """A `say` for the import that keeps one line on the terminal up to date (rows read per
    sheet, then writing), or None when the output is not a terminal (a log, a pipe), which
    would otherwise fill with hundreds of lines."""
    stream = stream or sys.stderr
    try:
        if stream is None or not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    width = 0

    def say(text: str | None) -> None:
        nonlocal width
        if text is None:                       # done: leave the line for what follows
            if width:
                print("\r" + " " * width + "\r", end="", file=stream, flush=True)
            width = 0
            return
        print("\r" + text.ljust(width), end="", file=stream, flush=True)
        width = max(width, len(text) * 2)      # Chinese characters take two columns

    return say


def run_import(args, store) -> int:
    source = Path(args.file)
    say = _progress()
    try:
        return _import(args, store, source, say)
    finally:
        if say:
            say(None)


def _import(args, store, source: Path, say) -> int:
    if args.dry_run:
        with store.session() as s:
            plan = plan_import(s, source, say=say)
        if say:
            say(None)
        print(f"预览「{source.name}」（未写入台账）：")
        for line in plan.summary_lines():
            print(f"  {line}")
    else:
        # One writer: read, checked and saved under the ledger's lock in one transaction,
        # so nothing else changes the ledger meanwhile, and one reading of the file gives
        # what a preview then a commit would (the GUI, which shows the preview first,
        # does that, and the commit re-derives every row's fate).
        with writing(store):
            with store.session() as s:
                plan = import_now(s, source, say=say)
                if say:
                    say(f"正在写入台账（{plan.imported:,} 行）…")
        if say:
            say(None)
        print(f"已导入「{source.name}」：")
        for line in plan.summary_lines():
            print(f"  {line}")
    if plan.rejected:
        print(f"未导入的行及原因已写入：{_write_rejections(plan)}")
    return 0


def _write_rejections(plan) -> Path:
    # Beside the source if that folder takes it; a read-only folder (a CD, a mail
    # attachment's temp folder) falls back to the data folder.
    try:
        return plan.write_rejections()
    except OutputError:
        return plan.write_rejections(data_dir() / "导入记录" / plan.rejection_path().name)


def run_export(args, store) -> int:
    if args.year is not None:
        args.year = statistical_year(args.year)
    with store.session() as s:
        path, counts = export_ledger(s, args.year, _xlsx(args.file))
    scope = f"{args.year}年度" if args.year else "全部年度"
    print(f"已导出{scope}台账：{path}")
    print("  " + "，".join(f"{k} {v} 行" for k, v in counts.items()))
    return 0


COMMANDS = [
    Command("template", "生成空白台账导入模板（Excel）",
            lambda p: p.add_argument("file", help="保存位置，例如 台账模板.xlsx"),
            run_template, needs_store=False),
    Command("import", "从 Excel 台账导入记录（先检查，全部成功才写入）", lambda p: (
        p.add_argument("file", help="要导入的 .xlsx 文件"),
        p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入台账")),
        run_import),
    Command("export", "把台账导出为 Excel（与导入模板格式相同）", lambda p: (
        p.add_argument("--year", "-y", help="年度，例如 2025；不填则导出全部年度"),
        p.add_argument("file", help="保存位置，例如 台账2025.xlsx")), run_export),
]
