"""A ledger from the first schema version is upgraded; one from a newer program is refused.

tests/resources/schema_v1.db is a ledger file written by schema version 1 (kept by the lead);
a clerk who installs a newer version opens last year's file with it. A clerk who goes back to
an older installer must never have the newer file damaged by it.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.errors import SchemaTooNewError
from core.figures import annual_figures
from core.models import Inspection, Unit
from core.records import save
from core.schema import CURRENT_VERSION
from core.backups import restore_sqlite
from core.store import open_store

V1 = Path(__file__).resolve().parents[1] / "resources" / "schema_v1.db"


@pytest.fixture
def v1_copy(tmp_path):
    # A missing fixture is a failure, not a skip: without it no upgrade is tested at all.
    assert V1.exists(), "tests/resources/schema_v1.db is missing: the upgrade cannot be tested"
    copy = tmp_path / "去年的台账.db"
    shutil.copy(V1, copy)
    return copy


def test_a_first_version_ledger_opens_upgraded_with_its_records_and_counts(v1_copy):
    """Proves: the v1 file opens with the current program, ends at CURRENT_VERSION, keeps its
    records (its year still counts), accepts a new save, and the resource file is untouched."""
    original = hashlib.sha256(V1.read_bytes()).hexdigest()
    with sqlite3.connect(v1_copy) as raw:
        inspections_before = raw.execute(
            "SELECT count(*) FROM inspection WHERE deleted_at IS NULL").fetchone()[0]
    store = open_store(str(v1_copy))
    with store.session() as s:
        assert s.execute(text("SELECT version FROM schema_info")).scalar() == CURRENT_VERSION
        assert s.query(Inspection).filter(Inspection.deleted_at.is_(None)).count() == \
            inspections_before
        years = {d.year for d in s.scalars(select(Inspection.date))}
        for year in years:
            annual_figures(s, year)
        save(s, Unit(name="升级后新增学校", unit_type="公办中小学"))
    store.close()
    reopened = open_store(str(v1_copy))
    with reopened.session() as s:
        assert s.query(Unit).filter_by(name="升级后新增学校").count() == 1
    reopened.close()
    assert hashlib.sha256(V1.read_bytes()).hexdigest() == original


def _make_newer(path: Path) -> None:
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_info SET version = 999")
    conn.commit()
    conn.close()   # the last close checkpoints the WAL into the file


def test_a_ledger_from_a_newer_program_is_refused_and_left_untouched(tmp_path):
    """Proves: schema_info.version = 999 gives SchemaTooNewError telling the clerk to install
    the newer version; neither the file nor a -wal beside it is changed in any way."""
    path = tmp_path / "新版本台账.db"
    _make_newer(path)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="更新版本.*999"):
        open_store(str(path))
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists() or \
        path.with_name(path.name + "-wal").stat().st_size == 0


def test_a_backup_from_a_newer_program_is_not_restored_over_the_ledger(store, tmp_path):
    """Proves: restoring a newer program's backup is refused before the live ledger is
    touched, so an older installation cannot swap in a file it would then refuse."""
    with store.session() as s:
        save(s, Unit(name="一中", unit_type="公办中小学"))
    newer = tmp_path / "newer" / "backup.db"
    newer.parent.mkdir()
    _make_newer(newer)
    live = store.path
    store.close()
    before = live.read_bytes()
    with pytest.raises(SchemaTooNewError):
        restore_sqlite(newer, live)
    assert live.read_bytes() == before


def test_the_copy_made_before_an_upgrade_is_a_working_v1_backup(v1_copy):
    """Proves: when an upgrade runs, a copy of the file as it was is kept beside it first
    (only when CURRENT_VERSION > 1; with one schema version there is nothing to upgrade)."""
    if CURRENT_VERSION == 1:
        # Still proves the opener leaves no stray copy when there was nothing to upgrade.
        open_store(str(v1_copy)).close()
        assert sorted(p.name for p in v1_copy.parent.glob("*.db")) == [v1_copy.name]
        return
    open_store(str(v1_copy)).close()
    copies = [p for p in v1_copy.parent.glob("*升级前-v1*.db")]
    assert copies, "no copy before upgrade"
    with sqlite3.connect(copies[0]) as raw:
        assert raw.execute("SELECT version FROM schema_info").fetchone()[0] == 1
