"""Who may do what on a server ledger (issue 22): PostgreSQL roles and grants."""

from __future__ import annotations

from core.errors import PermissionDeniedError

INSUFFICIENT_PRIVILEGE = "42501"


def refusal(exc, session=None) -> PermissionDeniedError | None:
    """The clerk's words for a change the server refused for the user's role; None for any
    other database error."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
        return None
    return PermissionDeniedError("服务器拒绝了这次修改：您的账户没有这一权限。")
