"""Saving, deleting and restoring records: the one path every change takes.

Forms, the import, the demo year and the CLI all save through `save()`, so every record in
the database has passed core.validation and the uniqueness rules below.

Several clerks on one ledger (issue 22): a form remembers the version of the record it
opened, a list the version of each row it shows, and pass it as `seen_version`; a save,
delete or restore of a record whose version has moved on since is refused with
RecordChangedError (who changed it, and when), and so is one that loses the race at the
database (the UPDATE's `WHERE version = ?` finds no row: StaleDataError). The other
change is never overwritten. Who saves is stamped and logged by core.audit.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import extract, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.errors import ValidationError
from core.models import (
    BureauProfile, Inspection, InspectionCap, InspectionPlanTask, NarrativeText, PenaltyCase,
    Record, ReviewCase, Staff, Training, Unit, inspection_staff, training_staff,
)
from core.validation import check_storable_text, validate


def live(model):
    """A SELECT of the records of `model` that are not in the recycle bin."""
    return select(model).where(model.deleted_at.is_(None))


def check_unchanged(session: Session, record: Record, seen_version: int | None,
                    doing: str = "保存") -> None:
    """Refuse (RecordChangedError) to change `record` when its stored version is no longer
    `seen_version`, the one the clerk's form or list was showing. None: nothing was shown
    (a new record, a change made by the program itself)."""
    if seen_version is None or record.id is None or record.version == seen_version:
        return
    raise audit.changed_error(session.get_bind(), record.KIND, type(record).__name__, record.id,
                              record.describe(), doing)


@contextlib.contextmanager
def _written(session: Session, record, doing: str = "保存"):
    """Tell, as typed errors, a lost race over `record` (another clerk's UPDATE committed
    between reading and writing it: StaleDataError) and a change the server's grants refuse,
    wherever in the block the session flushes (a query's autoflush included)."""
    # Read before: a failed flush expires the record, and its transaction can load nothing.
    with session.no_autoflush:
        known = (None if record is None or record.id is None else
                 (session.get_bind(), record.KIND, type(record).__name__, record.id,
                  record.describe()))
    try:
        yield
    except StaleDataError as exc:
        if known is None:
            raise
        raise audit.changed_error(*known, doing) from exc
    except DBAPIError as exc:
        from core.server_roles import refusal
        refused = refusal(exc, session)
        if refused is None:
            raise
        raise refused from exc


def flush(session: Session, record, doing: str = "保存") -> None:
    """Write what `session` holds, a lost race or a refused grant told in words."""
    with _written(session, record, doing):
        session.flush()


def save(session: Session, record: Record, seen_version: int | None = None) -> Record:
    """Validate and stage `record`; the caller's session commits. Raises ValidationError, and
    RecordChangedError when it changed since the clerk saw `seen_version` of it."""
    with _written(session, record):
        check_unchanged(session, record, seen_version)
        validate(record)
        _check_unique(session, record)
        session.add(record)
        session.flush()
    return record


def _check_unique(session: Session, record: Record) -> None:
    def clash(model, *conditions) -> bool:
        q = select(func.count()).select_from(model).where(model.deleted_at.is_(None), *conditions)
        if record.id is not None:
            q = q.where(model.id != record.id)
        return session.scalar(q) > 0

    if isinstance(record, PenaltyCase) and clash(
            PenaltyCase, PenaltyCase.decision_no == record.decision_no):
        raise ValidationError("决定书文号", f"「{record.decision_no}」已存在。", record="行政处罚")
    if isinstance(record, Unit) and clash(Unit, Unit.name == record.name):
        raise ValidationError("名称", f"「{record.name}」已存在。", record="检查对象")
    if isinstance(record, NarrativeText) and clash(
            NarrativeText, NarrativeText.year == record.year, NarrativeText.block == record.block):
        raise ValidationError("段落", f"{record.year}年「{record.block}」已存在。", record="报告文字")
    # An inspection names its plan task by year and name (forms, import), and a type has one
    # published cap a year: two of either could not be told apart.
    if isinstance(record, InspectionPlanTask) and clash(
            InspectionPlanTask, InspectionPlanTask.year == record.year,
            InspectionPlanTask.name == record.name):
        raise ValidationError("任务名称", f"{record.year}年「{record.name}」已存在。",
                              record=record.KIND)
    if isinstance(record, InspectionCap) and clash(
            InspectionCap, InspectionCap.year == record.year,
            InspectionCap.unit_type == record.unit_type):
        raise ValidationError("对象类型", f"{record.year}年「{record.unit_type}」的频次上限已存在。",
                              record=record.KIND)


def delete(session: Session, record: Record, seen_version: int | None = None) -> None:
    """Move a record to the recycle bin. Staff and units still in use are refused, and so is
    a record another clerk changed since `seen_version` of it was shown."""
    with _written(session, record, "删除"):
        check_unchanged(session, record, seen_version, "删除")
        in_use = _uses(session, record)
        if in_use:
            raise ValidationError(type(record).KIND, f"{record.describe()}仍被{in_use}使用，不能删除。")
        record.deleted_at = dt.datetime.now()
        session.flush()


def restore(session: Session, record: Record, seen_version: int | None = None) -> None:
    """Take a record out of the recycle bin, re-checking what may have changed meanwhile."""
    with _written(session, record, "恢复"):
        check_unchanged(session, record, seen_version, "恢复")
        record.deleted_at = None
        _check_unique(session, record)
        session.flush()


def _uses(session: Session, record: Record) -> str:
    if isinstance(record, Unit):
        n = session.scalar(select(func.count()).select_from(Inspection).where(
            Inspection.unit_id == record.id, Inspection.deleted_at.is_(None)))
        return f" {n} 条行政检查" if n else ""
    if isinstance(record, Staff):
        n = session.scalar(select(func.count()).select_from(inspection_staff).join(Inspection).where(
            inspection_staff.c.staff_id == record.id, Inspection.deleted_at.is_(None)))
        m = session.scalar(select(func.count()).select_from(training_staff).join(Training).where(
            training_staff.c.staff_id == record.id, Training.deleted_at.is_(None)))
        parts = [f" {n} 条行政检查" if n else "", f" {m} 次学法培训" if m else ""]
        return "、".join(p for p in parts if p)
    if isinstance(record, PenaltyCase):
        n = session.scalar(select(func.count()).select_from(ReviewCase).where(
            ReviewCase.penalty_case_id == record.id, ReviewCase.deleted_at.is_(None)))
        return f" {n} 件复议诉讼" if n else ""
    return ""


def profile(session: Session) -> BureauProfile | None:
    return session.scalar(select(BureauProfile).limit(1))


def set_profile(session: Session, **fields) -> BureauProfile:
    """Create or update the one bureau profile row."""
    current = profile(session) or BureauProfile(full_name="")
    for key, value in fields.items():
        if value is not None:
            setattr(current, key, value)
    check_storable_text(current)
    if not (current.full_name or "").strip():
        raise ValidationError("单位全称", "不能为空。", record="单位信息")
    session.add(current)
    flush(session, None)
    return current


def staff_by_name(session: Session, name: str) -> Staff | None:
    return session.scalar(live(Staff).where(Staff.name == name).order_by(Staff.id).limit(1))


def unit_by_name(session: Session, name: str) -> Unit | None:
    return session.scalar(live(Unit).where(Unit.name == name).limit(1))


def years_with_data(session: Session) -> list[int]:
    """Every year some live record counts in, newest first (for the year selector)."""
    from core.years import YEAR_KINDS, is_year_number, year_of

    years: set[int] = set()
    for model in YEAR_KINDS:
        column = year_of(model)
        year = column if is_year_number(model) else extract("year", column)
        q = select(year).distinct()
        for (value,) in session.execute(q.where(model.deleted_at.is_(None), column.is_not(None))):
            years.add(int(value))
    return sorted(years, reverse=True)


def inspections_same_day(session: Session, unit_name: str, day, exclude_id: int | None = None) -> int:
    """How many live inspections of the unit named `unit_name` are logged on `day` (besides
    `exclude_id`, the one being edited): the form warns, since one unit on one day counts
    as one inspection (core.inspection_days)."""
    q = (select(func.count()).select_from(Inspection).join(Unit, Inspection.unit_id == Unit.id)
         .where(Inspection.deleted_at.is_(None), Unit.name == unit_name, Inspection.date == day))
    if exclude_id is not None:
        q = q.where(Inspection.id != exclude_id)
    return session.scalar(q) or 0
