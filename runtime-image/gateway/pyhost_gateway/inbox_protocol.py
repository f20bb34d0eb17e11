"""What the shim (inside the WSGI server) sends to the gateway.

One unix datagram socket carries both kinds of message, so that they arrive
in the order a process sent them: a traceback written to stderr is in the
error log before the gateway handles the 'failed' event that follows it.
Datagrams that start with EVENT_MAGIC are events (JSON); everything else is
the app's stderr, byte for byte (that includes raw writes to the fd, such as
faulthandler's, and subprocesses that inherited it).
"""

from __future__ import annotations

import json

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

EVENT_MAGIC = b"\x00pyhost-event "
# Unix datagrams are atomic; keep each well under the socket buffer size.
MAX_DATAGRAM = 32 * 1024

READY = "ready"
FAILED = "failed"


def encode_event(server_id: str, pid: int, event: str, error: Optional[str] = None) -> bytes:
    return EVENT_MAGIC + json.dumps(
        {"server": server_id, "pid": pid, "event": event, "error": error}).encode()


def decode_event(datagram: bytes) -> Optional[dict]:
    """The event in `datagram`, or None if it is stderr data."""
    if not datagram.startswith(EVENT_MAGIC):
        return None
    try:
        event = json.loads(datagram[len(EVENT_MAGIC):])
    except ValueError:
        return None
    return event if isinstance(event, dict) else None
