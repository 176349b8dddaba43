"""Who may do what on a server ledger (issue 22), with real roles on the CI's PostgreSQL:
`zhifa-cli server setup` and `server user` make them, and the server itself refuses a 只读
user's write, a 录入 user's edit of another 科室's record and any change of the 操作日志;
each refusal reaches the clerk as a Chinese sentence (PermissionDeniedError)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core import server_roles
from core.cli import main
from core.errors import PermissionDeniedError, StoreError
from core.figures import annual_figures
from core.models import AuditLog, Inspection, NarrativeText, Staff, Unit
from core.records import save
from core.store import database_url, open_store

PASSWORD = "clerk-pw"


@pytest.fixture
def users(ledger_location, store):
    """The ledger set up with four users, one per role and two 录入 of different 科室."""
    tag = os.getpid()
    logins = {"zhang": f"zt_zhang_{tag}", "li": f"zt_li_{tag}", "wang": f"zt_wang_{tag}",
              "zhao": f"zt_zhao_{tag}"}
    server_roles.setup(store)
    server_roles.setup(store)                   # idempotent
    server_roles.add_user(store, logins["zhang"], "录入", "安全科", "张三", PASSWORD)
    server_roles.add_user(store, logins["li"], "录入", "民办教育科", "李四", PASSWORD)
    server_roles.add_user(store, logins["wang"], "只读", name="王局长", password=PASSWORD)
    server_roles.add_user(store, logins["zhao"], "法制审核", "法制科", "赵审", PASSWORD)
    opened = []

    def as_user(who: str):
        url = make_url(ledger_location).set(username=logins[who], password=PASSWORD)
        opened.append(open_store(url.render_as_string(hide_password=False)))
        return opened[-1]

    as_user.logins = logins
    yield as_user
    for s in opened:
        s.close()
    admin = create_engine(database_url(ledger_location), poolclass=NullPool)
    with admin.begin() as conn:
        for login in logins.values():
            conn.execute(text(f'DROP OWNED BY "{login}"'))
            conn.execute(text(f'DROP ROLE "{login}"'))
    admin.dispose()


def _inspection(s, unit, day=dt.date(2025, 4, 1)):
    staff = s.query(Staff).order_by(Staff.id).limit(2).all()
    return save(s, Inspection(date=day, category="日常检查", method="其他", unit=unit,
                              unit_id=unit.id, result="合格", inspectors=staff, personnel=2))


def _base_data(store):
    with store.session() as s:
        save(s, Staff(name="执法甲"))
        save(s, Staff(name="执法乙"))
        return save(s, Unit(name="共用学校", unit_type="公办中小学")).id


@pytest.mark.server_only
def test_a_read_only_users_write_is_refused_by_the_server(store, users):
    _base_data(store)
    wang = users("wang")
    with wang.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 0      # reads and counts
    with pytest.raises(PermissionDeniedError, match="只读") as refused, wang.session() as s:
        save(s, Unit(name="王局长的学校", unit_type="公办中小学"))
    assert f"王局长（{users.logins['wang']}）" in str(refused.value)
    assert "台账未改动" in str(refused.value)
    with pytest.raises(PermissionDeniedError, match="只读"), wang.session() as s:
        unit = s.query(Unit).first()
        unit.street = "改一改"          # flushed by the save's own name check
        save(s, unit)
    with store.read_session() as s:
        assert s.query(Unit).filter_by(name="王局长的学校").count() == 0


@pytest.mark.server_only
def test_the_window_knows_who_may_write(store, users):
    """core.server_roles.may_write: the window offers no change to a 只读 login."""
    _base_data(store)
    assert server_roles.may_write(store)
    assert server_roles.may_write(users("zhang")) and server_roles.may_write(users("zhao"))
    assert not server_roles.may_write(users("wang"))


@pytest.mark.server_only
def test_a_clerk_edits_only_the_records_of_their_own_department(store, users):
    unit_id = _base_data(store)
    zhang, li, zhao = users("zhang"), users("li"), users("zhao")
    with zhang.session() as s:
        mine = _inspection(s, s.get(Unit, unit_id))
        assert (mine.owner_department, mine.created_by) == \
            ("安全科", f"张三（{users.logins['zhang']}）")
        mine_id = mine.id
    with pytest.raises(PermissionDeniedError, match="安全科") as refused, li.session() as s:
        rec = s.get(Inspection, mine_id)
        rec.personnel = 9
        save(s, rec)
    assert "录入" in str(refused.value)
    # 李四 logs the same unit on the same day: the bookkeeping on 张三's entry (which of the
    # two counts) goes through, and the day still counts once.
    with li.session() as s:
        theirs = _inspection(s, s.get(Unit, unit_id))
        assert theirs.owner_department == "民办教育科"
    with store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 1
        flags = dict(s.execute(text("SELECT id, first_of_day FROM inspection")).all())
        assert flags == {mine_id: True, theirs.id: False}
    # 张三 deletes his entry: 李四's now counts, though the marking changed 李四's row.
    with zhang.session() as s:
        from core.records import delete
        delete(s, s.get(Inspection, mine_id), seen_version=1)
    with store.read_session() as s:
        assert annual_figures(s, 2025)["inspection.total"] == 1
        assert s.execute(text("SELECT first_of_day FROM inspection WHERE id = :i"),
                         {"i": theirs.id}).scalar() is True
    # The 法制审核 changes any record.
    with zhao.session() as s:
        rec = s.get(Inspection, theirs.id)
        rec.problems_found = 2
        save(s, rec)
    with store.read_session() as s:
        rec = s.get(Inspection, theirs.id)
        assert (rec.problems_found, rec.updated_by) == (2, f"赵审（{users.logins['zhao']}）")
    # A clerk cannot file a record under another 科室 either.
    with pytest.raises(PermissionDeniedError), li.session() as s:
        save(s, Unit(name="冒名学校", unit_type="公办中小学", owner_department="安全科"))


@pytest.mark.server_only
def test_report_texts_are_the_reviewers(store, users):
    _base_data(store)
    zhang, zhao = users("zhang"), users("zhao")
    with pytest.raises(PermissionDeniedError), zhang.session() as s:
        save(s, NarrativeText(year=2025, block="主要工作措施", text="张三写的"))
    with zhao.session() as s:
        save(s, NarrativeText(year=2025, block="主要工作措施", text="法制科写的"))


@pytest.mark.server_only
def test_the_audit_log_is_append_only_on_the_server(store, users):
    _base_data(store)
    zhang = users("zhang")
    with zhang.session() as s:
        save(s, Unit(name="张三的学校", unit_type="公办中小学"))
    with zhang.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="permission denied|42501"):
            conn.execute(text("DELETE FROM audit_log"))
    # Not even the ledger's owner (a superuser here) changes it.
    for sql in ("UPDATE audit_log SET login = 'x'", "DELETE FROM audit_log",
                "TRUNCATE audit_log"):
        with store.engine.connect() as conn, pytest.raises(DBAPIError, match="只能追加"):
            conn.execute(text(sql))
    with store.read_session() as s:
        rows = s.query(AuditLog).filter_by(login=users.logins["zhang"]).all()
        assert [r.action for r in rows] == ["create"]


@pytest.mark.server_only
def test_server_setup_and_user_from_the_command_line(ledger_location, store, capsys):
    login = f"zt_cli_{os.getpid()}"
    try:
        assert main(["--db", ledger_location, "server", "setup"]) == 0
        assert "录入" in capsys.readouterr().out
        assert main(["--db", ledger_location, "server", "user", login, "--role", "只读",
                     "--name", "监督员", "--password", "pw"]) == 0
        assert "只读" in capsys.readouterr().out
        assert main(["--db", ledger_location, "server", "user", login, "--role", "录入"]) == 2
        assert "科室" in capsys.readouterr().err
    finally:
        admin = create_engine(database_url(ledger_location), poolclass=NullPool)
        with admin.begin() as conn:
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first():
                conn.execute(text(f'DROP OWNED BY "{login}"'))
                conn.execute(text(f'DROP ROLE "{login}"'))
        admin.dispose()


def test_roles_are_for_a_server_only(tmp_path):
    local = open_store(str(tmp_path / "本机.db"))
    try:
        with pytest.raises(StoreError, match="服务器台账"):
            server_roles.setup(local)
    finally:
        local.close()


def test_on_a_file_a_login_gets_its_name_and_department(tmp_path, capsys):
    from core import audit
    from core.records import save as save_record

    location = str(tmp_path / "本机.db")
    assert main(["--db", location, "init"]) == 0
    login = audit.os_login()
    assert main(["--db", location, "server", "user", login, "--role", "录入",
                 "--department", "安全科", "--name", "张三"]) == 0
    local = open_store(location)
    try:
        with local.session() as s:
            unit = save_record(s, Unit(name="本机学校", unit_type="公办中小学"))
            assert (unit.created_by, unit.owner_department) == (f"张三（{login}）", "安全科")
    finally:
        local.close()


@pytest.mark.sqlite_only("a file's own permission")
def test_on_a_file_whoever_may_open_it_may_write_unless_it_is_read_only(store):
    assert server_roles.may_write(store)
    store.read_only = True          # as open_store marks a ledger on read-only media
    try:
        assert not server_roles.may_write(store)
    finally:
        store.read_only = False
