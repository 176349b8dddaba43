"""Draw the program icon (a red seal-like square with 「法」) and write resources/icons/zhifa.ico
and zhifa.png. Run once by hand when the design changes; the results are committed.

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icon.py

Qt draws every size itself (small sizes get a thicker frame, not a scaled-down 256 px image),
Qt's own ICO writer encodes each size, and this script joins them into one .ico: Windows
picks the size it needs for the taskbar, the Start menu and the installer.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZES = [16, 24, 32, 48, 64, 128, 256]
RED = QColor("#b3261e")
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei"]


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = max(1.0, size * 0.04)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    radius = size * 0.16
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(RED)
    p.drawRoundedRect(box, radius, radius)
    # A thin inner frame, like a seal's border; left out where it would only be a blur.
    if size >= 32:
        pen = QPen(QColor("white"))
        pen.setWidthF(max(1.0, size * 0.035))
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        inner = box.adjusted(size * 0.09, size * 0.09, -size * 0.09, -size * 0.09)
        p.drawRoundedRect(inner, radius * 0.6, radius * 0.6)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setBold(True)
    font.setPixelSize(round(size * (0.56 if size >= 32 else 0.78)))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, "法")
    p.end()
    return image


def encode(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise SystemExit(f"Qt cannot write {fmt}")
    return bytes(data)


def ico_entry(image: QImage) -> bytes:
    """The image data of one size: PNG for 256 px (as Windows itself does), the classic
    DIB for the small sizes (taken out of the single-image .ico Qt writes)."""
    if image.width() >= 256:
        return encode(image, "png")
    single = encode(image, "ico")
    _reserved, _kind, count = struct.unpack_from("<HHH", single, 0)
    assert count == 1, count
    size, offset = struct.unpack_from("<II", single, 6 + 8)
    return single[offset:offset + size]


def write_ico(images: list[QImage], target: Path) -> None:
    entries = [ico_entry(img) for img in images]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory = b""
    for img, data in zip(images, entries):
        w = img.width() if img.width() < 256 else 0        # 0 means 256 in an .ico
        directory += struct.pack("<BBBBHHII", w, w, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    target.write_bytes(header + directory + b"".join(entries))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    OUT.mkdir(parents=True, exist_ok=True)
    images = [draw(s) for s in SIZES]
    write_ico(images, OUT / "zhifa.ico")
    (OUT / "zhifa.png").write_bytes(encode(images[-1], "png"))
    print(f"wrote {OUT / 'zhifa.ico'} and {OUT / 'zhifa.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
