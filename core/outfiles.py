"""Writing output files (report, annex, exports, templates) safely.

- `safe_filename` turns whatever the clerk typed as a bureau name into a valid file name on
  Windows and Linux (no / \\ : * ? " < > |, no .., no reserved names like CON or NUL).
- `atomic_write` writes to a temporary file in the same folder and renames it into place,
  so a crash or a full disk never leaves half a report; a target open in Word/WPS (locked
  on Windows) or a read-only folder gives an OutputError in words.
- `atomic_write_set` does the same for files that belong together (the report, its annex
  and the working copy): every file is written to its temporary name first, and only when
  all of them succeeded are they renamed into place; if one rename fails the ones already
  renamed are put back, so the folder holds either the whole new set or the whole old one.

The temporaries are hidden on Windows (a clerk who opens the folder mid-write sees no
「.~写入中」 files) and removed on SIGTERM (a logout or `kill`), not only on an error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
from pathlib import Path
from typing import Callable

from core.errors import WINDOWS_SHARING_ERRORS, OutputError, os_reason

# Also the bidirectional controls: U+202E in a name displays "报告\u202excod.exe" as
# "报告exe.docx" in Explorer, the classic spoofing trick.
_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 120
# ext4 and most NAS shares allow 255 bytes per name, and 120 Chinese characters are 360
# bytes in UTF-8: the name is cut by bytes too, leaving room for the suffix added to it.
MAX_NAME_BYTES = 180
# Windows silently drops trailing dots and spaces ("报告. ." would be saved as "报告").
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")


def safe_filename(name: str, fallback: str = "未命名") -> str:
    text = _BAD_CHARS.sub("_", str(name or ""))
    text = _EDGES.sub("", re.sub(r"\.{2,}", ".", text))
    # "AUX .docx" is the AUX device too: Windows ignores spaces before the extension.
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    text = text[:MAX_NAME]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    return _EDGES.sub("", text) or fallback


TEMP_PREFIX = ".~写入中-"
ASIDE_PREFIX = ".~旧文件-"


class WriteTerminated(KeyboardInterrupt):
    """SIGTERM arrived while output files were being written. A KeyboardInterrupt, so that
    no `except Exception` on the way swallows it; the CLI says 「已取消」."""


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)`, then move tmp_path onto `target`. Returns `target`."""
    return atomic_write_set([(Path(target), write)])[0]


def atomic_write_set(parts: list[tuple[Path, Callable[[Path], None]]]) -> list[Path]:
    """Write every (target, write) to a temporary file beside its target, then rename all
    of them into place: all or nothing. Returns the targets."""
    parts = [(Path(target), write) for target, write in parts]
    temps: list[Path] = []
    with _terminate_as_exception():
        try:
            done = []
            for target, write in parts:
                tmp = _temporary(target, TEMP_PREFIX)
                temps.append(tmp)
                try:
                    write(tmp)
                    _fsync(tmp)
                except OSError as exc:
                    raise OutputError(_explain(exc, target.parent, target)) from exc
                with contextlib.suppress(OSError):     # some shares refuse chmod; fine
                    os.chmod(tmp, _mode_for(target))
                done.append((tmp, target))
            _rename_all(done, temps)
        finally:
            for tmp in temps:
                with contextlib.suppress(OSError):
                    tmp.unlink()
    return [target for target, _ in parts]


def _temporary(target: Path, prefix: str) -> Path:
    folder = target.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(_explain(exc, folder, target)) from exc
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=target.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise OutputError(_explain(exc, folder, target)) from exc
    _set_hidden(Path(name), True)
    return Path(name)


