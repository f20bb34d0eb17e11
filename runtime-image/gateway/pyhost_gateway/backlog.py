"""Which unix sockets listen, and how many connections wait in their queues.

The gateway asks the kernel (sock_diag netlink, what `ss -xl` shows) twice
in a reload:

- Before app.sock may point at a new server, that server's socket must be
  *listening*, not merely exist: gunicorn --preload loads the app (the shim
  reports ready) before it binds, and between bind() and listen() a
  connect() is refused (ECONNREFUSED).
- After app.sock points at the new server, the old one must serve what is
  already queued on its socket before it stops: stopping closes the listener
  and the kernel resets every queued connection. A fixed delay is too short
  for a slow, busy app, so the gateway waits until the queue (Recv-Q) is
  empty.
"""

from __future__ import annotations

import os
import socket
import struct
import time

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterator, Optional, Tuple

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
TCP_LISTEN = 10
UDIAG_SHOW_NAME, UDIAG_SHOW_RQLEN = 0x1, 0x10
UNIX_DIAG_NAME, UNIX_DIAG_RQLEN = 0, 4

_NLMSGHDR = struct.Struct("=IHHII")
_UNIX_DIAG_REQ = struct.Struct("=BBHIII8x")
_UNIX_DIAG_MSG = struct.Struct("=BBBBI8x")
_RTATTR = struct.Struct("=HH")


def _align(n: int) -> int:
    return (n + 3) & ~3


def build_request(seq: int = 1) -> bytes:
    body = _UNIX_DIAG_REQ.pack(socket.AF_UNIX, 0, 0, 1 << TCP_LISTEN, 0,
                               UDIAG_SHOW_NAME | UDIAG_SHOW_RQLEN)
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(body), SOCK_DIAG_BY_FAMILY,
                          NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body


def parse_messages(data: bytes) -> Iterator[Tuple[int, bytes]]:
    """(type, payload) of each netlink message in one datagram."""
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        length, mtype, _flags, _seq, _pid = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size:
            return
        yield mtype, data[offset + _NLMSGHDR.size: offset + length]
        offset += _align(length)


def parse_listener(payload: bytes) -> Optional[Tuple[str, int]]:
    """(bound path, queued connections) of one unix_diag_msg."""
    if len(payload) < _UNIX_DIAG_MSG.size:
        return None
    name, queued = None, None
    offset = _UNIX_DIAG_MSG.size
    while offset + _RTATTR.size <= len(payload):
        rta_len, rta_type = _RTATTR.unpack_from(payload, offset)
        if rta_len < _RTATTR.size:
            break
        value = payload[offset + _RTATTR.size: offset + rta_len]
        if rta_type == UNIX_DIAG_NAME:
            name = value.split(b"\0", 1)[0].decode("utf-8", "replace")
        elif rta_type == UNIX_DIAG_RQLEN and len(value) >= 4:
            queued = struct.unpack_from("=I", value)[0]
        offset += _align(rta_len)
    if name is None or queued is None:
        return None
    return name, queued


def listeners() -> Optional[Dict[str, int]]:
    """Bound path -> queued connections for every listening unix socket in
    this network namespace, or None when the kernel will not say."""
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG) as nl:
            nl.settimeout(1.0)
            nl.sendto(build_request(), (0, 0))
            found: Dict[str, int] = {}
            while True:
                for mtype, payload in parse_messages(nl.recv(1 << 16)):
                    if mtype == NLMSG_DONE:
                        return found
                    if mtype == NLMSG_ERROR:
                        return None
                    parsed = parse_listener(payload)
                    if parsed:
                        found[parsed[0]] = parsed[1]
    except OSError:
        return None


def accepts_connections(path: str) -> bool:
    """Whether a connect() to `path` succeeds now: the fallback for
    wait_until_listening where sock_diag is unavailable (the server then
    sees one connection that closes without a request)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(path)
            return True
    except OSError:
        return False


def wait_until_listening(path: str, timeout: float,
                         gave_up: Callable[[], bool] = lambda: False,
                         interval: float = 0.01,
                         listening: Optional[Callable[[], Optional[Dict[str, int]]]] = None,
                         probe: Callable[[str], bool] = accepts_connections) -> bool:
    """True once a socket bound at `path` listens; False after `timeout` or
    as soon as `gave_up()` (e.g. the server exited)."""
    listening = listening or listeners
    deadline = time.monotonic() + timeout
    while True:
        found = listening()
        if found is None:  # the kernel will not say: try a connection
            if os.path.exists(path) and probe(path):
                return True
        elif path in found:
            return True
        if gave_up() or time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_until_drained(path: str, timeout: float, minimum: float = 0.25,
                       fallback: float = 1.0) -> None:
    """Return once nothing waits on `path`'s accept queue (or `timeout`).

    `minimum` covers a connect() that resolved the old path just before the
    rename; `fallback` is the fixed delay when sock_diag is unavailable.
    """
    start = time.monotonic()
    time.sleep(minimum)
    while time.monotonic() - start < timeout:
        found = listeners()
        if found is None:
            time.sleep(max(0.0, fallback - (time.monotonic() - start)))
            return
        if found.get(path, 0) == 0:
            return
        time.sleep(0.05)
