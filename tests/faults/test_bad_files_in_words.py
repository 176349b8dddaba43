"""Files that are not quite a ledger, media that cannot be written, a disk that fills: each is
told in Chinese, nothing is changed that should not be, and the command line never answers
with its 「程序内部错误」 (rc 70) for a bad file.

The clerk's day: another program's database is picked by mistake; a ledger edited by a
database tool has lost its version record; last year's ledger is opened from a CD; the disk
fills during an import.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from core.cli import main
from core.errors import NotADatabaseError, StoreError
from core.figures import annual_figures
from core.ledger_io.exporter import export_ledger
from core.ledger_io.importer import plan_import
from core.models import Unit
from core.records import save
from core.backups import backup_sqlite
from core.store import _explain, open_store

from ..ledger_io.conftest import write_workbook

V1 = Path(__file__).resolve().parents[1] / "resources" / "schema_v1.db"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def _sql(path: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def _refused_unchanged(path: Path, capsys, words: str) -> None:
    before, others = _digest(path), _beside(path)
    with pytest.raises(NotADatabaseError, match=words):
        open_store(str(path))
    assert main(["--db", str(path), "figures", "--year", "2025"]) == 2
    said = capsys.readouterr().err
    assert words in said and "内部错误" not in said
    assert _digest(path) == before                  # byte for byte: not even switched to WAL
    assert _beside(path) == others                  # no 升级前 copy, no -wal, no -shm


@pytest.fixture
def folder(tmp_path):
    """The folder the file was chosen in (the program's own data folder is elsewhere)."""
    path = tmp_path / "选择的文件夹"
    path.mkdir()
    return path


def test_another_programs_database_is_left_byte_for_byte_as_it_was(folder, capsys):
    other = folder / "工资.db"
    _sql(other, "CREATE TABLE salary (name TEXT, amount INT)", "INSERT INTO salary VALUES ('张', 1)")
    _refused_unchanged(other, capsys, "不是执法台账数据文件")


def test_a_foreign_file_with_a_schema_info_table_gets_no_upgrade_copy_and_no_english(
        folder, capsys):
    other = folder / "别的程序.db"
    _sql(other, "CREATE TABLE schema_info (version INTEGER)", "INSERT INTO schema_info VALUES (1)",
         "CREATE TABLE customers (id INTEGER)")
    _refused_unchanged(other, capsys, "缺少执法台账的数据表")


def test_a_v1_ledger_whose_version_record_is_empty_is_not_stamped_current(folder, capsys):
    ledger = folder / "执法台账.db"
    shutil.copyfile(V1, ledger)
    _sql(ledger, "DELETE FROM schema_info")
    _refused_unchanged(ledger, capsys, "没有记录数据版本")


@pytest.mark.parametrize("version", ["'v4'", "'四'", "2.5", "0", "-3"])
def test_a_version_that_is_no_number_is_told_in_words_not_rc_70(folder, capsys, version):
    ledger = folder / "执法台账.db"
    shutil.copyfile(V1, ledger)
    _sql(ledger, f"UPDATE schema_info SET version = {version}")
    _refused_unchanged(ledger, capsys, "数据版本「")


@pytest.fixture
def ledger_on_a_cd(tmp_path, monkeypatch):
    """A ledger burnt to a CD (or on a write-protected stick): SQLite may not write it, and
    neither may anything beside it. As root chmod does not stop writes, so the program is
    told the place is read-only the way os.access would tell it."""
    path = tmp_path / "光盘" / "执法台账2024.db"
    path.parent.mkdir()
    store = open_store(str(path))
    with store.session() as s:
        save(s, Unit(name="示例一中", unit_type="公办中小学"))
    store.close()
    monkeypatch.setattr("core.sqlite_files.writable", lambda p: False)
    return path


def test_a_ledger_on_read_only_media_opens_for_figures_and_export_and_is_not_written(
        ledger_on_a_cd, tmp_path, capsys):
    path = ledger_on_a_cd
    before, others = _digest(path), _beside(path)
    store = open_store(str(path))
    try:
        assert store.read_only
        with store.session() as s:
            annual_figures(s, 2024)
            out, counts = export_ledger(s, None, tmp_path / "导出.xlsx")
        assert counts["检查对象"] == 1 and out.exists()
        with pytest.raises(StoreError, match="只读"):
            with store.session() as s:
                save(s, Unit(name="新学校", unit_type="公办中小学"))
    finally:
        store.close()
    assert main(["--db", str(path), "figures", "--year", "2024"]) == 0
    assert "行政检查" in capsys.readouterr().out
    assert _digest(path) == before and _beside(path) == others


def test_an_old_ledger_on_read_only_media_says_it_must_be_copied_to_upgrade(tmp_path, monkeypatch):
    path = tmp_path / "执法台账2019.db"
    shutil.copyfile(V1, path)
    before = _digest(path)
    monkeypatch.setattr("core.sqlite_files.writable", lambda p: False)
    with pytest.raises(StoreError, match="只读的位置.*需要升级.*复制到本机硬盘"):
        open_store(str(path))
    assert _digest(path) == before


def test_a_disk_that_fills_during_an_import_is_told_in_words_and_nothing_is_imported(
        store, tmp_path):
    rows = [["名称", "类型", "街道"], *([f"学校{i}", "公办中小学", "街" * 40] for i in range(400))]
    book = write_workbook(tmp_path / "大.xlsx", {"检查对象": rows})

    @event.listens_for(store.engine, "connect")
    def small_disk(dbapi_conn, _record):            # the disk has room for a few pages only
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 3}")

    store.engine.dispose()
    with store.session() as s:
        plan = plan_import(s, book)
    assert plan.imported == 400
    with pytest.raises(StoreError) as caught:
        with store.session() as s:
            plan.commit(s)
    assert "磁盘空间已满" in str(caught.value) and "没有保存" in str(caught.value)
    with store.session() as s:
        assert s.query(Unit).count() == 0


def test_a_disk_io_error_is_told_in_words():
    exc = OperationalError("INSERT …", {}, sqlite3.OperationalError("disk I/O error"))
    said = str(_explain(exc, "/data/执法台账.db"))
    assert "磁盘" in said and "disk" not in said and "没有保存" in said


def test_what_a_killed_backup_left_is_cleared_by_the_next_backup(store, tmp_path):
    folder = tmp_path / "备份"
    folder.mkdir()
    old = [folder / "执法台账备份-20250101-080000-自动.db.part",
           folder / "执法台账备份-20250101-080000-自动.db.part-journal"]
    writing_now = folder / "执法台账备份-20250102-080000-手动.db.part"
    for leftover in (*old, writing_now):
        leftover.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    for leftover in old:
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    made = backup_sqlite(store.path, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.name, writing_now.name])

