"""Backups: a copy written, verified and restored; automatic ones made on close and thinned to
daily/weekly/monthly, hand-made ones kept."""

import datetime as dt

import pytest

from core.backups import (
    auto_backup, backup_sqlite, backup_time, backups_to_keep, daily_backup_due, list_backups,
    restore_sqlite, thin_backups, verify_backup,
)
from core.errors import NotADatabaseError, OutputError
from core.models import Unit
from core.records import save
from core.schema import CURRENT_VERSION
from core.store import open_store


def _fake(folder, when: dt.datetime, tag="自动"):
    p = folder / f"执法台账备份-{when:%Y%m%d-%H%M%S}-{tag}.db"
    p.write_bytes(b"x")
    return p


@pytest.mark.sqlite_only("a copy of the SQLite file")
def test_auto_backup_is_a_readable_copy_and_due_once_a_day(demo_store, tmp_path):
    folder = tmp_path / "备份"
    assert daily_backup_due(folder)
    copy = auto_backup(demo_store.path, folder)
    assert verify_backup(copy) >= 1
    assert not daily_backup_due(folder)
    assert daily_backup_due(folder, dt.date.today() + dt.timedelta(days=1))
    assert list_backups(folder) == [copy]


def test_a_year_of_daily_copies_thins_to_days_weeks_months(tmp_path):
    start = dt.datetime(2025, 1, 1, 17, 30)
    for day in range(365):          # two copies a day: on close and next morning
        _fake(tmp_path, start + dt.timedelta(days=day))
        _fake(tmp_path, start + dt.timedelta(days=day, hours=1))
    manual = _fake(tmp_path, dt.datetime(2025, 2, 3, 9), tag="手动")
    thin_backups(tmp_path)
    left = list_backups(tmp_path)
    assert manual in left
    autos = [p for p in left if p != manual]
    days = {backup_time(p).date() for p in autos}
    # 7 latest days, plus the newest of earlier weeks/months: never more than 7+4+12
    assert len(autos) <= 23 and len(autos) == len(days)
    newest = max(backup_time(p) for p in autos)
    assert newest == start + dt.timedelta(days=364, hours=1)
    last_week = {start.date() + dt.timedelta(days=d) for d in range(358, 365)}
    assert last_week <= days
    months = {(d.year, d.month) for d in days}
    assert len(months) == 12


def test_keeping_never_drops_the_newest(tmp_path):
    only = _fake(tmp_path, dt.datetime(2020, 1, 1))
    assert backups_to_keep([only]) == {only}


@pytest.mark.sqlite_only("a copy of the SQLite file")
def test_backup_and_restore_round_trip(store, tmp_path):
    with store.session() as s:
        save(s, Unit(name="一中", unit_type="公办中小学"))
    backup = backup_sqlite(store.path, tmp_path / "backups")
    assert verify_backup(backup) == CURRENT_VERSION
    with store.session() as s:
        save(s, Unit(name="二中", unit_type="公办中小学"))
    live = store.path
    store.close()
    safety = restore_sqlite(backup, live)
    assert backup.exists() and safety.exists()        # neither copy is consumed
    restored = open_store(str(live))
    with restored.session() as s:
        assert [u.name for u in s.query(Unit)] == ["一中"]
    restored.close()
    kept = open_store(str(safety))
    with kept.session() as s:
        assert sorted(u.name for u in s.query(Unit)) == ["一中", "二中"]
    kept.close()


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_a_damaged_backup_is_refused_and_the_live_file_kept(store, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\0" * 4096)
    live_before = store.path.read_bytes()
    with pytest.raises(NotADatabaseError):
        restore_sqlite(bad, store.path)
    assert store.path.read_bytes() == live_before


@pytest.mark.sqlite_only("restoring a SQLite file")
def test_the_ledger_itself_chosen_as_the_backup_is_refused_in_words(store, tmp_path):
    """The file chooser opened where the ledger is, and the clerk picked it: told so, and
    no safety copy of an unchanged ledger made beside it."""
    store.close()
    with pytest.raises(OutputError, match="就是正在使用的台账本身，不是备份"):
        restore_sqlite(store.path, store.path)
    assert not (store.path.parent / "恢复前副本").exists()
