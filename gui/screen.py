"""Windows sized to the screen they open on: an office PC is 1366×768 more often than not,
and a netbook or a projector 1024×600. Nothing may open with its buttons below the edge.

`available(widget)` is the part of the screen not taken by the taskbar; `fit` sizes a window
to what it would like, within that area less the window manager's frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

# The title bar and borders the window manager adds around a window (Windows 10/11 at 100 %:
# 31 px title, 8 px borders); the window's own size must leave room for them.
FRAME_WIDTH, FRAME_HEIGHT = 16, 40

# The smallest screen the program is made for (issue 20), less a 40 px taskbar.
SMALLEST = QRect(0, 0, 1024, 600 - 40)


def available(widget=None) -> QRect:
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else SMALLEST


def largest(area: QRect) -> tuple[int, int]:
    """The largest window size (without its frame) that fits in `area`."""
    return max(1, area.width() - FRAME_WIDTH), max(1, area.height() - FRAME_HEIGHT)


def fit(widget, width: int, height: int, area: QRect | None = None) -> None:
    """Resize to width×height, or less where the screen is smaller."""
    area = available(widget) if area is None else area
    most_w, most_h = largest(area)
    widget.resize(min(width, most_w), min(height, most_h))


def fits(geometry: QRect, area: QRect) -> bool:
    """Whether a remembered window geometry (its frame included) is wholly on `area`."""
    return area.contains(geometry.topLeft()) and area.contains(geometry.bottomRight())
