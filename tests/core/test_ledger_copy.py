"""`zhifa-cli copy --from A --to B` (issue 22): a bureau moves its ledger from the PC's file
to the server, and back, and counts the same. With ZHIFA_TEST_DATABASE_URL set the ledgers
`new_ledger` makes are databases on that server; otherwise SQLite files."""

from __future__ import annotations

import json

from core.cli import main
from core.models import Unit
from core.records import save
from core.store import open_store


def _said(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _figures(capsys, ledger: str) -> list[dict]:
    return [json.loads(_said(capsys, "--db", ledger, "figures", "--year", str(year), "--json")[1])
            for year in (2025, 2024)]


def test_the_demo_ledger_moves_to_the_server_and_back_with_the_same_figures(
        capsys, tmp_path, new_ledger):
    office_pc = str(tmp_path / "本机台账.db")
    assert _said(capsys, "--db", office_pc, "demo", "--year", "2025")[0] == 0
    server = new_ledger("服务器台账.db")
    code, out, _ = _said(capsys, "copy", "--from", office_pc, "--to", server)
    assert code == 0 and "已将台账" in out
    back_home = str(tmp_path / "带回本机.db")
    assert _said(capsys, "copy", "--from", server, "--to", back_home)[0] == 0

    before = _figures(capsys, office_pc)
    assert before[0]["figures"] and before[1]["figures"]
    assert _figures(capsys, server) == before
    assert _figures(capsys, back_home) == before
    assert (_said(capsys, "--db", server, "check", "--year", "2025")[1]
            == _said(capsys, "--db", office_pc, "check", "--year", "2025")[1])

    # The next record saved on the server gets an id of its own, after the copied ones.
    store = open_store(server)
    with store.session() as s:
        ids = [u.id for u in s.query(Unit)]
        new = save(s, Unit(name="示例区新建小学", unit_type="公办中小学"))
        assert new.id > max(ids)
    store.close()


def test_a_ledger_that_has_records_is_never_copied_into(capsys, tmp_path, new_ledger):
    office_pc = str(tmp_path / "本机台账.db")
    _said(capsys, "--db", office_pc, "demo", "--year", "2025")
    server = new_ledger("服务器台账.db")
    store = open_store(server)
    with store.session() as s:
        save(s, Unit(name="安全科登记的学校", unit_type="公办中小学"))
    store.close()
    code, _, err = _said(capsys, "copy", "--from", office_pc, "--to", server)
    assert code == 2 and "中已有数据。复制只能写入空台账" in err
    store = open_store(server)
    with store.session() as s:
        assert [u.name for u in s.query(Unit)] == ["安全科登记的学校"]
    store.close()


def test_a_mistyped_source_file_is_told_and_not_made(capsys, tmp_path, new_ledger):
    missing = tmp_path / "拼错的台账.db"
    code, _, err = _said(capsys, "copy", "--from", str(missing), "--to", new_ledger())
    assert code == 2 and "来源台账文件" in err and "不存在" in err
    assert not missing.exists()