def _rename_all(done: list[tuple[Path, Path]], temps: list[Path]) -> None:
    """Move the old files aside, the new ones in, then drop the old ones. A failure at any
    step (a file open in Word refuses to be renamed on Windows) restores what was there."""
    aside: list[tuple[Path, Path]] = []        # (old file's new name, target)
    placed: list[Path] = []
    try:
        for _tmp, target in done:
            if target.exists() or target.is_symlink():
                if len(done) == 1:             # one file: os.replace is atomic by itself
                    break
                parked = _temporary(target, ASIDE_PREFIX)
                temps.append(parked)
                try:
                    os.replace(target, parked)
                except OSError as exc:
                    raise OutputError(_explain(exc, target.parent, target)) from exc
                aside.append((parked, target))
        parked_targets = {target for _parked, target in aside}
        for tmp, target in done:
            _set_hidden(tmp, False)
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(_explain(exc, target.parent, target,
                                           existed=target in parked_targets)) from exc
            placed.append(target)
    except BaseException:
        for target in placed:
            with contextlib.suppress(OSError):
                target.unlink()
        for parked, target in aside:
            with contextlib.suppress(OSError):
                os.replace(parked, target)
                _set_hidden(target, False)
        raise


def _raise_terminated(signum, frame):
    raise WriteTerminated()


@contextlib.contextmanager
def _terminate_as_exception():
    """While files are written, SIGTERM raises WriteTerminated, so the `finally` that
    removes the temporaries runs; by default SIGTERM ends the process on the spot and
    leaves them. Only the main thread can set a handler (the GUI writes in a worker
    thread; Qt's own shutdown is not a SIGTERM there)."""
    sigterm = getattr(signal, "SIGTERM", None)
    if sigterm is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(sigterm, _raise_terminated)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(sigterm, previous if previous is not None else signal.SIG_DFL)


_FILE_ATTRIBUTE_HIDDEN = 0x2
_FILE_ATTRIBUTE_NORMAL = 0x80


def _set_hidden(path: Path, hidden: bool) -> None:
    """Windows only: a temporary file carries the hidden attribute, and loses it before it
    becomes the finished file (a rename keeps the attribute)."""
    if os.name != "nt":
        return
    import ctypes

    flag = _FILE_ATTRIBUTE_HIDDEN if hidden else _FILE_ATTRIBUTE_NORMAL
    with contextlib.suppress(Exception):
        ctypes.windll.kernel32.SetFileAttributesW(str(path), flag)


def _new_file_mode() -> int:
    # Read once, at import (the main thread): os.umask can only be read by setting it, and
    # that must not race a background thread creating a file.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _new_file_mode()


def _mode_for(target: Path) -> int:
    """The permissions the finished file gets: those of the file it replaces, else those of
    any file the clerk saves there. mkstemp makes the temporary file private to its owner
    (0600), which would leave a report in a shared folder unreadable to colleagues."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return _NEW_FILE_MODE


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _explain(exc: OSError, folder: Path, target: Path, existed: bool = False) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"磁盘空间不足，无法写入「{target.name}」。请清理磁盘后重试。"
    if exc.errno == errno.EFBIG:
        return f"文件「{target.name}」超过了该磁盘或系统允许的大小，无法写入。请换一个保存位置。"
    if exc.errno in (errno.EACCES, errno.EPERM) and (existed or target.exists()):
        return (f"文件「{target}」正被其他程序（如 Word、WPS 或 Excel）打开或为只读，"
                f"请关闭该文件后重试。")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限写入文件夹「{folder}」，请换一个保存位置。"
    if getattr(exc, "winerror", None) in WINDOWS_SHARING_ERRORS:
        return f"文件「{target}」正被其他程序打开，请关闭该文件后重试。"
    return f"无法写入「{target}」：{os_reason(exc)}"


def report_paths(bureau: str, year: int, out_dir: Path) -> tuple[Path, Path, Path]:
    """Where the year's report (.docx), its published annex (.xlsx) and the clerk's working
    copy of the annex (trace and ledgers, .xlsx) are written: named after the bureau and
    year, like the documents the clerk publishes."""
    bureau = safe_filename(bureau, fallback="教育局")
    folder = Path(out_dir)
    return (folder / f"{bureau}{year}年度行政执法工作报告.docx",
            folder / f"{bureau}{year}年度行政执法数据统计表.xlsx",
            folder / f"{bureau}{year}年度行政执法台账与数据来源.xlsx")
