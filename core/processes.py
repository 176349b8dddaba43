"""Whether a process still runs on this PC: for the ledger's lock (core.lock) and for the
note a running window leaves for a second start (gui.single_instance).

Nothing but `os` at import: the window's start asks this before its first paint."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this PC."""
    if pid <= 0:
        return False
    if os.name == "nt":
        # os.kill(pid, 0) would TerminateProcess on Windows: ask the kernel instead.
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)   # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.GetLastError() == 5                # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259                            # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A Linux process that has ended but not yet been reaped by its parent: os.kill still
    finds it, and a program killed a moment ago held its ledger until then."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False            # no /proc (macOS), or gone meanwhile: as os.kill said
