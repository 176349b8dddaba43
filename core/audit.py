"""Who did what (issue 22): the user of a ledger, the 录入人 / 最后修改人 of each record, and the
append-only 操作日志 (audit_log), all written in the transaction of the change itself.

Who the user is (decided here, once):
- on a PostgreSQL server, the server login (`current_user`): what the server's grants know
  the clerk by (core.server_roles), so nobody writes in another's name;
- on a SQLite file, the operating system's login (getpass): the file is on one PC, used by
  whoever is logged in to it (the lock, core.lock, already names them).
Either way the ledger_user table may give the login a display name and a 科室
(`zhifa-cli server user …`); records and the log then show 「张三（zhang）」, and a new record
is filed under the user's 科室 (Record.owner_department). `act_as` sets the user of one open
ledger by hand (tests; a program that knows its user otherwise).

The one place: SQLAlchemy's flush events on every Session. Forms, undo, the import, the
demo year and the CLI all save through a session, so no path writes a record unstamped or
unlogged. Before a flush each new or changed record is stamped; after it (ids known, the
attributes' history still there) one audit_log row per record is inserted with the changed
fields, old → new. Undo and redo name themselves (`acting`); an import writes ONE summary
row (`summarized`) instead of one per imported row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import weakref
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Session, attributes

from core.errors import RecordChangedError
from core.models import BOOKKEEPING, AuditLog, Base, LedgerUser, Record, cents_to_yuan

# What audit_log.action holds, and how it is told.
ACTIONS = {"create": "新增", "edit": "修改", "delete": "删除", "restore": "恢复",
           "undo": "撤销", "redo": "重做", "import": "导入"}
UNKNOWN = "未知"       # who entered a record saved before schema 7

_ACTION = "audit.action"        # Session.info: the action of this session's changes
_BULK = "audit.bulk"            # Session.info: new records counted, not logged one by one
_LINKS = {"inspectors", "participants"}     # staff links that are part of a record


@dataclass(frozen=True)
class User:
    login: str
    name: str = ""
    department: str = ""
    role: str = ""

    @property
    def shown(self) -> str:
        """「张三（zhang）」, or the login alone when no name is set."""
        return f"{self.name}（{self.login}）" if self.name and self.name != self.login else self.login


# The user of each open ledger, by its connection pool (one per Store; a reading session's
# engine shares its writer's pool): looked up once, not at every save.
_USERS: "weakref.WeakKeyDictionary[object, User]" = weakref.WeakKeyDictionary()


def _pool_of(bind):
    return bind.pool


def act_as(engine, login: str, name: str = "", department: str = "", role: str = "") -> User:
    """Make `login` the user of every session on `engine` (tests: two clerks on one file)."""
    user = User(login, name, department, role)
    _USERS[_pool_of(engine)] = user
    return user


def os_login() -> str:
    try:
        return getpass.getuser() or UNKNOWN
    except (KeyError, OSError, ImportError):     # no login name in the environment
        return UNKNOWN


def current_user(session: Session) -> User:
    """Who is changing the ledger in `session` (see the module's note)."""
    bind = session.get_bind()
    key = _pool_of(bind)
    user = _USERS.get(key)
    if user is None:
        with session.no_autoflush:
            if bind.dialect.name == "postgresql":
                login = session.execute(text("SELECT current_user")).scalar()
            else:
                login = os_login()
            row = session.execute(select(LedgerUser.name, LedgerUser.department, LedgerUser.role)
                                  .where(LedgerUser.login == login)).first()
        user = User(login, *(row or ()))
        _USERS[key] = user
    return user


def cached_user(bind) -> str:
    """The shown name of the user already looked up for `bind`, or "" (never a query: for a
    message after the transaction failed)."""
    user = _USERS.get(_pool_of(bind))
    return user.shown if user else ""


def forget_users() -> None:
    """Look the users up again (after `zhifa-cli server user` changed a name or 科室)."""
    _USERS.clear()


# --- how a session tells what it is doing -----------------------------------------------------

@contextlib.contextmanager
def acting(session: Session, action: str):
    """The changes flushed inside are logged as `action` ("undo", "redo")."""
    before = session.info.get(_ACTION)
    session.info[_ACTION] = action
    try:
        yield
    finally:
        session.info[_ACTION] = before


@contextlib.contextmanager
def summarized(session: Session, what: str, action: str = "import"):
    """The records created or changed inside are logged as ONE row (an import of 10,000 rows
    is one entry of the log, naming the file and how many records of each kind it added or
    filled in), written when the block ends without an error."""
    counts: Counter = Counter()
    session.info[_BULK] = counts
    try:
        yield
        session.flush()
    finally:
        session.info.pop(_BULK, None)
    summary: dict[str, dict[str, int]] = {}
    for (verb, kind), n in sorted(counts.items()):
        summary.setdefault(verb, {})[kind] = n
    user = current_user(session)
    session.connection().execute(AuditLog.__table__.insert(), [{
        "at": dt.datetime.now(), "login": user.login, "user_name": user.name, "action": action,
        "model": "", "record_id": None, "record_label": what,
        "changes": json.dumps(summary, ensure_ascii=False)}])


def stamp_new_rows(session: Session, kind: str, rows: list[dict]) -> None:
    """New records written without the ORM (the import's bulk INSERT of inspections, a city
    year's rows): stamped with their 录入人 and 科室 and counted in the import's one log
    entry, as the flush events below do for every other record."""
    user = current_user(session)
    for row in rows:
        row["created_by"] = row["updated_by"] = user.shown
        if not row.get("owner_department"):
            row["owner_department"] = user.department
    bulk = session.info.get(_BULK)
    if bulk is not None:
        bulk["新增", kind] += len(rows)


# --- stamps and log rows: the flush events ----------------------------------------------------

def _keep_bookkeeping(record: Record) -> None:
    """A record's version and 录入人 are the ledger's, not a caller's: a value assigned to them
    (undo writing back a whole state, an import filling in a record from a row) is put back,
    so the version stays the database's counter and the UPDATE checks the one loaded."""
    state = inspect(record)
    for key in ("version", "created_by", "owner_department"):
        history = state.attrs[key].history
        if history.added and history.deleted:
            attributes.set_committed_value(record, key, history.deleted[0])


def _stamp(session: Session, _context, _instances) -> None:
    user = None
    for record in session.new:
        if isinstance(record, Record):
            user = user or current_user(session)
            record.created_by = record.updated_by = user.shown
            if not record.owner_department:
                record.owner_department = user.department
    for record in session.dirty:
        if isinstance(record, Record):
            _keep_bookkeeping(record)
            if session.is_modified(record):
                user = user or current_user(session)
                record.updated_by = user.shown


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _names(people) -> list[str]:
    return [getattr(p, "name", str(p)) for p in people]


def _changes(record: Record, new: bool) -> dict:
    """{attribute: [old, new]} of what the flush writes (a new record: what it was given)."""
    state = inspect(record)
    out = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in BOOKKEEPING and key != "deleted_at":
            continue
        if new:
            value = getattr(record, key)
            if value not in (None, "", 0, False) and key != "deleted_at":
                out[key] = [None, _plain(value)]
            continue
        history = state.attrs[key].history
        if history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            now = history.added[0] if history.added else None
            if old != now:
                out[key] = [_plain(old), _plain(now)]
    for key in _LINKS & set(state.mapper.relationships.keys()):
        history = state.attrs[key].history
        if new:
            if history.added:
                out[key] = [None, _names(history.added)]
        elif history.added or history.deleted:
            out[key] = [_names([*history.unchanged, *history.deleted]),
                        _names([*history.unchanged, *history.added])]
    return out


def _action_of(changes: dict) -> str:
    if "deleted_at" in changes:
        old, new = changes["deleted_at"]
        if old is None and new is not None:
            return "delete"
        if old is not None and new is None:
            return "restore"
    return "edit"


def _describe(record: Record) -> str:
    try:
        return record.describe()
    except Exception:       # a half-made record (its unit not loaded): its kind and id
        return f"{record.KIND}#{record.id}"


def _log(session: Session, _context) -> None:
    bulk = session.info.get(_BULK)
    if bulk is not None:
        # session.new builds a new set on every call: asked once per record, it made an
        # import's log entry grow with the square of the records it created.
        new = session.new
        for record in new:
            if isinstance(record, Record):
                bulk["新增", record.KIND] += 1
        for record in session.dirty:
            if isinstance(record, Record) and record not in new and session.is_modified(record):
                bulk["修改", record.KIND] += 1
        return
    rows = []
    user = None
    override = session.info.get(_ACTION)
    created = session.new
    for record in (*created, *session.dirty):
        if not isinstance(record, Record):
            continue
        new = record in created
        changes = _changes(record, new)
        if not new and not changes:
            continue
        user = user or current_user(session)
        action = override or ("create" if new else _action_of(changes))
        rows.append({"at": dt.datetime.now(), "login": user.login, "user_name": user.name,
                     "action": action, "model": type(record).__name__, "record_id": record.id,
                     "record_label": _describe(record),
                     "changes": json.dumps(changes, ensure_ascii=False, default=str)})
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


event.listen(Session, "before_flush", _stamp)
event.listen(Session, "after_flush", _log)


# --- reading the log --------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    who: str
    action: str         # 新增, 修改…
    record: str
    changes: list[tuple[str, str, str]]     # (field label, old, new)


def _model_named(name: str):
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    return None


def _shown_value(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def _label(model, key: str) -> str:
    if model is None:
        return key
    if key in model.__table__.c:
        return model.__table__.c[key].info.get("label", key)
    return {"inspectors": "执法人员", "participants": "参加人员"}.get(key, key)


def _named(session, model, key: str, value):
    """A foreign key's value as the record it names (「检查对象「某校」」), where it can be read."""
    if session is None or model is None or value is None or key not in model.__table__.c:
        return value
    keys = list(model.__table__.c[key].foreign_keys)
    if not keys:
        return value
    target = _model_by_table(keys[0].column.table.name)
    cache = session.info.setdefault("audit.names", {})
    if (target, value) not in cache:
        record = session.get(target, value) if target is not None else None
        cache[(target, value)] = record.describe() if record is not None else f"#{value}"
    return cache[(target, value)]


def _model_by_table(name: str):
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_
    return None


def entry_of(row, session=None) -> Entry:
    model = _model_named(row.model) if row.model else None
    try:
        raw = json.loads(row.changes or "{}")
    except ValueError:
        raw = {}
    changes = []
    for key, value in raw.items():
        if isinstance(value, list) and len(value) == 2:
            if key.endswith("_cents"):          # money is kept in 分, told in 元
                value = [None if v is None else f"{cents_to_yuan(v)}元" for v in value]
            value = [_named(session, model, key, v) for v in value]
            old = "" if row.action == "create" else _shown_value(value[0])
            changes.append((_label(model, key), old, _shown_value(value[1])))
        elif isinstance(value, dict):      # an import's summary: {kind: count}
            changes.extend((kind, "", f"{key} {n} 条") for kind, n in value.items())
        else:
            changes.append((key, "", _shown_value(value)))
    who = User(row.login, row.user_name or "").shown
    return Entry(row.at, who, ACTIONS.get(row.action, row.action), row.record_label, changes)


def record_history(session: Session, model: type, record_id: int) -> list[Entry]:
    """Every logged change of one record, oldest first (the 「操作记录」 dialog)."""
    rows = session.execute(select(AuditLog).where(
        AuditLog.model == model.__name__, AuditLog.record_id == record_id)
        .order_by(AuditLog.id)).scalars()
    return [entry_of(r, session) for r in rows]


def year_entries(session: Session, year: int) -> list[Entry]:
    """Every entry of the log made in calendar year `year`, oldest first (`zhifa-cli log`)."""
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    rows = session.execute(select(AuditLog).where(AuditLog.at >= start, AuditLog.at < end)
                           .order_by(AuditLog.id)).scalars()
    return [entry_of(r, session) for r in rows]


def change_stamp(session: Session) -> int:
    """A number that grows with every logged change anyone makes to the ledger: the newest
    audit_log id, one index lookup. A window compares it to tell whether another clerk
    changed something (gui: lists and the overview refresh)."""
    return session.execute(select(func.max(AuditLog.id))).scalar() or 0


def last_change(connection, model_name: str, record_id: int):
    """(who, when, action) of the newest logged change of a record, or None."""
    row = connection.execute(select(AuditLog.login, AuditLog.user_name, AuditLog.at,
                                    AuditLog.action)
                             .where(AuditLog.model == model_name, AuditLog.record_id == record_id)
                             .order_by(AuditLog.id.desc()).limit(1)).first()
    if row is None:
        return None
    return User(row.login, row.user_name or "").shown, row.at, row.action


def changed_error(bind, record_kind: str, model_name: str, record_id: int, label: str,
                  doing: str = "保存") -> RecordChangedError:
    """The refusal of a save (or delete) of a record another user changed after it was opened:
    who changed it and when, read on a connection of its own (the session's transaction may
    already have failed)."""
    try:
        with bind.connect() as conn:
            last = last_change(conn, model_name, record_id)
            row = conn.execute(text(f"SELECT updated_by, updated_at, deleted_at FROM "
                                    f"{_model_named(model_name).__tablename__} WHERE id = :i"),
                               {"i": record_id}).first()
    except Exception:       # the reason stays the same: say it without the name
        last, row = None, None
    who, when, action = last if last else ((row[0] if row else "") or UNKNOWN,
                                           row[1] if row else None, "edit")
    what = {"delete": "删除", "restore": "恢复"}.get(action, "修改")
    at = f"于 {when:%Y-%m-%d %H:%M} " if isinstance(when, dt.datetime) else ""
    message = (f"{label}已被 {who} {at}{what}（在您打开或列出它之后）。为免覆盖对方的{what}，"
               f"您的{doing}没有进行。请点「重新载入」查看它现在的内容后再{doing}。")
    return RecordChangedError(message, who=who, when=when)
