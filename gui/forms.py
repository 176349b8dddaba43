"""The entry form of every record kind, built from gui.kinds: the dialog, and its save.

The widgets come from gui.form_widgets, and their values are set and read by gui.form_values.

Speed for the clerk: Enter moves to the next field, Ctrl+Enter saves and starts a new entry
keeping the date, staff and departments; names are picked by typing. Every value is parsed
by core.parsing and saved by core.undo (through core.records), so a wrong value is named by
core and shown under its own field. Closing a form with unsaved changes asks first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from core.errors import ValidationError, ZhifaError
from core.models import Inspection, InspectionPlanTask, PenaltyCase, Unit
from core.parsing import parse_date
from core.records import inspections_same_day, live, staff_by_name, unit_by_name
from core.undo import snapshot
from core.unit_types import unit_type_from_name
from core.vocab import UnitType
from gui import drafts, form_values, form_widgets, messages, pickers, screen
from gui.kinds import KINDS, Field, Kind
from gui.operations import Operation, models_of
from gui.shared import text_setting


def open_form(shared, key: str, record_id: int | None, parent=None,
              draft: tuple | None = None) -> "RecordForm":
    """Open a form; `draft` (path, fields) puts back input a crash left unsaved."""
    form = RecordForm(shared, key, record_id, parent=parent)
    if draft is not None:
        form.apply_draft(*draft)
    form.show()
    if QGuiApplication.platformName() != "offscreen":
        form.raise_()
    return form


class RecordForm(QDialog):
    @property
    def dirty(self) -> bool:
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """Changed input is kept as a draft every few seconds (gui.drafts); once it is saved
        or thrown away the draft goes."""
        self._dirty = bool(value)
        timer = getattr(self, "_draft_timer", None)
        if timer is None:
            return
        if self._dirty:
            if not timer.isActive():
                timer.start()
        else:
            timer.stop()
            drafts.remove(self._draft_path)

    def __init__(self, shared, key: str, record_id: int | None, parent=None):
        super().__init__(parent)
        self._dirty = False
        self.shared = shared
        self.key = key
        self.kind: Kind = KINDS[key]
        self.record_id = record_id
        self.seen_version: int | None = None     # the version opened (issue 22: core.records)
        self.dirty = False
        self.saved_count = 0
        self._focused = False
        self._typed_unit = ""            # the new unit name whose type was last looked up
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.setModal(False)
        self.setMinimumWidth(620)

        self.banner = QLabel()
        self.banner.setObjectName("formBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.unit_type = QComboBox()
        self.unit_type.addItems(UnitType.values())
        # No type until the name states one or the clerk picks it (core.unit_types): a
        # default 公办中小学 for 「…培训中心」 skewed the 涉企 figures.
        self.unit_type.setPlaceholderText("请选择类型")
        self.unit_type.setCurrentIndex(-1)
        self.unit_note = QLabel()
        self.unit_note.setObjectName("fieldWarning")
        self.unit_note.setWordWrap(True)
        self.unit_note.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        with shared.store.read_session() as s:
            self._names = {"unit": pickers.unit_names(s), "staff": pickers.staff_names(s),
                           "departments": pickers.department_names(s)}
            self._campaigns = pickers.campaigns(s)
            self._penalties = [(p.id, p.decision_no) for p in s.scalars(
                live(PenaltyCase).order_by(PenaltyCase.decided_on.desc()))]
            # issue 21: the plan tasks an inspection may carry out, newest year first.
            self._plan_tasks = [(t.id, f"{t.name}（{t.year}）") for t in s.scalars(
                live(InspectionPlanTask).order_by(InspectionPlanTask.year.desc(),
                                                  InspectionPlanTask.id))]
        for f in self.kind.fields:
            widget = self._make_widget(f)
            self.widgets[f.attr] = widget
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.hide()
            self.errors[f.label(self.kind.model)] = error
            self._hide_when_edited(widget, error)
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            if f.widget == "staff" and f.attr == "participants":
                # A training is often for everyone: one click instead of twenty names.
                row = QHBoxLayout()
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(widget, 1)
                self.all_staff_button = QPushButton("全部在岗人员")
                self.all_staff_button.setAutoDefault(False)
                self.all_staff_button.clicked.connect(
                    lambda _c=False, w=widget: self._all_active_staff(w))
                row.addWidget(self.all_staff_button)
                box.addLayout(row)
            else:
                box.addWidget(widget)
            if f.widget == "staff":
                count = QLabel()
                count.setObjectName("hint")
                count.hide()
                widget.textChanged.connect(lambda text, c=count: self._count_names(c, text))
                box.addWidget(count)
            if f.widget == "unit":
                new_row = QHBoxLayout()
                self._new_unit_label = QLabel("新检查对象，类型：")
                new_row.addWidget(self._new_unit_label)
                new_row.addWidget(self.unit_type)
                new_row.addStretch(1)
                self._new_unit_row = QWidget()
                self._new_unit_row.setLayout(new_row)
                new_row.setContentsMargins(0, 0, 0, 0)
                self._new_unit_row.hide()
                box.addWidget(self._new_unit_row)
                box.addWidget(self.unit_note)
            box.addWidget(error)
            holder = QWidget()
            holder.setLayout(box)
            # A choice with no blank option is refused unchosen (form_values): starred too,
            # or 「带 * 的为必填项」 said 检查结果 could stay empty and then refused it.
            must = f.required or (f.widget == "choice" and form_widgets.must_choose(f))
            label = f.label(self.kind.model) + ("*" if must else "")
            form.addRow(label + "：", holder)

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)      # fields keep their height; space goes below
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.scroll = scroll

        self.save_button = QPushButton("保存")
        self.save_new_button = QPushButton("保存并新增（Ctrl+Enter）")
        self.cancel_button = QPushButton("关闭")
        for b in (self.save_button, self.save_new_button, self.cancel_button):
            b.setAutoDefault(False)     # Enter moves between fields; it never saves by surprise
        buttons = QHBoxLayout()
        self.hint = QLabel("带 * 的为必填项；回车跳到下一项，Shift+回车换行。")
        self.hint.setWordWrap(True)       # a narrow form wraps it rather than cutting it
        self.hint.setObjectName("hint")
        # On a line of its own above the buttons: beside them it wrapped mid-word
        # (「Shift+回 / 车换行」) on a narrow screen.
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(lambda: self.save(and_new=False))
        self.save_new_button.clicked.connect(lambda: self.save(and_new=True))
        self.cancel_button.clicked.connect(self.reject)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, lambda: self.save(and_new=True))
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save(and_new=False))

        if record_id is None:
            self._defaults()
        else:
            self._load()
        self._draft_path = drafts.new_path(key)
        self._draft_timer = QTimer(self, singleShot=True, interval=drafts.EVERY_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self.dirty = False
        self._update_title()
        # Tall enough for every field without scrolling, where the screen allows; on a
        # smaller screen the fields scroll and the buttons stay in sight.
        screen.fit(self, 680, inner.sizeHint().height() + self.hint.sizeHint().height() + 60)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._focused:           # the clerk types at once, without a click
            self._focused = True
            self.focus_first()

    def focus_first(self) -> None:
        first = self.kind.fields[0]
        self.widgets[first.attr].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- widgets ---------------------------------------------------------------------
    def _make_widget(self, f: Field) -> QWidget:
        return form_widgets.make_widget(f, self.kind.model, form_widgets.Wiring(
            names=self._names,
            picks={"campaign": self._campaigns, "penalty": self._penalties,
                   "plan_task": self._plan_tasks},
            key_filter=self, entered=self._enter_in, touched=self._touched,
            unit_changed=self._unit_changed))

    def eventFilter(self, obj, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            if isinstance(obj, QPlainTextEdit) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                obj.insertPlainText("\n")
                return True
            self.focusNextChild()
            return True
        return super().eventFilter(obj, event)

    def _hide_when_edited(self, widget: QWidget, error: QLabel) -> None:
        """A field's message goes once the clerk changes the field (「不能为空」 stayed under a
        field already filled in until the next save)."""
        targets = list(getattr(widget, "boxes", [widget]))
        if widget is self.widgets.get("unit_id"):
            targets.append(self.unit_type)          # a new unit's type, asked for there
        for t in targets:
            signal = form_widgets.edited_signal(t)
            if signal is not None:
                signal.connect(lambda *_a, e=error: e.hide())

    def _enter_in(self, widget: QLineEdit) -> None:
        """Enter moves to the next field, except when it takes a name from a multi-name
        field's suggestions (the field has the Enter before the list does): the cursor
        stays there for the next name (pickers.ListCompleter adds the 「、」)."""
        completer = widget.completer()
        if isinstance(completer, pickers.ListCompleter) and completer.multi \
                and completer.popup().isVisible():
            return
        self.focusNextChild()

    def _touched(self, *_):
        self.dirty = True

    @staticmethod
    def _count_names(label: QLabel, text: str) -> None:
        n = len(pickers.split_names(text))
        label.setText(f"共 {n} 人")
        label.setVisible(n > 1)

    def _all_active_staff(self, widget: QLineEdit) -> None:
        with self.shared.store.read_session() as s:
            names = pickers.active_staff_names(s)
        widget.setText("、".join(names))
        widget.setCursorPosition(0)
        self.dirty = True

    def _update_title(self) -> None:
        verb = "新增" if self.record_id is None else "编辑"
        self.setWindowTitle(f"{verb}{self.kind.title}")

    # --- load / defaults -------------------------------------------------------------
    def _choice_key(self, f: Field) -> str:
        return f"form/{self.key}/{f.attr}"

    def _defaults(self) -> None:
        today = dt.date.today()
        for f in self.kind.fields:
            w = self.widgets[f.attr]
            if f.widget == "choice" and f.carry:
                last = text_setting(self.shared.settings, self._choice_key(f))
                if last in f.vocab.values():
                    w.setCurrentText(last)
            if f.widget == "year":
                w.setValue(self.shared.year)
            elif f.widget == "date" and f.required and today.year == self.shared.year:
                w.setText(f"{today:%Y-%m-%d}")

    def _load(self) -> None:
        with self.shared.store.read_session() as s:
            r = s.get(self.kind.model, self.record_id)
            self.seen_version = r.version
            for f in self.kind.fields:
                self._set(f, getattr(r, f.attr) if f.widget != "unit" else r.unit)

    def reload_record(self) -> None:
        """Show the record as it is now: another clerk changed it (gui.operations)."""
        if self.record_id is not None:
            self._load()
            self.dirty = False

    def _set(self, f: Field, value) -> None:
        form_values.set_value(self.widgets[f.attr], f, value, self.shared.year)

    # --- values ----------------------------------------------------------------------
    def _value(self, f: Field, session):
        w = self.widgets[f.attr]
        label = f.label(self.kind.model)
        if f.widget == "staff":
            people = []
            for name in pickers.split_names(w.text()):
                person = staff_by_name(session, name)
                if person is None:
                    raise ValidationError(label, f"「{name}」不在执法人员名单中。")
                people.append(person)
            return people
        if f.widget == "unit":
            name = w.text().strip()
            if not name:
                if f.required:
                    raise ValidationError(label, "不能为空。")
                return None
            unit = unit_by_name(session, name)
            if unit is None:
                # Created in place: the clerk typed a new name and picked its type.
                if self.unit_type.currentIndex() < 0:
                    raise ValidationError(label, f"「{name}」是新的检查对象，请选择它的类型。")
                unit = Unit(name=name, unit_type=self.unit_type.currentText())
                self.shared.history.save(session, unit)
            return unit.id
        column = self.kind.model.__table__.c.get(f.attr)
        value = form_values.read_value(w, f, label,
                                       nullable=column is not None and column.nullable)
        if f.widget == "choice" and f.carry:    # the next new entry starts from this choice
            self.shared.settings.setValue(self._choice_key(f), value)
        return value

    def _unit_changed(self) -> None:
        if "unit_id" not in self.widgets:
            return
        name = self.widgets["unit_id"].text().strip()
        known = not name or name in self._names["unit"]
        self._new_unit_row.setVisible(not known)
        if not known and name != self._typed_unit:
            self._typed_unit = name
            stated = unit_type_from_name(name)
            self.unit_type.setCurrentIndex(
                -1 if stated is None else self.unit_type.findText(stated))
        self.unit_note.hide()
        if self.kind.model is not Inspection or not name or not known:
            return
        try:
            day = parse_date(self.widgets["date"].text(), "检查日期")
        except ValidationError:
            return
        if day is None:
            return
        with self.shared.store.read_session() as s:
            n = inspections_same_day(s, name, day, exclude_id=self.record_id)
        if n:
            self.unit_note.setText(f"注意：「{name}」在 {day:%Y-%m-%d} 已有 {n} 条检查记录，"
                                   "同一对象同一天只计为 1 次检查。")
            self.unit_note.show()

    # --- save ------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.banner.hide()
        for label in self.errors.values():
            label.hide()

    def show_error(self, exc: ZhifaError) -> None:
        field = getattr(exc, "field", None)
        target = self.errors.get(field)
        if target is not None:
            target.setText(str(exc).split("：", 1)[-1] if "：" in str(exc) else str(exc))
            target.show()
            for f in self.kind.fields:
                if f.label(self.kind.model) == field:
                    # A field scrolled out of view: Ctrl+Enter seemed to do nothing.
                    self.scroll.ensureWidgetVisible(self.widgets[f.attr])
                    self.scroll.ensureWidgetVisible(target)
                    self.widgets[f.attr].setFocus()
        else:
            self.banner.setText(str(exc))
            self.banner.show()

    def save(self, and_new: bool = False) -> bool:
        self.clear_errors()
        model = self.kind.model
        values: dict = {}

        def change(s):
            record = model() if self.record_id is None else s.get(model, self.record_id)
            before = None if self.record_id is None else snapshot(record)
            values.update({f.attr: self._value(f, s) for f in self.kind.fields})
            for attr, value in values.items():
                setattr(record, attr, value)
            if model is Inspection:
                record.unit = s.get(Unit, record.unit_id)
            self.shared.history.save(s, record, before, seen_version=self.seen_version)
            return record.id

        # A unit may be created in place (the 检查对象 field), so units are touched too.
        touched = models_of(model, Unit) if "unit_id" in self.widgets else models_of(model)
        operation = Operation(self.shared, self, change, touches=touched,
                              status=f"已保存{self.kind.title}。").on_failure(self.show_error)
        saved: list[int] = []
        if not operation.on_success(saved.append).run():
            return False
        saved_id = saved[0]
        self.saved_count += 1
        elsewhere = self._year_elsewhere(values)
        if elsewhere is not None:
            # Saved, but not in the list on screen: without a word the clerk took it for lost.
            self.shared.status.emit(
                f"已保存{self.kind.title}。它属于{elsewhere}年度，列表现在显示的是"
                f"{self.shared.year}年度：在左上角「年度」中选{elsewhere}年即可看到。")
        for f in self.kind.fields:        # show carried dates the way they were understood
            if f.widget == "date" and values.get(f.attr):
                self.widgets[f.attr].setText(f"{values[f.attr]:%Y-%m-%d}")
        self.dirty = False
        if and_new:
            self._start_new()
        else:
            self.record_id = saved_id
            self.accept()
        return True

    def _year_elsewhere(self, values: dict) -> int | None:
        """The year the saved record belongs to, if it is not the year shown (the list's
        own year column: gui.kinds, core.years)."""
        value = values.get(getattr(self.kind.year_column, "key", None))
        year = value if isinstance(value, int) else getattr(value, "year", None)
        return year if year is not None and year != self.shared.year else None

    def _start_new(self) -> None:
        """A new entry keeping what the next one most likely shares (date, staff, units…)."""
        with self.shared.store.read_session() as s:
            self._names["unit"] = pickers.unit_names(s)
        completer = self.widgets.get("unit_id")
        if completer is not None:
            completer.completer().set_names(self._names["unit"])
        for f in self.kind.fields:
            if f.carry:
                continue
            form_values.clear_value(self.widgets[f.attr], f)
        self.record_id = None
        self.dirty = False
        self._update_title()
        if "unit_id" in self.widgets:
            self._new_unit_row.hide()
            self.unit_note.hide()
            self.unit_type.setCurrentIndex(-1)
            self._typed_unit = ""
        first = next(f for f in self.kind.fields if not f.carry)
        self.widgets[first.attr].setFocus()
        self.hint.setText(f"已保存 {self.saved_count} 条，继续录入下一条。")

    # --- drafts ----------------------------------------------------------------------
    def draft_fields(self) -> dict:
        """What each field shows now, as text, ticks and choices (not parsed: a half-typed
        date is kept as typed)."""
        out: dict = {f.attr: form_values.draft_value(self.widgets[f.attr], f)
                     for f in self.kind.fields}
        out["__unit_type"] = self.unit_type.currentText() if self.unit_type.currentIndex() >= 0 else ""
        return out

    def apply_draft(self, path, fields: dict) -> None:
        for f in self.kind.fields:
            if f.attr not in fields:
                continue
            form_values.apply_draft_value(self.widgets[f.attr], f, fields[f.attr])
        unit_type = fields.get("__unit_type", "")
        if "unit_id" in self.widgets:
            self._unit_changed()
            self.unit_type.setCurrentIndex(self.unit_type.findText(unit_type) if unit_type else -1)
        drafts.remove(self._draft_path)
        self._draft_path = Path(path)           # the same file, until saved or thrown away
        self.dirty = True
        self.write_draft()

    def write_draft(self) -> bool:
        if not self.dirty:
            return False
        return drafts.write(self._draft_path, self.shared.store.location, self.key,
                            self.record_id, self.windowTitle(), self.draft_fields())

    # --- closing ---------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        return not self.dirty or messages.ask(
            self, "未保存的修改", f"{self.windowTitle()}中有未保存的修改，确定放弃吗？",
            yes="放弃修改", no="继续编辑", safe_default=True)

    def reject(self) -> None:
        if self.confirm_discard():
            self.dirty = False
            super().reject()

    def closeEvent(self, event) -> None:
        if self.confirm_discard():
            self.dirty = False
            event.accept()
        else:
            event.ignore()


def offer_drafts(window, shared) -> list:
    """At the start: reopen the forms whose input was not saved, if the clerk wants them."""
    found = [(p, d) for p, d in drafts.pending(shared.store.location)
             if d.get("kind") in KINDS or d.get("kind") in drafts.RESTORERS]
    if not found:
        return []
    lines = "\n".join(f"· {d.get('title', '')}（{str(d.get('saved_at', '')).replace('T', ' ')}）"
                      for _p, d in found)
    if not messages.ask(window, "恢复未保存的录入",
                        f"上次程序没有正常关闭，以下录入尚未保存：\n{lines}\n\n"
                        "是否恢复？恢复后请核对并保存。",
                        yes="恢复未保存的录入", no="不恢复（删除这些录入）"):
        for path, _d in found:
            drafts.remove(path)
        return []
    forms = []
    for path, data in found:
        restore = drafts.restorer(data["kind"])          # a page's draft (报告文字), not a form's
        form = (restore(window, shared, path, data["fields"]) if restore else
                open_form(shared, data["kind"], data.get("record_id"), parent=window,
                          draft=(path, data["fields"])))
        forms.append(form)
    shared.status.emit(f"已恢复 {len(forms)} 份未保存的录入，请核对后保存。")
    return forms
