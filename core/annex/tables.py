"""The standard statistical tables (行政许可、行政处罚、行政强制、行政检查…), one sheet each:
the published 附件 of the report.

Every number is a figure from `core.figures.annual_figures`; nothing is counted here (a 合计
row under an item list adds up the rows printed above it). Each sheet is headed 「附件」 and
the title the report's 附件 line names, then the table's own number and name; each block
shows the year, the previous year (when the ledger has it) and the change, the way Tianjin
reports state 较上年增长/减少: in percent for counts and amounts, in 百分点 for rates.

Nothing here names a person or a record: the per-person 学时 list, the trace and the
ledgers are in the clerk's working copy (core.annex.working).

A table for a power the bureau does not hold (its 权责清单 for the year has no item of that
category, and the ledger has no such acts) says so instead of showing a row of zeros; a power
it holds with no cases shows 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from core.annex.layout import (
    POINTS_PER_WIDTH, PRINT_SCALE_MIN, WRAP_AT, Grid, display_width, page_width_pt,
)
from core.figure_format import figure_format
from core.figures import NO_VALUE, TRAINING_HOURS_EXPECTED, AnnualFigures
from core.vocab import (
    InspectionCategory, InspectionMethod, InspectionResult, OtherActCategory, PenaltyKind,
    PowerCategory, ReviewKind, ReviewResult, UnitType,
)

ROW_HEIGHT = 18   # points: a data row with some air around 10-point text


def value_kind(value) -> str | None:
    """The number format of a figure's cell: the digits the report prints for it
    (core.figure_format), 94800 元 as 94800 and 71.43% as 71.4, not 94,800.00."""
    return figure_format(value)


@dataclass(frozen=True)
class Col:
    """One column of a block: its header as printed and the figure it shows. An optional
    column is left out when the ledger's figures do not have it (the 检查计划 and 涉企频次
    figures exist only where the program records plans)."""

    header: str
    key: str
    optional: bool = False


@dataclass(frozen=True)
class SheetHead:
    """What heads every published sheet: 「附件」, the annex's title as the report's 附件 line
    names it, and the table's number among the sheets."""

    bureau: str
    annex_title: str
    number: int = 0

CHANGE_LABEL = "同比增减"
# A rate's change is a difference in 百分点; a count's or an amount's is a percentage.
CHANGE_FORMATS = {"points": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
                  "percent": '+0.0"%";-0.0"%";0.0"%"'}


def _cols(prefix: str, vocab, suffix: str = "") -> list[Col]:
    return [Col(m.value + suffix, f"{prefix}.{m.key}") for m in vocab]


def _broken(header: str) -> str:
    """A long header with its unit on a line of its own: "法制审核纠错\n（件）" rather than
    letting the column wrap it as "法制审核纠错（件" + "）"."""
    if "（" in header and display_width(header) > WRAP_AT["head"]:
        name, unit = header.rsplit("（", 1)
        return f"{name}\n（{unit}"
    return header


