"""`zhifa-cli` as a clerk (or a script) uses it: demo, figures, check, backup, restore."""

import json

import pytest

from core.cli import main


@pytest.fixture
def db(ledger_location):
    """The ledger's file, or with ZHIFA_TEST_DATABASE_URL a database on that server."""
    return ledger_location


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_figures_as_json(capsys, db):
    assert run(capsys, "--db", db, "demo", "--year", "2025")[0] == 0
    code, out, _ = run(capsys, "--db", db, "figures", "--year", "2025", "--json")
    assert code == 0
    data = json.loads(out)
    figures = {f["key"]: f for f in data["figures"]}
    assert data["has_previous"] is True
    assert 60 <= figures["inspection.total"]["value"] <= 80
    assert figures["inspection.total"]["label"] == "行政检查"
    assert "change_pct" in figures["inspection.total"]


def test_the_demo_year_counts_the_same_on_a_server_as_in_a_file(capsys, db, tmp_path):
    """Issue 22: `db` is a PostgreSQL database when the tests run on a server. The demo
    year loaded there and into a SQLite file gives the same figures, to the last key, and
    the same compliance notes naming the same records."""
    said = {}
    for ledger in (db, str(tmp_path / "本机台账.db")):
        assert run(capsys, "--db", ledger, "demo", "--year", "2025")[0] == 0
        said[ledger] = [run(capsys, "--db", ledger, *command) for command in (
            ["figures", "--year", "2025", "--json"], ["figures", "--year", "2024", "--json"],
            ["check", "--year", "2025"])]
    on_server, in_file = said.values()
    assert on_server == in_file
    figures = {f["key"]: f["value"] for f in json.loads(in_file[0][1])["figures"]}
    assert figures["inspection.total"] > 0 and figures["penalty.total"] > 0


def test_the_database_comes_from_the_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("ZHIFA_DB", db)
    assert run(capsys, "init", "--bureau", "东丽区教育局")[0] == 0
    code, out, _ = run(capsys, "--db", db, "init")
    assert "东丽区教育局" in out


def test_check_names_the_records(capsys, db):
    run(capsys, "--db", db, "demo", "--year", "2025")
    code, out, _ = run(capsys, "--db", db, "check", "--year", "2025")
    assert code == 0
    assert "少于两人" in out and "行政检查 2025-" in out
    assert run(capsys, "--db", db, "check", "--year", "2025", "--strict")[0] == 1


def test_loading_the_demo_twice_is_refused_in_words(capsys, db):
    run(capsys, "--db", db, "demo", "--year", "2025")
    code, _, err = run(capsys, "--db", db, "demo", "--year", "2025")
    assert code == 2
    assert "已有台账数据" in err and "Traceback" not in err


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_backup_and_restore(capsys, db, tmp_path):
    run(capsys, "--db", db, "demo", "--year", "2025")
    code, out, _ = run(capsys, "--db", db, "backup", "--to", str(tmp_path / "bk"))
    assert code == 0
    backup = out.strip().split("：", 1)[1]
    code, out, _ = run(capsys, "--db", db, "restore", backup)
    assert code == 0 and "恢复前的数据已另存为" in out


def test_a_newer_database_is_refused_in_words(capsys, tmp_path):
    import sqlite3

    db = tmp_path / "new.db"
    run(capsys, "--db", str(db), "init")
    from core.schema import CURRENT_VERSION

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_info SET version = ?", (CURRENT_VERSION + 1,))
    code, _, err = run(capsys, "--db", str(db), "figures", "--year", "2025")
    assert code == 2 and "更新版本" in err


def test_a_bug_goes_to_the_log_not_the_screen(capsys, db, monkeypatch, _isolated_data_dir):
    import core.ledger_commands as lc

    def broken(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(lc, "annual_figures", broken)
    code, _, err = run(capsys, "--db", db, "figures", "--year", "2025")
    assert code == 70
    assert "Traceback" not in err and "日志" in err
    log = (_isolated_data_dir / "logs" / "zhifa.log").read_text("utf-8")
    assert "RuntimeError: boom" in log


def test_a_database_url_is_accepted(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    assert run(capsys, "--db", url, "demo", "--year", "2024")[0] == 0
    code, out, _ = run(capsys, "--db", url, "figures", "--year", "2024")
    assert code == 0 and "行政检查" in out
    assert (tmp_path / "by-url.db").exists()


@pytest.mark.parametrize("command", [["figures"], ["check"], ["demo"], ["report", "--out", "{tmp}"],
                                     ["annex", "--out", "{tmp}"], ["export", "{tmp}/台账.xlsx"]])
@pytest.mark.parametrize("year, expected", [
    ("0", "年度「0」超出范围（2000—2100年）"),          # once an internal error in figures
    ("99999", "年度「99999」超出范围"),
    ("1999", "年度「1999」超出范围"),
    ("abc", "年度「abc」不是有效的年份"),              # once argparse's English
])
def test_a_wrong_year_is_told_in_chinese_by_every_command(capsys, db, tmp_path, command, year,
                                                          expected):
    command = [part.format(tmp=tmp_path) for part in command]
    assert main(["--db", db, *command, "--year", year]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and expected in err, err
