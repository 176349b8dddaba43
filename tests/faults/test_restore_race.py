"""Restore racing the writers: nothing a writer was told 「已保存」 is ever lost.

The clerk's day: one colleague imports last month's workbook from the command line, the
clerk keeps saving inspections in the window, and someone restores yesterday's backup.
Before, the restore renamed the backup over the ledger while the import kept writing into
the orphaned old file and reported 「已导入 8000 行」: those rows were in neither the ledger
nor the 恢复前 safety copy.

Proves: a command-line import or restore is refused while another program holds the
ledger's lock, naming it; restore_sqlite refuses while any other connection is open and
leaves the file as it was; and over many rounds of a saver, an importer and a restorer
racing each other, every committed row is in the ledger or in a safety copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from core.cli import main
from core.errors import StoreError, ZhifaError
from core.ledger_io.importer import plan_import
from core.models import Unit
from core.records import save
from core.backups import backup_sqlite, restore_sqlite
from core.store import open_store

from ..ledger_io.conftest import write_workbook
from .conftest import python

HOLD = """
import sys
from core.lock import DatabaseLock
lock = DatabaseLock.acquire(sys.argv[1], heartbeat=None)
print("held", flush=True)
sys.stdin.readline()
lock.release()
"""

UNITS_HEADER = ["名称", "类型"]


def _units(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM unit WHERE deleted_at IS NULL")}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "执法台账.db"
    store = open_store(str(path))
    with store.session() as s:
        save(s, Unit(name="备份中就有的学校", unit_type="公办中小学"))
    store.close()
    backup = backup_sqlite(path, tmp_path / "备份")
    return path, backup


def test_import_and_restore_from_the_command_line_are_refused_while_the_window_holds_the_ledger(
        ledger, tmp_path, capsys, monkeypatch):
    path, backup = ledger
    monkeypatch.setattr("core.lock.WRITER_WAIT", 1.5)
    book = write_workbook(tmp_path / "一月.xlsx", {"检查对象": [UNITS_HEADER, ["新学校", "公办中小学"]]})
    holder = python(HOLD, str(path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = _digest(path)
        started = time.monotonic()
        assert main(["--db", str(path), "import", str(book)]) == 2
        assert time.monotonic() - started >= 1.5     # waited briefly for the holder first
        said = capsys.readouterr().err
        assert "正被" in said and f"进程 {holder.pid}" in said
        assert main(["--db", str(path), "restore", str(backup)]) == 2
        assert f"进程 {holder.pid}" in capsys.readouterr().err
        assert _digest(path) == before
        assert not (path.parent / "恢复前副本").exists()
    finally:
        holder.communicate("\n", timeout=30)
    assert main(["--db", str(path), "import", str(book)]) == 0
    assert "新学校" in _units(path)


def test_restore_is_refused_while_another_connection_has_the_ledger_open(ledger):
    """A program that ignores the lock file (an older version, a database tool) still has
    SQLite's own locks: the restore proves it is alone before touching anything."""
    path, backup = ledger
    store = open_store(str(path))
    with store.session() as s:
        save(s, Unit(name="恢复前刚保存的学校", unit_type="公办中小学"))
    session = store.read_session()
    session.connection()                            # the window's list keeps reading
    try:
        with pytest.raises(StoreError, match="正被其他程序或窗口打开"):
            restore_sqlite(backup, path)
    finally:
        session.close()
        store.close()
    assert "恢复前刚保存的学校" in _units(path)
    assert not list((path.parent / "恢复前副本").glob("*.db"))
    safety = restore_sqlite(backup, path)            # alone now: done
    assert _units(path) == {"备份中就有的学校"}
    assert "恢复前刚保存的学校" in _units(safety)


ROUNDS = 10


def test_a_restore_racing_a_saver_and_an_importer_loses_no_committed_row(
        ledger, tmp_path, monkeypatch):
    path, backup = ledger
    monkeypatch.setattr("core.backups.RESTORE_WAIT", 0.5)
    committed: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def saver():        # the window: a store per save, as a form opens, saves and closes
        n = 0
        while not stop.is_set():
            n += 1
            name = f"窗口保存的学校{n}"
            try:
                store = open_store(str(path))
                try:
                    with store.session() as s:
                        save(s, Unit(name=name, unit_type="公办中小学"))
                finally:
                    store.close()
            except ZhifaError:                      # told in words (locked): not saved
                continue
            except BaseException as exc:            # anything else fails the test
                errors.append(exc)
                return
            committed.append(name)
            time.sleep(0.01)                        # the clerk's next form

    def importer():
        n = 0
        while not stop.is_set():
            n += 1
            names = [f"导入的学校{n}-{i}" for i in range(5)]
            book = write_workbook(tmp_path / f"导入{n}.xlsx",
                                  {"检查对象": [UNITS_HEADER, *([x, "民办学校"] for x in names)]})
            try:
                store = open_store(str(path))
                try:
                    with store.session() as s:
                        plan = plan_import(s, book)
                    with store.session() as s:
                        done = plan.commit(s)
                finally:
                    store.close()
            except ZhifaError:
                continue
            except BaseException as exc:
                errors.append(exc)
                return
            assert done.imported == 5
            committed.extend(names)
            time.sleep(0.01)

    threads = [threading.Thread(target=saver), threading.Thread(target=importer)]
    for t in threads:
        t.start()
    restored = refused = 0
    deadline = time.monotonic() + 60
    try:
        while restored < ROUNDS and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                restore_sqlite(backup, path)
                restored += 1
            except StoreError:
                refused += 1
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    print(f"restored {restored}, refused {refused}, committed {len(committed)}")
    assert not errors, errors
    assert restored >= 3, (restored, refused)
    assert len(committed) > restored                # the writers did write meanwhile
    kept = _units(path)
    for copy in (path.parent / "恢复前副本").glob("*.db"):
        kept |= _units(copy)
    lost = [name for name in committed if name not in kept]
    assert lost == []
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
