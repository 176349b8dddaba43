"""Typed errors the clerk can act on. Every message is Chinese and names the field or file.

The GUI and CLI show `str(error)`; anything that is not a ZhifaError is a bug and goes to
the log file instead of the screen.
"""

from __future__ import annotations

import errno


class ZhifaError(Exception):
    """Base of every error whose message is meant for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ZhifaError):
    """Input that cannot be saved. `field` is the Chinese field label it concerns."""

    def __init__(self, field: str, message: str, record: str | None = None):
        self.field = field
        self.record = record
        prefix = f"{record}：" if record else ""
        super().__init__(f"{prefix}「{field}」{message}")


class StoreError(ZhifaError):
    """The database file cannot be opened, read or written."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the program."""


class SchemaTooOldError(StoreError):
    """The database is of a schema older than the oldest this program can upgrade."""


class NotADatabaseError(StoreError):
    """The file is not a ledger database, or it is damaged."""


class DatabaseInUseError(StoreError):
    """Another instance (maybe on another PC) holds the database."""


class OutputError(ZhifaError):
    """A report, annex, export or backup file cannot be written."""


class TemplateError(ZhifaError):
    """A sentence template in resources/ is broken; names the template and line."""


class ImportFileError(ZhifaError):
    """A workbook offered for import cannot be read at all."""


class ReportError(ZhifaError):
    """The report cannot be made for this year (no records, a year out of range)."""


# What the operating system said, in Chinese: on a Chinese Windows strerror is already
# Chinese, but on Linux and in a few Windows cases it is English ("Not a directory").
_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一项是文件，不是文件夹",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EROFS: "所在位置只读",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENAMETOOLONG: "路径或文件名过长",
    errno.EBUSY: "文件正被占用",
    errno.EIO: "读写出错（磁盘或网络故障）",
}
WINDOWS_SHARING_ERRORS = (32, 33)   # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in words a clerk reads: 「没有访问权限」."""
    if getattr(exc, "winerror", None) in WINDOWS_SHARING_ERRORS:
        return "文件正被其他程序打开"
    return _OS_REASONS.get(exc.errno) or exc.strerror or str(exc)


def driver_says(exc: Exception) -> str:
    """The database driver's own first line, without SQLAlchemy's statement and web link."""
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def sqlite_reason(exc: Exception) -> str:
    """What SQLite said, in words a clerk reads (the driver's own text is English)."""
    msg = str(exc).lower()
    if "full" in msg:
        return "磁盘空间已满"
    if "disk i/o error" in msg:
        return "磁盘读写出错（磁盘已满、移动硬盘被拔出或磁盘故障）"
    if "readonly" in msg or "read-only" in msg:
        return "所在位置只读"
    if "locked" in msg or "busy" in msg:
        return "文件正被其他程序使用"
    if "malformed" in msg or "not a database" in msg:
        return "文件已损坏"
    if "unable to open" in msg:
        return "无法打开文件（路径不存在或没有访问权限）"
    return "数据库读写失败"
