"""A process killed (SIGKILL) in the middle of a burst of saves, many times over.

Each round starts a separate program that saves inspections through core.records.save, one
committed unit of work each, and prints every id after its commit returned, as the form
shows 「已保存」. The test kills it (SIGKILL: no cleanup, no atexit) at a random moment,
usually in the middle of the next save. Then the ledger is reopened the way the program
opens it.

Proves: every save that returned is in the file with its two inspectors; nothing half-saved
is there (each inspection has exactly its two inspectors); `PRAGMA integrity_check` is ok
after every round; the random moments are seeded, so a failure can be replayed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess

import pytest
from sqlalchemy import func, select

from core.models import Inspection, Staff, Unit, inspection_staff
from core.records import save
from core.store import open_store

from .conftest import python

ROUNDS = int(os.environ.get("ZHIFA_KILL_ROUNDS", "20"))

SAVER = """
import datetime as dt, sys
from core.models import Inspection, Staff, Unit
from core.records import save
from core.store import open_store
store = open_store(sys.argv[1])
with store.session() as s:
    staff = [s.get(Staff, 1), s.get(Staff, 2)]
n = 0
while True:
    n += 1
    with store.session() as s:
        record = save(s, Inspection(
            date=dt.date(2025, 3, 1) + dt.timedelta(days=n % 200), category="日常检查",
            method="其他", unit_id=1 + n % 3, result="合格", items="校园安全、食品安全",
            personnel=2, problems_found=1, rectified_on_site=1, note="连续保存" * 20,
            inspectors=[s.merge(p) for p in staff]))
    print(record.id, flush=True)      # the commit has returned: the clerk saw 已保存
"""


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "执法台账.db"
    store = open_store(str(path))
    with store.session() as s:
        for i in range(3):
            save(s, Unit(name=f"示例区第{i + 1}中学", unit_type="公办中小学"))
        for name in ("王建国", "李秀英"):
            save(s, Staff(name=name, certificate_no=f"1201-{name}",
                          certificate_issued=dt.date(2022, 1, 1)))
    store.close()
    return path


@pytest.mark.slow
def test_every_returned_save_survives_sigkill_mid_burst(ledger):
    rng = random.Random(int(os.environ.get("ZHIFA_KILL_SEED", "20251231")))
    confirmed: set[int] = set()
    for round_no in range(ROUNDS):
        kill_after = rng.randint(1, 40)
        saver = python(SAVER, str(ledger), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        printed = []
        for line in saver.stdout:
            printed.append(int(line))
            if len(printed) >= kill_after:
                saver.send_signal(signal.SIGKILL)   # mid-way through the next save
                break
        saver.wait(timeout=60)
        stderr = saver.stderr.read()
        saver.stdout.close()
        saver.stderr.close()
        assert saver.returncode == -signal.SIGKILL, f"round {round_no}: {stderr}"
        confirmed.update(printed)

        with sqlite3.connect(ledger) as raw:   # recovers the WAL like any opener
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok", round_no
        store = open_store(str(ledger))
        with store.session() as s:
            present = set(s.scalars(select(Inspection.id)))
            missing = confirmed - present
            assert not missing, f"round {round_no}: saved ids lost: {sorted(missing)}"
            half = s.execute(
                select(Inspection.id, func.count(inspection_staff.c.staff_id))
                .outerjoin(inspection_staff).group_by(Inspection.id)
                .having(func.count(inspection_staff.c.staff_id) != 2)).all()
            assert not half, f"round {round_no}: inspections without both inspectors: {half}"
        store.close()
    assert len(confirmed) >= ROUNDS
