"""core/ is the program without a window: it must never import Qt."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def test_core_imports_nothing_from_pyside6():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "gui")]
    assert offenders == []
