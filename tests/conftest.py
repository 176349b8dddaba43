"""Shared fixtures: a fresh ledger in a temporary folder, and one holding the demo year.

Every test runs with ZHIFA_DATA_DIR in its own tmp folder, so nothing touches the real
user data directory, and Qt tests run offscreen.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.demo import load_demo  # noqa: E402
from core.store import open_store  # noqa: E402

DEMO_YEAR = 2025


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "userdata"
    monkeypatch.setenv("ZHIFA_DATA_DIR", str(data))
    monkeypatch.delenv("ZHIFA_DB", raising=False)
    return data


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "ledger.db"))
    yield s
    s.close()


@pytest.fixture
def session(store):
    with store.session() as s:
        yield s


@pytest.fixture
def demo_store(store):
    with store.session() as s:
        load_demo(s, DEMO_YEAR)
    return store
