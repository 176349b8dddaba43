"""A second start hands over to the first: it asks the running window to come forward over a
local socket and exits, so the clerk never has two windows writing one ledger.

Which start is the first is settled by a note in the data folder (`NOTE`), created
exclusively the moment a start begins (`claim`): a start that creates it is the first, and
loads QtNetwork only after its own window is on screen, to listen. A start that finds the
note of a program still running is the second: it loads QtNetwork and asks that program,
waiting for it to listen if its window is not on screen yet (a slow PC's first start can
take seconds; the clerk double-clicks again meanwhile). A note left by a crash names a
process that no longer runs, and is taken over.

Before, the note was left only once the first was listening, and two starts in quick
succession both looked before either had left it: two windows, the second told
「台账被占用」 (core.lock)."""

from __future__ import annotations

import contextlib
import getpass
import os
import time
import zlib

from PySide6.QtCore import QObject, Signal

from core.paths import data_dir
from core.processes import pid_alive

NOTE = "窗口已打开.txt"


def server_name() -> str:
    # One name per user and data folder, so tests and other users never meet.
    key = f"{getpass.getuser()}|{data_dir()}".encode()
    return f"zhifa-taizhang-{zlib.crc32(key):08x}"


def _note():
    return data_dir() / NOTE


def _note_text() -> str:
    """This program's note: its process id (read by `_holder`), and the name it listens on."""
    return f"{os.getpid()}\n{server_name()}\n"


def claim() -> bool:
    """Leave this start's note, created exclusively: True if this start is the first, False
    if the note is another instance's and that program still runs."""
    note = _note()
    for _attempt in range(3):
        try:
            fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            holder = _holder(note)
            if holder is not None and holder != os.getpid() and pid_alive(holder):
                return False
            with contextlib.suppress(OSError):
                note.unlink()           # a crash's (or unreadable): taken over
            continue
        except OSError:
            return True     # no note can be left (a read-only data folder): go on as the first
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_note_text())
        return True
    return True


def _holder(note, tries: int = 10) -> int | None:
    """The process id in a note; None if there is none to read (gone, or not a note)."""
    for attempt in range(tries):
        try:
            first = note.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        except OSError:
            return None
        if first.isdigit():
            return int(first)
        if attempt + 1 < tries:
            time.sleep(0.02)    # created a moment ago by the other start, not yet written
    return None


def hand_over(timeout_ms: int = 500, patience_ms: int = 0) -> bool:
    """True if a running instance took the request (the caller should exit). With
    `patience_ms`, asks again until the other's note is that old: it listens only once its
    window is on screen, and a note older than that whose program does not answer is a
    crash's, its process id since taken by another program (Windows reuses them soon)."""
    try:
        deadline = _note().stat().st_mtime + patience_ms / 1000
    except OSError:
        return False                    # no instance is listening
    from PySide6.QtNetwork import QLocalSocket

    while True:
        socket = QLocalSocket()
        socket.connectToServer(server_name())
        if socket.waitForConnected(timeout_ms):
            socket.write(b"show\n")
            socket.waitForBytesWritten(timeout_ms)
            socket.disconnectFromServer()
            return True
        if time.time() >= deadline or not _note().exists():
            return False
        time.sleep(0.1)


def release() -> None:
    """Remove this program's note (at exit): not another instance's."""
    with contextlib.suppress(OSError):
        if _holder(_note(), tries=1) == os.getpid():
            _note().unlink()


class InstanceServer(QObject):
    show_requested = Signal()

    def __init__(self, parent=None):
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.server = QLocalServer(self)
        QLocalServer.removeServer(server_name())     # a crashed run may have left it
        self.server.listen(server_name())
        self.server.newConnection.connect(self._connection)
        try:
            _note().write_text(_note_text(), encoding="utf-8")
        except OSError:
            pass        # no note: a second start would open its own window and be told the
                        # ledger is in use (core.lock) instead of bringing this one forward

    def _connection(self) -> None:
        # The second start writes its request right after connecting: read it here, with a
        # short wait, rather than keeping per-connection slots alive.
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            if not conn.bytesAvailable():
                conn.waitForReadyRead(300)
            request = bytes(conn.readAll())
            conn.disconnectFromServer()
            conn.deleteLater()
            if b"show" in request:
                self.show_requested.emit()

    def close(self) -> None:
        self.server.close()
        release()
