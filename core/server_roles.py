"""Who may do what on a server ledger (issue 22): PostgreSQL roles and grants, set up by
`zhifa-cli server setup` and `zhifa-cli server user`, enforced by the server itself, not
by hidden buttons.

Three group roles, one per 角色 (README 「服务器台账的角色」); each clerk logs in as a login
role of their own that is a member of one of them:
- 录入 (zhifa_clerk): reads everything; enters records and edits or deletes those of their
  own 科室 (Record.owner_department, filled from the clerk's 科室 in ledger_user). Not the
  report's texts and the bureau's profile, which are the 法制科's.
- 法制审核 (zhifa_reviewer): reads and changes every record, writes the report texts.
- 只读 (zhifa_readonly, 领导/监督): reads, counts, exports and makes the report; writes
  nothing (SELECT only).
Nobody but the ledger's owner (the administrator who ran `init` and `server setup`) may
UPDATE or DELETE the 操作日志, and a trigger refuses even the owner (core.models).

"Own 科室" is a trigger, not row-level security: a row-level policy makes another 科室's
record silently invisible to an UPDATE (0 rows, which the version check would then take
for a colleague's change), and it would also stop the bookkeeping every save does on the
other entries of the same unit and day (Inspection.first_of_day, core.inspection_days),
which may be another 科室's. The trigger refuses an edit of another 科室's record with
SQLSTATE 42501 (insufficient privilege), as the grants refuse a 只读 user's write, and lets a
change of the derived first_of_day alone through. Both are told to the clerk in words
(`refusal`, used by core.records).

Everything here is idempotent: running `server setup` again after an upgrade grants the
new tables too.
"""

from __future__ import annotations

import getpass

from sqlalchemy import text

from core.commands import Command
from core.errors import PermissionDeniedError, StoreError
from core.models import RECORD_KINDS, Base, inspection_staff, training_staff

INSUFFICIENT_PRIVILEGE = "42501"
GUARD_TAG = "zhifa-dept:"       # the trigger's message: GUARD_TAG + the record's 科室

ROLES = {"录入": "zhifa_clerk", "法制审核": "zhifa_reviewer", "只读": "zhifa_readonly"}

# What a 录入 user may not write: the report's words and the bureau's profile are the
# 法制科's (法制审核).
REVIEWER_ONLY = {"narrative_text", "bureau_profile"}
LINK_TABLES = {inspection_staff.name, training_staff.name}
RECORD_TABLES = [k.__tablename__ for k in RECORD_KINDS]

GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION zhifa_guard_department() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    dept text;
BEGIN
    IF NOT pg_has_role(current_user, 'zhifa_clerk', 'MEMBER')
       OR pg_has_role(current_user, 'zhifa_reviewer', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    SELECT department INTO dept FROM ledger_user WHERE login = current_user;
    dept := coalesce(dept, '');
    IF TG_OP = 'INSERT' THEN
        IF NEW.owner_department = '' THEN
            NEW.owner_department := dept;
        END IF;
        IF NEW.owner_department IS DISTINCT FROM dept THEN
            RAISE EXCEPTION USING ERRCODE = '{INSUFFICIENT_PRIVILEGE}',
                MESSAGE = '{GUARD_TAG}' || NEW.owner_department;
        END IF;
        RETURN NEW;
    END IF;
    IF (OLD.owner_department IS DISTINCT FROM dept
        OR NEW.owner_department IS DISTINCT FROM OLD.owner_department)
       AND (to_jsonb(OLD) - 'first_of_day' - 'updated_at')
           IS DISTINCT FROM (to_jsonb(NEW) - 'first_of_day' - 'updated_at') THEN
        RAISE EXCEPTION USING ERRCODE = '{INSUFFICIENT_PRIVILEGE}',
            MESSAGE = '{GUARD_TAG}' || OLD.owner_department;
    END IF;
    RETURN NEW;
END $$
"""


def _quote(conn, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _literal(value: str) -> str:
    # standard_conforming_strings is on (PostgreSQL's default since 9.1): only ' is special.
    return "'" + value.replace("'", "''") + "'"


def _need_server(store) -> None:
    if store.engine.dialect.name != "postgresql":
        raise StoreError("角色和权限只用于服务器台账（PostgreSQL）。本机台账文件由打开它的 Windows 用户使用，"
                         "操作日志记下的是该用户的登录名。")


def _create_role(conn, role: str, login: bool = False, password: str | None = None) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    q = _quote(conn, role)
    if not exists:
        conn.execute(text(f"CREATE ROLE {q} {'LOGIN' if login else 'NOLOGIN'}"))
    if password:
        conn.execute(text(f"ALTER ROLE {q} PASSWORD {_literal(password)}"))


def setup(store) -> list[str]:
    """Create the three roles and grant them what they may do on this ledger's tables;
    put the 科室 guard on every record table. Idempotent. Returns what was set up, in words."""
    _need_server(store)
    with store.engine.begin() as conn:
        database = _quote(conn, conn.execute(text("SELECT current_database()")).scalar())
        for role in ROLES.values():
            _create_role(conn, role)
            conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {role}"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
            conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN "
                              f"SCHEMA public FROM {role}"))
            # Tables a later schema step makes can be read at once; writing them waits for
            # `server setup` to be run again.
            conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON "
                              f"TABLES TO {role}"))
        for role, tables in (("zhifa_clerk", [t for t in RECORD_TABLES if t not in REVIEWER_ONLY]),
                             ("zhifa_reviewer", RECORD_TABLES + ["bureau_profile"])):
            for table in dict.fromkeys(tables):
                conn.execute(text(f"GRANT INSERT, UPDATE ON {table} TO {role}"))
            for table in LINK_TABLES:
                conn.execute(text(f"GRANT INSERT, DELETE ON {table} TO {role}"))
            conn.execute(text(f"GRANT INSERT ON audit_log TO {role}"))
            conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        conn.execute(text(GUARD_FUNCTION))
        for table in RECORD_TABLES:
            conn.execute(text(f"DROP TRIGGER IF EXISTS zhifa_guard_department ON {table}"))
            conn.execute(text(f"CREATE TRIGGER zhifa_guard_department BEFORE INSERT OR UPDATE "
                              f"ON {table} FOR EACH ROW EXECUTE FUNCTION zhifa_guard_department()"))
    return [f"{name}：{role}" for name, role in ROLES.items()]


def add_user(store, login: str, role_name: str, department: str = "", name: str = "",
             password: str | None = None) -> None:
    """Make `login` a user of the ledger with one 角色 (its other roles revoked), and record
    the name and 科室 the ledger shows and files its records under. Idempotent. On a SQLite
    file only the name and 科室 of the Windows login are recorded."""
    from core import audit
    from core.models import LedgerUser

    if role_name not in ROLES:
        raise StoreError(f"角色「{role_name}」无法识别，应为 {'、'.join(ROLES)} 之一。")
    if not login.strip():
        raise StoreError("请填写登录名。")
    if role_name == "录入" and not department.strip():
        raise StoreError("「录入」角色的用户须填写科室（--department），其录入的记录归入该科室。")
    with store.engine.begin() as conn:
        # On a SQLite file only the name and 科室 are kept (the Windows login is the user;
        # a file has no grants): 「张三（zhang）」 in the 操作日志, new records filed under 科室.
        if conn.dialect.name == "postgresql":
            _create_role(conn, login, login=True, password=password)
            user = _quote(conn, login)
            for other_name, other in ROLES.items():
                if other_name != role_name:
                    conn.execute(text(f"REVOKE {other} FROM {user}"))
            conn.execute(text(f"GRANT {ROLES[role_name]} TO {user}"))
        table = Base.metadata.tables[LedgerUser.__tablename__]
        conn.execute(table.delete().where(table.c.login == login))
        conn.execute(table.insert().values(login=login, name=name, department=department,
                                           role=role_name))
    audit.forget_users()


def may_write(store) -> bool:
    """Whether this user may change the ledger at all: False on read-only media, and for a
    server login whose role grants no writes (只读). The window then offers no change (the
    server refuses one all the same: this only spares the clerk a refused attempt)."""
    if store.read_only:
        return False
    if store.is_sqlite:
        return True
    with store.read_session() as s:
        return bool(s.execute(text(
            "SELECT has_table_privilege(current_user, 'inspection', 'INSERT')")).scalar())


def refusal(exc, session=None) -> PermissionDeniedError | None:
    """The clerk's words for a change the server refused for the user's role; None for any
    other database error."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
        return None
    diag = getattr(orig, "diag", None)
    said = (getattr(diag, "message_primary", None) or str(orig)).strip()
    who = ""
    if session is not None:
        from core import audit
        try:
            who = audit.cached_user(session.get_bind())
        except Exception:       # the words do not depend on it
            who = ""
    you = f"您的账户「{who}」" if who else "您的账户"
    if said.startswith(GUARD_TAG):
        owner = said[len(GUARD_TAG):] or "未注明科室"
        return PermissionDeniedError(
            f"服务器拒绝了这次修改：{you}是「录入」角色，只能修改本科室录入的记录，这条记录由"
            f"「{owner}」录入。请请该科室或法制科（法制审核）修改。台账未改动。")
    return PermissionDeniedError(
        f"服务器拒绝了这次修改：{you}没有修改这部分台账的权限（「只读」角色只能查看、统计、"
        f"导出和生成报告；报告文字和单位信息由法制审核修改）。台账未改动；如需修改，请联系信息中心或法制科。")


# --- zhifa-cli server … -------------------------------------------------------------------

def _configure(p) -> None:
    sub = p.add_subparsers(dest="server_command", metavar="操作", required=True)
    sub.add_parser("setup", help="建立 录入、法制审核、只读 三个角色并授予权限（可重复执行）")
    user = sub.add_parser("user", help="添加或修改一个服务器台账用户及其角色、科室")
    user.add_argument("login", help="登录名（服务器上的用户名）")
    user.add_argument("--role", required=True, choices=list(ROLES), help="角色：录入、法制审核或只读")
    user.add_argument("--department", default="", help="科室（录入角色必填），如 安全科")
    user.add_argument("--name", default="", help="姓名，显示在录入人、最后修改人和操作日志中")
    user.add_argument("--password", help="密码（新用户不给出时询问）")


def run_server(args, store) -> int:
    if args.server_command == "setup":
        done = setup(store)
        print("已在服务器台账上建立角色并授予权限：" + "；".join(done) + "。")
        print("再用 `zhifa-cli server user 登录名 --role 录入 --department 科室 --name 姓名` 添加用户。")
        return 0
    password = args.password
    if password is None and store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                  {"r": args.login}).first()
        if not exists:
            password = getpass.getpass(f"新用户「{args.login}」的密码：")
    add_user(store, args.login, args.role, args.department, args.name, password)
    print(f"用户「{args.login}」：角色 {args.role}"
          + (f"，科室 {args.department}" if args.department else "")
          + (f"，姓名 {args.name}" if args.name else "") + "。")
    return 0


COMMANDS = [
    Command("server", "服务器台账的角色和用户（setup：建立角色和权限；user：添加用户）",
            _configure, run_server),
]