class TableSheet:
    """One standard table sheet being laid out: title, subtitle, blocks, notes."""

    def __init__(self, figs: AnnualFigures, head: SheetHead, title: str, units: str):
        self.figs, self.bureau, self.year = figs, head.bureau, figs.year
        self.grid = Grid(title_rows=4, repeat_from=3)
        self._spanning: list[int] = []
        self._notes: list[int] = []
        bureau = head.bureau
        self._row(self.grid.add([("附件", "attachment", None)], height=20))
        self._row(self.grid.add([(head.annex_title, "title", None)], height=28))
        number = f"表{head.number}　" if head.number else ""
        self._row(self.grid.add([(f"{number}{title}", "table_title", None)], height=22))
        self._row(self.grid.add([(f"填报单位：{bureau}    统计期间：{self.year}年1月1日至"
                                  f"{self.year}年12月31日    计量单位：{units}",
                                  "subtitle", None)], height=20))

    def _row(self, row: int) -> None:
        self._spanning.append(row)

    def caption(self, text: str) -> None:
        self._close_block()
        self.grid.blank()
        self.grid.heights[len(self.grid.rows)] = 8      # a little air above each block
        row = self.grid.add([(text, "caption", None)], height=20)
        self._row(row)
        self._block_start = row

    def _close_block(self) -> None:
        """The rows from the last caption to here print on one page if they can."""
        if getattr(self, "_block_start", None):
            self.grid.keep_together.append((self._block_start, len(self.grid.rows)))
        self._block_start = None

    def note(self, text: str) -> None:
        row = self.grid.add([(text, "note", None)])
        self._row(row)
        self._notes.append(row)

    def _cell(self, value, unit: str, kind: str | None = None):
        if value is None:
            return (NO_VALUE, "value", None)
        return (value, "value", kind or value_kind(value))

    def present(self, cols: list[Col]) -> list[Col]:
        return [c for c in cols if not c.optional or self.figs.figures.get(c.key) is not None]

    def block(self, cols: list[Col], first: str = "年度") -> None:
        """Header row, then the year's values, and the previous year's and the change."""
        cols = self.present(cols)
        figs = [self.figs.figure(c.key) for c in cols]
        self.grid.add([(first, "head", None), *((_broken(c.header), "head", None) for c in cols)])
        self.grid.add([(f"{self.year}年", "label", None),
                       *(self._cell(f.value, f.unit) for f in figs)], height=ROW_HEIGHT)
        if self.figs.has_previous:
            self.grid.add([(f"{self.year - 1}年", "label", None),
                           *(self._cell(f.previous, f.unit) for f in figs)], height=ROW_HEIGHT)
            self.grid.add([(CHANGE_LABEL, "label", None), *(self._change(f) for f in figs)],
                          height=ROW_HEIGHT)

    def _change(self, fig):
        """较上年: a rate (持证率, 达标率, 通过率) changes by 百分点, the difference of the two
        rates; anything else by the percentage Figure.change_pct gives."""
        if fig.unit == "%":
            if not isinstance(fig.value, (int, float, Decimal)) or not isinstance(
                    fig.previous, (int, float, Decimal)):
                return (NO_VALUE, "value", None)
            return (round(float(fig.value) - float(fig.previous), 1), "value", "points")
        change = fig.change_pct
        return (NO_VALUE, "value", None) if change is None else (change, "value", "percent")

    def rows(self, headers: list[str], rows: list[list], kinds: list[str | None],
             total: bool = False) -> None:
        """A detail list (items, tasks): one header row, then one row per entry; with
        `total`, a 合计 row adding up the number columns of the rows above."""
        self.grid.add([(_broken(h), "head", None) for h in headers])
        for row in rows:
            self.grid.add([(v, "text" if k is None else "value", k)
                           for v, k in zip(row, kinds)], height=ROW_HEIGHT)
        if total and rows:
            labels = [i for i, k in enumerate(kinds) if k is None]
            cells = []
            for i, k in enumerate(kinds):
                if k == "int":
                    cells.append((sum(r[i] or 0 for r in rows), "total", "int"))
                else:
                    cells.append(("合计" if labels and i == labels[0] else None, "total", None))
            self.grid.add(cells, height=ROW_HEIGHT)

    def holds(self, power: PowerCategory, value_keys: list[str], name: str) -> bool:
        """False (and a statement written) when the bureau does not hold the power and has
        no such acts; True when the table should show its numbers."""
        figs = self.figs
        if not figs["power.total"] or figs[f"power.category.{power.key}"]:
            return True
        if any(figs[k] for k in value_keys):
            self.note(f"注：本单位{self.year}年度权责清单未列入{name}事项，但台账中有{name}"
                      f"记录，请核对权责清单。")
            return True
        self.caption(f"本单位{self.year}年度权责清单中无{name}事项，本年度未实施{name}，"
                     f"本表不适用。")
        return False

    def finish(self) -> Grid:
        self._close_block()
        grid = self.grid
        span = max(grid.column_count, 6)
        widths = fit_page(grid, grid.measured_widths())
        widths += [8.0] * (span - len(widths))
        # The title, subtitle and captions span the table; a narrow table (or none, for a
        # power not held) is widened so they are not cut off.
        need = 4 + max(display_width(grid.rows[r - 1][0][0]) * (1.6 if r == 2 else 1.0)
                       for r in self._spanning if r not in self._notes)
        if sum(widths) < need:
            widths = [w * need / sum(widths) for w in widths]
            grid.widths.update({i: round(w, 1) for i, w in enumerate(widths, start=1)})
        for row in self._spanning:
            grid.merge_row(row, 1, span)
        for row in self._notes:
            text = grid.rows[row - 1][0][0]
            lines = 1 + display_width(text) // max(int(sum(widths)) - 4, 20)
            grid.heights[row] = 16 * lines
        return grid


