"""A table model over row ids that fetches the rows themselves only when they are shown.

The list query returns ids alone (fast on 100,000 rows); rows are loaded a page at a time
as the view scrolls and kept in a small cache, as Anki's browser table does.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gui.kinds import Kind

PAGE = 50             # about two screens: the rows a repaint after a search needs, no more
CACHE_PAGES = 80

# data() runs for every cell and role at each repaint (~1,300 calls): roles and alignment
# as plain ints, computed once (combining Qt flags builds an enum object each time).
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value


def load_records(session, kind: Kind, ids: list[int]) -> dict:
    """The records with these ids, and what their columns show, in a few queries."""
    model = kind.model
    q = select(model).where(model.id.in_(ids)).options(*[selectinload(a) for a in kind.load])
    return {r.id: r for r in session.scalars(q)}


def _is_number(column) -> bool:
    try:
        return column is not None and column.type.python_type in (int, float) and \
            column.type.python_type is not bool
    except (NotImplementedError, AttributeError):
        return False


def row_texts(kind: Kind, record) -> tuple:
    if record is None:
        return tuple("" for _ in kind.columns)
    out = []
    for col in kind.columns:
        v = col.value(record)
        out.append("" if v is None else str(v))
    return tuple(out)


class RecordTableModel(QAbstractTableModel):
    def __init__(self, store, kind: Kind, parent=None):
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.ids: list[int] = []
        self._pages: dict[int, list[tuple]] = {}
        # The version of each row as last shown: a delete of a row another clerk changed
        # since is refused (issue 22, core.records.delete).
        self.versions: dict[int, int] = {}
        # Numbers right-aligned, as in Excel.
        self._right = [c.number or _is_number(c.sort) for c in kind.columns]

    # --- data ------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self.endResetModel()

    def append_ids(self, ids: list[int]) -> None:
        """More rows after those shown (the rest of a list read in two parts)."""
        if not ids:
            return
        start = len(self.ids)
        self.beginInsertRows(QModelIndex(), start, start + len(ids) - 1)
        self.ids.extend(ids)
        self._pages.pop(start // PAGE, None)       # a page cut short by the first part
        self.endInsertRows()

    def refresh_rows(self) -> None:
        """Drop cached rows (after an edit); ids stay."""
        self._pages.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ids) - 1, self.columnCount() - 1))

    def _page(self, n: int) -> list[tuple]:
        page = self._pages.get(n)
        if page is None:
            ids = self.ids[n * PAGE:(n + 1) * PAGE]
            with self.store.read_session() as s:
                found = load_records(s, self.kind, ids)
                page = [row_texts(self.kind, found.get(i)) for i in ids]
                self.versions.update((i, r.version) for i, r in found.items())
            if len(self._pages) >= CACHE_PAGES:
                self._pages.pop(next(iter(self._pages)))
            self._pages[n] = page
        return page

    def row_values(self, row: int) -> tuple:
        return self._page(row // PAGE)[row % PAGE]

    def id_at(self, row: int) -> int:
        return self.ids[row]

    # --- Qt --------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.kind.columns)

    def data(self, index, role=_DISPLAY):
        if role == _DISPLAY or role == _TOOLTIP:
            return self.row_values(index.row())[index.column()] if index.isValid() else None
        if role == _ALIGNMENT and self._right[index.column()]:
            return _RIGHT
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.kind.columns[section].header
        return str(section + 1)
