"""Message boxes in Chinese, with Chinese buttons (Qt's own are English without a
translator), and the one place a test patches to answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def _box(parent, icon, title, text, buttons):
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    made = {}
    for role_key, (label, role) in buttons.items():
        made[role_key] = box.addButton(label, role)
    return box, made


def ask(parent, title: str, text: str, yes: str = "确定", no: str = "取消",
        safe_default: bool = False) -> bool:
    """True if `yes` was clicked. With `safe_default` Enter answers `no`: where `yes` throws
    something away (unsaved input, the ledger replaced by a backup), a hurried Enter keeps it."""
    box, made = _box(parent, QMessageBox.Icon.Question, title, text, {
        "yes": (yes, QMessageBox.ButtonRole.AcceptRole),
        "no": (no, QMessageBox.ButtonRole.RejectRole)})
    box.setDefaultButton(made["no"] if safe_default else made["yes"])
    box.setEscapeButton(made["no"])
    box.exec()
    return box.clickedButton() is made["yes"]


def choose(parent, title: str, text: str, options: list[str]) -> int:
    """Index of the option clicked; the last option is the cancel/escape one."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    made = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole if i < len(options) - 1
                          else QMessageBox.ButtonRole.RejectRole) for i, o in enumerate(options)]
    box.setDefaultButton(made[0])
    box.setEscapeButton(made[-1])
    box.exec()
    clicked = box.clickedButton()
    return made.index(clicked) if clicked in made else len(options) - 1


def warn(parent, title: str, text: str) -> None:
    box, _ = _box(parent, QMessageBox.Icon.Warning, title, text,
                  {"ok": ("确定", QMessageBox.ButtonRole.AcceptRole)})
    box.exec()


def info(parent, title: str, text: str) -> None:
    box, _ = _box(parent, QMessageBox.Icon.Information, title, text,
                  {"ok": ("确定", QMessageBox.ButtonRole.AcceptRole)})
    box.exec()


def shared_drive_warning(path) -> str:
    """What the clerk is told about a ledger file on a shared (network) drive."""
    return (f"台账数据文件「{path}」位于共享盘（网络驱动器）上。\n\n"
            "数据文件放在共享盘上，网络中断或多人同时打开时可能损坏。建议在「文件 → 数据文件与备份位置」"
            "中把数据文件放到本机硬盘，共享盘只用作备份文件夹。")
