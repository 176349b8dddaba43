"""`zhifa-cli --db postgresql://用户@服务器/数据库 connect [--save-password]` (issue 22): try a
server ledger's address as the window's 「测试连接」 does, say what is there, and with
--save-password ask for the password once and keep it in the system's password store, so
neither the window nor later commands need it typed again (信息中心 sets a PC up this way)."""

from __future__ import annotations

import getpass
import sys

from core import connection
from core.commands import Command
from core.errors import StoreError


def run_connect(args) -> int:
    from core.paths import default_db_location
    from core.store import probe_server

    location = (args.db or default_db_location()).strip()
    if not connection.is_server(location):
        raise StoreError("connect 用于服务器台账：请用 --db 给出数据库地址，"
                         "如 --db postgresql://用户@服务器/zhifa。")
    shown = connection.without_password(location)
    ready = connection.keyring_ready()
    print(f"系统密码保管：{'可用' if ready else '不可用'}"
          f"{'' if ready else '（' + connection.NO_KEYRING + '）'}")
    password = None
    if args.save_password:
        if not ready:
            raise StoreError(connection.NO_KEYRING)
        password = getpass.getpass(f"数据库服务器「{shown}」的密码：")
    elif connection.needs_password(location):
        connection.ask_on_terminal(location)
    version, schema = probe_server(location, password=password)
    print(f"已连接：{shown}（PostgreSQL {'.'.join(str(n) for n in version[:2])}）")
    print(f"台账：已有（数据版本 {schema}）" if schema is not None else
          "台账：这个数据库中还没有台账，第一次打开（如 init）时新建。")
    if args.save_password and password:
        if connection.remember(location, password, keep=True):
            print("密码已保存在系统密码保管中（不写入任何文件）。")
        else:
            print(f"密码未能保存：{connection.NO_KEYRING}", file=sys.stderr)
    return 0


COMMANDS = [
    Command("connect", "测试服务器台账的连接（--save-password：把密码保存在系统密码保管中）",
            lambda p: p.add_argument("--save-password", action="store_true",
                                     help="输入一次密码，保存在本机系统的凭据管理器中"),
            run_connect, needs_store=False),
]
