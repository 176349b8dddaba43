"""A 专项行动 that crosses New Year (15 November 2024 → 10 February 2025) is in 2025 wherever
the clerk looks: the figures count it there, the year selector offers 2025 for it and not
2024, the 2025 list shows it and the 2024 list does not, and the 2025 export writes it.
One rule decides (core.years.year_of); before, each of these had its own answer."""

from __future__ import annotations

import datetime as dt

from core.figures import annual_figures
from core.ledger_io.exporter import export_ledger
from core.models import Campaign
from core.records import save
from tests.workbooks import sheet_rows

NAME = "校外培训机构寒假专项治理"


def test_a_campaign_across_new_year_is_counted_listed_and_exported_in_its_end_year(
        qtbot, store, tmp_path, answers):
    from gui.app import build_window

    with store.session() as s:
        save(s, Campaign(name=NAME, start_date=dt.date(2024, 11, 15),
                         end_date=dt.date(2025, 2, 10), personnel=40, institutions_checked=12))
    with store.read_session() as s:
        figures = {y: annual_figures(s, y) for y in (2024, 2025)}
        exported = {}
        for y in (2024, 2025):
            _path, counts = export_ledger(s, y, tmp_path / f"台账{y}.xlsx")
            exported[y] = counts["专项行动"]
        names = [r[0] for r in sheet_rows(tmp_path / "台账2025.xlsx", "专项行动")
                 if r and r[0] == NAME]
    assert figures[2025]["campaign.total"] == 1 and figures[2025]["campaign.personnel"] == 40
    assert figures[2024]["campaign.total"] == 0 and figures[2024]["campaign.personnel"] == 0
    assert exported == {2024: 0, 2025: 1} and names == [NAME]

    win, shared = build_window(store, 2025)
    qtbot.addWidget(win)
    win.show()
    years = [win.year_box.itemData(i) for i in range(win.year_box.count())]
    assert 2025 in years and 2024 not in years
    view = win.show_view("campaign")
    assert view.model.rowCount() == 1 and NAME in view.model.row_values(0)
    win.year_box.addItem("2024年", 2024)             # the clerk looks at last year anyway
    win.year_box.setCurrentIndex(win.year_box.findData(2024))
    qtbot.waitUntil(lambda: shared.year == 2024)
    assert win.show_view("campaign").model.rowCount() == 0
    win.on_close = None
    win.close()
