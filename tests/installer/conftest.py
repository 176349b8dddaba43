"""Loads the installer's helper modules (installer/ is not a package; installer/build has no
.py suffix) for the cheap installer tests."""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def load(name: str, path: Path):
    if str(INSTALLER) not in sys.path:
        sys.path.insert(0, str(INSTALLER))      # installer/build imports project_version
    loader = SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def project_version():
    return load("project_version", INSTALLER / "project_version.py")


@pytest.fixture(scope="session")
def qt_prune():
    return load("qt_prune", INSTALLER / "qt_prune.py")


@pytest.fixture(scope="session")
def build_script():
    return load("installer_build", INSTALLER / "build")


@pytest.fixture(scope="session")
def nsis_script() -> str:
    return (INSTALLER / "zhifa.nsi").read_text("utf-8-sig")
