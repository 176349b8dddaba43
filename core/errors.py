"""Typed errors the clerk can act on. Every message is Chinese and names the field or file.

The GUI and CLI show `str(error)`; anything that is not a ZhifaError is a bug and goes to
the log file instead of the screen.
"""

from __future__ import annotations


class ZhifaError(Exception):
    """Base of every error whose message is meant for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ZhifaError):
    """Input that cannot be saved. `field` is the Chinese field label it concerns."""

    def __init__(self, field: str, message: str, record: str | None = None):
        self.field = field
        self.record = record
        prefix = f"{record}：" if record else ""
        super().__init__(f"{prefix}「{field}」{message}")


class StoreError(ZhifaError):
    """The database file cannot be opened, read or written."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the program."""


class NotADatabaseError(StoreError):
    """The file is not a ledger database, or it is damaged."""


class DatabaseInUseError(StoreError):
    """Another instance (maybe on another PC) holds the database."""


class OutputError(ZhifaError):
    """A report, annex, export or backup file cannot be written."""


class TemplateError(ZhifaError):
    """A sentence template in resources/ is broken; names the template and line."""


class ImportFileError(ZhifaError):
    """A workbook offered for import cannot be read at all."""


class ReportError(ZhifaError):
    """The report cannot be made for this year (no records, a year out of range)."""
