"""Numbered schema upgrades, applied in order by core.store with Alembic's operations API.

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

CURRENT_VERSION = 5
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


UPGRADES: dict[int, Callable] = {2: upgrade_to_2, 3: upgrade_to_3, 4: upgrade_to_4,
                                 5: upgrade_to_5}
