"""The README's two commands are what a new user and CI run: CI must run the test one as
written, and both must be commands scripts/dev.py knows."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _two_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## 两条命令", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readmes_test_command_as_written():
    start, test = _two_commands()
    assert start.startswith("python3 scripts/dev.py start")
    assert test.startswith("python3 scripts/dev.py test")
    ci_lines = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert test in ci_lines
