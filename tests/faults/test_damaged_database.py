"""A corrupted or truncated ledger file: found at open, told in words, restored from the last
good backup without the backup itself being used up.

The clerk's day: the ledger has a year of records and the automatic backups; the office PC
loses power while the file is being copied to a USB stick, or a sector goes bad. Next
morning the program opens the file.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.errors import NotADatabaseError, SchemaTooNewError
from core.models import Unit
from core.records import save
from core.backups import backup_sqlite, restore_sqlite, verify_backup
from core.store import open_store

DAMAGE = {
    "截断到一半": lambda data: data[: len(data) // 2],
    "文件头被覆盖": lambda data: b"\x00garbage garbage" + data[16:],
    "一页被写坏": lambda data: data[: 4096 * 3] + b"\xab" * 4096 + data[4096 * 4:],
    "只剩零字节页": lambda data: bytes(len(data)),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _units(path: Path) -> int:
    store = open_store(str(path))
    with store.session() as s:
        n = s.scalar(select(func.count()).select_from(Unit))
    store.close()
    return n


def _ledger_with_backups(tmp_path):
    """A ledger of 120 units; a backup after 100 units and a newer one after 120."""
    live = tmp_path / "执法台账.db"
    backups = tmp_path / "备份"
    store = open_store(str(live))
    with store.session() as s:
        for i in range(100):
            save(s, Unit(name=f"示例区第{i + 1}学校", unit_type="公办中小学"))
    older = backup_sqlite(live, backups)
    with store.session() as s:
        for i in range(100, 120):
            save(s, Unit(name=f"示例区第{i + 1}学校", unit_type="公办中小学"))
    newer = backup_sqlite(live, backups)
    store.close()
    return live, older, newer


def last_good_backup(folder: Path) -> Path:
    """What the program offers: the newest backup that verifies (as the GUI lists them)."""
    for candidate in sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            verify_backup(candidate)
            return candidate
        except (NotADatabaseError, SchemaTooNewError):
            continue
    raise AssertionError("no good backup")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_ledger_is_refused_at_open_and_restored_from_the_last_good_backup(
        tmp_path, damage):
    """Proves: each kind of damage is detected when the file is opened (NotADatabaseError,
    a Chinese message naming the file and saying to restore from a backup); the newest good
    backup restores every record it held; the backup file is byte-for-byte unchanged and can
    be used again; the damaged file is kept aside, not deleted."""
    live, _older, newer = _ledger_with_backups(tmp_path)
    live.write_bytes(DAMAGE[damage](live.read_bytes()))

    with pytest.raises(NotADatabaseError) as caught:
        open_store(str(live))
    assert "执法台账.db" in str(caught.value) and "备份" in str(caught.value)

    chosen = last_good_backup(newer.parent)
    assert chosen == newer
    before = _digest(chosen)
    aside = restore_sqlite(chosen, live)

    assert _units(live) == 120
    assert _digest(chosen) == before and verify_backup(chosen)
    assert aside is not None and aside.exists()
    assert aside.read_bytes() != chosen.read_bytes()
    # The backup still works a second time (the restore only read it).
    live.write_bytes(b"")
    restore_sqlite(chosen, live)
    assert _units(live) == 120


def test_a_damaged_newest_backup_is_passed_over_for_the_one_before(tmp_path):
    """Proves: a backup that is itself damaged is never offered or restored; the older good
    one is, with the records it held."""
    live, older, newer = _ledger_with_backups(tmp_path)
    newer.write_bytes(newer.read_bytes()[:5000])
    with pytest.raises(NotADatabaseError):
        verify_backup(newer)
    live.write_bytes(live.read_bytes()[:3000])
    chosen = last_good_backup(older.parent)
    assert chosen == older
    restore_sqlite(chosen, live)
    assert _units(live) == 100


def test_a_file_that_is_not_a_ledger_is_refused_with_its_name(tmp_path):
    """Proves: a Word file renamed to .db, or another program's database, is not opened as a
    ledger and not changed."""
    doc = tmp_path / "年度报告.db"
    doc.write_bytes(b"PK\x03\x04" + b"word/document.xml" * 200)
    before = doc.read_bytes()
    with pytest.raises(NotADatabaseError, match="年度报告.db"):
        open_store(str(doc))
    assert doc.read_bytes() == before
    other = tmp_path / "工资.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE salary (name TEXT, amount INT)")
    with pytest.raises(NotADatabaseError, match="不是执法台账"):
        open_store(str(other))
