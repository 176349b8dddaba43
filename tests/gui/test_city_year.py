"""A city's year of 100,000 records through the window: it opens at once, the lists fetch
only the rows on screen, the overview counts in the background, a new inspection is saved
and found."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.listing import FIRST_SCREEN, list_ids
from gui.tablemodel import PAGE

pytestmark = pytest.mark.slow


@pytest.fixture
def city_window(qtbot, store, answers):
    from bench.generate import fill
    from gui.app import build_window

    fill(store, 100_000, 2025, check_every=0)
    win, _shared = build_window(store, 2025)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.on_close = None
    win.close()


def test_a_city_year_stays_quick(qtbot, city_window, store):
    from core.figures import annual_figures

    overview = city_window.views["overview"]
    qtbot.waitUntil(lambda: overview.figures is not None, timeout=60000)
    with store.read_session() as s:
        total = annual_figures(s, 2025)["inspection.total"]
    assert overview.cards[0].value.text() == f"{total}次"      # as the report writes it
    assert overview.flags.topLevelItemCount() >= 1

    view = city_window.show_view("inspection")
    assert view.model.rowCount() == FIRST_SCREEN     # a screenful at once, the rest after
    assert view.count_label.text() == "正在读取…"
    qtbot.waitUntil(lambda: view.model.rowCount() > 80_000)
    rows = view.model.rowCount()
    assert view.count_label.text() == f"共 {rows:,} 条"
    with store.read_session() as s:
        assert view.model.ids == list_ids(s, view.list_query())
    assert len(view.model._pages) <= 2               # only what is on screen was read
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: (rows - 1) // PAGE in view.model._pages)
    assert len(view.model._pages) <= 4
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)     # by unit name
    names = [view.model.row_values(r)[1] for r in range(50)]
    assert names == sorted(names)

    form = view.new_record()
    form.widgets["date"].setText("2025-12-31")
    form.widgets["unit_id"].setText(view.model.row_values(0)[1])
    form.widgets["inspectors"].setText("、".join(view.model.row_values(0)[5].split("、")[:2]))
    form.widgets["items"].setText("年末安全检查")
    for attr, value in (("category", "日常检查"), ("method", "其他"), ("result", "合格")):
        form.widgets[attr].setCurrentText(value)
    assert form.save()
    view.search.setText("年末安全检查")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.row_values(0)[0] == "2025-12-31"
