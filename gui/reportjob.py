"""Generating the year's report off the window's thread.

`generate(store, year, folder)` is the one call the report view, the self-test and the tests
make; it calls core.report.write_report (→ ReportFiles(docx, annex, warnings)) in its own
session. `ReportJob` runs it on Qt's thread pool so the window never freezes.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from core.errors import ZhifaError

log = logging.getLogger(__name__)


class ReportUnavailable(ZhifaError):
    """The report builder is not part of this build."""


def generate(store, year: int, folder: Path, progress=None):
    try:
        from core.report import write_report
    except ImportError as exc:
        raise ReportUnavailable("本版本尚未包含年度报告生成功能，请安装完整版本。") from exc
    params = inspect.signature(write_report).parameters
    extra = {}
    if progress is not None and "progress" in params:
        extra["progress"] = progress
    Path(folder).mkdir(parents=True, exist_ok=True)
    first = next(iter(params), "session")
    if first == "store":
        return write_report(store, year, Path(folder), **extra)
    with store.session() as session:
        return write_report(session, year, Path(folder), **extra)


class JobSignals(QObject):
    progress = Signal(str)
    finished = Signal(object)          # ReportFiles
    failed = Signal(str, str)          # message for the clerk, details ("" for a known error)


class ReportJob(QRunnable):
    def __init__(self, store, year: int, folder: Path):
        super().__init__()
        self.store, self.year, self.folder = store, year, Path(folder)
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            files = generate(self.store, self.year, self.folder,
                             progress=lambda text: self.signals.progress.emit(str(text)))
        except ZhifaError as exc:
            self.signals.failed.emit(str(exc), "")
        except Exception as exc:  # a bug: the clerk gets a dialog, the log gets the details
            log.exception("report generation failed")
            self.signals.failed.emit(f"生成报告时程序出错：{exc}", traceback.format_exc())
        else:
            self.signals.finished.emit(files)
