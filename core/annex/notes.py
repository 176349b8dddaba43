"""说明: the counting rules the tables follow (the 填报说明 of DOMAIN.md), written for the
people who read the working copy beside the published annex: the clerk checking the
report, and an auditor or the 司法局 tracing a number."""

from __future__ import annotations

import datetime as dt

from core import __version__
from core.annex.layout import Grid
from core.annex.sources import SOURCE_ROWS_PER_FIGURE
from core.figures import TRAINING_HOURS_EXPECTED, AnnualFigures


def figure_notes(figures: AnnualFigures) -> dict[str, str]:
    """The rule note each figure carries (core.figures writes it once, beside the count)."""
    return {key: fig.note for key, fig in figures.figures.items() if fig.note}


def rules(year: int, bureau: str, has_previous: bool,
          notes: dict[str, str]) -> list[tuple[str, str]]:
    """`notes`: each figure's rule note (Figure.note), by key; the rules quote them."""
    return [
        ("统计范围", f"本附件统计{bureau}{year}年1月1日至12月31日实施的行政执法行为。各项行为按"
                     f"决定或完成日期所在年度统计（行政处罚按决定日期，行政检查按检查日期，"
                     f"复议诉讼按收案日期）。"),
        ("行政检查", "对一个检查对象形成完整检查记录的，计1次；无具体检查对象或无检查记录的巡查"
                     "不计。同一对象同一日的多条记录（如部门联合“双随机、一公开”检查由多个科室"
                     "登记）只计1次。检查类别分日常检查、专项检查、个案检查（津司发〔2025〕8号）；"
                     "检查方式分“双随机、一公开”部门联合、内部及其他。"),
        ("涉企行政检查", "对民办学校、民办幼儿园、校外培训机构等市场主体的检查单独统计"
                         "（国办发〔2024〕54号）。"),
        ("行政处罚种类", "按《中华人民共和国行政处罚法》第九条的顺序：警告、通报批评、罚款、"
                         "没收违法所得/没收非法财物、暂扣许可证件、降低资质等级、限制开展生产经营"
                         "活动、责令停产停业、责令关闭/限制从业、吊销许可证件、行政拘留、其他。一案"
                         "并处多种处罚的，只计1件，计入其中最重的种类；同时处以“其他”和法定种类的，"
                         "计入法定种类。"),
        ("罚没金额", f"{notes['penalty.amount']}，以处罚决定书载明的金额为准，单位为元。"),
        ("处罚程序", "简易程序（《行政处罚法》第五十一条）仅适用于警告，或对公民处200元以下、对"
                     "法人或其他组织处3000元以下罚款；其余为普通程序（亦称一般程序）。"),
        ("公示时限", "行政许可、行政处罚决定自作出之日起7个工作日内公示；其他执法结果20个工作日内"
                     "公示（国办发〔2018〕118号）。工作日按国家法定节假日安排计算。"),
        ("执法人员", f"持证人数为{year}年12月31日执法证件有效的人数；新申领、注销按发证、注销日期"
                     f"所在年度统计；持证率 = {notes['staff.certified_rate']}。"),
        ("学法培训", f"人均学法学时 = {notes['training.avg_hours']}；执法人员"
                     f"每人每年学法不少于{TRAINING_HOURS_EXPECTED}学时。"),
        ("职权与“不适用”", "本单位当年权责清单中没有某类职权、台账中也没有该类行为的，相应表格注明"
                           "“不适用”；有该类职权但当年未发生的，填0。"),
        ("同比", "上年数据取自同一台账的上一年度记录，按相同口径统计。件数、人次、金额的增减"
                 "以百分比表示；持证率、达标率、通过率等比率的增减以百分点表示（两年比率之差）。"
                 + ("" if has_previous else "台账中没有上一年度的记录，同比栏目显示“—”。")
                 + "比率无分母时亦显示“—”。"),
        ("两个文件", f"《{year}年度行政执法数据统计表》是随报告公开的附件，只含统计表，不含个人"
                     f"信息和记录编号；本文件（台账与数据来源）供本单位核对、审计和备份，不公开。"),
        ("数据来源", f"“数据来源”表逐项列出每个指标所统计的记录（文号或名称、日期、对象或当事人、"
                     f"记录编号），可据此核对任一数字；注销执法证的日期为注销日期。单个指标的记录"
                     f"超过{SOURCE_ROWS_PER_FIGURE}条时，只列出前{SOURCE_ROWS_PER_FIGURE}条，其余"
                     f"可在相应台账中按同一条件筛选。"),
        ("台账", "各台账表为本年度的全部有效记录（不含已删除的记录），列与导入模板相同，可直接"
                 "用于备份或再次导入；本年度没有记录的台账不列出。“其他指标”台账的“说明”为报告"
                 "中印出的句子（年度、数值和单位已填入）。超过 Excel 单元格上限（32767 字）的文字"
                 "截断，并在末尾注明。打印时台账按 90% 缩放，较宽的台账按列分页，每页重复前几列。"),
        ("数值", "表中数字均为统计结果数值，不含公式；在 Excel、WPS 中打开即可直接查看、打印。"),
    ]


def notes_grid(year: int, bureau: str, has_previous: bool, notes: dict[str, str],
               generated: dt.datetime | None = None, empty_ledgers: list[str] = ()) -> Grid:
    g = Grid()
    g.add([(f"{bureau}{year}年度行政执法数据统计 填报说明", "title", None)], height=30)
    g.merge_row(1, 1, 2)
    g.add([("项目", "head", None), ("说明", "head", None)], height=20)
    for topic, text in rules(year, bureau, has_previous, notes):
        lines = 1 + len(text) // 50
        g.add([(topic, "label", None), (text, "text", None)], height=16 * lines + 4)
    if empty_ledgers:
        text = f"{'、'.join(empty_ledgers)}：本年度无记录，未列台账表。"
        g.add([("无记录的台账", "label", None), (text, "text", None)],
              height=16 * (1 + len(text) // 50) + 4)
    when = (generated or dt.datetime.now()).strftime("%Y年%m月%d日 %H:%M")
    g.add([("生成信息", "label", None),
           (f"本表由“教育行政执法台账”（版本 {__version__}）于{when}根据台账自动生成。",
            "text", None)], height=20)
    g.widths[1], g.widths[2] = 16.0, 92.0
    return g
