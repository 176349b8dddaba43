"""Every window on an ordinary office screen: 1366×768 and 1024×600, each less a 40 px
taskbar. A form taller than the screen scrolls inside itself and its buttons stay in sight;
the main window opens sized to the screen and forgets a geometry that no longer fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QPoint, QRect

from gui import screen
from gui.kinds import KINDS

SCREENS = {"1366×768": QRect(0, 0, 1366, 728), "1024×600": QRect(0, 0, 1024, 560)}


def _within(area: QRect, width: int, height: int) -> bool:
    return (width + screen.FRAME_WIDTH <= area.width()
            and height + screen.FRAME_HEIGHT <= area.height())


@pytest.mark.parametrize("size", list(SCREENS))
def test_every_form_and_its_buttons_fit_the_screen(qtbot, window, monkeypatch, size):
    from gui.forms import open_form

    area = SCREENS[size]
    monkeypatch.setattr(screen, "available", lambda _w=None: area)
    for key in KINDS:
        form = open_form(window.shared, key, None, parent=window)
        qtbot.waitExposed(form)
        assert _within(area, form.width(), form.height()), (key, form.size())
        hint = form.minimumSizeHint()
        assert _within(area, hint.width(), hint.height()), (key, hint)
        for button in (form.save_button, form.save_new_button, form.cancel_button):
            corner = button.mapTo(form, QPoint(button.width(), button.height()))
            assert button.isVisible() and form.rect().contains(corner), (key, button.text())
        form.close()


def test_the_tallest_form_scrolls_rather_than_leaving_the_small_screen(
        qtbot, window, monkeypatch):
    from gui.forms import open_form

    small = SCREENS["1024×600"]
    monkeypatch.setattr(screen, "available", lambda _w=None: small)
    form = open_form(window.shared, "penalty", None, parent=window)
    qtbot.waitExposed(form)
    assert form.height() == small.height() - screen.FRAME_HEIGHT
    monkeypatch.setattr(screen, "available", lambda _w=None: SCREENS["1366×768"])
    roomy = open_form(window.shared, "penalty", None, parent=window)
    assert roomy.height() > form.height()
    form.close()
    roomy.close()


@pytest.mark.parametrize("size", list(SCREENS))
def test_the_main_window_and_every_view_fit_the_screen(window, size):
    from gui.mainwindow import NAVIGATION

    area = SCREENS[size]
    for _label, key in NAVIGATION:
        window.show_view(key)
        hint = window.minimumSizeHint()
        assert _within(area, hint.width(), hint.height()), (key, hint)


def test_the_window_opens_sized_to_the_screen_and_drops_a_geometry_that_does_not_fit(
        qtbot, monkeypatch):
    from gui.mainwindow import MainWindow
    from gui.shared import app_settings

    small = SCREENS["1024×600"]
    monkeypatch.setattr(screen, "available", lambda _w=None: small)
    first = MainWindow()
    qtbot.addWidget(first)
    assert _within(small, first.width(), first.height())
    assert first.width() == small.width() - screen.FRAME_WIDTH      # as wide as it can be

    big = MainWindow()                      # a geometry kept from a 1920×1080 monitor
    qtbot.addWidget(big)
    big.setGeometry(100, 100, 1800, 1000)
    settings = app_settings()
    settings.setValue("window/geometry", big.saveGeometry())
    settings.sync()
    again = MainWindow()
    qtbot.addWidget(again)
    assert _within(small, again.width(), again.height())

    settings.setValue("window/geometry", QByteArray())     # one that fits is kept
    settings.sync()
    monkeypatch.setattr(screen, "available", lambda _w=None: QRect(0, 0, 1920, 1040))
    kept = MainWindow()
    qtbot.addWidget(kept)
    kept.setGeometry(20, 40, 700, 600)      # (inside the offscreen test screen too)
    settings.setValue("window/geometry", kept.saveGeometry())
    settings.sync()
    reopened = MainWindow()
    qtbot.addWidget(reopened)
    assert reopened.size().toTuple() == (700, 600)


def test_reports_and_exports_go_to_the_documents_folder_not_the_data_folder(window):
    from PySide6.QtCore import QStandardPaths

    from core.paths import data_dir

    documents = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation))
    folder = Path(window.show_view("report").folder.text())
    if documents.is_dir():
        assert folder == documents / "教育行政执法台账"
    assert data_dir() not in folder.parents


@pytest.mark.parametrize("size", list(SCREENS))
def test_the_settings_dialogs_and_the_import_plan_fit_the_screen(qtbot, window, monkeypatch,
                                                                 size, tmp_path):
    from core.ledger_io.exporter import export_ledger
    from core.ledger_io.importer import plan_import
    from gui.ledger_menu import ImportDialog

    area = SCREENS[size]
    monkeypatch.setattr(screen, "available", lambda _w=None: area)
    source = tmp_path / "台账.xlsx"
    with window.shared.store.read_session() as s:
        export_ledger(s, 2025, source)
        plan = plan_import(s, source)
        s.rollback()
    for dialog in (window.edit_profile(), window.edit_locations(), ImportDialog(plan, window)):
        dialog.show()
        qtbot.waitExposed(dialog)
        assert _within(area, dialog.width(), dialog.height()), (dialog.windowTitle(), dialog.size())
        hint = dialog.minimumSizeHint()
        assert _within(area, hint.width(), hint.height()), (dialog.windowTitle(), hint)
        dialog.close()


def test_the_columns_fit_the_list_so_no_header_is_cut_by_the_scrollbar(qtbot, window):
    """The inspection list's eleven columns at 1280 px: the widest texts are cut with 「…」
    so that the last column and its header are whole beside the vertical scrollbar (they
    went off to the right, the scrollbar cutting 「全过程记录」 in half). Short columns —
    dates, numbers — are never cut; a column the clerk widens keeps its width."""
    view = window.show_view("inspection")
    qtbot.waitUntil(lambda: view._reading is None)
    table, header = view.table, view.table.horizontalHeader()
    last = view.model.columnCount() - 1
    qtbot.waitUntil(table.verticalScrollBar().isVisible)   # the demo year is over a screen
    qtbot.waitUntil(lambda: header.sectionViewportPosition(last) + header.sectionSize(last)
                    <= table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    widths = [table.columnWidth(c) for c in range(last + 1)]
    cut = [c for c in range(last + 1) if widths[c] < view._content_widths[c]]
    assert cut and all(view._content_widths[c] > 100 for c in cut)     # only the long texts
    date = next(c for c, col in enumerate(view.kind.columns) if col.header == "检查日期")
    assert date not in cut

    table.setColumnWidth(1, 300)                            # the clerk widens 检查对象
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: table.width() < 1000)
    assert table.columnWidth(1) == 300


def test_buttons_side_by_side_have_one_height(qtbot, window):
    """Every page and form: buttons in one row are equally tall (「保存」 and 「保存并确认此段」,
    「新增」 and 「导出Excel」 differed)."""
    from PySide6.QtWidgets import QPushButton

    from gui.forms import open_form
    from gui.mainwindow import NAVIGATION

    def rows_of(widget) -> list:
        buttons = [b for b in widget.findChildren(QPushButton) if b.isVisible()]
        uneven = []
        for a in buttons:
            for b in buttons:
                if a is not b and a.parentWidget() is b.parentWidget():
                    ya, yb = a.mapTo(widget, QPoint(0, 0)).y(), b.mapTo(widget, QPoint(0, 0)).y()
                    side_by_side = ya < yb + b.height() and yb < ya + a.height()
                    if side_by_side and a.height() != b.height():
                        uneven.append((a.text(), a.height(), b.text(), b.height()))
        return uneven

    checked = 0
    for _label, key in NAVIGATION:
        view = window.show_view(key)
        qtbot.waitUntil(lambda: view.isVisible())
        assert rows_of(view) == [], key
        checked += 1
    for key in KINDS:
        form = open_form(window.shared, key, None, parent=window)
        qtbot.waitExposed(form)
        assert rows_of(form) == [], key
        form.close()
        checked += 1
    assert checked == len(NAVIGATION) + len(KINDS)
