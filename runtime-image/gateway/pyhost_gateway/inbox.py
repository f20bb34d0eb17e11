"""The gateway's end of the shim's datagram socket (see inbox_protocol)."""

from __future__ import annotations

import os
import queue
import socket
import threading

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict

from . import inbox_protocol as proto
from .logs import RotatingLog


class Inbox:
    """Writes the apps' stderr to the error log and routes load events to
    the server that is waiting for them."""

    def __init__(self, path: str, error_log: RotatingLog) -> None:
        self.path = path
        self._error_log = error_log
        self._waiting: Dict[str, "queue.Queue[dict]"] = {}
        self._lock = threading.Lock()
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(path)
        # A big receive buffer lets a chatty app write without waiting for us.
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._thread = threading.Thread(target=self._run, name="inbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._sock.close()

    def subscribe(self, server_id: str) -> "queue.Queue[dict]":
        events: "queue.Queue[dict]" = queue.Queue()
        with self._lock:
            self._waiting[server_id] = events
        return events

    def unsubscribe(self, server_id: str) -> None:
        with self._lock:
            self._waiting.pop(server_id, None)

    def _run(self) -> None:
        while True:
            try:
                datagram = self._sock.recv(proto.MAX_DATAGRAM * 2)
            except OSError:
                return
            event = proto.decode_event(datagram)
            if event is None:
                self._error_log.write(datagram)
                continue
            with self._lock:
                events = self._waiting.get(str(event.get("server")))
            if events is not None:
                events.put(event)
