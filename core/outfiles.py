"""Writing output files (report, annex, exports, templates) safely.

- `safe_filename` turns whatever the clerk typed as a bureau name into a valid file name on
  Windows and Linux (no / \\ : * ? " < > |, no .., no reserved names like CON or NUL).
- `atomic_write` writes to a temporary file in the same folder and renames it into place,
  so a crash or a full disk never leaves half a report; a target open in Word/WPS (locked
  on Windows) or a read-only folder gives an OutputError in words.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
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


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)`, then move tmp_path onto `target`. Returns `target`."""
    target = Path(target)
    folder = target.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(_explain(exc, folder, target)) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~写入中-", suffix=target.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise OutputError(_explain(exc, folder, target)) from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        _fsync(tmp)
        with contextlib.suppress(OSError):     # some shares refuse chmod; the file is fine
            os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(_explain(exc, folder, target)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


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


def _explain(exc: OSError, folder: Path, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入「{target.name}」。请清理磁盘后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM) and target.exists():
        return (f"文件「{target}」正被其他程序（如 Word、WPS 或 Excel）打开或为只读，"
                f"请关闭该文件后重试。")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限写入文件夹「{folder}」，请换一个保存位置。"
    if getattr(exc, "winerror", None) in WINDOWS_SHARING_ERRORS:
        return f"文件「{target}」正被其他程序打开，请关闭该文件后重试。"
    return f"无法写入「{target}」：{os_reason(exc)}"


def report_paths(bureau: str, year: int, out_dir: Path) -> tuple[Path, Path]:
    """Where the year's report (.docx) and its annex (.xlsx) are written: named after the
    bureau and year, like the documents the clerk publishes."""
    bureau = safe_filename(bureau, fallback="教育局")
    folder = Path(out_dir)
    return (folder / f"{bureau}{year}年度行政执法工作报告.docx",
            folder / f"{bureau}{year}年度行政执法数据统计表.xlsx")
