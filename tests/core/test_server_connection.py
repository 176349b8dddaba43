"""Connecting to a ledger on a PostgreSQL server (issue 22): what the clerk is told when the
server cannot be reached or logged into, in Chinese, with the password never shown."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

import core.store
from core.cli import main
from core.errors import StoreError
from core.store import open_store

TEST_SERVER_URL = os.environ.get("ZHIFA_TEST_DATABASE_URL", "").strip()   # as tests/conftest.py


def _told(location: str) -> str:
    with pytest.raises(StoreError) as caught:
        open_store(location)
    return str(caught.value)


def _server(**changes) -> str:
    return make_url(TEST_SERVER_URL).set(**changes).render_as_string(hide_password=False)


def test_a_server_that_is_not_there_is_told_in_words_and_postgresql_means_our_driver():
    # Port 1 on this machine: refused at once, nothing leaves it. A plain postgresql://
    # address is tried with the driver the program carries (psycopg), not psycopg2.
    message = _told("postgresql://zhang:s3cret@127.0.0.1:1/zhifa")
    assert message.startswith("无法连接数据库服务器「postgresql://zhang:***@127.0.0.1:1/zhifa」")
    assert "地址或端口不对" in message
    assert "s3cret" not in message and "psycopg2" not in message


@pytest.mark.server_only
def test_a_wrong_password_is_told_without_the_password():
    message = _told(_server(password="wr0ng-pass"))
    assert "用户名或密码不正确" in message
    assert "wr0ng-pass" not in message and "zhifa-test" not in message


@pytest.mark.server_only
def test_a_database_the_server_does_not_have_is_named():
    message = _told(_server(database="zhifa_no_such_ledger"))
    assert "数据库服务器上没有数据库「zhifa_no_such_ledger」" in message


@pytest.mark.server_only
def test_a_server_older_than_the_program_needs_is_refused_before_anything_is_written(
        monkeypatch, new_ledger):
    location = new_ledger()
    monkeypatch.setattr(core.store, "MIN_SERVER_VERSION", (99,))
    message = _told(location)
    assert "过旧：本程序需要 PostgreSQL 99 或更新版本" in message
    monkeypatch.undo()
    from sqlalchemy import create_engine, inspect
    engine = create_engine(location)
    assert inspect(engine).get_table_names() == []          # nothing was made there
    engine.dispose()


@pytest.mark.server_only
def test_the_command_line_says_it_in_one_line(capsys):
    assert main(["--db", _server(password="wr0ng-pass"), "figures", "--year", "2025"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "用户名或密码不正确" in err and "Traceback" not in err