def fit_page(grid: Grid, widths: list[float]) -> list[float]:
    """Column widths that print one page wide at PRINT_SCALE_MIN or larger (10-point text
    at 9 points or more): where the measured widths are wider, the columns whose headers
    wrap give up width, down to what their values need; the result is fixed on the grid."""
    # A little short of the page: LibreOffice's column widths run about 1 % wider than
    # POINTS_PER_WIDTH says, which printed a fitted table at 8.9 points.
    room = page_width_pt(grid.orientation) / PRINT_SCALE_MIN * 0.97
    need = sum(POINTS_PER_WIDTH * w + 4 for w in widths)
    if need <= room:
        return widths
    floors = [6.0] * len(widths)
    for row in grid.rows:
        for i, item in enumerate(row):
            if item is not None and item[1] in ("value", "label", "text", "total"):
                floors[i] = max(floors[i], min(display_width(item[0]), 16) + 2.0)
    spare = sum(w - f for w, f in zip(widths, floors))
    excess = (need - room) / POINTS_PER_WIDTH
    if spare <= 0:
        return widths
    cut = min(1.0, excess / spare)
    # rounded down: a width rounded up could tip the table past the page again
    fitted = [math.floor((w - (w - f) * cut) * 10) / 10 for w, f in zip(widths, floors)]
    grid.widths.update({i: w for i, w in enumerate(fitted, start=1)})
    return fitted


# --- the sheets --------------------------------------------------------------------------

def license_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政许可实施情况统计表", "件")
    keys = ["license.applied", "license.accepted", "license.granted", "license.refused",
            "license.revoked"]
    if t.holds(PowerCategory.LICENSE, keys, "行政许可"):
        t.caption("一、行政许可办理情况（件）")
        t.block([Col(h, k) for h, k in zip(("申请", "受理", "许可", "不予许可", "撤销"), keys)])
        items = figs.tables.get("license.items", [])
        if items:
            t.caption("二、按许可事项（件）")
            t.rows(["许可事项", "申请", "受理", "许可", "不予许可", "撤销"],
                   [[r["事项"], r["申请"], r["受理"], r["许可"], r["不予许可"], r["撤销"]]
                    for r in items], [None, *["int"] * 5], total=True)
        t.note("注：行政许可按决定作出的年度统计；“许可”为准予许可的件数。")
    return t.finish()


PENALTY_KIND_COLS = [*_cols("penalty.kind", PenaltyKind), Col("合计", "penalty.total")]


def penalty_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政处罚实施情况统计表", "件、元")
    if t.holds(PowerCategory.PENALTY, ["penalty.total"], "行政处罚"):
        t.caption("一、按处罚种类（件）")
        t.block(PENALTY_KIND_COLS)
        t.caption("二、罚没金额、程序与法制审核")
        t.block([Col("罚没金额（元）", "penalty.amount"),
                 Col("其中：罚款（元）", "penalty.fine_amount"),
                 Col("其中：没收（元）", "penalty.confiscation_amount"),
                 Col("简易程序（件）", "penalty.procedure.simple"),
                 Col("普通程序（件）", "penalty.procedure.ordinary"),
                 Col("法制审核（件）", "penalty.legal_review"),
                 Col("法制审核纠错（件）", "penalty.legal_review_corrected"),
                 Col("听证（件）", "penalty.hearing"),
                 Col("当事人为公民（件）", "penalty.party.citizen"),
                 Col("当事人为法人或其他组织（件）", "penalty.party.organisation")])
        t.note("注：处罚种类依《中华人民共和国行政处罚法》第九条排列；一案并处多种处罚的，按其中"
               "最重的种类计1件，同时处以“其他”和法定种类的按法定种类计。罚没金额为"
               f"{figs.figure('penalty.amount').note}，以处罚决定书载明的金额为准；"
               "按决定日期所在年度统计。")
    return t.finish()


def coercion_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政强制实施情况统计表", "件")
    if t.holds(PowerCategory.COERCION, ["other_act.coercion"], "行政强制"):
        t.caption("一、行政强制（件）")
        t.block([Col("行政强制", "other_act.coercion")])
        items = [r for r in figs.tables.get("other_act.items", [])
                 if r["类别"] == OtherActCategory.COERCION]
        if items:
            t.caption("二、按事项（件）")
            t.rows(["事项", "次数"], [[r["事项"], r["次数"]] for r in items], [None, "int"],
                   total=True)
    return t.finish()


