"""The store: safe pragmas, schema version, refusal of foreign or newer files, server addresses."""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.errors import NotADatabaseError, SchemaTooNewError, StoreError
from core.models import Unit
from core.records import save
from core.schema import CURRENT_VERSION
from core.store import _explain, open_store, probe_location

SQLITE_HEADER = b"SQLite format 3\x00"     # the first 16 bytes of every SQLite file
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@pytest.mark.sqlite_only("SQLite's PRAGMAs")
def test_every_connection_is_safe_for_a_power_cut(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2   # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_foreign_keys_are_enforced(store):
    from sqlalchemy.exc import IntegrityError

    from core.models import Inspection

    with pytest.raises(IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(Inspection.__table__.insert().values(
                date=dt.date(2025, 1, 1), category="日常检查", method="其他", unit_id=999,
                items="", lead_department="", partner_departments="", personnel=0,
                problems_found=0, rectified_on_site=0, result="合格", recorded=False, note=""))


def test_the_file_knows_its_schema_version(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_info")).scalar() == CURRENT_VERSION


def test_a_file_from_a_newer_program_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_info SET version = 999")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="更新版本"):
        open_store(str(path))
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is a Word document, not a database" * 100)
    with pytest.raises(NotADatabaseError, match="notes.db"):
        open_store(str(junk))
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(NotADatabaseError, match="不是执法台账"):
        open_store(str(other))


def test_the_first_schema_file_still_opens(tmp_path):
    """tests/resources/schema_v1.db is a ledger written by schema version 1; every later
    version must open (and upgrade) a copy of it with its records intact."""
    copy = tmp_path / "v1.db"
    shutil.copy(RESOURCES / "schema_v1.db", copy)
    store = open_store(str(copy))
    with store.session() as s:
        assert s.query(Unit).filter_by(name="示例区第一中学").one().unit_type == "公办中小学"
    store.close()


def test_an_old_ledger_gets_the_report_basis_and_figure_section_empty(tmp_path):
    """Schema 5: an upgraded ledger has 报告依据 and 其他指标的报告位置, both empty (the
    defaults), and a new profile or figure saved afterwards keeps what the clerk typed."""
    from core.models import BureauProfile, CustomFigure
    copy = tmp_path / "v1.db"
    shutil.copy(RESOURCES / "schema_v1.db", copy)
    store = open_store(str(copy))
    with store.session() as s:
        rows = s.execute(text("SELECT legal_basis FROM bureau_profile")).scalars().all()
        assert rows and set(rows) == {""}
        assert set(s.execute(text("SELECT report_section FROM custom_figure")).scalars()) <= {""}
        profile = s.query(BureauProfile).one()
        profile.legal_basis = "根据《行政执法监督条例》"
        save(s, CustomFigure(year=2025, name="执法记录仪", value=5, unit="台",
                             report_section="全过程记录"))
    with store.session() as s:
        assert s.query(BureauProfile).one().legal_basis == "根据《行政执法监督条例》"
        assert s.query(CustomFigure).filter_by(name="执法记录仪").one().report_section == "全过程记录"
    store.close()


def _columns(path):
    from sqlalchemy import create_engine, inspect

    engine = create_engine(f"sqlite:///{path}")
    insp = inspect(engine)
    shape = {t: (sorted(c["name"] for c in insp.get_columns(t)),
                 sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)))
             for t in insp.get_table_names()}
    engine.dispose()
    return shape


def test_an_upgraded_first_schema_file_has_exactly_the_current_tables(tmp_path):
    """Changing core/models.py without a numbered upgrade in core/schema fails here."""
    copy = tmp_path / "v1.db"
    shutil.copy(RESOURCES / "schema_v1.db", copy)
    open_store(str(copy)).close()
    fresh = tmp_path / "fresh.db"
    open_store(str(fresh)).close()
    assert _columns(copy) == _columns(fresh)


def test_a_reading_session_sees_one_state_while_the_clerk_keeps_saving(ledger_location):
    """A count runs in the background while an entry is saved: every query of the count
    reads the ledger as it was at its first query (one real SQLite transaction; on a
    server, one REPEATABLE READ snapshot)."""
    from sqlalchemy import func, select

    from core.models import Unit
    from core.records import save
    from core.store import open_store

    store = open_store(ledger_location)
    with store.session() as s:
        save(s, Unit(name="一中", unit_type="公办中小学"))
    reader = store.read_session()
    try:
        assert reader.scalar(select(func.count()).select_from(Unit)) == 1
        with store.session() as s:
            save(s, Unit(name="二中", unit_type="公办中小学"))
        assert reader.scalar(select(func.count()).select_from(Unit)) == 1
    finally:
        reader.close()
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 2
    store.close()


# A clerk (or a colleague "helping") types a database address instead of a file path. The
# installed program carries SQLite only: whatever the address, a sentence in Chinese, and the
# password never printed (error messages get copied into e-mails and the log).

@pytest.mark.parametrize("address, expected", [
    ("postgresql+psycopg2://zhang:s3cret@db.edu.local/zhifa", "需要的数据库驱动（psycopg2）未随本程序安装"),
    ("mysql://zhang:s3cret@db.edu.local/zhifa", "需要的数据库驱动"),
    ("foo://zhang:s3cret@host/x", "的类型「foo」无法识别"),
    ("postgresql://zhang:s3cret@[::1", "无法识别，应形如"),
])
def test_a_database_address_that_cannot_be_used_is_told_without_its_password(address, expected):
    with pytest.raises(StoreError) as caught:
        open_store(address)
    message = str(caught.value)
    assert expected in message
    assert "s3cret" not in message and "sqlalche.me" not in message


def test_a_folder_given_as_the_database_file(tmp_path):
    folder = tmp_path / "台账.db"
    folder.mkdir()
    with pytest.raises(StoreError, match="该路径是文件夹，或没有读写权限"):
        open_store(str(folder))


def test_a_server_that_refuses_the_connection_is_told_in_words_and_the_drivers_without_the_password():
    refused = OperationalError("SELECT 1", {}, Exception(
        'connection to server at "10.0.0.5", port 5432 failed: Connection refused\n\tIs the server running?'))
    error = _explain(refused, "postgresql://zhang:s3cret@10.0.0.5/zhifa")
    assert str(error) == ("无法连接数据库服务器「postgresql://zhang:***@10.0.0.5/zhifa」：服务器未开机、"
                          "地址或端口不对，或被防火墙阻挡。请检查服务器地址和端口，或联系信息中心"
                          '（connection to server at "10.0.0.5", port 5432 failed: Connection refused）。')


# 「数据文件与备份位置」: the clerk types where the ledger is to be from the next start. What
# they typed is checked now, in words, not at the next start when the window cannot open.

@pytest.mark.sqlite_only("the ledger's file on disk")
def test_choosing_a_data_file_tells_a_ledger_from_a_new_one_and_refuses_the_rest(tmp_path, store):
    assert probe_location(str(store.path)) is True                 # the ledger open right now
    assert probe_location(str(tmp_path / "新台账.db")) is False     # made at the next start
    (tmp_path / "空文件.db").write_bytes(b"")
    assert probe_location(str(tmp_path / "空文件.db")) is False
    store.close()
    assert probe_location(str(store.path)) is True                  # closed, WAL checkpointed


def _a_folder(d: Path) -> Path:
    d.mkdir()
    return d


def _a_csv(d: Path) -> Path:
    d.write_text("姓名,日期", encoding="utf-8")
    return d


def _a_foreign_database(d: Path) -> Path:
    conn = sqlite3.connect(d)
    conn.execute("CREATE TABLE moz_places (id INTEGER, url TEXT)")
    conn.commit()
    conn.close()
    return d


def _a_damaged_database(d: Path) -> Path:
    d.write_bytes(SQLITE_HEADER + b"\0" * 100)
    return d


@pytest.mark.parametrize("make, expected", [
    (_a_folder, "是文件夹。请在其中选择或新建一个数据文件"),
    (lambda d: d / "拔掉的U盘" / "台账.db", "不存在（移动硬盘或共享盘是否已连接？）"),
    (_a_csv, "不是执法台账数据文件"),
    (_a_foreign_database, "已有数据表，但不是执法台账数据文件"),
    (_a_damaged_database, "已损坏，或不是执法台账数据文件"),
    (lambda d: Path(" "), "请填写台账数据文件的路径"),
], ids=["folder", "missing-folder", "csv", "foreign-sqlite", "damaged", "blank"])
def test_a_data_file_that_cannot_be_used_is_refused_in_words_and_left_alone(tmp_path, make, expected):
    target = make(tmp_path / "台账.db")
    before = target.read_bytes() if target.is_file() else None
    with pytest.raises(StoreError, match=expected):
        probe_location(str(target))
    assert (target.read_bytes() if target.is_file() else None) == before
    assert not (tmp_path / "台账.db-wal").exists()


@pytest.mark.sqlite_only("reads the SQLite file itself")
def test_a_data_file_from_a_newer_program_is_refused_before_it_is_chosen(tmp_path, store):
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE schema_info SET version = :v"), {"v": CURRENT_VERSION + 1})
    store.close()
    with pytest.raises(SchemaTooNewError, match="更新版本的程序"):
        probe_location(str(store.path))



def test_a_long_note_and_a_long_name_are_saved_on_a_server_as_in_a_file(store):
    """Issue 22: a PostgreSQL index entry holds at most 2,704 bytes, and PostgreSQL enforces
    VARCHAR lengths, where SQLite does neither. A 备注 of two thousand characters, a joint
    inspection with many partner departments and a unit name longer than its column are
    saved on a server as in a file (core.dialects)."""
    import datetime as dt

    from sqlalchemy import select

    from core.models import Inspection, Unit

    # Varied, as a real note is (a repeated phrase would be compressed to nothing in the
    # index): 1,200 different characters of the common CJK block.
    note = "整改要求：" + "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1200))
    partners = "、".join(f"第{i}联合执法部门" for i in range(1, 200))
    name = "示例区" + "很长很长的学校名称" * 30                          # 273 characters, column 200
    with store.session() as s:
        unit = save(s, Unit(name=name, unit_type="公办中小学"))
        save(s, Inspection(date=dt.date(2025, 5, 6), category="日常检查",
                           method="双随机一公开·部门联合", unit=unit, unit_id=unit.id,
                           items=note, note=note, partner_departments=partners, result="合格",
                           personnel=2))
    with store.session() as s:
        saved = s.scalars(select(Inspection)).one()
        assert (saved.note, saved.items, saved.partner_departments) == (note, note, partners)
        assert saved.unit.name == name


def test_a_ledger_older_than_any_upgrade_is_refused_as_too_old(tmp_path, monkeypatch):
    """Once the oldest upgrade step is dropped (here: as if schema 1 could no longer be
    upgraded), a schema-1 file is refused as too old, in words, and left as it was; never
    told it comes from a newer program."""
    import core.schema.versioning
    from core.errors import SchemaTooOldError

    copy = tmp_path / "很旧的台账.db"
    shutil.copy(RESOURCES / "schema_v1.db", copy)
    monkeypatch.setattr(core.schema.versioning, "MIN_UPGRADABLE_VERSION", 2)
    before = copy.read_bytes()
    with pytest.raises(SchemaTooOldError, match="过旧"):
        open_store(str(copy))
    # Refused before it was opened for writing: not switched to WAL, no upgrade copy beside it.
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["很旧的台账.db"]
