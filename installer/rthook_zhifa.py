"""PyInstaller runtime hook: runs inside the built zhifa / zhifa-cli before the program.

1. A windowed build has no console: Windows starts it with sys.stdout and sys.stderr set to
   None, and anything that writes to them (argparse errors, faulthandler, a library's stray
   print to sys.stderr.write) would crash before our logging is set up. They get a null
   stream; everything worth keeping goes to the log file (core.logs). Streams that exist
   write UTF-8 and never fail on a character.
2. On Windows a named mutex says "the program is running": the installer and uninstaller
   (installer/zhifa.nsi) look for it and refuse to replace files in use. The handle is a
   plain number nobody closes: Windows releases it when the process ends, however it ends.
"""

import os
import sys

if sys.stdout is None or sys.stderr is None:
    _null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stdout or _null
    sys.stderr = sys.stderr or _null

# Started with its output piped (the build's smoke test, a script), Python writes in the ANSI
# code page, which on an English Windows cannot encode Chinese: `zhifa --self-test` would fail
# on its own success message. UTF-8 always, and never an exception for a character.
for _stream in (sys.stdout, sys.stderr):
    try:
        _stream.reconfigure(encoding="utf-8", errors="replace")
    except (AttributeError, ValueError, OSError):
        pass

if sys.platform == "win32":
    import ctypes

    RUNNING_MUTEX = "Local\\zhifa-taizhang-running"   # the same name is in installer/zhifa.nsi
    _running_mutex = ctypes.windll.kernel32.CreateMutexW(None, False, RUNNING_MUTEX)
