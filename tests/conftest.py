"""Shared fixtures: a fresh ledger in a temporary folder (or, with ZHIFA_TEST_DATABASE_URL
set, on a PostgreSQL server), and one holding the demo year.

Every test runs with ZHIFA_DATA_DIR in its own tmp folder, so nothing touches the real
user data directory, and Qt tests run offscreen.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.demo import load_demo  # noqa: E402
from core.store import open_store  # noqa: E402

DEMO_YEAR = 2025


# --- The core suites on a PostgreSQL server (issue 22) -------------------------------------
# With ZHIFA_TEST_DATABASE_URL set to a server address whose user may create databases, e.g.
#   postgresql+psycopg://zhifa:zhifa-test@/postgres?host=/tmp/pg   (.ci/postgres start prints one)
# every ledger the fixtures make is a database of its own on that server, made for the test
# and dropped after it. Tests of what only a SQLite file has (its locks, WAL, PRAGMAs, file
# backups, damaged files) carry @pytest.mark.sqlite_only("why") and are skipped there.

TEST_SERVER_URL = os.environ.get("ZHIFA_TEST_DATABASE_URL", "").strip()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): tests of a SQLite file itself, skipped on a server")
    config.addinivalue_line(
        "markers", "server_only: tests of a PostgreSQL server itself, run only with "
                   "ZHIFA_TEST_DATABASE_URL set (as .ci/run does)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark and TEST_SERVER_URL:
            reason = mark.args[0] if mark.args else mark.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        if item.get_closest_marker("server_only") and not TEST_SERVER_URL:
            item.add_marker(pytest.mark.skip(
                reason="needs a PostgreSQL server: ZHIFA_TEST_DATABASE_URL (.ci/postgres)"))


def pytest_report_header(config):
    if TEST_SERVER_URL:
        from core.store import shown_location
        return f"ledgers on the PostgreSQL server {shown_location(TEST_SERVER_URL)}"
    return None


class TestServer:
    """Makes and drops the tests' databases through the server's maintenance database."""

    __test__ = False            # not a test class, despite its name

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url)
        # CREATE/DROP DATABASE cannot run inside a transaction; NullPool: no connection
        # is left open to block a DROP.
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"zhifa_test_{os.getpid()}"
        self.count = 0

    def _execute(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create_database(self) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # template0 in UTF-8: the database the README tells an administrator to make.
        self._execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, location: str) -> None:
        from sqlalchemy.engine import make_url

        # FORCE: a test that failed half-way may have left a session open.
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(location).database}" WITH (FORCE)')

    def close(self) -> None:
        self.admin.dispose()


@pytest.fixture(scope="session")
def _test_server():
    if not TEST_SERVER_URL:
        yield None
        return
    server = TestServer(TEST_SERVER_URL)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "userdata"
    monkeypatch.setenv("ZHIFA_DATA_DIR", str(data))
    monkeypatch.delenv("ZHIFA_DB", raising=False)
    return data


@pytest.fixture
def new_ledger(tmp_path, _test_server):
    """new_ledger(name) -> the location of a new, empty ledger: a SQLite file `name` in the
    test's folder, or with ZHIFA_TEST_DATABASE_URL set a new database on that server."""
    made: list[str] = []

    def make(name: str = "ledger.db") -> str:
        if _test_server is None:
            return str(tmp_path / name)
        made.append(_test_server.create_database())
        return made[-1]

    yield make
    for location in made:
        _test_server.drop_database(location)


@pytest.fixture
def ledger_location(new_ledger) -> str:
    """Where the `store` fixture's ledger is: what a test passes to `zhifa-cli --db`."""
    return new_ledger()


@pytest.fixture
def store(ledger_location):
    s = open_store(ledger_location)
    yield s
    s.close()


@pytest.fixture
def session(store):
    with store.session() as s:
        yield s


@pytest.fixture
def demo_store(store):
    with store.session() as s:
        load_demo(s, DEMO_YEAR)
    return store


# --- Ledgers rebuilt by hand from the two real published reports in ../shared/seeds/ ------
# Only what the reports state is entered; the figures they print must come back out.

import datetime as _dt  # noqa: E402

from core.models import (  # noqa: E402
    Campaign, CustomFigure, Inspection, PenaltyCase, PowerItem, Staff, Training, Unit,
    join_list,
)
from core.records import save, set_profile  # noqa: E402


def _staff(s, n, year, prefix, newly=0):
    """n staff holding certificates on 31 Dec of `year`; the last `newly` issued that year."""
    people = []
    for i in range(n):
        issued = _dt.date(year, 6, 1) if i >= n - newly else _dt.date(year - 3, 3, 1)
        people.append(save(s, Staff(name=f"{prefix}{i + 1:02d}", department="法制科",
                                    certificate_no=f"{prefix}-{i + 1:04d}",
                                    certificate_issued=issued,
                                    certificate_expires=_dt.date(year + 3, 12, 31),
                                    status="在岗", is_established=True)))
    return people


def _inspect(s, year, units, method, count, staff, partners=(), personnel=None, start_month=1):
    """`count` inspections, one unit per day, spread over the year."""
    out = []
    for k in range(count):
        unit = units[k % len(units)]
        day = _dt.date(year, start_month, 1) + _dt.timedelta(days=(k * 4) % 300)
        out.append(save(s, Inspection(
            date=day, category="日常检查", method=method, unit=unit, unit_id=unit.id,
            partner_departments=join_list(partners), result="合格", recorded=True,
            personnel=personnel[k] if personnel else 2, inspectors=staff[:2],
            published_on=day)))
    return out


