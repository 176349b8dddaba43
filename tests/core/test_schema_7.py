"""Schema 7 (issue 22): a ledger written by the schema-6 program opens upgraded with a copy
kept, every record at version 1 with its 录入人 unknown, an empty 操作日志, and every figure
it had exactly as before; from then on changes are versioned, stamped and logged.

tests/resources/schema_v6.db holds the demo years 2024–2025 as the schema-6 program wrote
them; schema_v6_figures.json is what that program counted (tests/resources/make_schema_v6.py).
"""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from core.figures import annual_figures
from core.models import RECORD_KINDS, AuditLog, Inspection
from core.records import save
from core.schema import CURRENT_VERSION
from core.store import open_store

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@pytest.fixture
def v6_copy(tmp_path):
    copy = tmp_path / "去年的台账.db"
    shutil.copy(RESOURCES / "schema_v6.db", copy)
    return copy


def test_a_schema_6_ledger_upgrades_with_a_copy_and_its_figures_unchanged(v6_copy):
    with sqlite3.connect(v6_copy) as raw:
        assert raw.execute("SELECT version FROM schema_info").fetchone()[0] == 6
        rows_before = {k.__tablename__: raw.execute(
            f"SELECT count(*) FROM {k.__tablename__}").fetchone()[0] for k in RECORD_KINDS}
    before = json.loads((RESOURCES / "schema_v6_figures.json").read_text("utf-8"))
    assert CURRENT_VERSION == 7
    store = open_store(str(v6_copy))
    try:
        with store.session() as s:
            assert s.execute(text("SELECT version FROM schema_info")).scalar() == 7
            for year, old in before.items():
                new = annual_figures(s, int(year)).as_json()
                now = {f["key"]: f for f in new["figures"]}
                assert len(now) == len(old["figures"])
                for figure in old["figures"]:
                    assert now[figure["key"]] == figure, figure["key"]
                for table, rows in old["tables"].items():
                    assert json.loads(json.dumps(new["tables"][table], default=str)) == rows, table
            for table, n in rows_before.items():
                assert s.execute(text(
                    f"SELECT count(*), min(version), max(version), max(created_by), "
                    f"max(updated_by), max(owner_department) FROM {table}")).one() == \
                    (n, 1 if n else None, 1 if n else None, "" if n else None,
                     "" if n else None, "" if n else None), table
            assert s.query(AuditLog).count() == 0
    finally:
        store.close()
    [copy] = v6_copy.parent.glob("*升级前-v6*.db")
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT version FROM schema_info").fetchone()[0] == 6


def test_an_upgraded_ledger_versions_stamps_and_logs_the_next_change(v6_copy):
    store = open_store(str(v6_copy))
    try:
        with store.session() as s:
            rec = s.query(Inspection).order_by(Inspection.id).first()
            assert (rec.version, rec.created_by) == (1, "")
            rec.personnel += 1
            save(s, rec, seen_version=1)
            rid = rec.id
        with store.session() as s:
            rec = s.get(Inspection, rid)
            assert rec.version == 2 and rec.updated_by and rec.created_by == ""
            [entry] = s.query(AuditLog).all()
            assert (entry.action, entry.record_id) == ("edit", rid)
    finally:
        store.close()
