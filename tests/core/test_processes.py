"""Whether a process still runs (core.processes): the ledger's lock and the running
window's note are taken over from a program that no longer does."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from core.processes import pid_alive


def test_this_process_runs_and_an_ended_one_does_not():
    assert pid_alive(os.getpid())
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert not pid_alive(int(done.stdout))
    assert not pid_alive(0) and not pid_alive(-1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's /proc")
def test_a_program_ended_but_not_yet_reaped_no_longer_runs():
    """A killed program stays a zombie until its parent reaps it; os.kill still finds it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(100):                            # ended, not waited for
        with open(f"/proc/{child.pid}/stat", "rb") as stat:
            if stat.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                break
        time.sleep(0.05)
    else:
        pytest.fail("the child did not end")
    try:
        assert not pid_alive(child.pid)
    finally:
        child.wait()
