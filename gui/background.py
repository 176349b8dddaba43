"""Work off the window's thread (as Anki's background operations): counting a city year or
writing the report takes seconds, and the window must never freeze meanwhile.

`run_task(fn, owner, on_done, on_failed, on_progress)` calls `fn(progress)` on Qt's thread
pool (reading through `Store.reading`); the callbacks run on the window's thread. A
ZhifaError is something the clerk can act on and arrives as its message alone; any other
exception is a bug and arrives with its traceback (and is logged).
"""

from __future__ import annotations

import logging
import traceback
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import ZhifaError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    progress = Signal(str)
    done = Signal(object)
    failed = Signal(str, str)          # message for the clerk, details ("" for a known error)


class Task(QRunnable):
    def __init__(self, fn: Callable, signals: TaskSignals):
        super().__init__()
        self.fn, self.signals = fn, signals

    def _emit(self, signal: str, *args) -> None:
        try:
            getattr(self.signals, signal).emit(*args)
        except RuntimeError:        # the view that asked was closed meanwhile: nobody to tell
            log.info("background task finished after its view was closed")

    def run(self) -> None:
        try:
            result = self.fn(lambda text: self._emit("progress", str(text)))
        except ZhifaError as exc:
            log.warning("task refused: %s", exc)
            self._emit("failed", str(exc), "")
        except Exception as exc:  # a bug: shown with copyable details, and logged
            log.exception("background task failed")
            self._emit("failed", f"程序出错：{exc}", traceback.format_exc())
        else:
            self._emit("done", result)


# How long replacing the ledger waits for the counts still reading the old one: a city
# year's figures take a few seconds; a restore must not be refused because one is running.
READERS_WAIT_MS = 60_000


def wait_for_readers() -> bool:
    """Block until every background read has finished (before the ledger file is replaced:
    a read still open keeps the file busy). False if one was still running at the limit."""
    return QThreadPool.globalInstance().waitForDone(READERS_WAIT_MS)


def run_task(fn: Callable, owner: QObject, on_done: Callable,
             on_failed: Callable[[str, str], None],
             on_progress: Callable[[str], None] | None = None) -> TaskSignals:
    # The signals object lives on the window's thread, parented to the view that asked, so
    # its slots run there and it outlives the runnable.
    signals = TaskSignals(owner)
    signals.done.connect(on_done)
    signals.failed.connect(on_failed)
    if on_progress is not None:
        signals.progress.connect(on_progress)
    signals.done.connect(signals.deleteLater)
    signals.failed.connect(signals.deleteLater)
    QThreadPool.globalInstance().start(Task(fn, signals))
    return signals
