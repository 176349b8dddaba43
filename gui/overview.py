"""概览: the year's key figures as the report will print them, the change on last year, the
monthly chart and the open compliance flags (double-click opens the record)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from core.compliance import check_year
from core.figures import annual_figures
from gui.chart import MonthlyBarChart
from gui.kinds import BY_MODEL_NAME

# The figures a clerk looks at first; all of them come from core.figures.
KEY_FIGURES = (
    "inspection.total", "inspection.enterprise", "inspection.personnel", "inspection.problems",
    "penalty.total", "penalty.amount", "license.accepted", "staff.certified",
    "staff.certified_rate", "training.avg_hours",
)


def format_value(value, unit: str) -> str:
    if isinstance(value, Decimal):
        text = f"{value:,.2f}"
    elif isinstance(value, float):
        text = f"{value:,.1f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text}{unit}" if unit != "%" else f"{text}%"


def change_text(fig) -> str:
    pct = fig.change_pct
    if fig.previous is None:
        return "上年无数据"
    if pct is None:
        return f"上年 {format_value(fig.previous, fig.unit)}"
    if pct > 0:
        return f"较上年增长 {pct:.1f}%"
    if pct < 0:
        return f"较上年减少 {-pct:.1f}%"
    return "与上年持平"


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
    def __init__(self, shared, parent=None):
        super().__init__(parent)
        self.shared = shared
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.cards = [FigureCard() for _ in KEY_FIGURES]
        grid = QGridLayout()
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // 5, i % 5)
        self.chart = MonthlyBarChart()
        self.penalty_chart_button = QPushButton("看行政处罚")
        self.penalty_chart_button.setCheckable(True)
        self.penalty_chart_button.toggled.connect(lambda _on: self._draw_chart())
        self.flags_title = QLabel()
        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.itemDoubleClicked.connect(self._open_flag)

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
        lower.addLayout(chart_box, 3)
        lower.addLayout(flag_box, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addLayout(lower, 1)
        shared.year_changed.connect(lambda _y: self.refresh())
        shared.records_changed.connect(lambda _m: self.refresh())
        self.figures = None
        self.flag_list = []
        self.refresh()

    def refresh(self) -> None:
        year = self.shared.year
        with self.shared.store.read_session() as s:
            self.figures = annual_figures(s, year)
            self.flag_list = check_year(s, year)
        self.title.setText(f"{year}年度概览（与年度报告所用数字一致）")
        for card, key in zip(self.cards, KEY_FIGURES):
            if key in self.figures:
                card.show_figure(self.figures.figure(key))
        self._draw_chart()
        self.flags.clear()
        self.flags_title.setText(f"待处理的合规提示：{len(self.flag_list)} 条（双击打开记录）"
                                 if self.flag_list else "合规检查：未发现问题")
        for flag in self.flag_list:
            item = QListWidgetItem(str(flag))
            item.setData(Qt.ItemDataRole.UserRole, (flag.record_kind, flag.record_id))
            self.flags.addItem(item)

    def _draw_chart(self) -> None:
        prefix, title = (("penalty.month", "行政处罚（件）") if self.penalty_chart_button.isChecked()
                         else ("inspection.month", "行政检查（次）"))
        figs = [self.figures.figure(f"{prefix}.{m:02d}") for m in range(1, 13)
                if f"{prefix}.{m:02d}" in self.figures]
        if len(figs) != 12:
            return
        previous = [f.previous for f in figs] if self.figures.has_previous else None
        year = self.shared.year
        self.chart.set_data(title, [f.value for f in figs], previous,
                            (f"{year}年", f"{year - 1}年"))

    def _open_flag(self, item) -> None:
        kind, record_id = item.data(Qt.ItemDataRole.UserRole)
        self.open_flag(kind, record_id)

    def open_flag(self, kind: str, record_id):
        if kind == "NarrativeText":
            self.shared.open_record.emit(kind, record_id or 0)
            return None
        key = BY_MODEL_NAME.get(kind)
        if key is None or record_id is None:
            return None
        from gui.forms import open_form
        return open_form(self.shared, key, record_id, parent=self)
