"""The version Windows shows for zhifa.exe / zhifa-cli.exe (属性 → 详细信息) is pyproject's."""

from __future__ import annotations

import tomllib
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def read_resource(text: str) -> dict:
    """Evaluate the resource text the way PyInstaller does (eval), with recording stand-ins
    for its classes, which need pefile and so only import on Windows."""
    def record(kind):
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}
    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct"]
    return eval(text, {name: record(name) for name in names})  # noqa: S307 - our own text


def strings_of(info: dict) -> dict:
    table = info["kids"][0]["args"][0][0]
    return {s["args"][0]: s["args"][1] for s in table["args"][1]}


def test_version_numbers_are_four_numbers_as_windows_wants(project_version):
    assert project_version.version_quad("0.1.0") == (0, 1, 0, 0)
    assert project_version.version_quad("2.10.3rc1") == (2, 10, 3, 0)
    assert project_version.version_quad("3") == (3, 0, 0, 0)


def test_resource_carries_pyprojects_version_and_the_chinese_name(project_version):
    version = project_version.project_version()
    assert version == pyproject_version()
    info = read_resource(project_version.version_resource_text(version, "zhifa-cli",
                                                               "教育行政执法台账（命令行）"))
    quad = project_version.version_quad(version)
    assert info["ffi"]["filevers"] == quad
    assert info["ffi"]["prodvers"] == quad
    strings = strings_of(info)
    assert strings["ProductVersion"] == version
    assert strings["FileVersion"] == version
    assert strings["ProductName"] == "教育行政执法台账"
    assert strings["FileDescription"] == "教育行政执法台账（命令行）"   # Task Manager shows this
    assert strings["OriginalFilename"] == "zhifa-cli.exe"
    # the string table is declared Simplified Chinese, Unicode
    assert info["kids"][0]["args"][0][0]["args"][0] == "080404B0"


def test_program_reports_the_same_version_as_the_installer():
    # zhifa-cli --version prints core.__version__; the installer and the .exe use pyproject's
    assert core.__version__ == pyproject_version()
