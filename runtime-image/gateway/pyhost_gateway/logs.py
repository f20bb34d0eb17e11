"""Log files the gateway writes: size-rotated, timestamped by line.

The gateway writes each file (the router only appends a whole line to the
error log now and then), so rotating is a plain
rename: x.log -> x.log.1, and older ones gzipped as x.log.2.gz ...
x.log.<keep>.gz.
"""

from __future__ import annotations

import os
import threading
import time

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Tuple

# Group-writable: the router (in the log folder's group) appends a line to
# the error log now and then. Set explicitly; the umask would drop g+w.
LOG_MODE = 0o660


def rotated_name(path: str, n: int) -> str:
    """x.log.1 stays plain (it is often still being read); older ones are gzipped."""
    return f"{path}.{n}" if n == 1 else f"{path}.{n}.gz"


def rotate(path: str, keep: int) -> None:
    """Shift path -> path.1 -> path.2.gz -> ... and drop what is beyond `keep`."""
    if keep <= 0:
        _remove(path)
        return
    _remove(rotated_name(path, keep))
    for n in range(keep - 1, 1, -1):  # .(keep-1).gz ... .2.gz move up by one
        _rename_if_exists(rotated_name(path, n), rotated_name(path, n + 1))
    first = rotated_name(path, 1)
    if os.path.exists(first):
        if keep >= 2:
            _gzip(first, rotated_name(path, 2))
        _remove(first)
    _rename_if_exists(path, first)


def _gzip(src: str, dest: str) -> None:
    # Imported here: rotation is rare, and these modules would otherwise sit
    # in the memory of every idle gateway.
    import gzip
    import shutil

    tmp = dest + ".tmp"
    with open(src, "rb") as fin, gzip.open(tmp, "wb", compresslevel=6) as fout:
        shutil.copyfileobj(fin, fout)
    os.chmod(tmp, LOG_MODE)  # like the live file
    os.replace(tmp, dest)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _rename_if_exists(src: str, dest: str) -> None:
    try:
        os.replace(src, dest)
    except FileNotFoundError:
        pass


def timestamp(now: float) -> bytes:
    """`2026-11-25 08:40:00,123` in UTC, the format PythonAnywhere's logs use."""
    secs = int(now)
    ms = int((now - secs) * 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(secs)).encode() + b",%03d" % ms


def prefix_lines(data: bytes, at_line_start: bool, prefix: bytes) -> Tuple[bytes, bool]:
    """Put `prefix` before every line that starts in `data`.

    Returns the prefixed bytes and whether the next chunk starts a new line,
    so that a line written in several pieces gets a single prefix.
    """
    if not data:
        return data, at_line_start
    lines = data.split(b"\n")
    out = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        if last and line == b"":
            break  # data ended with a newline
        starts_line = at_line_start if i == 0 else True
        out.append((prefix + line) if starts_line else line)
        if not last:
            out.append(b"\n")
    return b"".join(out), data.endswith(b"\n")


class RotatingLog:
    """Thread-safe append-only writer with size-based rotation.

    Re-opens the file when it was deleted or replaced behind our back (users
    clear logs from the file editor), so the log never writes into the void.
    """

    def __init__(self, path: str, max_bytes: int, keep: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.keep = keep
        self._clock = clock
        self._lock = threading.Lock()
        self._fd = -1
        self._at_line_start = True
        self._last_check = 0.0

    def write(self, data: bytes, timestamped: bool = True) -> None:
        if not data:
            return
        with self._lock:
            if timestamped:
                data, self._at_line_start = prefix_lines(
                    data, self._at_line_start, timestamp(self._clock()) + b": ")
            else:
                self._at_line_start = data.endswith(b"\n")
            try:
                self._write_locked(data)
            except OSError:
                # A full or vanished log disk must not take the app down.
                self._close_locked()

    def line(self, text: str) -> None:
        """One lifecycle line, e.g. from the gateway itself."""
        self.write(text.rstrip("\n").encode("utf-8", "replace") + b"\n")

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def _write_locked(self, data: bytes) -> None:
        self._ensure_open_locked()
        size = os.fstat(self._fd).st_size
        if size > 0 and size + len(data) > self.max_bytes:
            self._close_locked()
            rotate(self.path, self.keep)
            self._ensure_open_locked()
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def _ensure_open_locked(self) -> None:
        now = time.monotonic()
        if self._fd >= 0 and now - self._last_check >= 1.0:
            self._last_check = now
            try:
                same = os.path.samestat(os.fstat(self._fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if not same:
                self._close_locked()
        if self._fd < 0:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, LOG_MODE)
            try:
                os.fchmod(self._fd, LOG_MODE)  # also a file an older gateway made 0640
            except OSError:
                pass  # not ours to change; writing still works
            self._last_check = now

    def _close_locked(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            finally:
                self._fd = -1

    def tail(self, max_lines: int = 30, max_bytes: int = 16384) -> str:
        """The last lines of the current file, for reload error replies."""
        try:
            with open(self.path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - max_bytes))
                data = f.read()
        except OSError:
            return ""
        lines = data.decode("utf-8", "replace").splitlines()
        if size > max_bytes and lines:
            lines = lines[1:]  # the first one is probably cut
        return "\n".join(lines[-max_lines:])
