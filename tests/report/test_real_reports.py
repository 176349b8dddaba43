"""Ledgers rebuilt from real published reports come out with those reports' figures in the
sentences those reports used (seeds/dongli-2025-report.txt, seeds/hongqiao-2022-report.txt)."""

from __future__ import annotations


def test_dongli_2025(dongli_2025_store, make_report):
    _, texts = make_report(dongli_2025_store, 2025)
    text = "\n".join(texts)
    assert texts[0] == "东丽区教育局2025年度行政执法工作报告"
    # “2025年区教育局会同消防、市场监管、人社等部门开展“双随机、一公开”联合检查6次，
    #  内部“双随机、一公开”检查11次，行政检查62件。”
    # One measure word for inspections throughout (次); the partner list is said once, below.
    assert ("2025年我局共开展行政检查62次，其中部门联合“双随机、一公开”检查6次、"
            "内部“双随机、一公开”检查11次。") in text
    # “全区教育系统共有19人拥有行政执法资格证”
    assert "我局共有19名执法人员持有有效行政执法证件" in text
    # “共出动执法检查人员68人次对6家单位开展了检查”
    assert ("我局联合东丽区卫健委、民政局、人社局、市场监管局和消防救援支队，对东丽区第1学校、"
            "东丽区第2学校、东丽区第3学校、东丽区第4学校、东丽区第5学校、东丽区第6学校等6家单位"
            "开展“双随机、一公开”联合检查，共出动执法检查人员68人次。") in text
    # “共计出动1200人次，排查校外培训机构150家，发现安全隐患25处，关停…1家，…现场整改56家”
    assert "出动1200人次，排查机构150家，发现安全隐患25处，关停1家，整改56家。" in text
    assert "本年度未发生行政处罚案件。" in texts


def test_hongqiao_2022(hongqiao_2022_store, make_report):
    _, texts = make_report(hongqiao_2022_store, 2022)
    text = "\n".join(texts)
    # “我局保留行政权力19项（其中行政处罚5项、行政检查4项、行政奖励7项、其他权利3项）”
    assert "共有行政职权19项，其中行政处罚5项、行政检查4项、行政奖励7项、其他3项。" in text
    # “2022年全局累计行政执法检查77次，行政执法处罚简易程序4次。”
    assert "共开展行政检查77次" in text
    assert "作出行政处罚决定4件，均适用简易程序。" in text
    # “新入编2人顺利通过行政执法证件申领”
    assert "2022年新申领行政执法证件2人" in text
    # “联合对红桥区二十二幼儿园、红桥区洪湖里小学、红桥区聚星幼儿园乐安里园、
    #  红桥区学大益学课外培训学校有限公司等…开展“双随机、一公开”联合检查”
    assert ("对红桥区二十二幼儿园、红桥区洪湖里小学、红桥区聚星幼儿园乐安里园、"
            "红桥区学大益学课外培训学校有限公司等4家单位开展“双随机、一公开”联合检查") in text
    assert "674" in text                                 # “2022年中、小学累计转学为674人”
    assert "较上年" not in text                           # the ledger holds no 2021
