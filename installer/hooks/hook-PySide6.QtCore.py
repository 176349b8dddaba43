"""Replaces PyInstaller's hook for PySide6.QtCore: the same collection, minus the Qt plugins and
translations the program does not use (installer/qt_prune.py says which and why)."""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

from qt_prune import prune

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries, datas = prune(binaries, datas)
