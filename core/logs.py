"""Logging to a file in the user's data directory: a windowed build has no console, and a
clerk never sees a traceback, so every bug's details must land here."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from core.paths import log_dir

LOG_NAME = "zhifa.log"
MAX_BYTES = 2_000_000
OLD_FILES = 3               # zhifa.log.1 … zhifa.log.3


class RotatingLog(logging.FileHandler):
    """A log file that is moved to zhifa.log.1 (.1 to .2 …, the oldest dropped) when the
    next line would take it past `max_bytes`: logging.handlers.RotatingFileHandler's rule,
    without importing logging.handlers, which brings socket, pickle and queue along (~15 ms
    of every start, before the window is on screen; docs/PERFORMANCE.md, issue 20)."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, old_files: int = OLD_FILES):
        super().__init__(path, encoding="utf-8")
        self.max_bytes = max_bytes
        self.old_files = old_files

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
        except Exception:               # as logging does: a failed log line never stops the program
            self.handleError(record)
            return
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        if not os.path.isfile(self.baseFilename):   # a device or pipe named by hand: never moved
            return False
        self.stream.seek(0, 2)
        return self.stream.tell() + len(self.format(record)) + 1 >= self.max_bytes

    def _rotate(self) -> None:
        self.stream.close()
        self.stream = None
        base = self.baseFilename
        try:
            for i in range(self.old_files - 1, 0, -1):
                if os.path.exists(f"{base}.{i}"):
                    os.replace(f"{base}.{i}", f"{base}.{i + 1}")
            if self.old_files > 0:
                os.replace(base, f"{base}.1")
        except OSError:
            pass        # held open elsewhere (Windows): go on writing to the same file
        self.stream = self._open()


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_dir() / LOG_NAME
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_zhifa", False)]:
        if Path(old.baseFilename) == path:
            return path
        root.removeHandler(old)   # the data directory moved (tests, --self-test)
        old.close()
    handler = RotatingLog(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._zhifa = True
    root.addHandler(handler)
    root.setLevel(level)
    # A library's warning (openpyxl on an odd cell of an imported workbook) is for the
    # maintainer, not English on the clerk's terminal: it goes to the log with the rest.
    logging.captureWarnings(True)
    return path
