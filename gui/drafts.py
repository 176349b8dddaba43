"""Unsaved input kept through a crash or a power cut: an open form with changes writes what it
holds to a draft file every few seconds, beside the data (「未保存的录入」 in the data folder),
and removes it once the input is saved or discarded. A draft still there at the next start
was left by a program that did not close: the clerk is offered 「恢复未保存的录入」.

A draft names the ledger it belongs to, so one from another data file is never offered.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import uuid
from pathlib import Path

from core.paths import data_dir

log = logging.getLogger(__name__)

EVERY_MS = 3000          # how much typing a crash can cost at most

# Pages other than the record forms that keep drafts: their kind → "module:function" that
# reopens the page with a draft, `function(window, shared, path, fields)`. Imported only
# when such a draft is found, so a normal start pays nothing for it.
RESTORERS = {"narrative": "gui.narrative:restore_draft"}


def restorer(kind):
    """The function that reopens a page's draft of `kind`, or None for a record form's."""
    target = RESTORERS.get(kind)
    if target is None:
        return None
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def folder() -> Path:
    return data_dir() / "未保存的录入"


def new_path(key: str) -> Path:
    return folder() / f"{key}-{uuid.uuid4().hex[:12]}.json"


def write(path: Path, ledger: str, key: str, record_id: int | None, title: str,
          fields: dict) -> bool:
    """Write the draft (whole or not at all: a temporary file renamed over it). A failure
    is logged, not shown: the clerk is typing and the form itself still holds the input."""
    data = {"ledger": ledger, "kind": key, "record_id": record_id, "title": title,
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"), "fields": fields}
    tmp = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("draft not written to %s: %s", path, exc)
        return False
    return True


def remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("draft not removed: %s: %s", path, exc)


def pending(ledger: str) -> list[tuple[Path, dict]]:
    """The drafts a program that did not close left for this ledger, oldest first."""
    found = []
    for path in sorted(folder().glob("*.json")) if folder().is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("draft unreadable, left alone: %s: %s", path, exc)
            continue
        if isinstance(data, dict) and data.get("ledger") == ledger \
                and isinstance(data.get("fields"), dict):
            found.append((path, data))
    found.sort(key=lambda pair: str(pair[1].get("saved_at", "")))
    return found
