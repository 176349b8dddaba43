"""Helpers for the fault tests: run a small Python program as a separate process, the way a
second instance of the program (or one that gets killed) would run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, *args: str, **popen) -> subprocess.Popen:
    """Start `code` in a fresh interpreter with the project importable; returns the Popen."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            cwd=ROOT, text=True, **popen)
