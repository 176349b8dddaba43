"""PyInstaller runtime hook: runs inside the built zhifa / zhifa-cli before the program.

1. A windowed build has no console: Windows starts it with sys.stdout and sys.stderr set to
   None, and anything that writes to them (argparse errors, faulthandler, a library's stray
   print to sys.stderr.write) would crash before our logging is set up. They get a null
   stream; everything worth keeping goes to the log file (core.logs).
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

if sys.platform == "win32":
    import ctypes

    RUNNING_MUTEX = "Local\\zhifa-taizhang-running"   # the same name is in installer/zhifa.nsi
    _running_mutex = ctypes.windll.kernel32.CreateMutexW(None, False, RUNNING_MUTEX)
