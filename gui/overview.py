"""概览: the year's key figures as the report will print them, the change on last year, the
monthly chart and the open compliance flags (a click opens the record).

Counting and checking a city year takes seconds, so both run on the thread pool and the
view fills in when they are done; a hidden overview only notes that it is out of date.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from core.compliance import check_year
from core.figure_format import figure_change, figure_text
from core.figures import annual_figures
from gui.background import run_task
from gui.chart import MonthlyBarChart
from gui.flaglist import FlagTree, open_flag

# The figures a clerk looks at first; all of them come from core.figures.
KEY_FIGURES = (
    "inspection.total", "inspection.enterprise", "inspection.personnel", "inspection.problems",
    "penalty.total", "penalty.amount", "license.accepted", "staff.certified",
    "staff.certified_rate", "training.avg_hours",
)


def format_value(value, unit: str) -> str:
    """The figure as the report and the annex print it (core.figure_format): the title says
    these are the report's numbers, so they are written the report's way."""
    return figure_text(value, unit)


def change_text(fig) -> str:
    """The change on last year in the report's words (core.figure_format.figure_change):
    「较上年增加 2件」 for a small count, 「较上年增长 28.6%」 otherwise."""
    if fig.previous is None:
        return "上年无数据"
    change = figure_change(fig)
    if change is None:
        return f"上年 {format_value(fig.previous, fig.unit)}"
    if change.direction == "same":
        return "与上年持平"
    if change.by_count:
        return f"较上年{'增加' if change.direction == 'up' else '减少'} {change.amount}{fig.unit}"
    return f"较上年{'增长' if change.direction == 'up' else '减少'} {change.amount}%"


class FigureCard(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.value = QLabel()
        self.value.setObjectName("figureValue")
        self.change = QLabel()
        self.change.setObjectName("figureChange")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        for w in (self.label, self.value, self.change):
            layout.addWidget(w)

    def show_figure(self, fig) -> None:
        self.label.setText(fig.label)
        self.value.setText(format_value(fig.value, fig.unit))
        self.change.setText(change_text(fig))
        tip = fig.note or ""
        self.setToolTip(tip)


class OverviewView(QWidget):
    refreshed = Signal()

    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.busy = QLabel("正在统计…")
        self.busy.setObjectName("hint")
        self.cards = [FigureCard() for _ in KEY_FIGURES]
        grid = QGridLayout()
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // 5, i % 5)
        self.chart = MonthlyBarChart()
        self.penalty_chart_button = QPushButton("看行政处罚")
        self.penalty_chart_button.setCheckable(True)
        self.penalty_chart_button.toggled.connect(self._chart_toggled)
        self.flags_title = QLabel()
        self.flags = FlagTree()
        self.flags.flag_clicked.connect(self.open_flag)

        chart_box = QVBoxLayout()
        chart_head = QHBoxLayout()
        chart_head.addWidget(QLabel("按月统计"))
        chart_head.addStretch(1)
        chart_head.addWidget(self.penalty_chart_button)
        chart_box.addLayout(chart_head)
        chart_box.addWidget(self.chart, 1)
        flag_box = QVBoxLayout()
        flag_box.addWidget(self.flags_title)
        flag_box.addWidget(self.flags, 1)
        lower = QHBoxLayout()
        lower.addLayout(chart_box, 5)
        lower.addLayout(flag_box, 4)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.busy)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(grid)
        layout.addLayout(lower, 1)

        self.figures = None
        self.flag_list: list = []
        self._generation = 0
        self._stale = True
        shared.year_changed.connect(lambda _y: self.refresh())
        shared.records_changed.connect(lambda _m: self.refresh())

    # --- refreshing --------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Count again in the background; a hidden overview waits until it is shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._generation += 1
        generation, store, year = self._generation, self.shared.store, self.shared.year
        self.busy.setText("正在统计…")
        self.busy.show()
        self.title.setText(f"{year}年度概览（与年度报告所用数字一致）")

        def count(_progress):
            with store.reading() as s:
                return annual_figures(s, year), check_year(s, year)

        def start() -> None:
            if generation == self._generation:      # not overtaken by a newer refresh
                run_task(count, self, lambda result: self._show_results(generation, *result),
                         lambda message, details: self._show_failure(generation, message,
                                                                     details))

        # After the page (and its 「正在统计…」) is painted: a count started first shares the
        # interpreter with the paint and delays the page the clerk opened (issue 20: start).
        QTimer.singleShot(0, self, start)

    def _show_results(self, generation: int, figures, flags) -> None:
        if generation != self._generation:      # an older count finished late
            return
        self.busy.hide()
        self.figures, self.flag_list = figures, flags
        for card, key in zip(self.cards, KEY_FIGURES):
            if key in figures:
                card.show_figure(figures.figure(key))
        self._draw_chart()
        self.flags_title.setText(f"待处理的合规提示：{len(flags):,} 条（点击打开记录）"
                                 if flags else "合规检查：未发现问题")
        self.flags.set_flags(flags)
        self.refreshed.emit()

    def _show_failure(self, generation: int, message: str, details: str) -> None:
        if generation == self._generation:
            self.busy.setText(f"统计出错：{message}")
            if details:
                from gui.crash import show_bug
                show_bug(self, message, details)

    def _chart_toggled(self, _on: bool) -> None:
        self.penalty_chart_button.setText("看行政检查" if _on else "看行政处罚")
        self._draw_chart()

    def _draw_chart(self) -> None:
        if self.figures is None:
            return
        prefix, title = (("penalty.month", "行政处罚（件）") if self.penalty_chart_button.isChecked()
                         else ("inspection.month", "行政检查（次）"))
        figs = [self.figures.figure(f"{prefix}.{m:02d}") for m in range(1, 13)
                if f"{prefix}.{m:02d}" in self.figures]
        if len(figs) != 12:
            return
        previous = [f.previous for f in figs] if self.figures.has_previous else None
        year = self.figures.year
        self.chart.set_data(title, [f.value for f in figs], previous,
                            (f"{year}年", f"{year - 1}年"))

    def open_flag(self, flag):
        return open_flag(self.shared, flag, parent=self)
