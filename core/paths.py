"""Where the program keeps its files: data, logs, backups, and the bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "zhifa-taizhang"
DB_ENV = "ZHIFA_DB"
DATA_ENV = "ZHIFA_DATA_DIR"  # tests and the smoke test point the whole data dir elsewhere


def data_dir() -> Path:
    override = os.environ.get(DATA_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_backup_dir() -> Path:
    return data_dir() / "backups"


def default_db_location() -> str:
    """--db beats ZHIFA_DB beats the SQLite file in the user's data directory."""
    return os.environ.get(DB_ENV) or str(data_dir() / "ledger.db")


def resources_dir() -> Path:
    """resources/ beside the packages; inside a PyInstaller bundle, beside the executable's
    data (never the working directory, which a shortcut may set anywhere)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
