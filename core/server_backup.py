"""Backups of a ledger on a PostgreSQL server (issue 22): 立即备份 and the automatic copies.

- Where PostgreSQL's own `pg_dump` is on PATH (信息中心's machines, Debian's postgresql-client)
  the copy is a dump in its custom format (`执法台账备份-….dump`), which `pg_restore` — and
  `zhifa-cli restore` — puts back whole: every table, every id, the recycle bin.
- Otherwise (the usual office PC) it is a full ledger export (`执法台账备份-….xlsx`, the ledger
  workbook of core.ledger_io, all years), which `zhifa-cli import` restores into an empty
  ledger.

Both are written to a hidden temporary name and renamed when complete, like the SQLite
copies, so a backup folder never holds half a backup under a finished one's name. The
server's password reaches pg_dump/pg_restore through PGPASSWORD in their environment only,
never on a command line (which other users of the PC can list) or in the log.

Restoring a server ledger replaces what every clerk sees: it is an administrator's action,
and the command line and the window each ask twice before it (core.ledger_commands,
gui.server_backups). Before a restore the current content is dumped beside the backups
(tag 恢复前).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from core import connection
from core.errors import OutputError, SchemaTooNewError, StoreError, os_reason

log = logging.getLogger(__name__)

DUMP_SUFFIX = ".dump"
EXPORT_SUFFIX = ".xlsx"
RESTORE_LOCK_WAIT_S = 30       # how long a restore waits for clerks' open sessions
PG_TOOL_TIMEOUT_S = 3600        # a city's ledger dumps in seconds; a hung server is not waited on for ever


def pg_tool(name: str) -> str | None:
    """The path of PostgreSQL's `pg_dump` / `pg_restore`, or None where it is not installed."""
    return shutil.which(name)


