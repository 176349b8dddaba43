"""红桥区教育局 2022 (seeds/hongqiao-2022-report.txt), typed into the template the way a clerk
would (short words, dates as text, one row per power group with its count), imported: the
figures the published report states come back out."""

from __future__ import annotations

from core.figures import annual_figures
from core.ledger_io.importer import plan_import

STAFF = [["姓名", "科室", "执法证号", "发证日期", "有效期至", "状态", "是否在编"]] + [
    [f"红桥{i:02d}", "法制科", f"HQ-{i:04d}", "2022/6/1" if i > 10 else "2019/3/1", "2025/12/31",
     "在岗", "是"] for i in range(1, 13)]
JOINT_UNITS = [("红桥区二十二幼儿园", "公办幼儿园"), ("红桥区洪湖里小学", "公办中小学"),
               ("红桥区聚星幼儿园乐安里园", "公办幼儿园"),
               ("红桥区学大益学课外培训学校有限公司", "校外培训机构")]
UNITS = [["名称", "类型"], *map(list, JOINT_UNITS)] + [
    [f"红桥区第{i}学校", "公办中小学"] for i in range(1, 31)]
PARTNERS = "市场监管局，区人社局，区卫健委，区民政局，公安红桥分局"
INSPECTIONS = [["检查日期", "检查对象", "检查类别", "检查方式", "联合部门", "执法人员", "出动人次",
                "检查结果", "全过程记录", "公示日期"]]
INSPECTIONS += [[f"2022年3月{k + 1}日", JOINT_UNITS[k][0], "日常", "部门联合双随机", PARTNERS,
                 "红桥01、红桥02", "2", "合格", "是", f"2022年3月{k + 1}日"] for k in range(4)]
# 73 more, one unit a day from 1 April: 77 inspections in all, as the report says
INSPECTIONS += [[f"2022-{4 + k // 28:02d}-{k % 28 + 1:02d}", f"红桥区第{k % 30 + 1}学校", "日常检查",
                 "其他", None, "红桥01;红桥02", 2, "合格", "是", None] for k in range(73)]
PENALTIES = [["决定书文号", "当事人", "当事人类型", "程序", "处罚种类", "决定日期", "公示日期"]] + [
    [f"红教罚〔2022〕{n}号", f"红桥区第{n}学校", "法人", "简易", "警告", f"2022/{3 * n}/15",
     f"2022/{3 * n}/16"] for n in range(1, 5)]
POWERS = [["年份", "类别", "事项名称", "数量"], [2022, "行政处罚", "行政处罚事项", 5],
          ["2022", "行政检查", "行政检查事项", "4"], ["2022年", "行政奖励", "行政奖励事项", "７"],
          [2022, "其他", "其他事项", 3]]
EVERYONE = "、".join(f"红桥{i:02d}" for i in range(1, 13))
TRAININGS = [["日期", "主题", "形式", "学时", "参加人员", "参考人数", "通过人数"],
             ["2022-06-01", "机关干部学法用法学习培训", "集中培训", "40", EVERYONE, None, None],
             ["2022-10-01", "领导干部网上学法用法培训考试", "网上学法用法", 20, EVERYONE, 12, 12]]
CUSTOM = [["年份", "名称", "数值", "单位", "说明"],
          [2022, "中小学转学人数", 674, "人", "{year}年中、小学累计转学为{value}{unit}。"]]


def test_the_hongqiao_ledger_typed_into_the_template_gives_the_report_figures(store, workbook):
    path = workbook({"执法人员": STAFF, "检查对象": UNITS, "行政检查": INSPECTIONS,
                     "行政处罚": PENALTIES, "权责清单": POWERS, "学法培训": TRAININGS,
                     "其他指标": CUSTOM})
    with store.session() as s:
        plan = plan_import(s, path)
    assert plan.rejected == 0, [r.reason for sh in plan.sheets for r in sh.rejected]
    assert plan.imported == 12 + 34 + 77 + 4 + 4 + 2 + 1 and not plan.created_staff
    with store.session() as s:
        plan.commit(s)
    with store.session() as s:
        f = annual_figures(s, 2022)
    assert f["power.total"] == 19
    assert (f["power.category.penalty"], f["power.category.inspection"],
            f["power.category.reward"], f["power.category.other"]) == (5, 4, 7, 3)
    assert f["inspection.total"] == 77
    assert f["inspection.method.joint_random"] == 4
    assert f["penalty.procedure.simple"] == 4 and f["penalty.total"] == 4
    assert f["staff.newly_certified"] == 2
    assert f["training.pass_rate"] == 100.0
    assert f["custom.中小学转学人数"] == 674
    assert f["inspection.joint_units"] == [name for name, _ in JOINT_UNITS]
