"""A monthly bar chart drawn with QPainter (PySide6-Essentials has no QtCharts):
this year's bars beside last year's, values over the bars."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

THIS_YEAR = QColor("#2f6fb0")
LAST_YEAR = QColor("#b8c7d9")


class MonthlyBarChart(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = ""
        self.values: list[float] = [0] * 12
        self.previous: list[float] | None = None
        self.legend = ("本年", "上年")
        self.setMinimumHeight(140)      # the overview fits a 1024×600 screen
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(560, 260)

    def set_data(self, title: str, values, previous=None, legend=("本年", "上年")) -> None:
        self.title = title
        self.values = [float(v or 0) for v in values]
        self.previous = [float(v or 0) for v in previous] if previous else None
        self.legend = legend
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        w, h = self.width(), self.height()
        top, bottom, left, right = fm.height() * 2 + 8, fm.height() + 10, 12, 12
        p.setPen(self.palette().text().color())
        p.drawText(QRectF(left, 4, w - left - right, fm.height() + 4),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        # legend, top right
        x = w - right
        for text, color in reversed(list(zip(self.legend, (THIS_YEAR, LAST_YEAR)))):
            if color is LAST_YEAR and not self.previous:
                continue
            tw = fm.horizontalAdvance(text)
            x -= tw
            p.drawText(int(x), 4 + fm.ascent(), text)
            x -= 16
            p.fillRect(QRectF(x, 6, 12, fm.ascent() - 4), color)
            x -= 12
        peak = max(self.values + (self.previous or []) + [1])
        plot_h = h - top - bottom
        slot = (w - left - right) / 12
        bar = slot * (0.36 if self.previous else 0.6)
        p.setPen(QPen(QColor("#999999")))
        p.drawLine(left, h - bottom, w - right, h - bottom)
        for i in range(12):
            x0 = left + i * slot + (slot - bar * (2 if self.previous else 1)) / 2
            series = [(self.values[i], THIS_YEAR)]
            if self.previous:
                series.append((self.previous[i], LAST_YEAR))
            for j, (v, color) in enumerate(series):
                bh = plot_h * v / peak
                rect = QRectF(x0 + j * bar, h - bottom - bh, bar - 2, bh)
                p.fillRect(rect, color)
                if color is THIS_YEAR and v:
                    p.setPen(self.palette().text().color())
                    label = f"{v:g}"
                    p.drawText(QRectF(rect.x() - 10, rect.y() - fm.height() - 2,
                                      rect.width() + 20, fm.height()),
                               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                               label)
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(left + i * slot, h - bottom + 2, slot, fm.height() + 4),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{i + 1}月")
        p.end()
