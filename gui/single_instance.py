"""A second start hands over to the first: it asks the running window to come forward over a
local socket and exits, so the clerk never has two windows writing one ledger."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from core.paths import data_dir


def server_name() -> str:
    # One name per user and data folder, so tests and other users never meet.
    key = f"{getpass.getuser()}|{data_dir()}".encode()
    return "zhifa-taizhang-" + hashlib.sha1(key).hexdigest()[:12]


def hand_over(timeout_ms: int = 500) -> bool:
    """True if a running instance took the request (the caller should exit)."""
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
        super().__init__(parent)
        self.server = QLocalServer(self)
        QLocalServer.removeServer(server_name())     # a crashed run may have left it
        self.server.listen(server_name())
        self.server.newConnection.connect(self._connection)

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
