"""Which parts of Qt the bundle leaves out, and the filter the hooks in installer/hooks apply.

PyInstaller's PySide6 hooks collect every plugin and every translation of each Qt module the
program imports. The program is a widgets window on Windows (and on Linux for CI), so the
plugins for embedded screens, Wayland, GTK themes, TLS and most image formats are dead weight;
the GTK theme plugin alone drags in GTK, cairo and pango. The hooks drop them before
PyInstaller follows their library dependencies, so those dependencies never come along.
Sizes before/after are in installer/BUDGETS.md.
"""

from __future__ import annotations

import os

# Qt Python modules the program never imports (gui/ uses QtCore, QtGui, QtWidgets and
# QtNetwork's local socket): excluded so an optional import in a library cannot pull them in.
EXCLUDED_MODULES = [
    f"PySide6.{name}" for name in (
        "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtOpenGL", "QtOpenGLWidgets",
        "QtSvg", "QtSvgWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSql", "QtTest",
        "QtXml", "QtConcurrent", "QtDBus", "QtDesigner", "QtHelp", "QtUiTools",
        "QtStateMachine", "QtNetworkAuth", "QtHttpServer", "QtWebSockets", "QtWebChannel",
        "Qt3DCore", "QtCharts", "QtDataVisualization", "QtMultimedia", "QtWebEngineCore",
    )
]

# Plugin folders left out whole.
DROPPED_PLUGIN_TYPES = {
    "generic",                      # evdev/tuio input for embedded devices
    "egldeviceintegrations",        # eglfs full-screen embedded platform
    "wayland-decoration-client", "wayland-graphics-integration-client",
    "wayland-shell-integration",
    "iconengines",                  # SVG icons; the program has none
    "tls", "networkinformation", "networkaccess",   # QtNetwork: a local socket only
}

# Plugin folders of which only these plugins stay (names without lib prefix and extension).
KEPT_PLUGINS = {
    # windows on Windows, xcb on Linux desktops, offscreen for the smoke test and CI
    "platforms": {"qwindows", "qxcb", "qoffscreen", "qminimal", "qcocoa"},
    "imageformats": {"qico"},       # PNG is built into QtGui; .ico for the program icon
    "platformthemes": {"qxdgdesktopportal"},   # not qgtk3: it brings all of GTK along
}

# Windows-only extras PyInstaller's base PySide6 hook adds: OpenGL through ANGLE and the
# software OpenGL renderer. Nothing in a widgets window uses OpenGL.
DROPPED_EXTRA_BINARIES = ("opengl32sw", "libegl", "libglesv2", "d3dcompiler")

# Qt's own translations: only Simplified Chinese.
KEPT_LANGUAGE = "zh_CN"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]     # Windows paths, tested on Linux


def _plugin_name(path: str) -> str:
    stem = os.path.splitext(_basename(path))[0]
    return stem[3:] if stem.startswith("lib") else stem


def _plugin_type(dest_dir: str) -> str | None:
    parts = dest_dir.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return None
    return "/".join(parts[parts.index("plugins") + 1:]) or None


def keep_binary(src: str, dest_dir: str) -> bool:
    kind = _plugin_type(dest_dir)
    if kind is None:
        return True
    if kind in DROPPED_PLUGIN_TYPES:
        return False
    wanted = KEPT_PLUGINS.get(kind)
    return wanted is None or _plugin_name(src) in wanted


def keep_extra_binary(src: str) -> bool:
    return not _basename(src).lower().startswith(DROPPED_EXTRA_BINARIES)


def keep_data(src: str, dest_dir: str) -> bool:
    if not src.endswith(".qm"):
        return True
    return os.path.splitext(_basename(src))[0].endswith("_" + KEPT_LANGUAGE)


def prune(binaries: list, datas: list) -> tuple[list, list]:
    """Filter a hook's (source, destination folder) lists."""
    return ([(s, d) for s, d in binaries if keep_binary(s, d)],
            [(s, d) for s, d in datas if keep_data(s, d)])
