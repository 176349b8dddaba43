"""A second start hands over to the first: it asks the running window to come forward over a
local socket and exits, so the clerk never has two windows writing one ledger.

The question is asked before the window is shown, on every start; QtNetwork costs 10–25 ms
to load. So the running instance leaves a note in the data folder while it listens
(`NOTE`), and a start that finds none knows at once that it is the first: QtNetwork is then
loaded only after its own window is on screen, to listen. A note left by a crash only
costs the next start that load (it finds no one listening and goes on)."""

from __future__ import annotations

import getpass
import os
import zlib

from PySide6.QtCore import QObject, Signal

from core.paths import data_dir

NOTE = "窗口已打开.txt"


def server_name() -> str:
    # One name per user and data folder, so tests and other users never meet.
    key = f"{getpass.getuser()}|{data_dir()}".encode()
    return f"zhifa-taizhang-{zlib.crc32(key):08x}"


def _note():
    return data_dir() / NOTE


def hand_over(timeout_ms: int = 500) -> bool:
    """True if a running instance took the request (the caller should exit)."""
    if not _note().exists():
        return False                    # no instance is listening
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


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
            _note().write_text(f"{os.getpid()}\n{server_name()}\n", encoding="utf-8")
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
        try:
            if _note().read_text(encoding="utf-8").startswith(f"{os.getpid()}\n"):
                _note().unlink()        # not another instance's, started after this one
        except OSError:
            pass
