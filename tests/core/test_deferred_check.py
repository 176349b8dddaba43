"""The integrity check of a SQLite ledger may run after the window shows it
(open_store(check=False), gui.app.check_in_background), but never after a write: every
writing session runs it first, and a damaged file refuses them all."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from core.demo import load_demo
from core.errors import NotADatabaseError
from core.models import Inspection
from core.store import open_store


def damaged_ledger(tmp_path: Path) -> Path:
    """A demo ledger whose last pages are overwritten: its header, tables and version still
    read (the probe and the version pass), PRAGMA quick_check finds the damage."""
    path = tmp_path / "台账.db"
    store = open_store(str(path))
    with store.session() as s:
        load_demo(s, 2025)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")      # everything into the one file
    conn.close()
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for page in range(pages - 20, pages - 10):
        data[page * 4096 + 100:page * 4096 + 300] = b"\xff" * 200
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    conn.close()
    return path


def test_the_check_at_open_still_refuses_a_damaged_ledger(tmp_path):
    path = damaged_ledger(tmp_path)
    with pytest.raises(NotADatabaseError, match="检查发现损坏"):
        open_store(str(path))


def test_opened_unchecked_a_damaged_ledger_refuses_every_write(tmp_path):
    path = damaged_ledger(tmp_path)
    store = open_store(str(path), check=False)
    assert not store.checked
    before = path.read_bytes()[100:]            # past the header (WAL mode is noted there)
    for _ in range(2):                          # the first write runs the check; every later one is refused too
        with pytest.raises(NotADatabaseError, match="检查发现损坏"):
            with store.session() as s:
                s.add(Inspection(date=dt.date(2025, 12, 30), category="日常检查"))
    with pytest.raises(NotADatabaseError):
        store.check_integrity()
    store.close()
    assert path.read_bytes()[100:] == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_read_that_meets_the_damage_says_so_in_the_clerks_words(tmp_path):
    """A count over a damaged file (the overview's, on the thread pool) reads the bad pages:
    the clerk's sentence naming the file, not SQLite's 「database disk image is malformed」."""
    from core.figures import annual_figures

    path = damaged_ledger(tmp_path)
    store = open_store(str(path), check=False)
    try:
        with pytest.raises(NotADatabaseError, match="台账.db」已损坏，请从备份恢复"):
            with store.reading() as s:
                annual_figures(s, 2025)
        # A bug in a query stays a bug.
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError
        with pytest.raises(OperationalError):
            with store.reading() as s:
                s.execute(text("SELECT no_such_column FROM inspection"))
    finally:
        store.close()


def test_opened_unchecked_an_intact_ledger_is_checked_once_then_writes(tmp_path, monkeypatch):
    path = tmp_path / "台账.db"
    open_store(str(path)).close()                   # made (and so checked) at open
    store = open_store(str(path), check=False)
    assert not store.checked
    import core.store as store_module
    checks = []
    real = store_module._check_sqlite_file
    monkeypatch.setattr(store_module, "_check_sqlite_file",
                        lambda *a: checks.append(threading.current_thread().name) or real(*a))
    worker = threading.Thread(target=store.check_integrity, name="background")
    worker.start()
    worker.join()
    with store.session() as s:
        load_demo(s, 2025)
    with store.session():
        pass
    assert checks == ["background"] and store.checked
    store.close()


def test_a_new_or_upgraded_ledger_is_checked_at_open_whatever_is_asked(tmp_path):
    """Creating or upgrading writes at once: the file is checked before, as always."""
    store = open_store(str(tmp_path / "新.db"), check=False)
    assert store.checked
    store.close()
