"""Ledgers rebuilt by hand from two real published reports (../shared/seeds/): the figures
those reports printed appear in the annex, in the cells a reader would look at."""

from __future__ import annotations


def test_dongli_2025_figures_in_their_cells(dongli_2025_store, annex_of):
    """东丽区教育局 2025: 19人持证; 双随机联合检查6次（6家单位）、内部检查11次，行政检查62件;
    校外培训寒暑期治理 出动1200人次、排查150家、隐患25处、关停1家、现场整改56家。"""
    annex, figs = annex_of(dongli_2025_store, 2025)
    sheet = annex["行政检查实施情况"]
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value) == (
        "附件", "东丽区教育局2025年度行政执法数据统计表", "表5　行政检查实施情况统计表")
    assert "填报单位：东丽区教育局" in sheet["A4"].value
    category, method, *_ = annex.blocks("行政检查实施情况")
    assert category["合计"] == 62
    assert method["双随机一公开·部门联合"] == 6
    assert method["双随机一公开·内部"] == 11
    assert method["其他"] == 45
    assert annex.value("行政检查实施情况", "联合检查对象（家）", block=5) == 6
    assert annex.value("执法人员持证情况", "持证人数") == 19
    campaign = annex.blocks("专项行动情况")[0]
    assert (campaign["出动（人次）"], campaign["排查机构（家）"], campaign["发现隐患（处）"],
            campaign["关停（家）"], campaign["整改（家）"]) == (1200, 150, 25, 1, 56)
    rows = list(annex["专项行动情况"].iter_rows(values_only=True))
    assert any(r[0] == "校外培训寒暑期治理及广告管控" for r in rows)
    # No 权责清单 entered and no penalties: the table shows zeros rather than 不适用.
    assert annex.value("行政处罚实施情况", "合计") == 0
    assert "不适用" not in annex.texts("行政处罚实施情况")
    year_row = next(r for r in annex["月度统计"].iter_rows(values_only=True) if r[0] == "全年")
    assert year_row[1] == figs["inspection.total"] == 62


def test_hongqiao_2022_figures_in_their_cells(hongqiao_2022_store, annex_of):
    """红桥区教育局 2022: 权力19项（处罚5、检查4、奖励7、其他3）; 行政执法检查77次;
    简易程序处罚4次; 新入编2人取得执法资格; 学法考试全部通过; 转学674人。"""
    annex, _ = annex_of(hongqiao_2022_store, 2022)
    powers = annex.blocks("执法职权情况")[0]
    assert (powers["合计"], powers["行政处罚"], powers["行政检查"], powers["行政奖励"],
            powers["其他"], powers["行政许可"]) == (19, 5, 4, 7, 3, 0)
    assert annex.value("行政检查实施情况", "合计") == 77
    assert annex.value("行政检查实施情况", "双随机一公开·部门联合", block=1) == 4
    kinds, procedure = annex.blocks("行政处罚实施情况")[:2]
    assert (kinds["警告"], kinds["合计"]) == (4, 4)
    assert procedure["简易程序（件）"] == 4
    assert annex.value("执法人员持证情况", "新申领") == 2
    assert annex.value("学法培训情况", "考试通过率（%）") == 100.0
    # 红桥's list has no 行政许可 or 行政强制 power and the ledger has none: 不适用.
    for sheet, power in (("行政许可实施情况", "行政许可"), ("行政强制实施情况", "行政强制")):
        assert f"权责清单中无{power}事项" in annex.texts(sheet)
        assert annex.blocks(sheet) == []
    # 其他指标 are traced in 数据来源 (the working copy) with their value, by their name
    rows = list(annex["数据来源"].iter_rows(values_only=True))
    transfer = next(r for r in rows if r[0] == "其他指标·中小学转学人数")
    assert transfer[1] == 674
    # ... and its 说明 in the 其他指标 台账 is the sentence as the report prints it
    custom = list(annex["其他指标"].iter_rows(min_row=2, values_only=True))
    assert any(r[4] and "674" in r[4] and "{" not in r[4] for r in custom), custom
    # the four jointly inspected units by name, in the 行政检查 台账
    ledger = [r[1] for r in annex["行政检查"].iter_rows(min_row=2, values_only=True)
              if r[4] == "双随机一公开·部门联合"]
    assert ledger == ["红桥区二十二幼儿园", "红桥区洪湖里小学", "红桥区聚星幼儿园乐安里园",
                      "红桥区学大益学课外培训学校有限公司"]
