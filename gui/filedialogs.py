"""Choosing a file or folder, in Chinese on every system.

On Windows the system's own dialog is used (in the language of Windows). Elsewhere Qt draws
the dialog, and Qt's Chinese translation lacks some of its labels as they now read (「&Look
in:」, 「Files of &type:」 stayed English although the rest was translated), so they are set
here.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QFileDialog, QFileIconProvider

LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围(&I)：",
    QFileDialog.DialogLabel.FileName: "文件名(&N)：",
    QFileDialog.DialogLabel.FileType: "文件类型(&T)：",
    QFileDialog.DialogLabel.Reject: "取消",
}


class ChineseIconProvider(QFileIconProvider):
    """The 类型 column: 「文件夹」 and 「xlsx 文件」, not Qt's untranslated 「Folder」/「xlsx File」."""

    def type(self, info) -> str:
        if info.isDir():
            return "文件夹"
        suffix = info.suffix()
        return f"{suffix} 文件" if suffix else "文件"


def _native() -> bool:
    return sys.platform == "win32"


def make_dialog(parent, title: str, where: str, filter_: str = "",
                mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile,
                saving: bool = False) -> QFileDialog:
    """The Qt-drawn dialog with every label in Chinese (also what a test looks at)."""
    dialog = QFileDialog(parent, title, where, filter_)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog._icons = ChineseIconProvider()           # kept as long as the dialog
    dialog.setIconProvider(dialog._icons)
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if saving
                         else QFileDialog.AcceptMode.AcceptOpen)
    for label, text in LABELS.items():
        dialog.setLabelText(label, text)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept,
                        "保存(&S)" if saving else ("选择" if mode == QFileDialog.FileMode.Directory
                                                  else "打开(&O)"))
    return dialog


def _run(dialog: QFileDialog) -> str:
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""


def open_file(parent, title: str, where: str, filter_: str) -> str:
    if _native():
        return QFileDialog.getOpenFileName(parent, title, where, filter_)[0]
    return _run(make_dialog(parent, title, where, filter_))


def save_file(parent, title: str, where: str, filter_: str, confirm_overwrite: bool = True) -> str:
    if _native():
        options = QFileDialog.Option(0) if confirm_overwrite \
            else QFileDialog.Option.DontConfirmOverwrite
        return QFileDialog.getSaveFileName(parent, title, where, filter_, options=options)[0]
    dialog = make_dialog(parent, title, where, filter_, QFileDialog.FileMode.AnyFile, saving=True)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    return _run(dialog)


def choose_folder(parent, title: str, where: str) -> str:
    if _native():
        return QFileDialog.getExistingDirectory(parent, title, where)
    return _run(make_dialog(parent, title, where, mode=QFileDialog.FileMode.Directory))
