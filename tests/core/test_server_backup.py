"""Backups of a server ledger (issue 22, core/server_backup.py): a pg_dump dump where pg_dump
is installed, else the full ledger workbook that `import` restores into an empty ledger; a
restore asked twice (or --confirm 数据库名), after a safety dump. With ZHIFA_TEST_DATABASE_URL
set these run on that server (pg_dump / pg_restore from Debian's postgresql package)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core import backups, connection, server_backup
from core.cli import main
from core.models import Inspection
from core.store import open_store


def _said(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _figures(capsys, ledger: str) -> dict:
    return json.loads(_said(capsys, "--db", ledger, "figures", "--year", "2025", "--json")[1])


def _inspections(location: str) -> int:
    store = open_store(location)
    try:
        with store.session() as s:
            return s.scalar(select(func.count()).select_from(Inspection)
                            .where(Inspection.deleted_at.is_(None)))
    finally:
        store.close()


def _delete_one(location: str) -> None:
    store = open_store(location)
    with store.session() as s:
        s.scalars(select(Inspection).limit(1)).one().deleted_at = dt.datetime.now()
    store.close()


def test_server_backups_are_named_listed_and_thinned_like_the_files(tmp_path):
    names = ["执法台账备份-20261201-080000-自动.dump", "执法台账备份-20261130-080000-自动.xlsx",
             "执法台账备份-20261201-090000-手动-2.dump", "执法台账备份-20261129-080000-自动.db",
             "执法台账备份-坏名字.dump", "其他文件.xlsx"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    found = [p.name for p in backups.list_backups(tmp_path)]
    assert found == ["执法台账备份-20261201-090000-手动-2.dump", "执法台账备份-20261201-080000-自动.dump",
                     "执法台账备份-20261130-080000-自动.xlsx", "执法台账备份-20261129-080000-自动.db"]
    assert backups.is_automatic(tmp_path / names[0]) and not backups.is_automatic(tmp_path / names[2])
    assert not backups.daily_backup_due(tmp_path, dt.date(2026, 12, 1))


def test_the_password_reaches_pg_dump_in_its_environment_never_its_command_line(
        tmp_path, memory_keyring, monkeypatch):
    location = connection.server_location("db.jyj", 5433, "zhifa", "zhang")
    connection.remember(location, "s3cret", keep=True)
    seen = {}

    def fake_run(argv, env, **kw):
        seen.update(argv=argv, env=env)
        Path(argv[argv.index("--file") + 1]).write_bytes(b"PGDMP")     # closed at once
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(server_backup, "pg_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", fake_run)

    class FakeStore:
        path = None
        engine = object()

    FakeStore.location = location
    made = backups.manual_backup(FakeStore(), tmp_path)
    assert made.suffix == ".dump" and made.name.endswith("-手动.dump") and made.is_file()
    assert "s3cret" not in " ".join(seen["argv"]) and seen["env"]["PGPASSWORD"] == "s3cret"
    assert seen["argv"][:2] == ["/usr/bin/pg_dump", "--format=custom"]
    assert ["--host", "db.jyj"] == seen["argv"][seen["argv"].index("--host"):][:2]
    assert "--no-password" in seen["argv"]                       # never waits for a prompt
    assert list(tmp_path.glob(".*.part")) == []                  # renamed when complete


@pytest.mark.server_only
def test_backup_then_restore_asked_twice_gives_the_ledger_back(capsys, new_ledger, tmp_path,
                                                               monkeypatch):
    server = new_ledger()
    database = make_url(server).database
    assert _said(capsys, "--db", server, "demo", "--year", "2025")[0] == 0
    before, count = _figures(capsys, server), _inspections(server)
    code, out, _ = _said(capsys, "--db", server, "backup", "--to", tmp_path / "备份")
    assert code == 0
    [dump] = (tmp_path / "备份").glob("执法台账备份-*.dump")
    assert dump.read_bytes()[:5] == b"PGDMP"                     # pg_dump's custom format
    _delete_one(server)
    assert _inspections(server) == count - 1

    # No terminal to ask at and no --confirm: refused, nothing changed.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))           # not a terminal
    code, _, err = _said(capsys, "--db", server, "restore", dump)
    assert code == 2 and "须确认两次" in err and f"--confirm {database}" in err
    code, _, err = _said(capsys, "--db", server, "restore", dump, "--confirm", "zhifa_other")
    assert code == 2 and "不符" in err
    assert _inspections(server) == count - 1

    # At a terminal: yes, then the database's name typed wrong: cancelled.
    class Terminal:
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    replies = iter(["是", "zhifa"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(replies))
    assert _said(capsys, "--db", server, "restore", dump)[0] == 1
    assert _inspections(server) == count - 1
    replies = iter(["是", database])
    code, out, _ = _said(capsys, "--db", server, "restore", dump)
    assert code == 0 and "恢复前的数据已另存为" in out
    assert _inspections(server) == count
    assert _figures(capsys, server) == before
    [safety] = (tmp_path / "备份" / "恢复前副本").glob("执法台账备份-*-恢复前.dump")
    assert server_backup.dump_version(safety) == server_backup.dump_version(dump)


@pytest.mark.server_only
def test_without_pg_dump_the_backup_is_the_ledger_workbook_that_import_restores(
        capsys, new_ledger, tmp_path, monkeypatch):
    server = new_ledger()
    assert _said(capsys, "--db", server, "demo", "--year", "2025")[0] == 0
    monkeypatch.setattr(server_backup, "pg_tool", lambda name: None)
    assert _said(capsys, "--db", server, "backup", "--to", tmp_path)[0] == 0
    [book] = tmp_path.glob("执法台账备份-*.xlsx")
    code, _, err = _said(capsys, "--db", server, "restore", book, "--confirm",
                         make_url(server).database)
    assert code == 2 and "导入台账" in err                      # told to import it instead
    empty = new_ledger()
    assert _said(capsys, "--db", empty, "import", book)[0] == 0
    assert _figures(capsys, empty) == _figures(capsys, server)
    assert _inspections(empty) == _inspections(server)
