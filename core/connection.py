"""A server ledger's address and password (issue 22).

The address is built from the fields the clerk fills in (server, port, database, user) and
saved without a password. The password is kept in the operating system's own password
store through the `keyring` package (Windows Credential Manager on the office PC), never in
设置.ini, the ledger's address as saved, or the log.

Where the machine has no such store (a Linux PC without a desktop keyring, CI), the password
is asked at each start and kept in this process's memory only (`remember(..., keep=False)`).
The command line also takes it from PGPASSWORD (libpq reads it itself) or a prompt.

Lookup order when a connection is made (core.store.make_engine): a password written in the
address itself, then one given in this run, then the keyring. Nothing here ever logs or
raises with the password in it.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

log = logging.getLogger(__name__)

SERVICE = "zhifa-taizhang"          # the entry's name in Credential Manager: 「zhifa-taizhang」
_given: dict[str, str] = {}         # asked this run; gone when the program ends

NO_KEYRING = ("本机没有可用的系统密码保管（Windows 凭据管理器或桌面钥匙串），密码不会被保存："
              "每次启动时需重新输入服务器密码。")


def is_server(location: str) -> bool:
    return "://" in location and not location.strip().lower().startswith("sqlite")


def _url(location: str) -> URL | None:
    try:
        return make_url(location)
    except (ArgumentError, ValueError):
        return None


def account(location: str) -> str:
    """The keyring entry's user name for a server ledger: user@host:port/database (the same
    user on two servers, or two ledgers on one, are two entries)."""
    url = _url(location)
    if url is None:
        return location
    host = url.host or str(url.query.get("host", "")) or "localhost"
    return f"{url.username or ''}@{host}:{url.port or 5432}/{url.database or ''}"


def without_password(location: str) -> str:
    """The address as it may be saved and shown: no password in it."""
    url = _url(location)
    if url is None or url.password is None:
        return location
    # URL.set() takes None as "unchanged"; the URL is a named tuple.
    return url._replace(password=None).render_as_string(hide_password=False)


DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"


def server_location(host: str, port: int | str | None, database: str, user: str) -> str:
    """The address of a ledger on a PostgreSQL server, without a password. Raises
    StoreError naming the field that is missing."""
    from core.errors import StoreError

    host, database, user = (host or "").strip(), (database or "").strip(), (user or "").strip()
    for value, field in ((host, "服务器地址"), (database, "数据库名"), (user, "用户名")):
        if not value:
            raise StoreError(f"请填写{field}。")
    try:
        port = int(port) if port not in (None, "") else DEFAULT_PORT
    except (TypeError, ValueError):
        raise StoreError(f"端口「{port}」应为 1—65535 之间的数字。") from None
    if not 1 <= port <= 65535:
        raise StoreError(f"端口「{port}」应为 1—65535 之间的数字。")
    if host.startswith("/"):        # a unix socket's folder (a server on this machine)
        url = URL.create(DRIVER, username=user, database=database,
                         query={"host": host, "port": str(port)})
    else:
        url = URL.create(DRIVER, username=user, host=host, port=port, database=database)
    return url.render_as_string(hide_password=False)


def server_parts(location: str) -> dict[str, object] | None:
    """The fields of a server ledger's address (host, port, database, user), or None for a
    file path or an address that cannot be read."""
    if not is_server(location):
        return None
    url = _url(location)
    if url is None:
        return None
    host = url.host or str(url.query.get("host", "")) or ""
    port = url.port or url.query.get("port") or DEFAULT_PORT
    try:
        port = int(port)
    except (TypeError, ValueError):
        port = DEFAULT_PORT
    return {"host": host, "port": port, "database": url.database or "",
            "user": url.username or ""}


def _keyring():
    import keyring          # here: the command line's SQLite commands never need it
    return keyring


def keyring_ready() -> bool:
    """Whether the system's password store can be used on this machine."""
    try:
        kr = _keyring()
        from keyring.backends.fail import Keyring as NoBackend
        backend = kr.get_keyring()
        if isinstance(backend, NoBackend):
            return False
        kr.get_password(SERVICE, "zhifa-probe")    # a locked or broken store says so here
        return True
    except Exception as exc:    # any backend failure: the password is asked instead
        log.info("no usable keyring: %s", type(exc).__name__)
        return False


def stored_password(location: str) -> str | None:
    """The password the keyring holds for this server ledger, or None."""
    try:
        return _keyring().get_password(SERVICE, account(location))
    except Exception as exc:        # no backend, locked, D-Bus gone: as if none were stored
        log.info("keyring lookup failed: %s", type(exc).__name__)
        return None


def password_for(location: str) -> str | None:
    """The password to log in with: written in the address, given this run, or kept in the
    keyring; None lets the driver try PGPASSWORD / .pgpass and otherwise refuse in words."""
    url = _url(location)
    if url is not None and url.password is not None:
        return str(url.password)
    key = account(location)
    if key in _given:
        return _given[key]
    return stored_password(location)


def remember(location: str, password: str, *, keep: bool) -> bool:
    """Use `password` for this server ledger from now on in this run, and with `keep` also
    store it in the keyring. True if it was stored there; False if only kept in memory
    (no keyring, or the clerk chose not to keep it)."""
    key = account(location)
    _given[key] = password
    if not keep:
        return False
    try:
        _keyring().set_password(SERVICE, key, password)
        return True
    except Exception as exc:
        log.warning("keyring: the password for %s was not stored (%s)", key, type(exc).__name__)
        return False


def forget_stored(location: str) -> None:
    """Drop the password from the keyring (the clerk unticked 「记住密码」); one given this run
    is still used until the program ends."""
    key = account(location)
    try:
        _keyring().delete_password(SERVICE, key)
    except Exception:           # nothing stored, or no keyring: nothing to forget
        pass


def needs_password(location: str) -> bool:
    """A server ledger whose password is nowhere this program can find it."""
    import os
    return is_server(location) and password_for(location) is None and not os.environ.get(
        "PGPASSWORD")


def ask_on_terminal(location: str, *, stdin=None) -> None:
    """The command line: no password in the address, the keyring or PGPASSWORD, and a
    person at the terminal: ask once (not echoed) and use it for this run only."""
    import getpass
    import sys

    stdin = stdin or sys.stdin
    if not needs_password(location) or not (stdin and stdin.isatty()):
        return
    password = getpass.getpass(f"数据库服务器「{without_password(location)}」的密码：")
    if password:
        remember(location, password, keep=False)