def inspection_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政检查实施情况统计表", "次、家、人次、处")
    # Seven blocks of at most eight columns: taller than wide, so it prints portrait (two
    # pages rather than three landscape ones).
    t.grid.orientation = "portrait"
    if t.holds(PowerCategory.INSPECTION, ["inspection.total"], "行政检查"):
        t.caption("一、按检查类别（次）")
        t.block([Col("合计", "inspection.total"), *_cols("inspection.category", InspectionCategory)])
        t.caption("二、按检查方式（次）")
        t.block(_cols("inspection.method", InspectionMethod))
        t.caption("三、按检查对象类型（次）")
        t.block(_cols("inspection.unit_type", UnitType))
        t.caption("四、按检查结果（次）")
        t.block(_cols("inspection.result", InspectionResult))
        t.caption("五、涉企行政检查")
        t.block([Col("涉企行政检查（次）", "inspection.enterprise"),
                 Col("涉企检查对象（家）", "inspection.enterprise_units"),
                 Col("单户最多（次）", "inspection.enterprise_max_per_unit", True),
                 Col("户均（次）", "inspection.enterprise_mean_per_unit", True),
                 Col("超过频次上限（家）", "inspection.enterprise_over_cap", True),
                 Col("不计入频次的专项检查（次）", "inspection.enterprise_uncapped", True)])
        t.caption("六、检查对象与执法力量")
        t.block([Col("检查对象（家）", "inspection.units"),
                 Col("联合检查对象（家）", "inspection.joint_unit_count"),
                 Col("出动执法人员（人次）", "inspection.personnel"),
                 Col("其中联合检查（人次）", "inspection.joint_personnel"),
                 Col("发现问题隐患（处）", "inspection.problems"),
                 Col("现场整改（处）", "inspection.rectified_on_site"),
                 Col("全过程记录（次）", "inspection.recorded")])
        plan_section(t, "七")
        t.note("注：对一个检查对象形成完整检查记录的计1次，无具体对象或无记录的巡查不计；同一对象"
               "同一日的多条记录（如部门联合“双随机”检查）计1次。检查类别依津司发〔2025〕8号；"
               "涉企行政检查指对民办学校、民办幼儿园、校外培训机构的检查（国办发〔2024〕54号）。")
    return t.finish()


PLAN_COLS = [Col("计划任务（项）", "plan.tasks"), Col("已实施任务（项）", "plan.tasks_done"),
             Col("计划检查对象（家）", "plan.objects_planned"),
             Col("计划内已检查对象（家）", "plan.objects_inspected"),
             Col("计划完成率（%）", "plan.completion_rate"),
             Col("计划内检查（次）", "inspection.planned", True),
             Col("计划外检查（次）", "inspection.unplanned", True)]


def plan_section(t: TableSheet, number: str) -> None:
    """检查计划完成情况: planned against done, from the plan figures; a year whose ledger has
    no plan (or a program that records none) says so in one line."""
    figs = t.figs
    if not figs.figures.get("plan.tasks") or not figs["plan.tasks"]:
        t.caption(f"{number}、行政检查计划完成情况：本年度未录入行政检查计划。")
        return
    t.caption(f"{number}、行政检查计划完成情况")
    t.block(PLAN_COLS)
    tasks = figs.tables.get("plan.tasks", [])
    if tasks:
        t.rows(["计划任务", "类别", "对象类型", "对象基数（家）", "计划检查（家）",
                "已检查（家）", "频次上限（次/年）"],
               [[r.get("name"), r.get("category"), r.get("unit_type"), r.get("base"),
                 r.get("planned"), r.get("inspected"), r.get("cap")]
                for r in tasks], [None, None, None, "int", "int", "int", "cap"], total=True)
    sources = [r for r in figs.tables.get("inspection.unplanned_by_source", []) if r.get("count")]
    if sources:
        t.rows(["计划外检查来源", "检查（次）"], [[r["source"], r["count"]] for r in sources],
               [None, "int"], total=True)


OTHER_ACT_CATEGORIES = [c for c in OtherActCategory
                        if c not in (OtherActCategory.LICENSE, OtherActCategory.COERCION)]


def other_acts_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "其他行政执法行为统计表", "件")
    t.caption("一、按类别（件）")
    cols = [Col(c.value, f"other_act.{c.key}") for c in OTHER_ACT_CATEGORIES]
    t.block(cols)
    if figs["power.total"]:
        absent = [c.value for c in OTHER_ACT_CATEGORIES
                  if not figs[f"power.category.{c.key}"] and not figs[f"other_act.{c.key}"]]
        if absent:
            t.note(f"注：本单位{figs.year}年度权责清单中无{'、'.join(absent)}事项，相应栏目不适用。")
    items = [r for r in figs.tables.get("other_act.items", [])
             if r["类别"] != OtherActCategory.COERCION and r["次数"]]
    if items:
        t.caption("二、按事项（件）")
        t.rows(["类别", "事项", "次数"], [[r["类别"], r["事项"], r["次数"]] for r in items],
               [None, None, "int"], total=True)
    return t.finish()


