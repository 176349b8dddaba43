"""The report, the published annex and the working copy are one set: written to hidden
temporary names and renamed into place only when all three succeeded. A disk that fills
between them, a rename refused (the annex open in WPS on Windows) or a SIGTERM leaves last
run's set as it was, no temporary behind, and nothing English on the clerk's terminal."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import core.outfiles as outfiles
from core.errors import OutputError
from core.outfiles import atomic_write_set, report_paths
from core.report import write_report

ROOT = Path(__file__).resolve().parents[2]


def _yesterdays_set(folder: Path) -> dict[Path, bytes]:
    """Last run's three files, each with recognisable bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    old = {}
    for path in report_paths("示例区教育局", 2025, folder):
        old[path] = f"昨天的{path.suffix}".encode()
        path.write_bytes(old[path])
    return old


def _unchanged(old: dict[Path, bytes]) -> None:
    folder = next(iter(old)).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in old)
    for path, data in old.items():
        assert path.read_bytes() == data, path.name


def test_a_disk_that_fills_while_the_annex_is_written_leaves_yesterdays_set(demo_store, tmp_path,
                                                                          monkeypatch):
    """The report is written; the disk fills in the middle of the working copy: 「磁盘空间不足」
    naming that file, and yesterday's report, annex and working copy are there byte for
    byte (not today's report beside yesterday's annex)."""
    import core.annex as annex

    old = _yesterdays_set(tmp_path / "报告")
    real = annex.fill_working

    def full(wb, *args):
        real(wb, *args)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(annex, "fill_working", full)
    with demo_store.session() as s, pytest.raises(OutputError) as caught:
        write_report(s, 2025, tmp_path / "报告")
    assert "磁盘空间不足" in str(caught.value) and "台账与数据来源" in str(caught.value)
    _unchanged(old)


def test_a_rename_refused_half_way_puts_the_first_files_back(tmp_path, monkeypatch):
    """On Windows a file open in WPS refuses to be renamed over: the set stops at that file
    and the ones already renamed are put back as they were."""
    targets = [tmp_path / "报告.docx", tmp_path / "附件.xlsx", tmp_path / "台账.xlsx"]
    for t in targets:
        t.write_bytes(b"old " + t.name.encode())
    real_replace = os.replace

    def refuse_the_annex(src, dst):
        if Path(dst) == targets[1] and ".~写入中-" in Path(src).name:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(outfiles.os, "replace", refuse_the_annex)
    with pytest.raises(OutputError, match="附件.xlsx"):
        atomic_write_set([(t, lambda tmp, t=t: tmp.write_bytes(b"new " + t.name.encode()))
                          for t in targets])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets)
    for t in targets:
        assert t.read_bytes() == b"old " + t.name.encode()


def test_all_written_then_all_renamed(tmp_path, monkeypatch):
    """No target changes before every temporary is complete; temporaries are hidden (on
    Windows) while they are written and unhidden before they become the files."""
    events = []
    monkeypatch.setattr(outfiles, "_set_hidden",
                        lambda path, hidden: events.append(("hide" if hidden else "show",
                                                            Path(path).name)))
    targets = [tmp_path / "a.docx", tmp_path / "b.xlsx"]

    def writer(target):
        def write(tmp):
            assert not any(t.exists() for t in targets)      # nothing renamed yet
            events.append(("write", tmp.name))
            tmp.write_bytes(target.name.encode())
        return write

    atomic_write_set([(t, writer(t)) for t in targets])
    assert [t.read_bytes() for t in targets] == [b"a.docx", b"b.xlsx"]
    names = [name for _, name in events]
    hidden = [n for e, n in events if e == "hide"]
    assert len(hidden) == 2 and all(n.startswith(".~写入中-") for n in hidden)
    for n in hidden:                                          # hidden, written, then shown
        assert names.index(n) < len(names) - 1 - names[::-1].index(n)
        assert [e for e, m in events if m == n] == ["hide", "write", "show"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.xlsx"]


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # get EFBIG instead of being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
from core.cli import main
sys.exit(main(["--db", sys.argv[1], "report", "--year", "2025", "--out", sys.argv[3]]))
"""


def test_a_real_write_failure_leaves_the_set_and_no_english_on_the_terminal(demo_store,
                                                                          tmp_path):
    """A kernel-enforced file size limit (64 KB: the report fits, the working copy does
    not): exit code 2, one Chinese sentence on stderr, no 「Exception ignored in:
    <generator …>」 tracebacks, yesterday's set untouched, no temporary left."""
    old = _yesterdays_set(tmp_path / "报告")
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, demo_store.location, "65536",
                           str(tmp_path / "报告")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert not [line for line in proc.stderr.splitlines() if line.isascii() and line.strip()]
    assert "台账与数据来源" in proc.stderr
    _unchanged(old)


SLOW_REPORT = """
import sys, time
from pathlib import Path
import core.report.layout as layout
real = layout.write_docx
def slow(content, tmp, **kw):
    real(content, tmp, **kw)
    print("WRITING", flush=True)
    time.sleep(60)
layout.write_docx = slow
from core.cli import main
sys.exit(main(["--db", sys.argv[1], "report", "--year", "2025", "--out", sys.argv[2]]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
def test_sigterm_while_writing_leaves_no_temporary_and_the_old_set(demo_store, tmp_path):
    """`kill` (a logout, a service manager) while the report is being written: the
    temporaries are removed, the old set stays, and the CLI says 「已取消」."""
    old = _yesterdays_set(tmp_path / "报告")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_REPORT, demo_store.location,
                             str(tmp_path / "报告")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().strip() == "WRITING"
        temps = [p for p in (tmp_path / "报告").iterdir() if p.name.startswith(".~")]
        assert temps and temps[0].stat().st_size > 0          # the report's temporary, written
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err.strip() == "已取消。"
    _unchanged(old)


def test_the_terminate_handler_is_put_back_after_writing(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    seen = []
    atomic_write_set([(tmp_path / "a.txt",
                       lambda tmp: seen.append(signal.getsignal(signal.SIGTERM)))])
    assert seen == [outfiles._raise_terminated]
    assert signal.getsignal(signal.SIGTERM) == before
