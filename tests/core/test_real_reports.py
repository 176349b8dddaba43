"""Ledgers rebuilt by hand from the two real published reports give back their figures."""

from core.figures import annual_figures


def test_dongli_2025_figures_are_those_the_report_printed(dongli_2025_store):
    with dongli_2025_store.session() as s:
        f = annual_figures(s, 2025)
    assert f["staff.certified"] == 19
    assert f["inspection.method.joint_random"] == 6
    assert f["inspection.method.internal_random"] == 11
    assert f["inspection.total"] == 62
    assert f["inspection.joint_unit_count"] == 6
    assert sum(f[k] for k in ("campaign.personnel",)) == 1200
    assert (f["campaign.institutions"], f["campaign.hazards"], f["campaign.closed"],
            f["campaign.rectified"]) == (150, 25, 1, 56)
    assert f["penalty.total"] == 0
    assert f["inspection.joint_partners"] == ["东丽区卫健委", "民政局", "人社局", "市场监管局",
                                              "消防救援支队"]


def test_dongli_joint_inspections_sent_68_people(dongli_2025_store):
    """“共出动执法检查人员68人次对6家单位开展了检查” — the joint inspections' 出动人次."""
    from sqlalchemy import func, select

    from core.models import Inspection

    with dongli_2025_store.session() as s:
        total = s.scalar(select(func.sum(Inspection.personnel))
                         .where(Inspection.method == "双随机一公开·部门联合"))
    assert total == 68


def test_hongqiao_2022_figures_are_those_the_report_printed(hongqiao_2022_store):
    with hongqiao_2022_store.session() as s:
        f = annual_figures(s, 2022)
    assert f["power.total"] == 19
    assert (f["power.category.penalty"], f["power.category.inspection"],
            f["power.category.reward"], f["power.category.other"]) == (5, 4, 7, 3)
    assert f["inspection.total"] == 77
    assert f["penalty.procedure.simple"] == 4
    assert f["penalty.total"] == 4
    assert f["staff.newly_certified"] == 2
    assert f["training.pass_rate"] == 100.0
    assert f["custom.中小学转学人数"] == 674
    assert f["inspection.joint_units"] == ["红桥区二十二幼儿园", "红桥区洪湖里小学",
                                           "红桥区聚星幼儿园乐安里园",
                                           "红桥区学大益学课外培训学校有限公司"]
