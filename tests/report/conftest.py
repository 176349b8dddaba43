"""Helpers for reading a generated report back the way a checker (or the clerk) would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from core.report import write_report

TODAY = dt.date(2026, 1, 10)


def body_texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


@pytest.fixture
def make_report(tmp_path):
    """Generate the report of `year` from a store into tmp_path/out; returns (files, texts)."""
    def make(store, year, **kwargs):
        with store.session() as s:
            files = write_report(s, year, tmp_path / "out", today=TODAY, **kwargs)
        return files, body_texts(files.docx)
    return make
