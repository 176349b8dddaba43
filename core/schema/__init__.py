"""Numbered schema upgrades, applied in order by core.schema.versioning with Alembic's operations API.

To change the schema: bump CURRENT_VERSION, add `UPGRADES[n] = upgrade_to_n` taking an
`alembic.operations.Operations`, change core/models.py to match, and add a test that
upgrades tests/resources/schema_v1.db (a copy of the first schema's file). A step must work
on PostgreSQL as on SQLite: a boolean's server default is core.dialects.server_bool, a
partial index states its condition with core.dialects.partial, and no index holds free text
on a server (core.dialects; gate it with is_sqlite(op.get_bind())).
"""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from core.dialects import is_sqlite, partial, server_bool

CURRENT_VERSION = 6
MIN_UPGRADABLE_VERSION = 1


def upgrade_to_2(op) -> None:
    """Counting indexes for a city-scale year (docs/PERFORMANCE.md): the (date, unit) index
    leads with the unit after the date, and a second one follows the reporting dimensions."""
    op.drop_index("ix_inspection_counting", table_name="inspection")
    op.create_index("ix_inspection_counting", "inspection",
                    ["date", "unit_id", "deleted_at", "category", "method", "result", "personnel",
                     "problems_found", "rectified_on_site", "recorded"])
    op.create_index("ix_inspection_dimensions", "inspection",
                    ["category", "method", "result", "date", "deleted_at", "personnel",
                     "problems_found", "rectified_on_site", "recorded"])


def upgrade_to_3(op) -> None:
    """The inspection list's index (docs/PERFORMANCE.md): opening or searching the list
    reads the texts it looks in from an index in the list's order, not 85,000 table rows."""
    if is_sqlite(op.get_bind()):
        op.create_index("ix_inspection_list", "inspection",
                        ["date", "id", "deleted_at", "unit_id", "items", "note"],
                        **partial("items IS NOT NULL"))
    else:        # no free text in a server's index (core.dialects)
        op.create_index("ix_inspection_list_server", "inspection",
                        ["date", "id", "deleted_at", "unit_id"], **partial("items IS NOT NULL"))


def upgrade_to_4(op) -> None:
    """Which entry counts when a unit is logged twice on one day, stored with each inspection
    (core.inspection_days) and in the counting indexes, so a city year is counted in one
    pass; the dimensions index leads with the date, so SQLite takes it without ANALYZE
    statistics; indexes for the report's joint-inspection names and for the inspections of
    one member of staff (docs/PERFORMANCE.md)."""
    from core.inspection_days import mark_first_of_day

    op.add_column("inspection", sa.Column("first_of_day", sa.Boolean, nullable=False,
                                          server_default=server_bool(False)))
    mark_first_of_day(op.get_bind())
    for name in ("ix_inspection_counting", "ix_inspection_dimensions"):
        op.drop_index(name, table_name="inspection")
    op.create_index("ix_inspection_counting", "inspection",
                    ["date", "unit_id", "deleted_at", "first_of_day", "category", "method",
                     "result", "personnel", "problems_found", "rectified_on_site", "recorded"])
    op.create_index("ix_inspection_dimensions", "inspection",
                    ["date", "category", "method", "result", "first_of_day", "deleted_at",
                     "personnel", "problems_found", "rectified_on_site", "recorded"])
    if is_sqlite(op.get_bind()):
        op.create_index("ix_inspection_joint", "inspection",
                        ["method", "date", "id", "first_of_day", "unit_id", "partner_departments"])
    else:        # no free text in a server's index (core.dialects)
        op.create_index("ix_inspection_joint_server", "inspection",
                        ["method", "date", "id", "first_of_day", "unit_id"])
    op.create_index("ix_inspection_staff_staff", "inspection_staff", ["staff_id", "inspection_id"])


