"""The gateway's control API on /run/pyhost/control.sock (HTTP/1.0, JSON).

One request per connection, answered and closed. The request is read by a
small strict reader of its own rather than http.server, which would pull
http.client, email.* and more into every idle container's gateway (about
4 MiB of memory): only root (the api) talks to this socket, with well-formed
requests; anything else gets a 4xx with a JSON reason.
"""

from __future__ import annotations

import json
import os
import socket
import socketserver
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

    from .supervisor import Supervisor

SERVER_HEADER = f"pyhost-gateway Python/{sys.version.split()[0]}"
MAX_LINE = 65536     # request line or one header line, as http.server allowed
MAX_HEADERS = 100    # as http.server (http.client) allowed
MAX_BODY = 1 << 20   # a request body is never used; it is read and dropped
READ_TIMEOUT_S = 10.0  # for the request; the reply (a reload) may take longer

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           408: "Request Timeout", 413: "Payload Too Large", 414: "URI Too Long", 422: "Unprocessable Entity",
           431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
           505: "HTTP Version Not Supported"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class BadRequest(Exception):
    """The request cannot be answered; `status` and the message say why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Request:
    __slots__ = ("method", "path", "version", "headers")

    def __init__(self, method: str, path: str, version: Tuple[int, int], headers: Dict[str, str]) -> None:
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers  # names lower-cased


def read_request(rfile) -> Optional[Request]:
    """The request on `rfile` (a binary file), its body read and dropped;
    None when the client closed without sending anything."""
    line = _line(rfile, 414, "request line too long")
    if not line:
        return None
    words = line.split()
    if not words:
        return None  # a blank line and nothing else, as http.server ignored it
    if len(words) != 3:
        raise BadRequest(400, f"bad request line {line.rstrip()[:200]!r}")
    method, path, version = words
    version_number = _version(version)
    if version_number >= (2, 0):
        raise BadRequest(505, f"unsupported HTTP version {version}")
    if path.startswith("//"):
        path = "/" + path.lstrip("/")  # as http.server: never a network path
    headers: Dict[str, str] = {}
    count = 0
    while True:
        line = _line(rfile, 431, "header line too long")
        if not line.endswith("\n"):
            raise BadRequest(400, "request ended inside its headers")
        if line in ("\r\n", "\n"):
            break
        count += 1
        if count > MAX_HEADERS:
            raise BadRequest(431, f"more than {MAX_HEADERS} headers")
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            raise BadRequest(400, f"bad header line {line.rstrip()[:200]!r}")
        name = name.lower()
        if name in headers and name in ("content-length", "transfer-encoding"):
            raise BadRequest(400, f"more than one {name} header")
        headers[name] = value.strip()
    if "transfer-encoding" in headers:
        raise BadRequest(400, "Transfer-Encoding is not supported; send a Content-Length")
    _drop_body(rfile, headers.get("content-length", ""))
    return Request(method, path, version_number, headers)


def _line(rfile, status: int, message: str) -> str:
    raw = rfile.readline(MAX_LINE + 1)
    if len(raw) > MAX_LINE:
        raise BadRequest(status, message)
    return raw.decode("iso-8859-1")


def _version(version: str) -> Tuple[int, int]:
    major, dot, minor = version[5:].partition(".") if version.startswith("HTTP/") else ("", "", "")
    if not (dot and major.isdigit() and minor.isdigit() and len(major) <= 10 and len(minor) <= 10
            and major.isascii() and minor.isascii()):
        raise BadRequest(400, f"bad request version {version[:50]!r}")
    return int(major), int(minor)


def _drop_body(rfile, content_length: str) -> None:
    if content_length == "":
        return
    if not (content_length.isdigit() and content_length.isascii()):
        raise BadRequest(400, f"bad Content-Length {content_length[:50]!r}")
    length = int(content_length)
    if length > MAX_BODY:
        raise BadRequest(413, f"request body over {MAX_BODY} bytes")
    if length and len(rfile.read(length)) != length:
        raise BadRequest(400, "request ended inside its body")


def http_date(t: float) -> str:
    """RFC 7231 date, as http.server's Date header (no locale involved)."""
    y, mo, d, h, mi, s, wd = time.gmtime(t)[:7]
    return f"{_DAYS[wd]}, {d:02d} {_MONTHS[mo - 1]} {y} {h:02d}:{mi:02d}:{s:02d} GMT"


def response(status: int, body: dict, now: float) -> bytes:
    data = json.dumps(body).encode()
    head = (f"HTTP/1.0 {status} {REASONS.get(status, '')}\r\n"
            f"Server: {SERVER_HEADER}\r\n"
            f"Date: {http_date(now)}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n"
            "\r\n")
    return head.encode("latin-1") + data


def answer(supervisor: Supervisor, request: Request) -> Tuple[int, dict]:
    """The status and JSON body for a well-formed request."""
    method, path = request.method, request.path
    if method == "GET":
        if path == "/status":
            return 200, supervisor.status()
        if path == "/reload":
            return 405, {"error": "use POST /reload"}
        return 404, {"error": f"no such endpoint: {path}"}
    if method == "POST":
        if path != "/reload":
            return (404 if path != "/status" else 405), {"error": f"no POST {path}"}
        outcome = supervisor.reload()
        if outcome.ok:
            return 200, {"ok": True, "duration_ms": outcome.duration_ms}
        return 422, {"ok": False, "error": outcome.error, "log_tail": outcome.log_tail}
    return 501, {"error": f"unsupported method {method[:50]!r}"}


class _Handler(socketserver.StreamRequestHandler):
    supervisor: Supervisor  # set on the subclass made by ControlServer
    timeout = READ_TIMEOUT_S

    def handle(self) -> None:
        try:
            request = read_request(self.rfile)
        except BadRequest as exc:
            self._send(exc.status, {"error": str(exc)})
            return
        except socket.timeout:
            self._send(408, {"error": f"no complete request within {READ_TIMEOUT_S:g} s"})
            return
        if request is None:
            return
        self.connection.settimeout(None)  # a reload takes as long as it takes
        try:
            status, body = answer(self.supervisor, request)
        except Exception as exc:  # noqa: BLE001 — the reply says it; the gateway stays up
            import traceback  # only on this rare path: it costs memory in every idle gateway
            traceback.print_exc()  # to the container log, as socketserver did
            status, body = 500, {"error": f"{type(exc).__name__}: {exc}"}
        self._send(status, body)

    def _send(self, status: int, body: dict) -> None:
        try:
            self.wfile.write(response(status, body, time.time()))
        except OSError:
            pass  # the client left; nothing to tell it


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
