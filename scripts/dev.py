#!/usr/bin/env python3
"""Set up and run the program or its tests from a fresh clone, with only Python 3.11+.

    python3 scripts/dev.py start   # create .venv, install pinned packages, start 教育行政执法台账
    python3 scripts/dev.py test    # the same set-up, then the whole test suite

Uses only the standard library, so it works before anything is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def ensure_env(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"需要 Python 3.11 或更高版本（当前 {sys.version.split()[0]}）。")
    if not PY.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = f"{extras}:{(ROOT / 'pyproject.toml').stat().st_mtime}:{(ROOT / 'requirements.lock').stat().st_mtime}"
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("安装依赖（版本已锁定）…", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call(pip + ["-c", str(ROOT / "requirements.lock"), "-e", f"{ROOT}[{extras}]"])
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "start"
    if what == "start":
        ensure_env("test")
        return subprocess.call([str(BIN / "zhifa"), *argv[1:]])
    if what == "test":
        ensure_env("test")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        code = subprocess.call([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)
        return 0 if code == 0 else code
    if what == "cli":
        ensure_env("test")
        return subprocess.call([str(BIN / "zhifa-cli"), *argv[1:]])
    sys.exit("用法：python3 scripts/dev.py start|test|cli [参数…]")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
