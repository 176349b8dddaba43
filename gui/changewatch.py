"""Other clerks' changes reach this window's lists and overview (issue 22).

How: a cheap change stamp (core.audit.change_stamp: the newest 操作日志 id, one lookup at
the end of its primary key) read when the window is activated (the clerk comes back to it:
the moment they would look) and every CHECK_SECONDS while it is the active window. Both,
because focus alone misses a change made while the clerk keeps working in this window
(the overview left on screen), and polling alone would keep a dozen idle windows asking the
server all day; one lookup every 10 s from the active window costs the server nothing and
the clerk nothing (~1 ms on a server, microseconds on a file). When the stamp moved, the
kinds that changed are read from the log's new rows and announced like a local change
(Shared.records_changed), so only the panes showing them read again. The window's own
changes are announced by gui.operations already: the stamp is then only taken up, not
announced twice. Nothing here writes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer
from sqlalchemy import select

from core.audit import change_stamp
from core.models import AuditLog

log = logging.getLogger(__name__)

CHECK_SECONDS = 10


class ChangeWatcher(QObject):
    def __init__(self, shared, window):
        super().__init__(window)
        self.shared, self.window = shared, window
        self.stamp = self._read_stamp()
        self._announcing = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_SECONDS * 1000)
        self.timer.timeout.connect(self.check)
        shared.records_changed.connect(self._own_change)
        shared.store_replaced.connect(lambda _store: self._own_change(frozenset()))
        window.installEventFilter(self)
        if window.isActiveWindow():
            self.timer.start()

    def _read_stamp(self) -> int:
        try:
            with self.shared.store.read_session() as s:
                return change_stamp(s)
        except Exception:        # the ledger is being replaced, or the server is away
            log.info("change stamp not read", exc_info=True)
            return getattr(self, "stamp", 0)

    def _own_change(self, _models) -> None:
        if not self._announcing:
            self.stamp = self._read_stamp()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window:
            if event.type() == QEvent.Type.WindowActivate:
                self.check()
                self.timer.start()
            elif event.type() == QEvent.Type.WindowDeactivate:
                self.timer.stop()
        return False

    def check(self) -> frozenset[str]:
        """Announce the record kinds others changed since the last look; returns them."""
        if self.shared.writer.busy_with is not None:
            return frozenset()           # an import of ours is writing: it announces itself
        try:
            with self.shared.store.read_session() as s:
                now = change_stamp(s)
                if now <= self.stamp:
                    return frozenset()
                names = set(s.scalars(select(AuditLog.model).where(AuditLog.id > self.stamp)
                                      .distinct()))
        except Exception:
            log.info("change stamp not read", exc_info=True)
            return frozenset()
        self.stamp = now
        if "" in names:                  # an import: anything may have changed
            from gui.operations import EVERYTHING
            changed = EVERYTHING
        else:
            changed = frozenset(names)
        self._announcing = True
        try:
            self.shared.records_changed.emit(changed)
        finally:
            self._announcing = False
        return changed
