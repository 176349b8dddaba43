"""A server ledger's address and password (issue 22, core/connection.py): built from the
fields the clerk fills in, the password kept in the system's password store (here an
in-memory stand-in) or, on a machine without one, for this run only; never in the address
as saved, nor in the log. With ZHIFA_TEST_DATABASE_URL set, logging in that way is tried on
the server."""

from __future__ import annotations

import io
import logging
import os

import pytest
from sqlalchemy.engine import make_url

from core import connection
from core.cli import main
from core.errors import StoreError
from core.logs import setup_logging
from core.store import open_store

TEST_SERVER_URL = os.environ.get("ZHIFA_TEST_DATABASE_URL", "").strip()   # as tests/conftest.py


def test_the_address_is_built_from_the_fields_and_has_no_password():
    location = connection.server_location(" 10.1.2.3 ", 5433, "执法台账", "张三")
    url = make_url(location)
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql+psycopg", "10.1.2.3", 5433, "执法台账", "张三", None)
    assert connection.server_parts(location) == {
        "host": "10.1.2.3", "port": 5433, "database": "执法台账", "user": "张三"}
    # A server on this machine by its socket folder (as .ci/postgres starts one).
    socket = connection.server_location("/tmp/pg", None, "zhifa", "zhifa")
    assert connection.server_parts(socket) == {
        "host": "/tmp/pg", "port": 5432, "database": "zhifa", "user": "zhifa"}
    assert connection.server_parts("/home/clerk/ledger.db") is None


@pytest.mark.parametrize("fields, field", [
    (("", 5432, "zhifa", "zhang"), "服务器地址"),
    (("db", 5432, " ", "zhang"), "数据库名"),
    (("db", 5432, "zhifa", ""), "用户名"),
    (("db", 0, "zhifa", "zhang"), "端口"),
    (("db", "abc", "zhifa", "zhang"), "端口"),
])
def test_a_missing_field_is_named(fields, field):
    with pytest.raises(StoreError) as caught:
        connection.server_location(*fields)
    assert field in str(caught.value)


def test_the_password_is_kept_in_the_keyring_under_the_server_and_user(memory_keyring):
    a = connection.server_location("db.jyj", 5432, "zhifa", "zhang")
    b = connection.server_location("db.jyj", 5432, "zhifa", "li")
    assert connection.keyring_ready()
    assert connection.needs_password(a)
    assert connection.remember(a, "s3cret-a", keep=True) is True
    assert memory_keyring.entries == {("zhifa-taizhang", "zhang@db.jyj:5432/zhifa"): "s3cret-a"}
    assert connection.password_for(a) == "s3cret-a" and not connection.needs_password(a)
    assert connection.password_for(b) is None
    connection._given.clear()                       # the next start: from the keyring
    assert connection.password_for(a) == "s3cret-a"
    connection.forget_stored(a)
    assert memory_keyring.entries == {} and connection.password_for(a) is None
    # A password written in the address wins, and the address as saved drops it.
    with_password = make_url(a).set(password="in-url").render_as_string(hide_password=False)
    assert connection.password_for(with_password) == "in-url"
    assert "in-url" not in connection.without_password(with_password)


def test_without_a_keyring_the_password_is_used_for_this_run_only(no_keyring):
    location = connection.server_location("db.jyj", 5432, "zhifa", "zhang")
    assert not connection.keyring_ready()
    assert connection.stored_password(location) is None          # no crash either
    assert connection.remember(location, "s3cret", keep=True) is False
    assert connection.password_for(location) == "s3cret"
    connection._given.clear()                                   # the next start
    assert connection.password_for(location) is None
    assert "每次启动时需重新输入" in connection.NO_KEYRING


def test_the_command_line_asks_at_the_terminal_and_only_there(memory_keyring, monkeypatch):
    location = connection.server_location("db.jyj", 5432, "zhifa", "zhang")
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "typed")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    connection.ask_on_terminal(location, stdin=io.StringIO())     # a pipe: never asked
    assert asked == [] and connection.password_for(location) is None
    monkeypatch.setenv("PGPASSWORD", "from-env")                   # libpq reads it itself
    connection.ask_on_terminal(location, stdin=Terminal())
    assert asked == []
    monkeypatch.delenv("PGPASSWORD")
    connection.ask_on_terminal(location, stdin=Terminal())
    assert len(asked) == 1 and "db.jyj" in asked[0] and "typed" not in asked[0]
    assert connection.password_for(location) == "typed"
    assert memory_keyring.entries == {}                          # asked: not stored


def test_a_port_where_something_else_answers_is_told_as_not_a_database_server(no_keyring):
    """A web server where the database was expected (a mistyped port): told as such. The
    stand-in listens on this machine only and answers one connection."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer():
        conn, _ = listener.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        listener.close()

    threading.Thread(target=answer, daemon=True).start()
    location = connection.server_location("127.0.0.1", port, "zhifa", "zhang")
    with pytest.raises(StoreError) as caught:
        open_store(make_url(location).set(password="x").render_as_string(hide_password=False))
    assert "回应的不是 PostgreSQL 数据库服务器" in str(caught.value)
    assert "x@" not in str(caught.value)


@pytest.mark.server_only
def test_the_server_is_logged_into_with_the_kept_password_and_it_is_never_logged(
        memory_keyring, new_ledger, capsys, tmp_path):
    location = new_ledger()
    url = make_url(location)
    password = url.password
    bare = connection.without_password(location)
    log_file = setup_logging()
    logging.getLogger("core").info("start of the test")

    assert main(["--db", bare, "init"]) == 2                     # kept nowhere: refused in words
    assert "要求密码，但没有提供" in capsys.readouterr().err
    connection.remember(bare, password, keep=True)
    connection._given.clear()                                    # from the keyring, not memory
    assert main(["--db", bare, "demo", "--year", "2025"]) == 0
    store = open_store(bare)
    assert store.location == bare
    store.close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert password not in log_file.read_text(encoding="utf-8")
    assert password not in capsys.readouterr().out


@pytest.mark.server_only
def test_pgpassword_logs_the_command_line_in(no_keyring, new_ledger, capsys, monkeypatch):
    server = new_ledger()
    url, bare = make_url(server), connection.without_password(server)
    monkeypatch.setenv("PGPASSWORD", url.password)
    assert main(["--db", bare, "init"]) == 0
