"""数据来源 traces every figure to its records; the 台账 sheets are the year's ledger in the
import template's sheets and columns; the `annex` command writes the file beside the report's."""

from __future__ import annotations

import datetime as dt

import pytest

from core.cli import main
from core.ledger_io.columns import LEDGER_SHEETS, ledger_rows
from core.models import Inspection
from core.outfiles import report_paths
from core.records import delete


def _sources(annex, figs) -> dict[str, list[tuple]]:
    """The 数据来源 rows by figure key: the sheet names each figure by its Chinese label
    (qualified where a label alone is ambiguous), which is unique."""
    from core.annex.sources import qualified_label

    keys = {qualified_label(f): k for k, f in figs.figures.items()}
    assert len(keys) == len(figs.figures)            # a label names one figure
    by_key: dict[str, list[tuple]] = {}
    for row in annex["数据来源"].iter_rows(min_row=3, values_only=True):
        by_key.setdefault(keys[row[0]], []).append(row)
    return by_key


def test_every_figure_is_traced(demo_annex):
    annex, figs = demo_annex
    sources = _sources(annex, figs)
    assert set(sources) == set(figs.figures)
    penalties = sources["penalty.total"]
    assert penalties[0][1] == 4                    # the figure's value on its first row
    assert [r[5] for r in penalties] == [f"示教罚〔2025〕{n}号" for n in range(1, 5)]
    assert all(isinstance(r[6], dt.datetime) and r[6].year == 2025 for r in penalties)
    assert all(r[7].startswith("示例区") for r in penalties)        # the party
    # a count is as many records as the figure says
    for key in ("inspection.total", "inspection.category.daily", "staff.certified",
                "inspection.enterprise", "penalty.kind.fine"):
        assert len(sources[key]) == figs[key], key
    # a rate says how it is computed instead
    rate = sources["staff.certified_rate"]
    assert len(rate) == 1 and rate[0][4] == "计算" and "÷" in rate[0][5]


def test_ledger_sheets_have_the_template_columns_and_every_live_record(demo_store, annex_of):
    with demo_store.session() as s:
        victim = s.query(Inspection).filter(Inspection.date >= dt.date(2025, 1, 1)).first()
        delete(s, victim)
        deleted_day, deleted_unit = victim.date, victim.unit.name
    annex, figs = annex_of(demo_store, 2025)
    with demo_store.session() as s:
        for sheet in LEDGER_SHEETS:
            expected = list(ledger_rows(s, 2025, sheet))
            if not expected:                     # a kind with no record has no sheet
                assert sheet.title not in annex.working.sheetnames, sheet.title
                continue
            ws = annex[sheet.title]
            assert ws.parent is annex.working, sheet.title
            rows = list(ws.iter_rows(values_only=True))
            assert list(rows[0]) == [c.header for c in sheet.columns], sheet.title
            assert len(rows) - 1 == len(expected), sheet.title
    inspections = list(annex["行政检查"].iter_rows(min_row=2, values_only=True))
    assert (deleted_day, deleted_unit) not in {(r[0].date(), r[1]) for r in inspections}
    penalties = list(annex["行政处罚"].iter_rows(min_row=2, values_only=True))
    third = next(r for r in penalties if r[0] == "示教罚〔2025〕3号")
    assert (third[7], third[8]) == (30000, 12800)        # 罚款金额, 没收金额 in 元


def test_annex_command_writes_the_file_named_after_bureau_and_year(demo_store, tmp_path, capsys):
    out = tmp_path / "输出"
    code = main(["--db", demo_store.location, "annex", "--year", "2025", "--out", str(out)])
    assert code == 0
    _docx, published, working = report_paths("示例区教育局", 2025, out)
    printed = capsys.readouterr().out
    for target in (published, working):
        assert target.is_file()
        assert str(target) in printed
    assert working.name == "示例区教育局2025年度行政执法台账与数据来源.xlsx"
    assert sorted(p.name for p in out.iterdir()) == sorted([published.name, working.name])


def test_annex_command_refuses_an_empty_year_in_words(demo_store, tmp_path, capsys):
    code = main(["--db", demo_store.location, "annex", "--year", "2019", "--out", str(tmp_path)])
    assert code == 2
    assert "没有2019年" in capsys.readouterr().err
    assert list(tmp_path.glob("*.xlsx")) == []


@pytest.mark.parametrize("bits", [62, 5, 1])
def test_sources_traced_in_one_pass_are_the_rows_figure_sources_gives(demo_store, monkeypatch,
                                                                      bits):
    """The annex reads every figure's records in one query per record kind, the figures'
    flags packed as bits of integers (`bits` a number: 5 and 1 make a kind's 40 figures take
    several); it must list exactly what figure_sources lists, in the same order, and count
    them all, however few rows it is asked for."""
    import core.annex.tracing as tracing
    from core.figures import annual_figures, figure_sources

    monkeypatch.setattr(tracing, "_BITS", bits)
    with demo_store.session() as s:
        figs = annual_figures(s, 2025)
        traced = {limit: tracing.trace_figures(s, figs.figures.values(), limit=limit)
                  for limit in (None, 3, 1, 0)}
        for fig in figs.figures.values():
            if fig.source is None:
                assert fig.key not in traced[None]
                continue
            expected = figure_sources(s, fig)
            for limit, traces in traced.items():
                assert traces[fig.key].rows == expected[:limit], (fig.key, limit)
                assert traces[fig.key].total == len(expected), (fig.key, limit)


def test_a_figure_with_very_many_records_lists_the_first_and_says_how_many_more(
        demo_store, annex_of, monkeypatch):
    """At city scale a figure lists its first records only (the sheet would pass Excel's
    row limit); the line after them says how many more there are and where."""
    import core.annex.sources as sources

    monkeypatch.setattr(sources, "SOURCE_ROWS_PER_FIGURE", 5)
    annex, figs = annex_of(demo_store, 2025)
    rows = _sources(annex, figs)
    total = rows["inspection.total"]
    assert [r[3] for r in total[:5]] == [1, 2, 3, 4, 5]
    assert total[5][4] == "……" and f"另有{figs['inspection.total'] - 5}条行政检查记录" in total[5][5]
    hours = rows["inspection.personnel"]           # a sum: its records are counted for the line
    assert len(hours) == 6 and "另有" in hours[5][5]


def test_the_working_copy_imports_back_as_a_backup_with_the_same_figures(demo_annex, tmp_path):
    """The 台账 sheets of the working copy double as a backup: importing it into an empty
    ledger gives the year's figures back (说明, 数据来源 and 学法学时 are left aside)."""
    from core.figures import annual_figures
    from core.ledger_io.importer import plan_import
    from core.store import open_store

    annex, figs = demo_annex
    fresh = open_store(str(tmp_path / "restored.db"))
    try:
        with fresh.session() as s:
            plan = plan_import(s, annex.working_path)
            assert plan.rejected == 0, plan.problems()[:5]
            plan.commit(s)
        with fresh.session() as s:
            restored = annual_figures(s, 2025)
    finally:
        fresh.close()
    assert "数据来源" in plan.ignored_sheets
    differing = {k: (f.value, restored[k]) for k, f in figs.figures.items()
                 if restored.get(k) != f.value}
    assert differing == {}
