"""Bureau names and output folders with `/`, `..`, reserved Windows names, control characters
and absurd lengths: the report lands in the folder the clerk chose, under a safe name. Data
and backup folders named with URL characters (?, #, %): the ledger is where it was chosen and
its backups restore.

core.outfiles.safe_filename builds every output file name from what the clerk typed (the
bureau's name, a year); this checks it against hostile names, on the real file system.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.outfiles import MAX_NAME, atomic_write, safe_filename
from core.records import profile, set_profile
from core.schema import CURRENT_VERSION
from core.backups import backup_sqlite, restore_sqlite, verify_backup
from core.sqlite_files import read_only_uri
from core.store import open_store, probe_location

HOSTILE_NAMES = [
    "../../etc/passwd", "..", ".", "...", "/", "\\", "C:\\Windows\\system32\\区教育局",
    "//server/share/区教育局", "区教育局/../../..", "CON", "con", "NUL.docx", "Com1",
    "LPT9.xlsx", "AUX .docx", "PRN.", " CON ", "CONIN$", "CONOUT$", "区教育局:备份",
    "区教育局*?\"<>|", "区\x00教\x1f育局", "\u202e局育教区", "区教育局. . .", "  ",
    "", "执" * 100_000, "a" * 300, "东丽区教育局 " + "附属" * 200, "😀" * 200,
]
RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9]|CONIN\$|CONOUT\$)$", re.I)

names = st.one_of(st.sampled_from(HOSTILE_NAMES),
                  st.text(min_size=0, max_size=300),
                  st.lists(st.sampled_from(HOSTILE_NAMES[:25]), min_size=1, max_size=4).map("".join))


def _is_safe(name: str) -> None:
    assert name, "empty name"
    assert not re.search(r'[\\/:*?"<>|\x00-\x1f\x7f]', name), name
    assert name not in (".", "..") and ".." not in name, name
    assert not RESERVED.match(name.split(".")[0].strip()), name
    assert name == name.strip() and not name.endswith("."), repr(name)  # Windows trims these
    assert len(name) <= MAX_NAME


@settings(max_examples=200, deadline=None)
@given(name=names)
def test_every_name_becomes_a_safe_file_name(name):
    """Proves: no separator, no .., no reserved device name, no control character, nothing
    Windows would silently trim, never empty, never over MAX_NAME characters."""
    _is_safe(safe_filename(name))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bureau=names)
def test_the_report_lands_in_the_chosen_folder_under_its_safe_name(tmp_path, bureau):
    """Proves: written with the name the report uses (bureau + year + title), the file is
    created — the name fits the file system (255 bytes on Linux) — inside the chosen folder
    and nowhere else."""
    chosen = tmp_path / "输出 文件夹"
    chosen.mkdir(exist_ok=True)
    name = safe_filename(f"{bureau}2025年度行政执法工作报告") + ".docx"
    target = atomic_write(chosen / name, lambda tmp: tmp.write_bytes(b"docx"))
    assert target.parent == chosen and target.resolve().parent == chosen.resolve()
    assert target.read_bytes() == b"docx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["输出 文件夹"]
    target.unlink()


def test_a_hostile_output_folder_is_used_as_the_clerk_typed_it(tmp_path):
    """Proves: a folder the clerk really chose, even one named with .. or spaces or emoji,
    is where the file goes (folders are not 'sanitised' away from the clerk's choice)."""
    for folder in (tmp_path / "a" / ".." / "报告 2025", tmp_path / "😀 区教育局 ‮",
                   tmp_path / "  leading spaces"):
        target = atomic_write(folder / safe_filename("CON"), lambda tmp: tmp.write_bytes(b"x"))
        assert target.parent == folder and target.exists()


# Folder names that mean something in a URL. The ledger is opened through a SQLAlchemy URL
# and backups are read through SQLite file: URIs: written by hand, "?" started a query (the
# ledger was made in a file called 「法制科」 beside the chosen folder) and "#" or "%" cut a
# backup's path short (every backup in 「备份#1」 read as damaged, so none could be restored).
URL_CHARACTERS = ["法制科?2025", "备份#1", "百分%20号", "a@b:c", "带 空格", "file:x", "[旧]"]


@pytest.mark.parametrize("folder_name", URL_CHARACTERS)
def test_a_ledger_and_its_backups_in_folders_named_like_urls(tmp_path, folder_name):
    if os.name == "nt" and set(folder_name) & set(':?*"<>|'):
        pytest.skip("Windows does not allow this character in a folder name")
    folder = tmp_path / folder_name
    folder.mkdir()
    ledger = folder / "执法台账.db"
    store = open_store(str(ledger))
    assert store.path == ledger
    with store.session() as s:
        set_profile(s, full_name="东丽区教育局")
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]   # nothing beside it
    assert probe_location(str(ledger)) is True
    backup = backup_sqlite(ledger, folder / f"备份{folder_name}")
    assert verify_backup(backup) == CURRENT_VERSION
    restore_sqlite(backup, ledger)
    store = open_store(str(ledger))
    with store.read_session() as s:
        assert profile(s).full_name == "东丽区教育局"
    store.close()


@pytest.mark.parametrize("path, uri", [
    (PureWindowsPath(r"C:\Users\张三\备份#1\a.db"),
     "file:///C:/Users/%E5%BC%A0%E4%B8%89/%E5%A4%87%E4%BB%BD%231/a.db?mode=ro"),
    # A backup folder on a share by its UNC name: an empty authority, then the whole path
    # (SQLite refuses file://fileserver/…, any authority but localhost).
    (PureWindowsPath(r"\\fileserver\法制科\a.db"),
     "file:////fileserver/%E6%B3%95%E5%88%B6%E7%A7%91/a.db?mode=ro"),
    (PurePosixPath("/srv/50%/a?b/a.db"), "file:///srv/50%25/a%3Fb/a.db?mode=ro"),
])
def test_the_read_only_address_of_a_backup_on_each_kind_of_path(path, uri):
    assert read_only_uri(path) == uri
