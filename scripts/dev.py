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


# The system libraries Qt's window system plugin (xcb) loads on Linux, by the Debian package
# that has each. PySide6's wheel brings Qt but not these; without them the program stopped
# with Qt's English 「no Qt platform plugin could be initialized」.
QT_LINUX_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
}


def _loads(library: str) -> bool:
    import ctypes
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def missing_qt_packages(loads=None) -> list[str]:
    """The Debian packages whose libraries a window on Linux needs and cannot load."""
    loads = loads or _loads
    return sorted({pkg for lib, pkg in QT_LINUX_LIBRARIES.items() if not loads(lib)})


def qt_libraries_message(packages: list[str]) -> str:
    return ("无法启动窗口：缺少 Qt 图形界面所需的系统库。\n"
            "请先安装以下软件包（Debian/Ubuntu），再重新运行本命令：\n\n"
            f"    sudo apt-get install {' '.join(packages)}\n")


def check_qt_libraries(loads=None) -> bool:
    """On Linux with a window to open: say in Chinese which packages to install, if any."""
    if not sys.platform.startswith("linux") or \
            os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] not in ("", "xcb"):
        return True                 # Windows/macOS, or offscreen/wayland: not these libraries
    missing = missing_qt_packages(loads)
    if missing:
        print(qt_libraries_message(missing), file=sys.stderr)
    return not missing


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "start"
    if what == "start":
        if not check_qt_libraries():
            return 1
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
