"""The one path for every change the clerk makes to the ledger (as Anki's CollectionOp).

An `Operation` runs a function on a writing session, commits it, keeps the undo history
true to what was committed, tells every pane once which record kinds changed
(`Shared.records_changed`, a frozenset of model class names), puts a message in the status
bar, and shows a refusal in words (a ZhifaError, under the form's field or in a box) or a
bug with its details (gui.crash). No other module in gui/ opens a writing session.

There is one writer: a long operation (an import) runs on the writer thread, and a change
asked for meanwhile is refused in words rather than left to fail on SQLite's busy timeout
after the clerk has waited for it.

Several clerks on one ledger (issue 22): a change refused because another clerk changed
the record since it was opened (core.errors.RecordChangedError: who, and when) is shown in
a box offering 「重新载入」, which shows the record as it now is (the form's
`reload_record`, or the lists reading again); the other clerk's change is never written over.

    Operation(shared, form, lambda s: shared.history.save(s, record),
              touches={"Inspection"}, status="已保存行政检查。").on_success(close).run()
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from sqlalchemy.orm import Session

from core.errors import RecordChangedError, ZhifaError
from core.models import Base

log = logging.getLogger(__name__)

# Every record kind: what an import, a restore or the demo year touches.
EVERYTHING: frozenset[str] = frozenset(m.class_.__name__ for m in Base.registry.mappers)

BUSY = "正在{what}，请等它完成后再保存（已填写的内容仍在窗口中）。"
READ_ONLY = ("这本台账对您只读（服务器上的「只读」角色，或台账在只读的位置）：可以查看、统计、导出和"
             "生成报告，不能修改。台账未改动。")

Touches = Iterable[str] | Callable[[Any], Iterable[str]]


def models_of(*models: type | str) -> frozenset[str]:
    return frozenset(m if isinstance(m, str) else m.__name__ for m in models)


class Writer(QObject):
    """The ledger's one writer: at most one operation at a time, and a long one off the
    window's thread."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.busy_with: str | None = None          # what the background operation is doing
        self.running: Operation | None = None

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)        # the exception, the traceback ("" for a ZhifaError)
    progress = Signal(str)


class _Job(QRunnable):
    def __init__(self, operation: "Operation", signals: _Signals):
        super().__init__()
        self.operation, self.signals = operation, signals

    def _emit(self, name: str, *args) -> None:
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError:        # the window was closed meanwhile: nobody to tell
            log.info("operation finished after its window was closed")

    def run(self) -> None:
        try:
            result = self.operation._transaction(lambda text: self._emit("progress", str(text)))
        except ZhifaError as exc:
            log.warning("operation refused: %s", exc)
            self._emit("failed", exc, "")
        except Exception as exc:  # a bug: shown with copyable details, and logged
            log.exception("operation failed")
            self._emit("failed", exc, traceback.format_exc())
        else:
            self._emit("done", result)


