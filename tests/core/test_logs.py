"""The log file (core.logs): moved aside when full, three old files kept, as
logging.handlers.RotatingFileHandler did before it was replaced (issue 20: start)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from core.logs import RotatingLog

ROOT = Path(__file__).resolve().parents[2]


def test_a_full_log_is_moved_aside_and_the_oldest_dropped(tmp_path):
    path = tmp_path / "zhifa.log"
    handler = RotatingLog(path, max_bytes=100, old_files=3)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("test.rotation")
    log.propagate = False
    log.addHandler(handler)
    try:
        for i in range(12):
            log.warning("第%02d行" + "x" * 30, i)       # 36 characters a line: two lines a file
    finally:
        log.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["zhifa.log", "zhifa.log.1", "zhifa.log.2", "zhifa.log.3"]
    lines = {name: (tmp_path / name).read_text(encoding="utf-8").split() for name in files}
    assert [line[:4] for line in lines["zhifa.log"]] == ["第10行", "第11行"]
    assert [line[:4] for line in lines["zhifa.log.1"]] == ["第08行", "第09行"]
    assert [line[:4] for line in lines["zhifa.log.3"]] == ["第04行", "第05行"]
    assert all(len(name.encode("utf-8")) < 100 for name in files)
    assert all(p.stat().st_size < 100 for p in tmp_path.iterdir())


def test_logging_does_not_load_the_network_modules():
    """logging.handlers imports socket, pickle and queue: ~15 ms of every start."""
    code = ("import sys, core.logs\n"
            "print(sorted(m for m in ('logging.handlers', 'socket', 'pickle') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"