def staff_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "执法人员持证情况统计表", "人、%")
    t.caption("一、执法证件（人）")
    t.block([Col("持证人数", "staff.certified"), Col("新申领", "staff.newly_certified"),
             Col("注销", "staff.cancelled"), Col("在编执法岗位人数", "staff.established"),
             Col("在编持证人数", "staff.established_certified"),
             Col("持证率（%）", "staff.certified_rate"),
             Col("法制审核人员", "staff.legal_reviewers")])
    t.note(f"注：持证人数为{figs.year}年12月31日执法证件有效的人数；新申领、注销按发证、注销日期"
           f"所在年度统计；持证率 = {figs.figure('staff.certified_rate').note}。")
    return t.finish()


def training_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "学法培训情况统计表", "次、学时、人、%")
    t.caption("一、学法培训")
    t.block([Col("培训次数（次）", "training.sessions"), Col("组织培训学时", "training.hours"),
             Col("人均学法学时", "training.avg_hours"),
             Col(f"达到{TRAINING_HOURS_EXPECTED}学时（人）", "training.reached_60"),
             Col("达标率（%）", "training.reached_60_rate"),
             Col("参加考试（人）", "training.exam_takers"),
             Col("考试通过（人）", "training.exam_passed"),
             Col("考试通过率（%）", "training.pass_rate")])
    t.note(f"注：执法人员每人每年学法不少于{TRAINING_HOURS_EXPECTED}学时；人均学时"
           f"= {figs.figure('training.avg_hours').note}。")
    return t.finish()


def review_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政复议、行政诉讼情况统计表", "件")
    for n, kind in zip("一二", ReviewKind):
        t.caption(f"{n}、{kind.value}（件）")
        t.block([Col("合计", f"review.{kind.key}"),
                 *_cols(f"review.{kind.key}", ReviewResult),
                 Col("被纠错", f"review.{kind.key}.corrected")])
    t.note("注：按收案日期所在年度统计；被纠错指结果为撤销、变更或确认违法。")
    return t.finish()


def power_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "行政执法职权（权责清单）情况表", "项")
    t.caption("一、权责清单事项（项）")
    t.block([Col("合计", "power.total"), *_cols("power.category", PowerCategory)])
    if not figs["power.total"]:
        t.note(f"注：台账中未录入{figs.year}年度权责清单，各表不据此判断职权。")
    return t.finish()


def campaign_sheet(figs: AnnualFigures, head: SheetHead) -> Grid:
    t = TableSheet(figs, head, "专项行动与联合执法情况统计表", "次、人次、家、处、件")
    t.caption("一、专项行动")
    t.block([Col("专项行动（次）", "campaign.total"), Col("出动（人次）", "campaign.personnel"),
             Col("排查机构（家）", "campaign.institutions"),
             Col("发现隐患（处）", "campaign.hazards"), Col("关停（家）", "campaign.closed"),
             Col("整改（家）", "campaign.rectified"), Col("立案（件）", "campaign.cases")])
    campaigns = figs.tables.get("campaign.list", [])
    if campaigns:
        t.caption("二、各专项行动")
        t.rows(["名称", "开始日期", "结束日期", "牵头部门", "联合部门", "出动人次", "排查机构数",
                "发现隐患数", "关停数", "整改数", "立案数"],
               [[c["名称"], c["开始日期"], c["结束日期"], c["牵头部门"], c["联合部门"],
                 c["出动人次"], c["排查机构数"], c["发现隐患数"], c["关停数"], c["整改数"],
                 c["立案数"]] for c in campaigns],
               [None, "date", "date", None, None, *["int"] * 6])
    t.note("注：专项行动按结束日期所在年度统计，尚未结束的按开始日期所在年度统计。")
    return t.finish()


# Sheet name → builder, in the order the annex prints them.
TABLE_SHEETS: list[tuple[str, Callable[[AnnualFigures, SheetHead], Grid]]] = [
    ("执法职权情况", power_sheet),
    ("行政许可实施情况", license_sheet),
    ("行政处罚实施情况", penalty_sheet),
    ("行政强制实施情况", coercion_sheet),
    ("行政检查实施情况", inspection_sheet),
    ("其他行政执法行为", other_acts_sheet),
    ("专项行动情况", campaign_sheet),
    ("执法人员持证情况", staff_sheet),
    ("学法培训情况", training_sheet),
    ("复议诉讼情况", review_sheet),
]
