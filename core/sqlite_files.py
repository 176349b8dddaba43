"""Reading a SQLite ledger file without opening it for writing: the read-only URI, whether
the place is writable. Shared by the store (opening), the schema probe and the backups."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path, PurePath
from urllib.parse import quote

def read_only_uri(path: PurePath) -> str:
    """The SQLite URI that opens the file at absolute `path` read-only. Escaped: written as
    f"file:{path}", a folder called 「备份#1」 or 「50%」 cut the path short and every backup
    in it read as damaged. Not pathlib's as_uri(): it makes \\\\server\\share\\备份 into
    file://server/…, and SQLite refuses any authority but localhost; an empty authority and
    the whole path after it (file:////server/share/…) is what SQLite documents."""
    text_ = path.as_posix()
    if not text_.startswith("/"):
        text_ = "/" + text_                   # C:/… -> /C:/…, as in file:///C:/…
    return f"file://{quote(text_, safe='/:')}?mode=ro"


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(Path(path).resolve()), uri=True)



def writable(path: Path) -> bool:
    """Whether SQLite can write the file and the journal beside it (not a CD, a write-
    protected stick or a folder without write permission)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_ledger_uri(path: Path) -> str:
    uri = read_only_uri(path.resolve())
    # A WAL ledger on read-only media has no -shm SQLite could create: immutable tells it
    # nothing can change the file meanwhile. Not when a -wal is there: its saves would be
    # skipped.
    wal = Path(str(path) + "-wal")
    if not writable(path) and not (wal.exists() and wal.stat().st_size):
        uri += "&immutable=1"
    return uri
