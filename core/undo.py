"""Undo and redo of the clerk's edits, deletes and restores: a core API the GUI only renders.

Each change is kept as two snapshots of the record (its column values and its staff links)
taken before and after. Undo writes the "before" state back through `core.records.save`, so
an undone change is validated like any other; a new record's "before" state is the recycle
bin. The history lives in memory for one session of the program, like Anki's and Word's.

Several clerks on one ledger (issue 22): each snapshot keeps the record's version. Undo
(and redo) writes only over the state it recorded: a record another clerk changed since is
refused with RecordChangedError, as a form's save would be, and the history stays as it
was. The changes undo and redo write are logged as 撤销 / 重做 (core.audit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from core import audit, records
from core.models import BOOKKEEPING, Inspection, Staff, Training

# Columns undo never writes back: identity and bookkeeping (the recycle-bin mark is state).
_SKIP = BOOKKEEPING - {"deleted_at"}
# Many-to-many staff links that belong to a record's state.
_LINKS = {Inspection: "inspectors", Training: "participants"}


@dataclass(frozen=True)
class Snapshot:
    model: type
    record_id: int
    values: dict
    links: tuple[int, ...] | None = None
    version: int | None = None      # the record's version while it is in this state


def snapshot(record) -> Snapshot:
    """The state of `record` now (call before changing it, and after saving it)."""
    model = type(record)
    # The record's mapped columns: a derived column the ORM does not map
    # (Inspection.first_of_day) is kept by core.inspection_days, never by undo.
    values = {c.key: getattr(record, c.key) for c in sa_inspect(model).column_attrs
              if c.key not in _SKIP}
    link = _LINKS.get(model)
    links = tuple(s.id for s in getattr(record, link)) if link else None
    return Snapshot(model, record.id, values, links, record.version)


@dataclass(frozen=True)
class Change:
    label: str            # 「修改 行政检查 2025-03-05「某校」」 shown in the Edit menu
    before: Snapshot
    after: Snapshot


def _apply(session: Session, state: Snapshot, current_version: int | None, action: str):
    """Write `state` back over the record, which must still be at `current_version` (the
    state undo or redo leaves). Returns the record, at its new version."""
    record = session.get(state.model, state.record_id)
    if record is None:
        raise LookupError(state.record_id)
    doing = "撤销" if action == "undo" else "重做"
    records.check_unchanged(session, record, current_version, doing)
    with audit.acting(session, action):      # loading the staff below flushes already
        for key, value in state.values.items():
            setattr(record, key, value)
        if state.links is not None:
            staff = [session.get(Staff, i) for i in state.links]
            setattr(record, _LINKS[state.model], [s for s in staff if s is not None])
        if record.deleted_at is None:
            records.save(session, record)      # re-validated: the ledger may have changed since
        else:
            records.flush(session, record, doing)
    return record


class UndoHistory:
    """A linear undo/redo history. Record changes through `save`, `delete` and `restore`."""

    def __init__(self, limit: int = 200):
        self.limit = limit
        self._done: list[Change] = []
        self._undone: list[Change] = []

    # --- changes ---------------------------------------------------------------------
    def save(self, session: Session, record, before: Snapshot | None = None,
             seen_version: int | None = None):
        """Save `record` (new when `before` is None) and remember the change. `seen_version`:
        the version the clerk's form opened (core.records.save refuses a record changed
        since)."""
        records.save(session, record, seen_version)
        after = snapshot(record)
        if before is None:
            # Undoing a new entry puts it in the recycle bin, so nothing is ever destroyed.
            before = Snapshot(after.model, after.record_id,
                              {**after.values, "deleted_at": dt.datetime.now()}, after.links)
            verb = "新增"
        else:
            verb = "修改"
        self._push(Change(f"{verb}{record.describe()}", before, after))
        return record

    def delete(self, session: Session, record, seen_version: int | None = None) -> None:
        before = snapshot(record)
        records.delete(session, record, seen_version)
        self._push(Change(f"删除{record.describe()}", before, snapshot(record)))

    def restore(self, session: Session, record, seen_version: int | None = None) -> None:
        before = snapshot(record)
        records.restore(session, record, seen_version)
        self._push(Change(f"恢复{record.describe()}", before, snapshot(record)))

    def _push(self, change: Change) -> None:
        self._done.append(change)
        del self._done[:-self.limit]
        self._undone.clear()

    # --- undo / redo -----------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    @property
    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""

    def undo(self, session: Session) -> Change:
        """Put back the state before the last change. A ValidationError leaves the history as
        it was (e.g. the same 决定书文号 was entered again meanwhile)."""
        change = self._done[-1]
        record = _apply(session, change.before, change.after.version, "undo")
        self._done.pop()
        self._undone.append(replace(change, before=replace(change.before, version=record.version)))
        self._moved_on(self._done, change, record.version, "after")
        return change

    def redo(self, session: Session) -> Change:
        change = self._undone[-1]
        record = _apply(session, change.after, change.before.version, "redo")
        self._undone.pop()
        self._done.append(replace(change, after=replace(change.after, version=record.version)))
        self._moved_on(self._undone, change, record.version, "before")
        return change

    @staticmethod
    def _moved_on(stack: list[Change], change: Change, version: int, side: str) -> None:
        """The record is now at `version`: the next step over it on `stack` (an earlier
        change to undo, a later one to redo) starts from there, not from the version it
        recorded (the undo or redo itself counted the version up)."""
        key = (change.before.model, change.before.record_id)
        for i in range(len(stack) - 1, -1, -1):
            other = stack[i]
            if (other.before.model, other.before.record_id) == key:
                stack[i] = replace(other, **{side: replace(getattr(other, side), version=version)})
                return

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    # --- one operation's steps -------------------------------------------------------
    def checkpoint(self) -> tuple[list[Change], list[Change]]:
        """The history as it is now, to put back if the transaction it records fails.

        A change is pushed when it is flushed, before its transaction commits; a commit
        that then fails (disk full, the file locked) must not leave an undo step for a change
        that never happened."""
        return list(self._done), list(self._undone)

    def rollback_to(self, mark: tuple[list[Change], list[Change]]) -> None:
        self._done[:], self._undone[:] = mark[0], mark[1]
