"""Automatic backups of the ledger: on close and once a day, thinned to daily, weekly and
monthly copies so a backup folder (maybe on a shared drive) never fills up.

Only automatic copies (tag 自动) are thinned; backups the clerk made by hand are kept.
Copies are made with `core.store.backup_sqlite` (SQLite's online backup, written atomically).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

from core.store import backup_sqlite

AUTO_TAG = "自动"
MANUAL_TAG = "手动"
KEEP_DAILY = 7      # the newest copy of each of the last 7 days that have one
KEEP_WEEKLY = 4     # … of each of the last 4 weeks
KEEP_MONTHLY = 12   # … of each of the last 12 months

_NAME = re.compile(r"执法台账备份-(\d{8}-\d{6})(?:-(.+?))?(?:-\d+)?\.db$")


def backup_time(path: Path) -> dt.datetime | None:
    m = _NAME.match(Path(path).name)
    return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S") if m else None


def is_automatic(path: Path) -> bool:
    m = _NAME.match(Path(path).name)
    return bool(m and m.group(2) == AUTO_TAG)


def list_backups(backup_dir: Path) -> list[Path]:
    """Every backup in the folder, newest first."""
    folder = Path(backup_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("执法台账备份-*.db") if backup_time(p)]
    return sorted(found, key=lambda p: (backup_time(p), p.name), reverse=True)


def daily_backup_due(backup_dir: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(backup_time(p).date() == today for p in list_backups(backup_dir))


def backups_to_keep(paths: list[Path]) -> set[Path]:
    """The automatic copies thinning keeps: the newest per day, week and month buckets."""
    autos = sorted((p for p in paths if is_automatic(p)), key=backup_time, reverse=True)
    keep: set[Path] = set(autos[:1])
    for bucket, count in ((lambda t: t.date(), KEEP_DAILY),
                          (lambda t: t.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda t: (t.year, t.month), KEEP_MONTHLY)):
        seen: list = []
        for p in autos:
            key = bucket(backup_time(p))
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(p)
    return keep


def thin_backups(backup_dir: Path) -> list[Path]:
    """Delete automatic copies no bucket keeps; return what was deleted."""
    paths = list_backups(backup_dir)
    keep = backups_to_keep(paths)
    removed = []
    for p in paths:
        if is_automatic(p) and p not in keep:
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def auto_backup(db_path: Path, backup_dir: Path) -> Path:
    """An automatic copy now (on close, or the day's first start), then thin the folder.
    Raises OutputError (in words) when the folder cannot be written."""
    target = backup_sqlite(Path(db_path), Path(backup_dir), tag=AUTO_TAG)
    thin_backups(backup_dir)
    return target


def manual_backup(db_path: Path, backup_dir: Path) -> Path:
    return backup_sqlite(Path(db_path), Path(backup_dir), tag=MANUAL_TAG)
