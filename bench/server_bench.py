"""The server ledger against the file, at a city's year (issue 22, item 7).

    .venv/bin/python -m bench.server_bench --server postgresql+psycopg://…/postgres [--records 100000]
    (the address of a server whose user may create databases: `.ci/postgres start DIR` prints one)

One ledger is generated (bench/generate.py, the same seeded city year as bench/run.py) into a
SQLite file and copied row for row into a new database on the server (core.ledger_copy, as
`zhifa-cli copy` does), so both hold exactly the same records. Then, on the same machine in
the same run, each is measured the same way: the year's figures, the report (.docx), the
inspection list's first screen in the main window, and one save. The floor of each server
figure is the SQLite figure measured beside it; the target is ≤ 2 × that floor.

Neither ledger is ANALYZEd by the benchmark: the program never runs ANALYZE, so the file has
no planner statistics, as a clerk's has none. The server runs autovacuum as any server
does, which analyses the copied tables once they have settled; the benchmark waits for that
(it is what a server's clerks get from the second minute on) and says so.

Results go to docs/PERFORMANCE.md between the `server-bench` markers (--no-doc: printed only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.results import Result
from bench.run import timed

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- server-bench:begin -->", "<!-- server-bench:end -->"
YEAR = 2025
TARGET_RATIO = 2.0


def figures(store) -> float:
    from core.figures import annual_figures

    def count():
        with store.read_session() as s:
            annual_figures(s, YEAR)
            s.rollback()
    return timed(count)


def report(store, out: Path) -> float:
    from bench.outputs import write_report

    return timed(lambda: write_report(store, YEAR, out / "report.docx"), repeat=3)


def one_save(store) -> float:
    """One inspection with two inspectors saved through core.records.save and committed, as
    a form's 保存 does (bench/run.py's measure_save, without its SQLite floor)."""
    from sqlalchemy import select

    from core.models import Inspection, Staff, Unit
    from core.records import save

    with store.session() as s:
        staff_ids = s.scalars(select(Staff.id).where(Staff.cancelled_on.is_(None))
                              .order_by(Staff.id).limit(2)).all()
        unit_id = s.scalar(select(Unit.id).order_by(Unit.id).limit(1))

    def once():
        with store.session() as s:
            save(s, Inspection(date=dt.date(YEAR, 12, 30), category="日常检查", method="其他",
                               unit_id=unit_id, result="合格", items="校园安全", personnel=2,
                               inspectors=[s.get(Staff, i) for i in staff_ids]))
    return timed(once, repeat=30, warmup=2)


def list_first_screen(store) -> tuple[float, float, int]:
    """Seconds from opening 行政检查 in the main window to its first screen painted, and to
    all its ids read (gui/listview reads the rest on a timer after the first screen); rows."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QThreadPool
    from PySide6.QtWidgets import QApplication

    from gui.app import build_window

    app = QApplication.instance() or QApplication([])
    firsts, wholes, rows = [], [], 0
    for _ in range(3):
        window, _shared = build_window(store, YEAR)
        window.show_view("overview")
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        QThreadPool.globalInstance().waitForDone()     # the overview's background count
        app.processEvents()
        view = window.views["inspection"]
        t = time.perf_counter()
        window.show_view("inspection")
        QCoreApplication.sendPostedEvents()
        firsts.append(time.perf_counter() - t)
        end = time.perf_counter() + 60
        while view._reading is not None and time.perf_counter() < end:
            app.processEvents()
        wholes.append(time.perf_counter() - t)
        rows = view.model.rowCount()
        window.on_close = None
        window.close()
        app.processEvents()
    return statistics.median(firsts), statistics.median(wholes), rows


def measure(store, out: Path) -> dict[str, float]:
    got = {"figures": figures(store), "report": report(store, out)}
    first, whole, rows = list_first_screen(store)
    got.update(list_first=first, list_all=whole, rows=rows)
    got["save"] = one_save(store)         # last: it adds records
    return got


