"""The domain's closed vocabularies, with the Chinese words the clerk sees and stores.

Each member's value is the Chinese term written in the database, the forms, the import
template and the documents; its name (lower-cased) is the stable English key used in
figure keys such as ``inspection.category.daily``.
"""

from __future__ import annotations

import functools
from enum import StrEnum


class Vocab(StrEnum):
    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def values(cls) -> list[str]:
        return list(_values(cls))

    @classmethod
    def allows(cls, value) -> bool:
        """Whether `value` is one of the stored terms: asked for every choice of every
        record a city-sized import validates, so the terms are gathered once per vocabulary."""
        return value in _value_set(cls)

    @classmethod
    def parse(cls, text: str) -> "Vocab":
        """Accept the Chinese term, a synonym listed in SYNONYMS, or the English key."""
        t = (text or "").strip()
        for m in cls:
            if t == m.value or t.lower() == m.key:
                return m
        for synonym, member in _synonyms(cls).items():
            if t == synonym:
                return member
        raise ValueError(t)


@functools.cache
def _values(cls) -> tuple[str, ...]:
    return tuple(m.value for m in cls)


@functools.cache
def _value_set(cls) -> frozenset[str]:
    return frozenset(_values(cls))


def _synonyms(cls) -> dict[str, Vocab]:
    return SYNONYMS.get(cls.__name__, {})


class UnitType(Vocab):
    PUBLIC_SCHOOL = "公办中小学"
    PUBLIC_KINDERGARTEN = "公办幼儿园"
    PRIVATE_SCHOOL = "民办学校"
    PRIVATE_KINDERGARTEN = "民办幼儿园"
    TUTORING = "校外培训机构"
    OTHER = "其他"


# Private schools, private kindergartens and tutoring institutions are market entities:
# inspections of them are 涉企行政检查 (国办发〔2024〕54号).
ENTERPRISE_UNIT_TYPES = frozenset(
    {UnitType.PRIVATE_SCHOOL, UnitType.PRIVATE_KINDERGARTEN, UnitType.TUTORING}
)


class InspectionCategory(Vocab):
    """津司发〔2025〕8号."""

    DAILY = "日常检查"
    SPECIAL = "专项检查"
    CASE = "个案检查"


class PlanCategory(Vocab):
    """The kinds of task a yearly 行政检查计划 holds: 个案检查 is never planned (津司发〔2025〕8号)."""

    DAILY = "日常检查"
    SPECIAL = "专项检查"


class InspectionMode(Vocab):
    """现场 or 非现场 (数据监测, 书面核查…): the 54号 opinion asks for 非现场 where it serves."""

    ON_SITE = "现场检查"
    OFF_SITE = "非现场检查"


class CaseSource(Vocab):
    """Where a 个案检查 comes from (津司发〔2025〕8号; 司法部《有关问题解答》2025-04-18)."""

    COMPLAINT = "投诉举报"
    REFERRAL = "转办交办"
    MONITORING = "数据监测"
    ENTERPRISE_REQUEST = "企业申请"
    OTHER = "其他"


class InspectionMethod(Vocab):
    JOINT_RANDOM = "双随机一公开·部门联合"
    INTERNAL_RANDOM = "双随机一公开·内部"
    OTHER = "其他"


class InspectionResult(Vocab):
    PASSED = "合格"
    RECTIFY = "责令整改"
    CASE_FILED = "立案查处"
    FAILED = "不合格"


class PartyType(Vocab):
    CITIZEN = "公民"
    ORGANISATION = "法人或其他组织"


class Procedure(Vocab):
    SIMPLE = "简易程序"
    ORDINARY = "普通程序"


class PenaltyKind(Vocab):
    """《行政处罚法》(2021) 第九条, lightest to heaviest; 其他 last and never heaviest
    when a named kind is also imposed."""

    WARNING = "警告"
    CIRCULATE_CRITICISM = "通报批评"
    FINE = "罚款"
    CONFISCATION = "没收违法所得/没收非法财物"
    SUSPEND_LICENSE = "暂扣许可证件"
    LOWER_QUALIFICATION = "降低资质等级"
    RESTRICT_BUSINESS = "限制开展生产经营活动"
    SUSPEND_PRODUCTION = "责令停产停业"
    CLOSE_OR_BAR = "责令关闭/限制从业"
    REVOKE_LICENSE = "吊销许可证件"
    DETENTION = "行政拘留"
    OTHER = "其他"


def heaviest_penalty(kinds) -> PenaltyKind | None:
    """The one category a case counts under: the heaviest named kind, 其他 only alone."""
    order = list(PenaltyKind)
    named = [PenaltyKind(k) for k in kinds if PenaltyKind(k) is not PenaltyKind.OTHER]
    if named:
        return max(named, key=order.index)
    return PenaltyKind.OTHER if kinds else None


class OtherActCategory(Vocab):
    LICENSE = "行政许可"
    COERCION = "行政强制"
    LEVY = "行政征收"
    CONFIRMATION = "行政确认"
    REWARD = "行政奖励"
    PAYMENT = "行政给付"
    RULING = "行政裁决"
    OTHER = "其他"


