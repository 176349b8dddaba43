"""The compliance flags of a year, grouped by rule, as the overview and the report page show
them. A click on a flag opens its record.

A city ledger can raise thousands of flags: each group shows its count and its first
SHOWN_PER_RULE flags, which keeps the list instant and still says how many there are.
Items carry an int index into `flags`, never a Python None: PySide6 6.12 on Python 3.11
drops a reference to None each time an empty QVariant comes back to Python.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from core.compliance import RULES

SHOWN_PER_RULE = 300
INDEX = Qt.ItemDataRole.UserRole


class FlagTree(QTreeWidget):
    flag_clicked = Signal(object)          # the core.compliance.Flag

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.flags: list = []
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def set_flags(self, flags: list) -> None:
        self.flags = list(flags)
        self.clear()
        groups: dict[str, list[int]] = {}
        for i, flag in enumerate(self.flags):
            groups.setdefault(flag.rule, []).append(i)
        for rule, indexes in groups.items():
            head = QTreeWidgetItem([f"{RULES.get(rule, '其他提示')}（{len(indexes):,} 条）"])
            head.setData(0, INDEX, -1)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            for i in indexes[:SHOWN_PER_RULE]:
                item = QTreeWidgetItem([str(self.flags[i])])
                item.setData(0, INDEX, i)
                item.setToolTip(0, str(self.flags[i]))
                head.addChild(item)
            if len(indexes) > SHOWN_PER_RULE:
                more = QTreeWidgetItem([f"……另有 {len(indexes) - SHOWN_PER_RULE:,} 条，"
                                        "可在列表中按日期查找"])
                more.setData(0, INDEX, -1)
                head.addChild(more)
            self.addTopLevelItem(head)
            # Small groups open, big ones closed so every rule stays in sight.
            head.setExpanded(len(groups) == 1 or len(indexes) <= 20)

    def _clicked(self, item, _column=0) -> None:
        index = item.data(0, INDEX)
        if isinstance(index, int) and index >= 0:
            self.flag_clicked.emit(self.flags[index])

    def texts(self) -> list[str]:
        """Every flag line shown, for tests and screenshots."""
        out = []
        for t in range(self.topLevelItemCount()):
            head = self.topLevelItem(t)
            out += [head.child(c).text(0) for c in range(head.childCount())]
        return out


def open_flag(shared, flag, parent=None):
    """Open the record a flag is about: its form, or the 报告文字 block."""
    from gui.kinds import BY_MODEL_NAME

    if flag.record_kind == "NarrativeText":
        # The flag names its block in words (it may not be stored yet, so no id).
        from core.vocab import NarrativeBlock
        block = next((b for b in NarrativeBlock.values() if f"「{b}」" in flag.record), "")
        shared.open_narrative.emit(block)
        return None
    key = BY_MODEL_NAME.get(flag.record_kind)
    if key is None or flag.record_id is None:
        return None
    from gui.forms import open_form
    return open_form(shared, key, flag.record_id, parent=parent)
