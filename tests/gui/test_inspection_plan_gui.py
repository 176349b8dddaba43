"""Issue 21 in the window: the year's 检查计划 has a list and a form, and the inspection form
records the plan task, the prior approval and the trace of the visit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.models import Inspection, InspectionCap, InspectionPlanTask


def test_a_plan_task_entered_in_its_form_is_chosen_in_an_inspection(qtbot, window, demo_store):
    tasks = window.show_view("plan_task")
    with demo_store.read_session() as s:
        demo_tasks = s.scalar(select(func.count()).select_from(InspectionPlanTask))
    assert tasks.model.rowCount() == demo_tasks == 7
    form = tasks.new_record()
    w = form.widgets
    w["name"].setText("幼儿园食品安全专项检查")
    w["category"].setCurrentText("专项检查")
    w["unit_type"].setCurrentText("公办幼儿园")
    w["base"].setText("5")
    w["ratio"].setText("40")
    w["cap"].setText("1")
    assert form.save(), form.findChildren(type(form.widgets["name"]))
    form.close()
    with demo_store.read_session() as s:
        task = s.scalars(select(InspectionPlanTask).filter_by(name="幼儿园食品安全专项检查")).one()
        assert (task.year, task.planned_units, task.cap) == (2025, 2, 1)

    form = window.show_view("inspection").new_record()
    w = form.widgets
    w["date"].clear()
    qtbot.keyClicks(w["date"], "2025/11/3")
    w["unit_id"].setText("示例区第一幼儿园")
    w["unit_id"].editingFinished.emit()
    w["inspectors"].setText("朱红、何勇")
    w["category"].setCurrentText("专项检查")
    w["method"].setCurrentText("其他")                  # the clerk chooses: no default
    w["result"].setCurrentText("合格")
    w["plan_task_id"].setCurrentIndex(w["plan_task_id"].findText("幼儿园食品安全专项检查（2025）"))
    w["approver"].setText("刘建华")
    w["approved_on"].setText("2025-10-31")
    w["mode"].setCurrentText("现场检查")
    w["trace_code"].setText("RQ20259999")
    assert w["case_source"].currentText() == ""          # only a 个案 has a source
    assert form.save()
    form.close()
    with demo_store.read_session() as s:
        insp = s.scalars(select(Inspection).filter_by(trace_code="RQ20259999")).one()
        assert insp.plan_task_id == task.id
        assert (insp.approver, insp.approved_on, insp.mode, insp.case_source) == (
            "刘建华", dt.date(2025, 10, 31), "现场检查", "")


def test_the_caps_have_a_list_and_a_form(qtbot, window, demo_store):
    caps = window.show_view("inspection_cap")
    assert caps.model.rowCount() == 3
    form = caps.new_record()
    form.widgets["unit_type"].setCurrentText("其他")
    form.widgets["cap"].setText("1")
    assert form.save()
    form.close()
    with demo_store.read_session() as s:
        assert s.scalar(select(InspectionCap.cap).filter_by(unit_type="其他")) == 1