class PowerCategory(Vocab):
    PENALTY = "行政处罚"
    INSPECTION = "行政检查"
    LICENSE = "行政许可"
    COERCION = "行政强制"
    REWARD = "行政奖励"
    CONFIRMATION = "行政确认"
    LEVY = "行政征收"
    PAYMENT = "行政给付"
    RULING = "行政裁决"
    OTHER = "其他"


class TrainingForm(Vocab):
    CENTRAL = "集中培训"
    SELF_STUDY = "自学"
    ONLINE = "网上学法用法"
    COURT_HEARING = "旁听庭审"
    CONTEST = "法律知识竞赛"
    QUALIFICATION_EXAM = "执法资格培训考试"


class StaffStatus(Vocab):
    ACTIVE = "在岗"
    CANCELLED = "注销"


class ReviewKind(Vocab):
    RECONSIDERATION = "行政复议"
    LITIGATION = "行政诉讼"


class ReviewResult(Vocab):
    UPHELD = "维持"
    REVOKED = "撤销"
    VARIED = "变更"
    CONFIRMED_ILLEGAL = "确认违法"
    DISMISSED = "驳回"
    WITHDRAWN = "撤回"
    PENDING = "在办"


# Results that mean the bureau's decision was corrected (被纠错).
CORRECTED_REVIEW_RESULTS = frozenset(
    {ReviewResult.REVOKED, ReviewResult.VARIED, ReviewResult.CONFIRMED_ILLEGAL}
)


class NarrativeBlock(Vocab):
    """The paragraphs a person writes for the report, in report order."""

    INTRO = "导语"
    ORGANISATION = "组织领导"
    PLAN = "年度执法计划完成情况"
    MEASURES = "主要工作措施"
    RULE_OF_LAW_SCHOOLS = "依法治校与法律顾问"
    PROBLEMS = "存在的问题"
    NEXT_STEPS = "下一步工作打算"


class ReportSection(Vocab):
    """报告位置 of a custom figure (其他指标): the section of the report it is written in;
    empty means placed by its name (core.report.content.custom_section)."""

    STAFF = "行政执法人员"
    THREE_SYSTEMS = "三项制度"
    JOINT = "双随机与联合执法"
    SCHOOLS = "依法治校"
    OTHER = "其他工作情况"


SYNONYMS: dict[str, dict[str, Vocab]] = {
    "ReportSection": {"执法人员": ReportSection.STAFF, "学法培训": ReportSection.STAFF,
                      "全过程记录": ReportSection.THREE_SYSTEMS,
                      "执法公示": ReportSection.THREE_SYSTEMS,
                      "双随机": ReportSection.JOINT, "联合执法": ReportSection.JOINT,
                      "专项治理": ReportSection.JOINT, "法律顾问": ReportSection.SCHOOLS,
                      "其他": ReportSection.OTHER},
    "Procedure": {"简易": Procedure.SIMPLE, "普通": Procedure.ORDINARY,
                  "一般程序": Procedure.ORDINARY, "一般": Procedure.ORDINARY},
    "InspectionMethod": {
        "双随机一公开部门联合": InspectionMethod.JOINT_RANDOM,
        "部门联合双随机": InspectionMethod.JOINT_RANDOM,
        "联合双随机": InspectionMethod.JOINT_RANDOM,
        "双随机一公开·联合": InspectionMethod.JOINT_RANDOM,
        "双随机一公开内部": InspectionMethod.INTERNAL_RANDOM,
        "内部双随机": InspectionMethod.INTERNAL_RANDOM,
    },
    "InspectionCategory": {"日常": InspectionCategory.DAILY, "专项": InspectionCategory.SPECIAL,
                           "个案": InspectionCategory.CASE},
    "PlanCategory": {"日常": PlanCategory.DAILY, "专项": PlanCategory.SPECIAL},
    "InspectionMode": {"现场": InspectionMode.ON_SITE, "非现场": InspectionMode.OFF_SITE,
                       "实地检查": InspectionMode.ON_SITE},
    "CaseSource": {"投诉": CaseSource.COMPLAINT, "举报": CaseSource.COMPLAINT,
                   "转办": CaseSource.REFERRAL, "交办": CaseSource.REFERRAL,
                   "上级交办": CaseSource.REFERRAL, "数据监测发现": CaseSource.MONITORING,
                   "依申请": CaseSource.ENTERPRISE_REQUEST},
    "PartyType": {"法人": PartyType.ORGANISATION, "其他组织": PartyType.ORGANISATION,
                  "单位": PartyType.ORGANISATION, "个人": PartyType.CITIZEN,
                  "自然人": PartyType.CITIZEN},
    "PenaltyKind": {"没收违法所得": PenaltyKind.CONFISCATION,
                    "没收非法财物": PenaltyKind.CONFISCATION,
                    "责令关闭": PenaltyKind.CLOSE_OR_BAR, "限制从业": PenaltyKind.CLOSE_OR_BAR,
                    "吊销许可证": PenaltyKind.REVOKE_LICENSE,
                    "暂扣许可证": PenaltyKind.SUSPEND_LICENSE},
    "StaffStatus": {"在职": StaffStatus.ACTIVE, "已注销": StaffStatus.CANCELLED},
    "UnitType": {"公办学校": UnitType.PUBLIC_SCHOOL, "中小学": UnitType.PUBLIC_SCHOOL,
                 "培训机构": UnitType.TUTORING, "民办中小学": UnitType.PRIVATE_SCHOOL},
}
