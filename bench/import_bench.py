"""The import beside its floor, measured in the same run.

    PYTHONPATH=. .venv/bin/python -m bench.import_bench 500 10000 100000

For each size a benchmark ledger (bench.generate) is exported to a 台账 workbook, and that
workbook is imported into an empty ledger: preview (plan_import) plus commit, as
`zhifa-cli import` does. The floor is the least the same work can cost with the bare
libraries: the import's own reader (python-calamine, which the import uses for a regular
workbook such as an export) reading every cell of the same workbook, plus one executemany
per sheet of those rows into a table of the same SQLite file (synchronous=FULL, WAL, as
the ledger). The program and its floor alternate, twice each; the better of each is kept,
with the peak memory of the process. Prints one Markdown table row per size for
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from core.ledger_io.exporter import export_ledger
from core.ledger_io.importer import import_now, plan_import
from core.store import open_store

TARGET_SECONDS = 30.0      # issue 18: 100,000 rows in 30 s or less
TARGET_RATIO = 5.0         # … and within 5× of the floor


def workbook(folder: Path, records: int) -> tuple[Path, int]:
    ready = os.environ.get("ZHIFA_BENCH_BOOKS")     # reuse workbooks made by an earlier run
    if ready and (Path(ready) / f"台账{records}.xlsx").exists():
        book = Path(ready) / f"台账{records}.xlsx"
        from python_calamine import CalamineWorkbook
        with CalamineWorkbook.from_path(str(book)) as wb:
            rows = sum(max(wb.get_sheet_by_name(n).height - 1, 0) for n in wb.sheet_names
                       if n != "说明")
        return book, rows
    ledger = generate(folder / f"源{records}.db", records)
    store = open_store(str(ledger))
    try:
        with store.session() as s:
            path, counts = export_ledger(s, None, folder / f"台账{records}.xlsx")
    finally:
        store.close()
    return path, sum(counts.values())


def program(book: Path, folder: Path, preview: bool = False) -> float:
    """`zhifa-cli import`: one reading under the write lock (import_now); with `preview`,
    what the GUI does instead: a preview, then the commit that re-derives every row."""
    target = folder / "导入.db"
    for leftover in folder.glob("导入.db*"):
        leftover.unlink()
    store = open_store(str(target))
    try:
        started = time.perf_counter()
        if preview:
            with store.session() as s:
                plan = plan_import(s, book)
            with store.session() as s:
                plan.commit(s)
        else:
            with store.session() as s:
                import_now(s, book)
        return time.perf_counter() - started
    finally:
        store.close()


def floor(book: Path, folder: Path) -> float:
    from python_calamine import CalamineWorkbook

    target = folder / "基准.db"
    for leftover in folder.glob("基准.db*"):
        leftover.unlink()
    started = time.perf_counter()
    with contextlib.closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        wb = CalamineWorkbook.from_path(str(book))
        try:
            for n, name in enumerate(wb.sheet_names):
                rows = iter(wb.get_sheet_by_name(name).iter_rows())
                next(rows, None)                      # the header
                first = next(rows, None)
                if first is None:
                    continue
                width = len(first)
                conn.execute(f"CREATE TABLE t{n} ({', '.join(f'c{i}' for i in range(width))})")
                marks = ", ".join("?" * width)
                conn.executemany(f"INSERT INTO t{n} VALUES ({marks})",
                                 (tuple(str(v) if v != "" else None for v in r[:width])
                                  + (None,) * (width - len(r)) for r in (first, *rows)))
        finally:
            wb.close()
        conn.commit()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 10_000, 100_000])
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    print("| 导入行数 | 命令行导入（一次读取） | 界面：预览＋确认 | 基准：calamine 读取＋executemany | 倍数 | 目标 | 达标 |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for records in args.sizes:
            book, rows = workbook(folder, records)
            ours, base, gui = [], [], []
            for run in range(2):
                ours.append(program(book, folder))
                base.append(floor(book, folder))
                if run == 0 or rows <= 20_000:      # the window's path once at city size
                    gui.append(program(book, folder, preview=True))
            value, bottom = min(ours), min(base)
            ratio = value / bottom
            target = f"≤ {TARGET_RATIO:.0f}× 基准" + (f"，≤ {TARGET_SECONDS:.0f} s" if rows >= 100_000 else "")
            ok = ratio <= TARGET_RATIO and (rows < 100_000 or value <= TARGET_SECONDS)
            shown = f"{min(gui):.1f} s（{min(gui) / bottom:.1f}×）" if gui else "未测"
            print(f"| {rows:,} | {value:.1f} s | {shown} | {bottom:.1f} s | {ratio:.1f}× | {target} | "
                  f"{'是' if ok else '否'} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole run: {peak:.0f} MB; load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
