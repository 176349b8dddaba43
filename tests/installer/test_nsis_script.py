"""The Windows installer keeps the clerk's data, refuses to touch a running program, installs
per user, speaks Chinese, and compiles (with the makensis CI has)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest

import core.paths

ROOT = Path(__file__).resolve().parents[2]


def sections(script: str) -> dict[str, str]:
    """Section title -> body."""
    found = re.findall(r'^Section\s+(.*?)\n(.*?)^SectionEnd', script, re.M | re.S)
    return {title.strip(): body for title, body in found}


def defines(script: str) -> dict[str, str]:
    return dict(re.findall(r'^!define\s+(\w+)\s+"(.*)"\s*$', script, re.M))


def test_uninstall_deletes_the_data_only_in_a_section_the_clerk_must_tick(nsis_script):
    data_sections = {title: body for title, body in sections(nsis_script).items()
                     if "${DATA_DIR}" in body and "RMDir /r" in body}
    assert len(data_sections) == 1
    (title, body), = data_sections.items()
    assert title.startswith("/o ")                 # unticked unless the clerk ticks it
    assert "不可恢复" in title
    assert "MB_DEFBUTTON2" in body and "/SD IDNO" in body   # and confirmed; silent keeps data
    # nowhere else is the data folder removed
    outside = nsis_script.replace(body, "")
    assert not re.search(r"RMDir\s+/r\s+\"\$\{DATA_DIR\}", outside)


def test_the_data_folder_the_uninstaller_offers_is_where_the_program_keeps_data(
        nsis_script, monkeypatch):
    # core.paths on Windows, simulated here: platformdirs' Windows rules, LOCALAPPDATA faked
    local = r"C:\Users\科员\AppData\Local"
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda const: local)
    monkeypatch.delenv("ZHIFA_DATA_DIR", raising=False)
    monkeypatch.setattr(Path, "mkdir", lambda *args, **kwargs: None)
    windows_data_dir = str(core.paths.data_dir()).replace("/", "\\")
    d = defines(nsis_script)
    nsis_data_dir = d["DATA_DIR"].replace("${APPKEY}", d["APPKEY"]).replace("$LOCALAPPDATA", local)
    assert windows_data_dir == nsis_data_dir == local + r"\zhifa-taizhang"


def test_installs_per_user_without_admin_into_programs(nsis_script):
    assert re.search(r"^RequestExecutionLevel user$", nsis_script, re.M)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APPKEY\}"$', nsis_script, re.M)
    assert "HKLM" not in nsis_script
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in nsis_script
    assert '!define PRODUCT "教育行政执法台账"' in nsis_script
    assert '"$SMPROGRAMS\\${PRODUCT}.lnk"' in nsis_script
    assert '"$DESKTOP\\${PRODUCT}.lnk"' in nsis_script


def test_installer_and_uninstaller_both_refuse_while_the_program_runs(nsis_script):
    for init in ("Function .onInit", "Function un.onInit"):
        body = nsis_script.split(init, 1)[1].split("FunctionEnd", 1)[0]
        assert "RefuseWhileRunning" in body
    # the mutex the bundle's runtime hook creates is the one the installer looks for
    hook = (ROOT / "installer" / "rthook_zhifa.py").read_text("utf-8")
    mutex = defines(nsis_script)["RUNNING_MUTEX"]
    assert f'RUNNING_MUTEX = "{mutex.replace(chr(92), chr(92) * 2)}"' in hook


def test_upgrade_removes_the_old_bundle_before_copying_the_new(nsis_script):
    body = sections(nsis_script)['"-program"']
    assert body.index('RMDir /r "$INSTDIR\\_internal"') < body.index("File /r")


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (NSIS) not installed")
def test_installer_script_compiles_without_warnings(tmp_path):
    # A stand-in bundle with the layout installer/build checks the real one has.
    bundle = tmp_path / "zhifa"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    for name in ("zhifa.exe", "zhifa-cli.exe", "_internal/resources/x.txt"):
        (bundle / name).write_bytes(b"stand-in")
    target = tmp_path / "zhifa-taizhang-setup-1.2.3.exe"   # "setup.exe" alone draws a warning
    proc = subprocess.run(
        ["makensis", "-V2", "-WX", "-INPUTCHARSET", "UTF8", "-DVERSION=1.2.3", "-DVERSION_QUAD=1.2.3.0",
         f"-DDIST_DIR={bundle}", f"-DOUTFILE={target}",
         f"-DICON={ROOT / 'resources' / 'icons' / 'zhifa.ico'}", "-DFAST_COMPRESSION",
         str(ROOT / "installer" / "zhifa.nsi")],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert target.read_bytes()[:2] == b"MZ"      # a Windows executable
