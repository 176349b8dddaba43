"""Type-ahead pickers: a completer that completes the last name in a 、-separated list
(staff, departments), and the name lists they offer, read from the ledger."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QCompleter, QLineEdit
from sqlalchemy import select

from core.models import Campaign, Inspection, Staff, Unit, split_list
from core.records import live

SEPARATORS = "、,，;；"


class ListCompleter(QCompleter):
    """Completes the name being typed after the last 、, keeping the names before it."""

    def __init__(self, names: list[str], parent=None, multi: bool = True):
        super().__init__(names, parent)
        self.multi = multi
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.activated.connect(self._picked)

    def _picked(self, _text: str) -> None:
        # After the line edit's own slot has put the name in (it runs after this one).
        QTimer.singleShot(0, self._ready_for_next)

    def _ready_for_next(self) -> None:
        """A multi-name field gets 「、」 after the name taken, ready for the next one."""
        widget = self.widget()
        if self.multi and isinstance(widget, QLineEdit):
            widget.setText(widget.text().rstrip("、") + "、")
            widget.setCursorPosition(len(widget.text()))

    def set_names(self, names: list[str]) -> None:
        self.setModel(QStringListModel(names, self))

    def splitPath(self, path: str) -> list[str]:
        if not self.multi:
            return [path]
        for sep in SEPARATORS:
            path = path.replace(sep, "、")
        return [path.split("、")[-1].strip()]

    def pathFromIndex(self, index) -> str:
        chosen = super().pathFromIndex(index)
        if not self.multi:
            return chosen
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        for sep in SEPARATORS:
            text = text.replace(sep, "、")
        parts = [p for p in text.split("、")[:-1] if p.strip()]
        return "、".join(parts + [chosen])


def unit_names(session) -> list[str]:
    return list(session.scalars(live(Unit).with_only_columns(Unit.name).order_by(Unit.name)))


def staff_names(session) -> list[str]:
    return list(dict.fromkeys(session.scalars(
        live(Staff).with_only_columns(Staff.name).order_by(Staff.status, Staff.name))))


def active_staff_names(session) -> list[str]:
    from core.vocab import StaffStatus
    return list(dict.fromkeys(session.scalars(
        live(Staff).with_only_columns(Staff.name).where(Staff.status == StaffStatus.ACTIVE.value)
        .order_by(Staff.name))))


def department_names(session) -> list[str]:
    names: dict[str, None] = {}
    for model in (Inspection, Campaign):
        for lead, partners in session.execute(
                select(model.lead_department, model.partner_departments).distinct().limit(2000)):
            for n in [lead, *split_list(partners)]:
                if n:
                    names[n] = None
    for (dept,) in session.execute(select(Staff.department).distinct()):
        if dept:
            names[dept] = None
    return sorted(names)


def campaigns(session) -> list[tuple[int, str]]:
    q = live(Campaign).order_by(Campaign.start_date.desc())
    return [(c.id, f"{c.name}（{c.start_date:%Y}）") for c in session.scalars(q)]


def split_names(text: str) -> list[str]:
    for sep in SEPARATORS:
        text = text.replace(sep, "、")
    return [p.strip() for p in text.split("、") if p.strip()]