def _wait_for_autoanalyze(server_location: str, limit: float = 180.0) -> str:
    """Until the server's autovacuum has analysed the copied inspection table (the state a
    server ledger is in a minute after a copy or a day's entries), or `limit` seconds."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server_location)
    end = time.perf_counter() + limit
    try:
        while time.perf_counter() < end:
            with engine.connect() as conn:
                done = conn.execute(text(
                    "SELECT last_autoanalyze IS NOT NULL OR last_analyze IS NOT NULL "
                    "FROM pg_stat_user_tables WHERE relname = 'inspection'")).scalar()
            if done:
                return "已由 autovacuum 自动分析"
            time.sleep(2)
    finally:
        engine.dispose()
    return f"{limit:.0f} 秒内 autovacuum 未分析（按未分析测量）"


def run(server: str, records: int, workdir: Path, log=print) -> dict:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bench.generate import generate
    from core.ledger_copy import copy_ledger
    from core.store import open_store

    file = workdir / f"city-{records}.db"
    t0 = time.perf_counter()
    generate(file, records, YEAR, check_every=1 if records <= 10_000 else 10)
    log(f"  生成 {records} 条记录：{time.perf_counter() - t0:.1f} s")

    admin_url = make_url(server)
    name = f"zhifa_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    location = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        local, remote = open_store(str(file)), open_store(location)
        try:
            t0 = time.perf_counter()
            copy_ledger(local, remote)
            log(f"  复制到服务器：{time.perf_counter() - t0:.1f} s")
            analysed = _wait_for_autoanalyze(location)
            log(f"  服务器统计信息：{analysed}")
            out = workdir / "out"
            out.mkdir(exist_ok=True)
            # Alternated, SQLite first: the shared machine's speed drifts over minutes.
            sqlite_figures = measure(local, out)
            log(f"  SQLite：{sqlite_figures}")
            server_figures = measure(remote, out)
            log(f"  服务器：{server_figures}")
        finally:
            local.close()
            remote.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"records": records, "sqlite": sqlite_figures, "server": server_figures,
            "analysed": analysed, "server_version": _server_version(server)}


def _server_version(server: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(server)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SHOW server_version")).scalar().split()[0]
    finally:
        engine.dispose()


ROWS = [
    ("年度数据统计 annual_figures", "figures", "s"),
    ("年度报告 .docx", "report", "s"),
    ("打开行政检查列表：第一屏显示", "list_first", "s"),
    ("打开行政检查列表：全部 id 读入", "list_all", "s"),
    ("保存一条记录（中位数）", "save", "s"),
]


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def results(measured: dict) -> list[Result]:
    out = []
    for name, key, _unit in ROWS:
        value, floor = measured["server"][key], measured["sqlite"][key]
        judged = key != "list_all"      # the four; the whole list is for reference
        out.append(Result(name, value, "s", floor, "同次测得的 SQLite 台账",
                          f"≤ {TARGET_RATIO:g} × 基准" if judged else "",
                          (value <= TARGET_RATIO * floor) if judged else None))
    return out


def table(measured: dict, started: dt.datetime) -> str:
    import platform
    import sqlite3

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    lines = [
        f"测量时间：{started:%Y-%m-%d %H:%M} UTC；机器：{platform.system()} {platform.release()}，"
        f"{os.cpu_count()} 核，Python {platform.python_version()}，SQLite {sqlite3.sqlite_version}，"
        f"PostgreSQL {measured['server_version']}（同一台机器，unix socket），开始时负载 {load}。",
        f"命令：`.venv/bin/python -m bench.server_bench --server …`；{measured['records']:,} 条记录"
        f"（`bench/generate.py` 生成，`core.ledger_copy` 复制到服务器，两边记录完全相同）；"
        f"服务器统计信息：{measured['analysed']}；行政检查列表 {measured['sqlite']['rows']:,} 行。",
        "",
        "| 测量项 | 服务器台账 | 基准：SQLite 台账（同次测得） | 倍数 | 目标 | 达标 |",
        "|---|---|---|---|---|---|",
    ]
    for r in results(measured):
        ok = "" if r.ok is None else ("是" if r.ok else "否")
        lines.append(f"| {r.name} | {_fmt(r.value)} | {_fmt(r.floor)} | {r.ratio()} | "
                     f"{r.target} | {ok} |")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        doc = f"{head}{BEGIN}\n{text}\n{END}{tail}"
    else:
        doc = doc.rstrip() + f"\n\n## 服务器台账（PostgreSQL）\n\n{BEGIN}\n{text}\n{END}\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.server_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=os.environ.get("ZHIFA_TEST_DATABASE_URL", ""),
                        help="a server address whose user may create databases")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--no-doc", action="store_true", help="print only, leave docs/ alone")
    args = parser.parse_args(argv)
    if not args.server:
        parser.error("--server (or ZHIFA_TEST_DATABASE_URL) is needed")
    os.environ.setdefault("ZHIFA_DATA_DIR", tempfile.mkdtemp(prefix="bench-server-"))
    started = dt.datetime.now(dt.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        measured = run(args.server, args.records, Path(tmp))
    text = table(measured, started)
    print(text)
    if not args.no_doc:
        write_doc(text)
    return 0 if all(r.ok is not False for r in results(measured)) else 1


if __name__ == "__main__":
    sys.exit(main())