class Operation:
    """One change: `fn(session)` (or `fn(session, progress)` in the background) in one
    transaction.

    touches: the model class names the change can alter, or a function of fn's result
    giving them (undo knows its record only once it has run).
    status: the status bar's message afterwards, or a function of the result.
    failure_title: the box's title when the change is refused (unless `on_failure` is
    given, which then shows the refusal itself, e.g. under a form's field).
    resets_history: the change replaces what undo steps refer to (an import).
    first: runs on the writer before the transaction opens (the import's backup); what
    it returns is handed to fn as `fn(session, progress, first_result)`.
    """

    def __init__(self, shared, parent, fn: Callable, *, touches: Touches,
                 status: str | Callable[[Any], str] | None = None,
                 failure_title: str = "无法保存", resets_history: bool = False,
                 what: str = "写入台账", first: Callable[[], Any] | None = None):
        self.shared, self.parent, self.fn, self.first = shared, parent, fn, first
        self.touches, self.status = touches, status
        self.failure_title, self.resets_history, self.what = failure_title, resets_history, what
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[ZhifaError], None] | None = None
        self._mark = None
        self._progress: Callable[[str], None] | None = None

    def on_success(self, callback: Callable[[Any], None]) -> "Operation":
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[ZhifaError], None]) -> "Operation":
        self._failure = callback
        return self

    # --- running ---------------------------------------------------------------------
    def run(self) -> bool:
        """Run now, on the window's thread (a form's save: the clerk waits for the answer).
        True when committed."""
        if not self._may_start():
            return False
        self._mark = self.shared.history.checkpoint()
        try:
            result = self._transaction(None)
        except ZhifaError as exc:
            self.shared.history.rollback_to(self._mark)
            self._refused(exc)
            return False
        except Exception as exc:  # a bug: details for the clerk to copy, and the log
            log.exception("operation failed")
            self.shared.history.rollback_to(self._mark)
            self._bug(exc, traceback.format_exc())
            return False
        self._committed(result)
        return True

    def run_in_background(self, progress: Callable[[str], None] | None = None) -> bool:
        """Run on the writer thread (an import of thousands of rows). False, after saying
        why, if another background change is still running."""
        writer = self.shared.writer
        if not self._may_start():
            return False
        writer.busy_with = self.what
        self._mark = self.shared.history.checkpoint()
        self._progress = progress
        signals = _Signals(self.parent if isinstance(self.parent, QObject) else writer)
        # Held by the writer while it runs: Qt keeps no reference to a plain Python object
        # whose method is a slot, and a collected one would be called all the same.
        writer.running = self
        signals.done.connect(lambda result: self._background_done(result))
        signals.failed.connect(lambda exc, details: self._background_failed(exc, details))
        if progress is not None:
            signals.progress.connect(progress)
        signals.done.connect(signals.deleteLater)
        signals.failed.connect(signals.deleteLater)
        writer.pool.start(_Job(self, signals))
        return True

    def _may_start(self) -> bool:
        """False, after saying why, when no change may start now: the user may not write
        (a 只读 login, read-only media), or a background change is still running."""
        if not self.shared.writable:
            self._refused(ZhifaError(READ_ONLY))
            return False
        if self.shared.writer.busy_with is not None:
            self._refused(ZhifaError(BUSY.format(what=self.shared.writer.busy_with)))
            return False
        return True

    def _transaction(self, progress):
        extra = () if self.first is None else (self.first(),)
        with self.shared.store.session() as session:
            return self.fn(session, *extra) if progress is None else \
                self.fn(session, progress, *extra)

    def _background_done(self, result) -> None:
        self.shared.writer.busy_with = self.shared.writer.running = None
        self._committed(result)

    def _background_failed(self, exc, details: str) -> None:
        self.shared.writer.busy_with = self.shared.writer.running = None
        self.shared.history.rollback_to(self._mark)
        self.shared.status.emit("")         # its progress (「正在导入…」) is over
        if details:
            self._bug(exc, details)
        else:
            self._refused(exc)

    # --- telling ---------------------------------------------------------------------
    def _committed(self, result) -> None:
        if self.resets_history:
            self.shared.history.clear()
        touched = self.touches(result) if callable(self.touches) else self.touches
        self.shared.records_changed.emit(frozenset(touched))
        status = self.status(result) if callable(self.status) else self.status
        if status:
            self.shared.status.emit(status)
        if self._success is not None:
            self._success(result)

    def _refused(self, exc: ZhifaError) -> None:
        if isinstance(exc, RecordChangedError):
            self._changed_meanwhile(exc)
            return
        if self._failure is not None:
            self._failure(exc)
        else:
            from gui import messages
            messages.warn(self.parent, self.failure_title, str(exc))

    def _changed_meanwhile(self, exc: RecordChangedError) -> None:
        """Another clerk's change came first: say whose, and offer to show it."""
        from gui import messages
        reload = getattr(self.parent, "reload_record", None)
        if messages.ask(self.parent, "记录已被他人修改", str(exc), yes="重新载入", no="取消"):
            if callable(reload):
                reload()
            touched = EVERYTHING if callable(self.touches) else frozenset(self.touches)
            self.shared.records_changed.emit(touched)     # lists show the record as it is now

    def _bug(self, exc: Exception, details: str) -> None:
        from gui.crash import show_bug
        show_bug(self.parent, f"程序出错：{exc}", details)


def run_operation(shared, parent, fn: Callable[[Session], Any], **kw) -> bool:
    """`Operation(...).run()` for a change with nothing to do afterwards."""
    return Operation(shared, parent, fn, **kw).run()
