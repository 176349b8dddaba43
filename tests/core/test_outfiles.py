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