def upgrade_to_5(op) -> None:
    """The report's legal basis per bureau (any province, not only Tianjin) and the report
    section a 其他指标 goes into. Both start empty: an empty 依据 line means the default for
    the bureau's region and year, an empty section means the figure is placed by its name."""
    op.add_column("bureau_profile", sa.Column("legal_basis", sa.Text, nullable=False,
                                              server_default=""))
    op.add_column("custom_figure", sa.Column("report_section", sa.String(20), nullable=False,
                                             server_default=""))


def upgrade_to_6(op) -> None:
    """The 2025 inspection rules (国办发〔2024〕54号, 津司发〔2025〕8号): the year's 行政检查计划
    as tasks, the yearly frequency caps per 对象类型, and on each inspection the task it
    carries out, the prior approval, 现场/非现场, a 个案's source, the 入企码 and whether it
    was deployed by a higher authority; a unit's 成立日期 and a penalty's 延长办案期限 for the
    reviewer's checks. An old inspection gets all of them empty (计划外, no
    approval recorded): nothing already counted changes."""
    def stamps():
        return (sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
                sa.Column("updated_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
                sa.Column("deleted_at", sa.DateTime))

    op.create_table(
        "inspection_plan_task",
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("implementer", sa.String(100), nullable=False),
        sa.Column("is_joint", sa.Boolean, nullable=False),
        sa.Column("partner_departments", sa.Text, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("is_enterprise", sa.Boolean, nullable=False),
        sa.Column("unit_type", sa.String(20), nullable=False),
        sa.Column("base", sa.Integer, nullable=False),
        sa.Column("ratio", sa.Float, nullable=False),
        sa.Column("cap", sa.Integer),
        sa.Column("period", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *stamps(),
    )
    op.create_index("ix_plan_task_year", "inspection_plan_task", ["year"])
    op.create_table(
        "inspection_cap",
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("unit_type", sa.String(20), nullable=False),
        sa.Column("cap", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *stamps(),
    )
    # Plain ADD COLUMN: rebuilding the table (Alembic's batch mode) would take a city
    # year's 100,000 rows through Python and reflect its partial list index without its
    # WHERE. SQLite adds a REFERENCES column when its default is NULL, as here.
    op.execute("ALTER TABLE inspection ADD COLUMN plan_task_id INTEGER "
               "REFERENCES inspection_plan_task (id) ON DELETE SET NULL")
    op.add_column("inspection", sa.Column("approver", sa.String(50), nullable=False,
                                          server_default=""))
    op.add_column("inspection", sa.Column("approved_on", sa.Date))
    op.add_column("inspection", sa.Column("mode", sa.String(10), nullable=False,
                                          server_default=""))
    op.add_column("inspection", sa.Column("case_source", sa.String(10), nullable=False,
                                          server_default=""))
    op.add_column("inspection", sa.Column("trace_code", sa.String(50), nullable=False,
                                          server_default=""))
    op.add_column("inspection", sa.Column("superior_deployed", sa.Boolean, nullable=False,
                                          server_default=server_bool(False)))
    op.add_column("unit", sa.Column("established_on", sa.Date))
    op.add_column("penalty_case", sa.Column("deadline_extended", sa.Boolean, nullable=False,
                                            server_default=server_bool(False)))
    op.create_index("ix_inspection_plan_task", "inspection",
                    ["plan_task_id", "date", "deleted_at", "first_of_day", "unit_id"])
    op.create_index("ix_inspection_case_source", "inspection",
                    ["category", "date", "deleted_at", "first_of_day", "plan_task_id",
                     "case_source"])
    op.create_index("ix_inspection_uncapped", "inspection",
                    ["superior_deployed", "category", "date", "deleted_at", "first_of_day",
                     "unit_id"])


UPGRADES: dict[int, Callable] = {2: upgrade_to_2, 3: upgrade_to_3, 4: upgrade_to_4,
                                 5: upgrade_to_5, 6: upgrade_to_6}