@pytest.fixture
def dongli_2025_store(store):
    """东丽区教育局 2025 (seeds/dongli-2025-report.txt): 19人持证; “双随机、一公开”联合检查
    6次（6家单位，出动68人次）、内部检查11次，行政检查62件; 校外培训寒暑期治理 出动1200人次、
    排查150家、发现安全隐患25处、关停1家、现场整改56家。"""
    with store.session() as s:
        set_profile(s, full_name="东丽区教育局", region="天津市东丽区", signatory="东丽区教育局",
                    document_date=_dt.date(2025, 12, 25), report_year=2025)
        staff = _staff(s, 19, 2025, "东丽")
        units = [save(s, Unit(name=f"东丽区第{i + 1}学校", unit_type=t))
                 for i, t in enumerate(["公办中小学", "民办学校", "公办幼儿园", "民办幼儿园",
                                        "校外培训机构", "公办中小学"] * 8)]
        partners = ["东丽区卫健委", "民政局", "人社局", "市场监管局", "消防救援支队"]
        # 6 joint inspections of 6 units, 68 人次 in all (11 × 4 + 12 × 2)
        _inspect(s, 2025, units[:6], "双随机一公开·部门联合", 6, staff, partners,
                 personnel=[11, 11, 11, 11, 12, 12])
        _inspect(s, 2025, units[6:17], "双随机一公开·内部", 11, staff, start_month=2)
        _inspect(s, 2025, units[17:], "其他", 45, staff, start_month=3)
        save(s, Campaign(name="校外培训寒暑期治理及广告管控", start_date=_dt.date(2025, 1, 10),
                         end_date=_dt.date(2025, 8, 31), lead_department="东丽区教育局",
                         partner_departments="公安、市场监管、民政、卫健、文旅体局",
                         personnel=1200, institutions_checked=150, hazards_found=25, closed=1,
                         rectified=56))
    return store


@pytest.fixture
def hongqiao_2022_store(store):
    """红桥区教育局 2022 (seeds/hongqiao-2022-report.txt): 权力19项（处罚5、检查4、奖励7、
    其他3）; 行政执法检查77次; 简易程序处罚4次; 新入编2人取得执法资格; 学法培训40学时;
    联合检查 二十二幼、洪湖里小学、聚星幼儿园乐安里园、学大益学课外培训学校; 转学674人。"""
    with store.session() as s:
        set_profile(s, full_name="红桥区教育局", region="天津市红桥区", signatory="红桥区教育局",
                    document_date=_dt.date(2022, 12, 30), report_year=2022)
        staff = _staff(s, 12, 2022, "红桥", newly=2)
        for category, n in (("行政处罚", 5), ("行政检查", 4), ("行政奖励", 7), ("其他", 3)):
            save(s, PowerItem(year=2022, category=category, name=f"{category}事项", quantity=n))
        joint_units = [save(s, Unit(name=n, unit_type=t)) for n, t in (
            ("红桥区二十二幼儿园", "公办幼儿园"), ("红桥区洪湖里小学", "公办中小学"),
            ("红桥区聚星幼儿园乐安里园", "公办幼儿园"),
            ("红桥区学大益学课外培训学校有限公司", "校外培训机构"))]
        others = [save(s, Unit(name=f"红桥区第{i + 1}学校", unit_type="公办中小学"))
                  for i in range(30)]
        _inspect(s, 2022, joint_units, "双随机一公开·部门联合", 4, staff,
                 ["市场监管局", "区人社局", "区卫健委", "区民政局", "公安红桥分局"])
        _inspect(s, 2022, others, "其他", 73, staff, start_month=2)
        for n in range(1, 5):
            save(s, PenaltyCase(decision_no=f"红教罚〔2022〕{n}号", party=f"红桥区第{n}学校",
                                party_type="法人或其他组织", procedure="简易程序", kinds="警告",
                                decided_on=_dt.date(2022, 3 * n, 15),
                                published_on=_dt.date(2022, 3 * n, 16)))
        save(s, Training(date=_dt.date(2022, 6, 1), topic="机关干部学法用法学习培训",
                         form="集中培训", hours=40, participants=staff))
        save(s, Training(date=_dt.date(2022, 10, 1), topic="领导干部网上学法用法培训考试",
                         form="网上学法用法", hours=20, participants=staff,
                         exam_takers=len(staff), exam_passed=len(staff)))
        save(s, CustomFigure(year=2022, name="中小学转学人数", value=674, unit="人",
                             sentence="{year}年中、小学累计转学为{value}{unit}。"))
        save(s, CustomFigure(year=2022, name="依法治校示范校推选", value=2, unit="所",
                             sentence="推选天津市第五中学、天津市红桥区实验小学参加{year}年度依法治校示范校评比。"))
    return store


# --- A server ledger's password (issue 22, core/passwords.py) ------------------------------
# Tests never read or write the machine's own password store: `memory_keyring` stands in for
# Windows Credential Manager, `no_keyring` is a machine without one (as Linux CI).

@pytest.fixture
def memory_keyring(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    import core.connection

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.entries.get((service, username))

        def set_password(self, service, username, password):
            self.entries[(service, username)] = password

        def delete_password(self, service, username):
            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError("not stored")

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(core.connection, "_given", {})
    monkeypatch.delenv("PGPASSWORD", raising=False)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as NoBackend

    import core.connection

    previous = keyring.get_keyring()
    keyring.set_keyring(NoBackend())
    monkeypatch.setattr(core.connection, "_given", {})
    monkeypatch.delenv("PGPASSWORD", raising=False)
    yield
    keyring.set_keyring(previous)