def _target(dest_dir: Path, tag: str, suffix: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"执法台账备份-{stamp}{('-' + tag) if tag else ''}"
    target = dest_dir / f"{name}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = dest_dir / f"{name}-{n}{suffix}"
    return target


def _libpq_args(location: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore's connection options for a server ledger, and the environment that
    carries its password."""
    url = make_url(location)
    args = ["--no-password"]
    host = url.host or url.query.get("host")
    port = url.port or url.query.get("port")
    if host:
        args += ["--host", str(host)]
    if port:
        args += ["--port", str(port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    password = connection.password_for(location)
    if password:
        env["PGPASSWORD"] = password
    return args + ["--dbname", url.database or ""], env


def _run(tool: str, args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run([tool, *args], env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=PG_TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise OutputError(f"{what}超过 {PG_TOOL_TIMEOUT_S // 60} 分钟仍未完成，已停止。"
                          f"请检查与数据库服务器的连接。") from exc
    except OSError as exc:
        raise OutputError(f"无法运行「{tool}」：{os_reason(exc)}") from exc
    return done


def _first_line(stderr: str) -> str:
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    return lines[0] if lines else "未知原因"


def _dump(location: str, target: Path) -> Path:
    tool = pg_tool("pg_dump")
    args, env = _libpq_args(location)
    tmp = target.with_name("." + target.name + ".part")
    done = _run(tool, ["--format=custom", "--file", str(tmp), *args], env, "备份服务器台账")
    if done.returncode != 0:
        with contextlib.suppress(OSError):
            tmp.unlink()
        log.warning("pg_dump of %s failed: %s", connection.without_password(location),
                    _first_line(done.stderr))
        raise OutputError(f"备份服务器台账「{connection.without_password(location)}」失败"
                          f"（pg_dump：{_first_line(done.stderr)}）。")
    os.replace(tmp, target)
    return target


def _export(store, target: Path) -> Path:
    from core.ledger_io.exporter import export_ledger

    tmp = target.with_name("." + target.name + ".part" + EXPORT_SUFFIX)
    try:
        with store.session() as s:
            export_ledger(s, None, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"备份写入「{target.parent}」失败：{os_reason(exc)}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def backup_server(store, dest_dir: Path, tag: str = "") -> Path:
    """A copy of the server ledger `store` in `dest_dir`: a pg_dump dump where pg_dump is
    installed, else the full ledger workbook. Raises OutputError in words."""
    dest_dir = Path(dest_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建备份文件夹「{dest_dir}」：{os_reason(exc)}") from exc
    if pg_tool("pg_dump"):
        try:
            return _dump(store.location, _target(dest_dir, tag, DUMP_SUFFIX))
        except OutputError as exc:
            # The PC's pg_dump older than the server refuses ("server version mismatch"):
            # the workbook still saves the ledger.
            if "version mismatch" not in str(exc):
                raise
            log.warning("pg_dump is older than the server: backing up as a workbook")
    return _export(store, _target(dest_dir, tag, EXPORT_SUFFIX))


def dump_version(backup: Path) -> int | None:
    """The schema version a dump holds (its schema_info row), read without restoring it;
    None if pg_restore cannot tell. Raises NotADatabaseError for a file that is no dump."""
    from core.errors import NotADatabaseError

    tool = pg_tool("pg_restore")
    if tool is None:
        raise StoreError("恢复服务器台账需要 PostgreSQL 的 pg_restore 程序，本机没有安装。"
                         "请在装有 PostgreSQL 客户端的电脑上（或由信息中心）恢复。")
    done = _run(tool, ["--data-only", "--table", "schema_info", "--file", "-", str(backup)],
                dict(os.environ), "读取备份")
    if done.returncode != 0:
        raise NotADatabaseError(f"「{Path(backup).name}」不是服务器台账的备份文件（pg_dump 转储），"
                                f"或已损坏。")
    m = re.search(r"COPY [\w.\"]*schema_info \(version\) FROM stdin;\n(\d+)\n", done.stdout)
    return int(m.group(1)) if m else None


def restore_server(location: str, backup: Path, safety_dir: Path) -> Path:
    """Replace the server ledger at `location` by the dump `backup`, in one transaction
    (a failure leaves the ledger as it was), after dumping the current content into
    `safety_dir` (tag 恢复前). Returns that safety copy. Asking twice is the caller's."""
    from core.schema import CURRENT_VERSION

    backup = Path(backup)
    if backup.suffix.lower() == EXPORT_SUFFIX:
        raise StoreError(f"「{backup.name}」是台账 Excel 备份：请在一个空的台账中用"
                         f"「导入台账」（zhifa-cli import）恢复它。")
    if not backup.is_file():
        raise StoreError(f"备份文件「{backup}」不存在。")
    version = dump_version(backup)
    if version is not None and version > CURRENT_VERSION:
        raise SchemaTooNewError(f"备份「{backup.name}」由更新版本的程序创建（数据版本 {version}），"
                                f"请先升级程序。")
    if pg_tool("pg_dump") is None:
        raise StoreError("恢复前需先用 pg_dump 另存当前的服务器台账，本机没有安装 pg_dump。")
    safety_dir = Path(safety_dir)
    safety_dir.mkdir(parents=True, exist_ok=True)
    safety = _dump(location, _target(safety_dir, "恢复前", DUMP_SUFFIX))
    args, env = _libpq_args(location)
    # A clerk's open session holds locks the restore's DROP waits for: told after a while
    # instead of hanging (and the restore then changes nothing).
    env["PGOPTIONS"] = f"-c lock_timeout={RESTORE_LOCK_WAIT_S * 1000}"
    done = _run(pg_tool("pg_restore"), ["--clean", "--if-exists", "--single-transaction",
                                        "--exit-on-error", *args, str(backup)], env,
                "恢复服务器台账")
    if done.returncode != 0 and "lock timeout" in done.stderr:
        raise StoreError(f"服务器台账正被其他用户使用（有程序窗口打开着它），无法恢复；台账未改动。"
                         f"请让各科室关闭程序后再试。恢复前另存的副本在「{safety}」。")
    if done.returncode != 0:
        log.warning("pg_restore into %s failed: %s", connection.without_password(location),
                    _first_line(done.stderr))
        raise OutputError(f"恢复服务器台账失败（pg_restore：{_first_line(done.stderr)}）。"
                          f"台账未改动；恢复前另存的副本在「{safety}」。")
    log.info("server ledger %s restored from %s", connection.without_password(location), backup)
    return safety
