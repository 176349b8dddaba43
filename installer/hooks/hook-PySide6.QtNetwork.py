"""Replaces PyInstaller's hook for PySide6.QtNetwork. The program uses QtNetwork only for the
local socket that hands a second start over to the first window, so neither the TLS plugins
nor the OpenSSL libraries PyInstaller's hook adds for them are collected."""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

from qt_prune import prune

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries, datas = prune(binaries, datas)
