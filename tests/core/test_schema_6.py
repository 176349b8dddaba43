"""Schema 6 (issue 21): last year's ledger, written by the schema-5 program, opens upgraded
with a copy kept, its new fields empty, and every figure it had exactly as before.

tests/resources/schema_v5.db holds the demo years 2024–2025 as the schema-5 program wrote
them; schema_v5_figures.json is what that program counted (tests/resources/make_schema_v5.py).
"""

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from core.compliance import check_year
from core.figures import annual_figures
from core.models import Inspection, InspectionPlanTask, Unit
from core.records import save
from core.schema import CURRENT_VERSION
from core.store import open_store

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@pytest.fixture
def v5_copy(tmp_path):
    copy = tmp_path / "去年的台账.db"
    shutil.copy(RESOURCES / "schema_v5.db", copy)
    return copy


def test_a_schema_5_ledger_upgrades_with_a_copy_and_its_figures_unchanged(v5_copy):
    with sqlite3.connect(v5_copy) as raw:
        assert raw.execute("SELECT version FROM schema_info").fetchone()[0] == 5
    before = json.loads((RESOURCES / "schema_v5_figures.json").read_text("utf-8"))
    store = open_store(str(v5_copy))
    try:
        with store.session() as s:
            assert s.execute(text("SELECT version FROM schema_info")).scalar() == CURRENT_VERSION
            for year, old in before.items():
                new = annual_figures(s, int(year)).as_json()
                now = {f["key"]: f for f in new["figures"]}
                for figure in old["figures"]:
                    assert now[figure["key"]] == figure, figure["key"]
                for table, rows in old["tables"].items():
                    assert json.loads(json.dumps(new["tables"][table], default=str)) == rows, table
    finally:
        store.close()
    [copy] = v5_copy.parent.glob("*升级前-v5*.db")
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT version FROM schema_info").fetchone()[0] == 5


def test_an_upgraded_ledger_has_the_new_fields_empty_and_takes_a_plan(v5_copy):
    store = open_store(str(v5_copy))
    try:
        with store.session() as s:
            assert s.execute(text(
                "SELECT count(*) FROM inspection WHERE plan_task_id IS NOT NULL OR approver != '' "
                "OR approved_on IS NOT NULL OR mode != '' OR case_source != '' "
                "OR trace_code != '' OR superior_deployed")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM inspection")).scalar() > 0
            assert s.execute(text("SELECT count(*) FROM unit WHERE established_on IS NOT NULL"
                                  )).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM penalty_case WHERE deadline_extended"
                                  )).scalar() == 0
            f = annual_figures(s, 2025)
            assert (f["plan.tasks"], f["inspection.planned"]) == (0, 0)
            assert f["inspection.unplanned"] == f["inspection.total"]
            # The old year is now told what the 2025 rules ask for.
            rules = {flag.rule for flag in check_year(s, 2025)}
            assert {"plan.missing", "inspection.approval"} <= rules
            task = save(s, InspectionPlanTask(year=2025, name="中小学日常检查", category="日常检查",
                                              unit_type="公办中小学", base=14, ratio=50))
            school = s.query(Unit).filter_by(unit_type="公办中小学").first()
            first = (s.query(Inspection).filter(Inspection.unit_id == school.id,
                                                Inspection.date >= dt.date(2025, 1, 1))
                     .order_by(Inspection.date).first())
            first.plan_task, first.plan_task_id = task, task.id
            save(s, first)
        with store.session() as s:
            f = annual_figures(s, first.date.year)
            assert (f["plan.tasks"], f["plan.objects_planned"]) == (1, 7)
            assert f["plan.objects_inspected"] == 1
    finally:
        store.close()
