"""`python3 scripts/dev.py start` on a Linux PC without Qt's window libraries says in
Chinese which Debian packages to install, instead of Qt's English plugin error. Their
absence is simulated: a loader that cannot find some of them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_missing_window_libraries_are_named_by_their_debian_packages(monkeypatch, capsys):
    dev = _dev()
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    assert not dev.check_qt_libraries(lambda lib: lib not in absent)
    said = capsys.readouterr().err
    assert "缺少 Qt 图形界面所需的系统库" in said
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in said
    # `start` stops there, before installing anything or starting the program.
    monkeypatch.setattr(dev, "_loads", lambda lib: lib not in absent)
    monkeypatch.setattr(dev, "ensure_env", lambda extras: (_ for _ in ()).throw(AssertionError))
    assert dev.main(["start"]) == 1
    assert "libxcb-cursor0" in capsys.readouterr().err


def test_nothing_is_said_when_they_are_there_or_no_window_is_opened(monkeypatch, capsys):
    dev = _dev()
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert dev.check_qt_libraries(lambda lib: True)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")        # tests: no window libraries
    assert dev.check_qt_libraries(lambda lib: False)
    monkeypatch.setattr(dev.sys, "platform", "win32")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert dev.check_qt_libraries(lambda lib: False)
    assert capsys.readouterr().err == ""


def test_the_readme_and_ci_name_the_same_packages():
    dev = _dev()
    packages = set(dev.QT_LINUX_LIBRARIES.values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert packages <= set(re.findall(r"lib[\w.+-]+", readme))
    assert packages <= set(re.findall(r"lib[\w.+-]+", ci))
