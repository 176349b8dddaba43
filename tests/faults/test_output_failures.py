"""Disk full or a folder that cannot be written, while writing a report, an annex or a backup:
a clear Chinese message (OutputError) and no partial file, and an older file left whole.

Two ways to make the disk fail: the write raising OSError(ENOSPC) part-way (monkeypatched,
to check the exact message), and a real limit on file size (RLIMIT_FSIZE, in a subprocess),
which makes the kernel refuse the write even for root: CI runs as root, so chmod alone
cannot make a folder read-only there.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess

import pytest

from core.errors import OutputError
from core.models import Unit
from core.outfiles import atomic_write
from core.records import save
from core.backups import backup_sqlite

from .conftest import python


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_disk_full_part_way_through_a_report_leaves_no_partial_file(tmp_path):
    """Proves: ENOSPC during the write gives 「磁盘空间不足」 naming the file, the target does
    not appear, and the temporary file is removed."""
    out = tmp_path / "报告"
    out.mkdir()

    def write_half(tmp):
        with open(tmp, "wb") as f:
            f.write(b"PK\x03\x04" + b"x" * 10_000)
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="磁盘空间不足.*2025年度行政执法工作报告.docx"):
        atomic_write(out / "2025年度行政执法工作报告.docx", write_half)
    assert _leftovers(out) == []


def test_a_failed_rewrite_keeps_last_years_file_whole(tmp_path):
    """Proves: when the report already exists (written yesterday) and today's rewrite fails,
    yesterday's file is still there byte for byte."""
    target = tmp_path / "统计附件.xlsx"
    target.write_bytes(b"yesterday's annex")

    def fail(tmp):
        tmp.write_bytes(b"half of today's")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError):
        atomic_write(target, fail)
    assert target.read_bytes() == b"yesterday's annex"
    assert _leftovers(tmp_path) == ["统计附件.xlsx"]


LIMITED = """
import json, resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # get EFBIG instead of being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
from core.errors import OutputError
from core.outfiles import atomic_write
from core.backups import backup_sqlite
what, src, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
try:
    if what == "report":
        atomic_write(out / "年度报告.docx", lambda tmp: tmp.write_bytes(b"x" * 1_000_000))
    else:
        backup_sqlite(src, out)
    print(json.dumps({"error": None}))
except OutputError as exc:
    print(json.dumps({"error": str(exc)}, ensure_ascii=False))
"""


def _limited(what, src, out):
    proc = python(LIMITED, what, str(src), str(out), stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])["error"]


def test_a_real_write_failure_on_a_report_is_told_and_leaves_nothing(tmp_path):
    """Proves (with a kernel-enforced write failure, not a mock): OutputError, no file."""
    out = tmp_path / "输出"
    out.mkdir()
    error = _limited("report", tmp_path / "none.db", out)
    assert error and "年度报告.docx" in error
    assert _leftovers(out) == []


def test_a_backup_that_cannot_be_written_is_told_and_leaves_nothing(store, tmp_path):
    """Proves: a backup that runs out of space gives OutputError naming the backup folder;
    no half backup (which a later restore might pick) is left behind; the ledger is fine."""
    with store.session() as s:
        for i in range(400):
            save(s, Unit(name=f"示例区第{i + 1}学校" + "附属" * 20, unit_type="公办中小学"))
    wal = store.path.with_name(store.path.name + "-wal")
    assert store.path.stat().st_size + wal.stat().st_size > 64 * 1024   # the backup won't fit
    folder = tmp_path / "备份"
    error = _limited("backup", store.path, folder)
    assert error and "备份" in error and str(folder) in error
    assert not folder.exists() or _leftovers(folder) == []
    with store.session() as s:
        assert s.query(Unit).count() == 400


def _root_ignores_permissions(folder) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except PermissionError:
        return False
    probe.unlink()
    return True


def test_a_read_only_folder_is_told_in_words(tmp_path):
    """Proves: a folder the clerk may not write to gives 「没有权限写入文件夹」, for the report
    and for a backup, and nothing is created. Skipped where permissions do not bind (root)."""
    folder = tmp_path / "只读"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        if _root_ignores_permissions(folder):
            pytest.skip("running as root: chmod does not stop root from writing "
                        "(the RLIMIT_FSIZE tests above cover a real write failure)")
        with pytest.raises(OutputError, match="没有权限写入文件夹"):
            atomic_write(folder / "年度报告.docx", lambda tmp: tmp.write_bytes(b"x"))
        assert _leftovers(folder) == []
    finally:
        os.chmod(folder, 0o755)


def test_an_output_folder_that_is_a_file_is_refused_clearly(tmp_path):
    """Proves: the chosen 'folder' being a file (a write that fails even for root) gives an
    OutputError naming the target, and the file is untouched."""
    not_a_folder = tmp_path / "报告输出"
    not_a_folder.write_bytes(b"a file, not a folder")
    with pytest.raises(OutputError, match="年度报告.docx"):
        atomic_write(not_a_folder / "年度报告.docx", lambda tmp: tmp.write_bytes(b"x"))
    with pytest.raises(OutputError):
        backup_sqlite(not_a_folder, not_a_folder / "备份")
    assert not_a_folder.read_bytes() == b"a file, not a folder"
