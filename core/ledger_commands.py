"""The ledger's own subcommands: init, demo, figures, check, backup, restore."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.commands import Command
from core.compliance import check_year
from core.demo import load_demo
from core.errors import StoreError
from core.figures import NO_VALUE, annual_figures
from core.lock import writing
from core.paths import default_backup_dir
from core.records import profile, set_profile
from core.report.readiness import readiness_flags
from core.backups import backup_sqlite, restore_sqlite
from core.years import statistical_year


def _year(parser: argparse.ArgumentParser, required: bool = True):
    # Not type=int: argparse would refuse 「abc」 in English; statistical_year says it in Chinese.
    parser.add_argument("--year", "-y", required=required, help="年度，例如 2025")


def run_init(args, store) -> int:
    with writing(store), store.session() as s:
        if args.bureau or profile(s) is None:
            p = set_profile(s, full_name=args.bureau or "XX区教育局", region=args.region,
                            signatory=args.bureau or None)
        else:
            p = profile(s)
    print(f"已就绪：{store.location}")
    print(f"单位：{p.full_name}")
    return 0


def run_demo(args, store) -> int:
    args.year = statistical_year(args.year)
    with writing(store), store.session() as s:
        load_demo(s, args.year)
    print(f"已载入示例数据：{args.year - 1}年、{args.year}年（示例区教育局）。")
    return 0


def run_figures(args, store) -> int:
    args.year = statistical_year(args.year)
    with store.session() as s:
        figures = annual_figures(s, args.year)
    if args.json:
        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=1, default=str))
        return 0
    print(f"{args.year}年度行政执法数据")
    for f in figures.figures.values():
        value = ("、".join(f.value) if isinstance(f.value, list)
                 else NO_VALUE if f.value is None else f.value)
        change = f"（上年 {f.previous}，{f.change_pct:+.1f}%）" if f.change_pct is not None else ""
        print(f"  {f.label}：{value}{f.unit}{change}    [{f.key}]")
    return 0


def run_check(args, store) -> int:
    args.year = statistical_year(args.year)
    with store.session() as s:
        figures = annual_figures(s, args.year, with_previous=False)   # counted once for both
        flags = check_year(s, args.year, figures=figures)
        flags += readiness_flags(s, args.year, flags_found=flags, figures=figures)
    if not flags:
        print(f"{args.year}年未发现需要提示的问题。")
        return 0
    print(f"{args.year}年共有 {len(flags)} 条提示：")
    for flag in flags:
        print(f"  - {flag}")
    return 1 if args.strict else 0


def _sqlite_path(store) -> Path:
    if store.path is None:
        raise StoreError("备份与恢复只适用于本机 SQLite 数据库文件；其他数据库请用其自身的备份工具。")
    return store.path


def run_backup(args, store) -> int:
    folder = Path(args.to) if args.to else default_backup_dir()
    if not store.is_sqlite:     # a pg_dump dump, or the ledger workbook (issue 22)
        from core.server_backup import backup_server
        target = backup_server(store, folder)
    else:
        target = backup_sqlite(_sqlite_path(store), folder)
    print(f"已备份到：{target}")
    return 0


def run_restore(args, store) -> int:
    if not store.is_sqlite:
        return _restore_server(args, store)
    live = _sqlite_path(store)
    with writing(store):    # refused while the window (or an import) has the ledger
        store.close()
        safety = restore_sqlite(Path(args.file), live)
    print(f"已从「{args.file}」恢复。")
    if safety:
        print(f"恢复前的数据已另存为：{safety}")
    return 0


def _restore_server(args, store) -> int:
    """Restoring a server ledger replaces what every clerk sees: an administrator's action,
    asked twice at the terminal (yes, then the database's name typed), or confirmed at once
    with --confirm 数据库名 (a script)."""
    import sys

    from core import connection
    from core.server_backup import restore_server

    database = (connection.server_parts(store.location) or {}).get("database", "")
    backup = Path(args.file)
    if args.confirm is not None:
        if args.confirm.strip() != database:
            raise StoreError(f"--confirm 给出的数据库名「{args.confirm}」与要恢复的服务器台账"
                             f"「{database}」不符，未做任何改动。")
    elif sys.stdin is not None and sys.stdin.isatty():
        print(f"将用备份「{backup.name}」替换服务器台账「{database}」中的全部数据：各科室在备份之后"
              f"录入的记录都将被替换（当前数据会先另存一份）。这是管理员的操作，请先通知其他科室关闭程序。")
        if input("确定恢复吗？输入“是”继续：").strip() not in ("是", "y", "yes"):
            print("已取消，未做任何改动。")
            return 1
        if input(f"请再输入数据库名「{database}」确认：").strip() != database:
            print("数据库名不符，已取消，未做任何改动。")
            return 1
    else:
        raise StoreError(f"恢复服务器台账须确认两次：请在终端中运行，或加 --confirm {database}。"
                         f"未做任何改动。")
    location = store.location
    store.close()
    safety = restore_server(location, backup, backup.parent / "恢复前副本")
    print(f"已从「{backup}」恢复服务器台账「{database}」。")
    print(f"恢复前的数据已另存为：{safety}")
    return 0


COMMANDS = [
    Command("init", "初始化数据库并设置单位信息", lambda p: (
        p.add_argument("--bureau", help="单位全称，例如 东丽区教育局"),
        p.add_argument("--region", help="地区，例如 天津市东丽区")), run_init),
    Command("demo", "载入示例年度数据（示例区教育局，含上一年）", lambda p: _year(p), run_demo),
    Command("figures", "计算年度统计数据", lambda p: (
        _year(p), p.add_argument("--json", action="store_true", help="以 JSON 输出")), run_figures),
    Command("check", "列出年度合规提示", lambda p: (
        _year(p), p.add_argument("--strict", action="store_true", help="有提示时以非零状态退出")),
        run_check),
    Command("backup", "备份数据库", lambda p: p.add_argument("--to", help="备份文件夹"), run_backup),
    Command("restore", "从备份文件恢复数据库（恢复前自动另存当前数据）",
            lambda p: (p.add_argument("file", help="备份文件"),
                       p.add_argument("--confirm", metavar="数据库名",
                                      help="服务器台账：不经询问直接恢复（须给出该数据库名）")),
            run_restore),
]
