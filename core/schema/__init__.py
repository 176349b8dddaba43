"""Numbered schema upgrades, applied in order by core.store with Alembic's operations API.

To change the schema: bump CURRENT_VERSION, add `UPGRADES[n] = upgrade_to_n` taking an
`alembic.operations.Operations`, change core/models.py to match, and add a test that
upgrades tests/resources/schema_v1.db (a copy of the first schema's file).
"""

from __future__ import annotations

from typing import Callable

CURRENT_VERSION = 1
MIN_UPGRADABLE_VERSION = 1

UPGRADES: dict[int, Callable] = {}
