"""The gateway's control API on /run/pyhost/control.sock (HTTP/1.0, JSON)."""

from __future__ import annotations

import json
import os
import socketserver
from http.server import BaseHTTPRequestHandler

from .supervisor import Supervisor


class _Handler(BaseHTTPRequestHandler):
    server_version = "pyhost-gateway"
    supervisor: Supervisor  # set on the subclass made by ControlServer

    def do_GET(self) -> None:
        if self.path == "/status":
            self._reply(200, self.supervisor.status())
        elif self.path == "/reload":
            self._reply(405, {"error": "use POST /reload"})
        else:
            self._reply(404, {"error": f"no such endpoint: {self.path}"})

    def do_POST(self) -> None:
        self._discard_body()
        if self.path != "/reload":
            self._reply(404 if self.path != "/status" else 405, {"error": f"no POST {self.path}"})
            return
        outcome = self.supervisor.reload()
        if outcome.ok:
            self._reply(200, {"ok": True, "duration_ms": outcome.duration_ms})
        else:
            self._reply(422, {"ok": False, "error": outcome.error, "log_tail": outcome.log_tail})

    def _discard_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= 1 << 20:
            self.rfile.read(length)

    def _reply(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def address_string(self) -> str:  # unix sockets have no client address
        return "control"

    def log_message(self, format: str, *args) -> None:
        pass  # the supervisor logs what matters; probes would flood the log


class ControlServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, supervisor: Supervisor) -> None:
        handler = type("Handler", (_Handler,), {"supervisor": supervisor})
        staging = path + ".new"
        try:
            os.unlink(staging)
        except FileNotFoundError:
            pass
        super().__init__(staging, handler)
        os.chmod(staging, 0o660)
        os.rename(staging, path)  # atomic: a stale control.sock is replaced, never missing
        self.path = path

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
