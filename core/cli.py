"""`zhifa-cli`: every batch job without a window.

Errors the clerk can act on (core.errors.ZhifaError) are printed in Chinese and exit 2; any
other exception is a bug: its traceback goes to the log file and the clerk is told where.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from core import __version__, connection
from core.cli_text import ChineseHelpFormatter, name_positionals, speak_chinese
from core.errors import ZhifaError
from core.logs import setup_logging
from core.paths import default_db_location
from core.store import open_store

log = logging.getLogger("zhifa.cli")

# Each capability declares its subcommands in its own module's COMMANDS list.
COMMAND_MODULES = [
    "core.ledger_commands",
    "core.report.commands",
    "core.annex.commands",
    "core.ledger_io.commands",
    "core.ledger_copy",            # copy --from A --to B (SQLite <-> server, issue 22)
    "core.server_roles",           # server setup / server user: roles and grants (issue 22)
    "core.audit_export",           # log --year: the 操作日志 as .xlsx (issue 22)
    "core.connect_command",        # connect [--save-password] (a server ledger, issue 22)
]

EXIT_USER_ERROR = 2
EXIT_BUG = 70


def _commands():
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):  # capability not built yet
                continue
            raise
        yield from module.COMMANDS


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    speak_chinese()         # argparse's own words (用法、选项、错误) in Chinese
    parser = argparse.ArgumentParser(
        prog="zhifa-cli", description="教育行政执法台账（命令行）",
        epilog="数据库位置：--db 优先，其次环境变量 ZHIFA_DB，默认在用户数据目录。",
        formatter_class=ChineseHelpFormatter)
    parser.add_argument("--db", help="数据库文件路径或 SQLAlchemy 数据库地址")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    table = {}
    for command in _commands():
        p = sub.add_parser(command.name, help=command.help, description=command.help,
                           formatter_class=ChineseHelpFormatter)
        command.configure(p)
        table[command.name] = command
    name_positionals(parser)
    return parser, table


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_console()
    log_path = setup_logging()
    parser, table = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USER_ERROR
    command = table[args.command]
    store = None
    try:
        if command.needs_store:
            location = args.db or default_db_location()
            # A server ledger's password: the keyring, PGPASSWORD, or asked here (issue 22).
            connection.ask_on_terminal(location)
            store = open_store(location)
            return command.run(args, store) or 0
        return command.run(args) or 0
    except ZhifaError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        log.info("user error in %s: %s", args.command, exc)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception:  # a bug: details to the log, a sentence to the clerk
        log.exception("unexpected error in zhifa-cli %s", args.command)
        print(f"程序内部错误，操作未完成。详细信息已写入日志：{log_path}", file=sys.stderr)
        return EXIT_BUG
    finally:
        if store is not None:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
