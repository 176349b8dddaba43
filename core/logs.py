"""Logging to a file in the user's data directory: a windowed build has no console, and a
clerk never sees a traceback, so every bug's details must land here."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from core.paths import log_dir

LOG_NAME = "zhifa.log"


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_dir() / LOG_NAME
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_zhifa", False)]:
        if Path(old.baseFilename) == path:
            return path
        root.removeHandler(old)   # the data directory moved (tests, --self-test)
        old.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._zhifa = True
    root.addHandler(handler)
    root.setLevel(level)
    # A library's warning (openpyxl on an odd cell of an imported workbook) is for the
    # maintainer, not English on the clerk's terminal: it goes to the log with the rest.
    logging.captureWarnings(True)
    return path
