"""Synthetic ledgers for the benchmarks: a district year (~500 records) or a city year (100,000).

    .venv/bin/python -m bench.generate /tmp/city.db --records 100000 [--year 2025]

The shape follows a real bureau's year (DOMAIN.md, the seeds) scaled up to a city of 16
districts: most records are inspections, then units, aggregate acts (许可 counts per month
and item), penalties, staff, trainings, campaigns, the power list, reviews and custom figures.
Inspections fall on working days, more in spring and autumn term, with a few entries logged
twice for the same unit and day (a joint inspection entered by two sections) so that the
counting rule "one unit on one day is one inspection" is exercised at scale.

Rows go in through SQLAlchemy Core executemany (the ORM path, `records.save`, takes about
a minute per 10,000 rows, which is the benchmark's business, not the generator's). To keep
the ledger honest, every row is built as an ORM object and passed through
core.validation.validate first (`check_every=1`; the runner may check a sample instead).
Seeded: the same arguments always give the same ledger.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from sqlalchemy import insert

from core.inspection_days import mark_first_of_day
from core.models import (
    Campaign, CustomFigure, Inspection, NarrativeText, OtherAct, PenaltyCase, PowerItem,
    ReviewCase, Staff, Training, Unit, inspection_staff, training_staff,
)
from core.records import set_profile
from core.store import Store, open_store
from core.validation import CREDIT_CODE, validate
from core.vocab import (
    InspectionCategory, InspectionMethod, InspectionResult, NarrativeBlock, OtherActCategory,
    PartyType, PowerCategory, Procedure, ReviewKind, ReviewResult, StaffStatus,
    TrainingForm, UnitType, heaviest_penalty,
)

DISTRICT = 500
CITY = 100_000

# Records of each kind per 100,000, for a city of 16 districts; inspections take the rest.
CITY_SHARES = {
    Staff: 900, Unit: 6000, Campaign: 240, PenaltyCase: 2400, OtherAct: 4000, Training: 320,
    PowerItem: 300, ReviewCase: 60, CustomFigure: 80,
}
# A single district still has a whole bureau's worth of each kind.
MINIMUM = {Staff: 20, Unit: 45, Campaign: 3, PenaltyCase: 6, OtherAct: 40, Training: 8,
           PowerItem: 19, ReviewCase: 1, CustomFigure: 3}

DISTRICTS = ["和平", "河东", "河西", "南开", "河北", "红桥", "东丽", "西青", "津南", "北辰",
             "武清", "宝坻", "滨海", "宁河", "静海", "蓟州"]
UNIT_MIX = [(UnitType.PUBLIC_SCHOOL, 36), (UnitType.PUBLIC_KINDERGARTEN, 25),
            (UnitType.PRIVATE_SCHOOL, 5), (UnitType.PRIVATE_KINDERGARTEN, 13),
            (UnitType.TUTORING, 19), (UnitType.OTHER, 2)]
ITEMS = ["招生", "教育教学", "校园安全", "食品安全", "收费", "消防", "办学许可", "培训内容",
         "从业人员资质", "保育教育"]
PARTNERS = ["市场监管局", "公安分局", "消防救援支队", "人社局", "卫健委", "民政局", "文旅局"]
# Spring and autumn terms carry most inspections; August and February are quiet.
MONTH_WEIGHT = [5, 4, 11, 11, 10, 9, 6, 3, 12, 10, 11, 8]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LICENSE_ITEMS = ["教师资格认定", "民办学校设立", "民办学校变更", "民办学校终止", "校外培训机构设立",
                 "校外培训机构变更", "民办幼儿园设立"]
OTHER_ITEMS = {OtherActCategory.CONFIRMATION: ["民办学校年度检查结论确认", "学历证明确认"],
               OtherActCategory.REWARD: ["优秀教师表彰", "优秀班主任表彰"],
               OtherActCategory.COERCION: ["查封培训场所"],
               OtherActCategory.OTHER: ["学生转学审批", "教育收费备案"]}
# (kinds, party type, procedure, fine yuan range, confiscation yuan range, weight)
PENALTY_PATTERNS = [
    ("警告", PartyType.ORGANISATION, Procedure.SIMPLE, None, None, 30),
    ("罚款", PartyType.ORGANISATION, Procedure.SIMPLE, (500, 3000), None, 20),
    ("罚款", PartyType.CITIZEN, Procedure.SIMPLE, (50, 200), None, 5),
    ("警告、罚款", PartyType.ORGANISATION, Procedure.ORDINARY, (5000, 50000), None, 15),
    ("罚款、没收违法所得/没收非法财物", PartyType.ORGANISATION, Procedure.ORDINARY,
     (10000, 100000), (2000, 80000), 12),
    ("责令停产停业、罚款", PartyType.ORGANISATION, Procedure.ORDINARY, (20000, 100000), None, 8),
    ("责令关闭/限制从业", PartyType.ORGANISATION, Procedure.ORDINARY, None, None, 5),
    ("通报批评", PartyType.ORGANISATION, Procedure.ORDINARY, None, None, 3),
    ("吊销许可证件", PartyType.ORGANISATION, Procedure.ORDINARY, None, None, 2),
]


def plan(records: int) -> dict[type, int]:
    """How many records of each kind a ledger of `records` records holds."""
    counts = {m: max(MINIMUM[m], round(share * records / CITY)) for m, share in CITY_SHARES.items()}
    counts[NarrativeText] = len(NarrativeBlock)
    counts[Inspection] = max(1, records - sum(counts.values()))
    return counts


class _Ledger:
    """Builds plain row dicts with explicit ids, so foreign keys need no round trip."""

    def __init__(self, year: int, records: int, seed: str):
        self.year = year
        self.rng = random.Random(f"{seed}-{year}-{records}")
        self.counts = plan(records)
        self.rows: dict[type, list[dict]] = {}
        self.links: dict[object, list[dict]] = {inspection_staff: [], training_staff: []}
        days = [dt.date(year, 1, 1) + dt.timedelta(d) for d in range(365 + (year % 4 == 0))]
        self.workdays = [d for d in days if d.weekday() < 5]
        self.day_weights = [MONTH_WEIGHT[d.month - 1] for d in self.workdays]

    def day(self, k: int = 1) -> list[dt.date]:
        return self.rng.choices(self.workdays, self.day_weights, k=k)

    def district(self, i: int) -> str:
        return DISTRICTS[i % len(DISTRICTS)]

    def build(self) -> None:
        for step in (self.staff, self.units, self.campaigns, self.inspections, self.penalties,
                     self.other_acts, self.trainings, self.powers, self.reviews, self.custom,
                     self.narrative):
            step()

    def staff(self) -> None:
        y, rng, rows = self.year, self.rng, []
        for i in range(self.counts[Staff]):
            issued = dt.date(y - rng.randint(1, 5), rng.randint(1, 12), rng.randint(1, 28))
            row = dict(id=i + 1, name=f"{self.district(i)}执法员{i + 1:04d}",
                       department=rng.choice(["法制科", "基础教育科", "民办教育管理科", "校外培训监管科",
                                              "安全稳定科", "学前教育科"]),
                       certificate_no=f"1201{i + 1:06d}", certificate_issued=issued,
                       certificate_expires=dt.date(y + 3, issued.month, issued.day),
                       status=StaffStatus.ACTIVE.value, cancelled_on=None, cancel_reason="",
                       is_established=rng.random() < 0.92, is_legal_reviewer=i % 12 == 0)
            if i % 40 == 39:   # retired during the year
                row.update(status=StaffStatus.CANCELLED.value, cancel_reason="退休",
                           cancelled_on=dt.date(y, rng.randint(1, 11), 15))
            rows.append(row)
        self.rows[Staff] = rows
        self.active_staff = [r["id"] for r in rows if r["cancelled_on"] is None]

    def units(self) -> None:
        rng, rows = self.rng, []
        types = [t for t, _ in UNIT_MIX]
        weights = [w for _, w in UNIT_MIX]
        for i in range(self.counts[Unit]):
            t = rng.choices(types, weights)[0]
            private = t in (UnitType.PRIVATE_SCHOOL, UnitType.PRIVATE_KINDERGARTEN, UnitType.TUTORING)
            code = ""
            if private:
                code = ("52" if t != UnitType.TUTORING else "91") + "120110" + "".join(
                    rng.choice(CODE_CHARS) for _ in range(10))
                assert CREDIT_CODE.match(code)
            kind = {UnitType.PUBLIC_SCHOOL: "学校", UnitType.PUBLIC_KINDERGARTEN: "幼儿园",
                    UnitType.PRIVATE_SCHOOL: "民办学校", UnitType.PRIVATE_KINDERGARTEN: "民办幼儿园",
                    UnitType.TUTORING: "培训学校有限公司", UnitType.OTHER: "教育中心"}[t]
            rows.append(dict(id=i + 1, name=f"{self.district(i)}区第{i + 1}{kind}",
                             unit_type=t.value, credit_code=code,
                             street=f"{self.district(i)}第{i % 9 + 1}街道", is_enterprise=private))
        self.rows[Unit] = rows

    def campaigns(self) -> None:
        y, rng, rows = self.year, self.rng, []
        names = ["校外培训寒暑期治理", "春季开学校园安全专项检查", "民办学校办学行为专项治理",
                 "食品安全专项检查", "消防安全专项整治"]
        for i in range(self.counts[Campaign]):
            start = dt.date(y, rng.randint(1, 9), rng.randint(1, 28))
            end = start + dt.timedelta(days=rng.randint(20, 90))
            end = min(end, dt.date(y, 12, 31))
            checked = rng.randint(10, 200)
            rows.append(dict(id=i + 1, name=f"{self.district(i)}区{names[i % len(names)]}",
                             start_date=start, end_date=end,
                             lead_department=f"{self.district(i)}区教育局",
                             partner_departments="、".join(rng.sample(PARTNERS, 3)),
                             personnel=rng.randint(20, 1500), institutions_checked=checked,
                             hazards_found=rng.randint(0, 40), closed=rng.randint(0, 2),
                             rectified=rng.randint(0, checked), cases_filed=rng.randint(0, 2),
                             note=""))
        self.rows[Campaign] = rows

    def inspections(self) -> None:
        y, rng, rows, links = self.year, self.rng, [], self.links[inspection_staff]
        units = self.rows[Unit]
        campaigns = self.rows[Campaign]
        methods = [InspectionMethod.OTHER.value] * 14 + [InspectionMethod.INTERNAL_RANDOM.value] * 4 \
            + [InspectionMethod.JOINT_RANDOM.value] * 2
        n = self.counts[Inspection]
        for i, day in enumerate(self.day(n)):
            unit = units[rng.randrange(len(units))]
            if i % 97 == 5 and rows:          # the same unit and day entered twice
                prev = rows[-1]
                unit, day = units[prev["unit_id"] - 1], prev["date"]
            method = rng.choice(methods)
            campaign = None
            if rng.random() < 0.15:
                campaign = rng.choice(campaigns)
                if not campaign["start_date"] <= day <= campaign["end_date"]:
                    campaign = None
            category = (InspectionCategory.SPECIAL if campaign else
                        InspectionCategory.CASE if rng.random() < 0.04 else
                        InspectionCategory.DAILY).value
            problems = rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
            result = InspectionResult.PASSED if problems == 0 else rng.choice(
                (InspectionResult.PASSED, InspectionResult.RECTIFY, InspectionResult.RECTIFY))
            if problems and unit["is_enterprise"] and rng.random() < 0.03:
                result = InspectionResult.CASE_FILED
            partners = rng.sample(PARTNERS, rng.randint(1, 3)) if method.endswith("联合") else []
            published = day + dt.timedelta(days=rng.randint(1, 20))
            # 涉企 inspections are approved beforehand (国办发〔2024〕54号), as a bureau's are: a
            # city year without approvals was tens of thousands of `check` flags, not a ledger.
            approved = unit["is_enterprise"] and rng.random() < 0.99
            iid = len(rows) + 1
            rows.append(dict(
                id=iid, date=day, category=category, method=method, unit_id=unit["id"],
                items="、".join(rng.sample(ITEMS, 2)),
                lead_department=f"{self.district(unit['id'])}区教育局",
                partner_departments="、".join(partners), personnel=2 + 2 * len(partners),
                problems_found=problems, rectified_on_site=rng.randint(0, problems),
                result=result.value, recorded=rng.random() < 0.9,
                published_on=published if published.year == y else None,
                campaign_id=campaign["id"] if campaign else None, note="",
                approver="分管副局长" if approved else "",
                approved_on=day - dt.timedelta(days=1 + i % 3) if approved else None))
            for sid in rng.sample(self.active_staff, 2):
                links.append({"inspection_id": iid, "staff_id": sid})
        self.rows[Inspection] = rows

    def penalties(self) -> None:
        y, rng, rows = self.year, self.rng, []
        weights = [p[-1] for p in PENALTY_PATTERNS]
        enterprises = [u for u in self.rows[Unit] if u["is_enterprise"]] or self.rows[Unit]
        filed = [r for r in self.rows[Inspection] if r["result"] == InspectionResult.CASE_FILED]
        for i in range(self.counts[PenaltyCase]):
            kinds, party_type, proc, fine, conf, _ = rng.choices(PENALTY_PATTERNS, weights)[0]
            unit = rng.choice(enterprises)
            decided = self.day()[0]
            source = filed[i] if i < len(filed) else None
            counted = heaviest_penalty(kinds.split("、"))
            ordinary = proc == Procedure.ORDINARY
            published = decided + dt.timedelta(days=rng.randint(1, 9))
            rows.append(dict(
                id=i + 1, decision_no=f"津{self.district(i)}教罚〔{y}〕{i // 16 + 1}号",
                party=unit["name"] if party_type == PartyType.ORGANISATION else f"张某{i}",
                party_type=party_type.value, unit_id=unit["id"], facts="未按规定办学",
                legal_basis="《中华人民共和国民办教育促进法》第六十二条", procedure=proc.value,
                kinds=kinds, counted_kind=counted.value,
                fine_cents=rng.randint(*fine) * 100 if fine else 0,
                confiscation_cents=rng.randint(*conf) * 100 if conf else None,
                filed_on=decided - dt.timedelta(days=rng.randint(5, 40)), decided_on=decided,
                closed_on=decided + dt.timedelta(days=rng.randint(5, 60)),
                legal_review=ordinary,
                legal_review_on=decided - dt.timedelta(days=2) if ordinary else None,
                legal_review_corrected=ordinary and rng.random() < 0.05, hearing=False,
                published_on=published if published.year == y else None,
                inspection_id=source["id"] if source else None))
        self.rows[PenaltyCase] = rows

    def other_acts(self) -> None:
        y, rng, rows = self.year, self.rng, []
        for i in range(self.counts[OtherAct]):
            month = i % 12 + 1
            district = self.district(i // 12)
            if rng.random() < 0.7:
                applied = rng.randint(1, 200)
                accepted = applied - rng.randint(0, min(3, applied))
                refused = rng.randint(0, min(2, accepted))
                rows.append(dict(id=i + 1, year=y, month=month,
                                 category=OtherActCategory.LICENSE.value,
                                 item=f"{rng.choice(LICENSE_ITEMS)}（{district}）",
                                 applied=applied, accepted=accepted, granted=accepted - refused,
                                 refused=refused, revoked=0, count=0))
            else:
                cat = rng.choice(list(OTHER_ITEMS))
                rows.append(dict(id=i + 1, year=y, month=month, category=cat.value,
                                 item=f"{rng.choice(OTHER_ITEMS[cat])}（{district}）",
                                 applied=0, accepted=0, granted=0, refused=0, revoked=0,
                                 count=rng.randint(1, 60)))
        self.rows[OtherAct] = rows

    def trainings(self) -> None:
        rng, rows, links = self.rng, [], self.links[training_staff]
        forms = list(TrainingForm)
        staff = self.active_staff
        for i in range(self.counts[Training]):
            form = rng.choice(forms)
            takers = rng.randint(0, 40) if form in (TrainingForm.ONLINE,
                                                    TrainingForm.QUALIFICATION_EXAM) else 0
            rows.append(dict(id=i + 1, date=self.day()[0], topic=f"{form.value}第{i + 1}期",
                             form=form.value, hours=float(rng.choice((2, 4, 6, 8, 16, 20))),
                             exam_takers=takers, exam_passed=takers - rng.randint(0, min(2, takers))))
            for sid in rng.sample(staff, min(len(staff), rng.randint(15, 60))):
                links.append({"training_id": i + 1, "staff_id": sid})
        self.rows[Training] = rows

    def powers(self) -> None:
        cats = list(PowerCategory)
        self.rows[PowerItem] = [
            dict(id=i + 1, year=self.year, category=cats[i % len(cats)].value,
                 name=f"{self.district(i // len(cats))}区{cats[i % len(cats)].value}事项{i + 1}",
                 quantity=1) for i in range(self.counts[PowerItem])]

    def reviews(self) -> None:
        penalties = self.rows[PenaltyCase]
        self.rows[ReviewCase] = [
            dict(id=i + 1, kind=self.rng.choice(list(ReviewKind)).value, received_on=self.day()[0],
                 penalty_case_id=penalties[i % len(penalties)]["id"],
                 result=self.rng.choice(list(ReviewResult)).value, note="")
            for i in range(self.counts[ReviewCase])]

    def custom(self) -> None:
        self.rows[CustomFigure] = [
            dict(id=i + 1, year=self.year, name=f"{self.district(i)}区其他指标{i + 1}",
                 value=float(self.rng.randint(1, 900)), unit="人",
                 sentence="全年{name}{value}{unit}。") for i in range(self.counts[CustomFigure])]

    def narrative(self) -> None:
        self.rows[NarrativeText] = [
            dict(id=i + 1, year=self.year, block=b.value,
                 text=f"{self.year}年，全市教育系统{b.value}工作情况（基准测试用文字）。" * 3,
                 needs_review=False) for i, b in enumerate(NarrativeBlock)]


def check_rows(ledger: _Ledger, every: int = 1) -> int:
    """Pass every `every`-th row of each kind through core.validation.validate, as ORM
    objects (campaigns attached, so the campaign date rule runs too). Returns rows checked."""
    campaigns = {r["id"]: Campaign(**r) for r in ledger.rows[Campaign]}
    units = {r["id"]: Unit(**r) for r in ledger.rows[Unit]}
    checked = 0
    for model, rows in ledger.rows.items():
        for row in rows[::every]:
            fields = {k: v for k, v in row.items() if k != "counted_kind"}
            record = model(**fields)
            if model is Inspection:
                record.unit = units[row["unit_id"]]
                if row["campaign_id"]:
                    record.campaign = campaigns[row["campaign_id"]]
            validate(record)
            checked += 1
    return checked


def fill(store: Store, records: int, year: int = 2025, *, seed: str = "bench",
         check_every: int = 1) -> dict[type, int]:
    """Add a ledger of `records` records for `year` to an empty store. Returns the plan."""
    ledger = _Ledger(year, records, seed)
    ledger.build()
    if check_every:
        check_rows(ledger, check_every)
    with store.session() as s:
        set_profile(s, full_name="天津市教育局" if records > 5000 else "示例区教育局",
                    region="天津市", signatory="天津市教育局", document_date=dt.date(year, 12, 28),
                    report_year=year)
    with store.engine.begin() as conn:
        for model in (Staff, Unit, Campaign, Inspection, PenaltyCase, OtherAct, Training,
                      PowerItem, ReviewCase, CustomFigure, NarrativeText):
            rows = ledger.rows[model]
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(model.__table__), rows[start:start + 20_000])
        for table, rows in ledger.links.items():
            if rows:
                conn.execute(insert(table), rows)
        mark_first_of_day(conn)       # the bulk insert bypassed the ORM's flush that does it
    return ledger.counts


def generate(path: Path | str, records: int, year: int = 2025, *, seed: str = "bench",
             check_every: int = 1) -> Path:
    """A new ledger file at `path` (replaced if present) holding `records` records."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(str(path))
    try:
        # No ANALYZE: the program never runs it, so a clerk's file has no planner statistics
        # and the benchmarks measure the query plans the clerk gets.
        fill(store, records, year, seed=seed, check_every=check_every)
    finally:
        store.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--records", type=int, default=CITY)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--check-every", type=int, default=1,
                        help="validate every n-th row (1 = all, 0 = none)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    generate(args.path, args.records, args.year, check_every=args.check_every)
    print(f"{args.path}: {args.records} records for {args.year} in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
