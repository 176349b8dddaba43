"""What goes into the bundle, and how the build's smoke test makes a PC without Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT = "PySide6/Qt/plugins"


def test_windows_keeps_its_window_plugin_and_loses_opengl_and_gtk(qt_prune):
    keep = qt_prune.keep_binary
    assert keep(r"C:\py\PySide6\plugins\platforms\qwindows.dll", r"PySide6\plugins\platforms")
    assert keep("/v/libqoffscreen.so", f"{QT}/platforms")        # the smoke test's platform
    assert keep("/v/libqxcb.so", f"{QT}/platforms")
    assert not keep("/v/libqwayland.so", f"{QT}/platforms")
    assert not keep("/v/libqgtk3.so", f"{QT}/platformthemes")    # drags GTK along
    assert keep("/v/libqico.so", f"{QT}/imageformats")
    assert not keep("/v/libqjpeg.so", f"{QT}/imageformats")
    assert not keep("/v/libqopensslbackend.so", f"{QT}/tls")
    assert keep("/v/libibusplatforminputcontextplugin.so", f"{QT}/platforminputcontexts")  # 输入法
    assert keep(r"C:\py\PySide6\plugins\styles\qmodernwindowsstyle.dll", r"PySide6\plugins\styles")
    assert keep("/v/libQt6Widgets.so.6", "PySide6/Qt/lib")       # not a plugin: untouched
    assert not qt_prune.keep_extra_binary(r"C:\py\PySide6\opengl32sw.dll")
    assert qt_prune.keep_extra_binary(r"C:\py\PySide6\icuuc.dll")


def test_only_chinese_qt_translations_are_kept(qt_prune):
    dest = "PySide6/Qt/translations"
    assert qt_prune.keep_data("/v/qtbase_zh_CN.qm", dest)
    assert not qt_prune.keep_data("/v/qtbase_de.qm", dest)
    assert not qt_prune.keep_data("/v/qt_zh_TW.qm", dest)
    assert qt_prune.keep_data("/v/report.toml", "resources/templates")


def test_smoke_test_environment_has_no_python_on_path(build_script, tmp_path, monkeypatch):
    with_python = tmp_path / "some python"
    with_python.mkdir()
    fake = with_python / ("python3.exe" if os.name == "nt" else "python3")
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setenv("PATH", os.pathsep.join([str(with_python), str(tools)]))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("VIRTUAL_ENV", str(ROOT / ".venv"))
    monkeypatch.setenv("ZHIFA_DB", "/somewhere/else.db")
    env = build_script.clean_env(tmp_path / "数据")
    assert env["PATH"] == str(tools)
    assert "PYTHONPATH" not in env and "VIRTUAL_ENV" not in env and "ZHIFA_DB" not in env
    assert env["ZHIFA_DATA_DIR"] == str(tmp_path / "数据")
    assert env["QT_QPA_PLATFORM"] == "offscreen"


@pytest.mark.skipif(os.name == "nt", reason="closes fds 1 and 2 with preexec_fn (POSIX)")
def test_windowed_start_without_console_survives_writing_to_stderr():
    """A windowed zhifa.exe starts with sys.stdout/sys.stderr None; the bundle's runtime hook
    gives them a null stream, so an argparse error or stray write cannot crash the start."""
    hook = ROOT / "installer" / "rthook_zhifa.py"
    program = ("import runpy, sys\n"
               "assert sys.stderr is None\n"
               f"runpy.run_path({str(hook)!r})\n"
               "sys.stderr.write('没有控制台也不出错')\n"
               "sys.stdout.write('ok')\n")

    def close_stdio():
        os.close(1)
        os.close(2)

    without_hook = subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('x')"],
                                  preexec_fn=close_stdio)
    assert without_hook.returncode != 0           # what the hook prevents
    with_hook = subprocess.run([sys.executable, "-c", program], preexec_fn=close_stdio)
    assert with_hook.returncode == 0


def test_spec_builds_one_folder_without_upx(tmp_path):
    spec = (ROOT / "installer" / "zhifa.spec").read_text("utf-8")
    compile(spec, "zhifa.spec", "exec")                       # it parses
    assert "upx=True" not in spec and spec.count("upx=False") == 2
    assert spec.count("COLLECT(") == 1                        # one folder, both programs
    assert '"zhifa", False' in spec and '"zhifa-cli", True' in spec   # windowed, console
    assert '(str(ROOT / "resources"), "resources")' in spec
