"""Replaces PyInstaller's base hook for PySide6: the same, minus the Windows OpenGL software
renderer (opengl32sw.dll, ~20 MB) and ANGLE. A widgets window draws with Qt's raster engine
and never opens an OpenGL context (installer/qt_prune.py)."""

from PyInstaller.utils.hooks import check_requirement
from PyInstaller.utils.hooks.qt import ensure_single_qt_bindings_package, pyside6_library_info

from qt_prune import keep_extra_binary

ensure_single_qt_bindings_package("PySide6")

if pyside6_library_info.version is not None:
    hiddenimports = ["shiboken6", "inspect"]
    if check_requirement("PySide6 >= 6.4.0"):   # | and & on Qt key enums
        hiddenimports += ["PySide6.support.deprecated"]
    binaries = [(src, dest) for src, dest in pyside6_library_info.collect_extra_binaries()
                if keep_extra_binary(src)]
