"""core.outfiles: a finished report, annex or export is an ordinary file in the clerk's folder."""

from __future__ import annotations

import os
import sys

import pytest

from core.outfiles import atomic_write

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path):
    return path.stat().st_mode & 0o777


def test_a_new_report_is_readable_like_any_file_saved_in_the_folder(tmp_path):
    """The temporary file is private (0600, mkstemp); the finished file must not stay so, or
    colleagues opening the shared folder could not read the report."""
    target = atomic_write(tmp_path / "报告.docx", lambda tmp: tmp.write_bytes(b"PK"))
    ordinary = tmp_path / "另存的文件.txt"
    ordinary.write_bytes(b"x")
    assert _mode(target) == _mode(ordinary)


def test_rewriting_a_report_keeps_the_permissions_the_clerk_gave_it(tmp_path):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"new" and _mode(target) == 0o640


def test_a_report_into_a_file_taken_for_a_folder_is_told_in_chinese(tmp_path):
    """The clerk typed the path of a file as the output folder: the operating system's
    English ("Not a directory") is not what they read."""
    from core.errors import OutputError

    not_a_folder = tmp_path / "报告.docx"
    not_a_folder.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        atomic_write(not_a_folder / "年度报告.docx", lambda path: path.write_bytes(b"new"))
    assert str(caught.value).endswith("：路径中有一项是文件，不是文件夹")
    assert not_a_folder.read_bytes() == b"old"


@pytest.mark.parametrize("error, expected", [
    (FileNotFoundError(2, "No such file or directory"), "文件或文件夹不存在"),
    (PermissionError(13, "Permission denied"), "没有访问权限"),
    (OSError(28, "No space left on device"), "磁盘空间已满"),
    (OSError(36, "File name too long"), "路径或文件名过长"),
    (OSError(9999, "Something new"), "Something new"),       # unknown: the system's own words
])
def test_what_the_operating_system_said_is_told_in_chinese(error, expected):
    from core.errors import os_reason

    assert os_reason(error) == expected
