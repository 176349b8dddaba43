"""The benchmark still runs: `python -m bench.run --small` end to end, on 500 and 2,000
records, writing its table to a scratch file. Nothing here is timed; the numbers are the
benchmark's business (docs/PERFORMANCE.md), this only keeps the command working."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.generate import check_rows, generate, plan, _Ledger
from bench.run import main
from core.figures import annual_figures
from core.models import Inspection, PenaltyCase, Unit
from core.store import open_store


def test_the_small_benchmark_runs_and_writes_its_table(tmp_path, capsys):
    out = tmp_path / "PERFORMANCE.md"
    assert main(["--small", "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0
    text = out.read_text("utf-8")
    for row in ("年度数据统计 annual_figures", "保存一条记录", "峰值内存", "随数据量增长"):
        assert row in text
    assert "<!-- bench:begin -->" in text and "<!-- bench:end -->" in text
    # Run again: the block is replaced, not appended.
    main(["--small", "--sizes", "500", "--out", str(out), "--workdir", str(tmp_path / "w2")])
    assert out.read_text("utf-8").count("<!-- bench:begin -->") == 1


def test_a_generated_district_year_is_valid_and_counts_as_planned(tmp_path):
    """Every generated row passes core.validation; the ledger counts what the plan says,
    less the (unit, day) repeats the counting rule takes out."""
    ledger = _Ledger(2025, 500, "bench")
    ledger.build()
    assert check_rows(ledger, every=1) == sum(len(r) for r in ledger.rows.values())
    path = generate(tmp_path / "district.db", 500)
    counts = plan(500)
    assert sum(counts.values()) == 500
    store = open_store(str(path))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == counts[Unit]
        rows = s.execute(select(Inspection.unit_id, Inspection.date)).all()
        figures = annual_figures(s, 2025)
        assert figures["inspection.total"] == len(set(rows))
        assert figures["penalty.total"] == counts[PenaltyCase]
    store.close()


def test_the_generator_is_seeded(tmp_path):
    a, b = _Ledger(2025, 500, "bench"), _Ledger(2025, 500, "bench")
    a.build()
    b.build()
    assert a.rows[Inspection][:50] == b.rows[Inspection][:50]
