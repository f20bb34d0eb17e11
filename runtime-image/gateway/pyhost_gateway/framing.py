"""Gives every uWSGI response on a kept-alive connection a length.

uWSGI's --http11-socket keeps the connection open after every response. One
without Content-Length and without chunked framing, which PEP 3333 allows
(`start_response('200 OK', [...]); return [b'<h1>Hello</h1>']`, the first
example everyone types), therefore has no visible end: the client waits
until uWSGI's socket-timeout (4 s) closes the connection, and the worker
serves nobody else meanwhile. uWSGI 2.0 cannot add the framing itself, so
the shim does, and only where it is missing:

- a list or tuple of bytes gets Content-Length, the sum of its lengths (the
  body is not copied);
- a wsgi.file_wrapper result on a regular file gets Content-Length, the
  file's size (uWSGI sends the whole file with sendfile, whatever the file's
  position), and stays the very object uWSGI recognises for sendfile;
- anything else (generators, write(), other iterables) is sent chunked, one
  chunk per piece the app produces: nothing is buffered.

The server's start_response is called only when the first non-empty piece
of the body (or its end) is known, as PEP 3333 lets a server do, so apps
that call start_response late (generators) still work, and an empty body
gets Content-Length: 0. Not touched: responses that already have a length
or a Transfer-Encoding, statuses without a body (1xx, 204, 304), HEAD, and
HTTP/1.0 requests (uWSGI closes those connections itself).
"""

from __future__ import annotations

import os
import stat

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable, List, Optional, Tuple

    Headers = List[Tuple[str, str]]

LAST_CHUNK = b"0\r\n\r\n"
FILE_BLOCK = 64 * 1024


def applies(environ) -> bool:
    """Whether this request's response may need framing (see the module docstring)."""
    return ("uwsgi.version" in environ
            and environ.get("SERVER_PROTOCOL") == "HTTP/1.1"
            and environ.get("REQUEST_METHOD") != "HEAD")


def needs_length(status: str, headers: Headers) -> bool:
    """A status with a body and headers that say nothing about its length."""
    try:
        code = int(str(status).split(None, 1)[0])
    except (ValueError, IndexError):
        return False  # the server will reject the status; not ours to fix
    if code < 200 or code in (204, 304):
        return False
    return not any(name.lower() in ("content-length", "transfer-encoding") for name, _ in headers)


def chunk(data) -> bytes:
    _require_bytes(data)
    return b"%x\r\n%s\r\n" % (len(data), data)


def _require_bytes(data) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"a WSGI response body must be bytes, not {type(data).__name__}")


def regular_file_size(filelike) -> Optional[int]:
    try:
        st = os.fstat(filelike.fileno())
    except (AttributeError, OSError, ValueError, TypeError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


class Response:
    """One request's response: the start_response and write() the app gets,
    and the body the server gets (`body`)."""

    def __init__(self, start_response: Callable, on_error: Callable[[BaseException], None],
                 abort: Callable[[], None] = lambda: None) -> None:
        self._server_start_response = start_response
        self._on_error = on_error
        self.abort = abort  # ends the connection under a response that broke off
        self._pending: Optional[Tuple[str, Headers]] = None
        self._server_write: Optional[Callable[[bytes], object]] = None
        self.committed = False   # the server's start_response was called
        self.chunked = False
        self.file = None          # what wsgi.file_wrapper returned, if the app used it

    # ---- what the app calls -------------------------------------------

    def start_response(self, status, headers, exc_info=None):
        if exc_info is not None:
            try:
                if self.committed:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None  # no reference cycle through the traceback
        # Called again before anything was sent: the later call wins, as in uWSGI.
        self._pending = (status, list(headers))
        return self.write

    def write(self, data) -> None:
        """The legacy write() callable: the body so far has no known length."""
        if not self.committed:
            self._commit(None)
        if data:
            self._server_write(chunk(data) if self.chunked else data)

    def wrap_file_wrapper(self, file_wrapper: Callable) -> Callable:
        def tracking_file_wrapper(filelike, *args):
            self.file = file_wrapper(filelike, *args)
            return self.file
        return tracking_file_wrapper

    # ---- what the server gets -----------------------------------------

    def body(self, result):
        if not self.committed and self._pending is not None:
            if isinstance(result, (list, tuple)) and all(isinstance(c, (bytes, bytearray)) for c in result):
                self._commit(sum(len(c) for c in result))
                return result
            if self.file is not None and result is self.file:
                if not needs_length(*self._pending):
                    self._commit(None)
                    return result  # the server's sendfile path
                size = regular_file_size(result)
                if size is not None:
                    self._commit(size)
                    return result
                return _FramedBody(self, _FileBlocks(result))
        return _FramedBody(self, result)

    def error_response(self) -> List[bytes]:
        """A 500 in place of a response that failed before anything was sent."""
        body = b"Internal Server Error\n"
        self._pending = ("500 Internal Server Error",
                         [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
        self._commit(None)
        return [body]

    def _commit(self, length: Optional[int]) -> None:
        """Call the server's start_response, with Content-Length `length` or,
        when the length is unknown (None), chunked, if the app gave neither."""
        if self._pending is None:
            raise RuntimeError("the app produced a response body before calling start_response()")
        status, headers = self._pending
        if needs_length(status, headers):
            if length is None:
                headers.append(("Transfer-Encoding", "chunked"))
                self.chunked = True
            else:
                headers.append(("Content-Length", str(length)))
        self._server_write = self._server_start_response(status, headers)
        self.committed = True


class _FramedBody:
    """The app's iterable, chunked when the response needs it. Errors are
    reported; one before anything was sent becomes a 500."""

    def __init__(self, response: Response, iterable: Iterable) -> None:
        self._response = response
        self._iterable = iterable

    def __iter__(self):
        r = self._response
        try:
            for data in self._iterable:
                if not data:
                    continue  # nothing to send, and an empty chunk would end the body
                if not r.committed:
                    _require_bytes(data)  # before anything is sent, so that it can be a 500
                    r._commit(None)
                yield chunk(data) if r.chunked else data
            if not r.committed:
                r._commit(0)
        except Exception as exc:
            r._on_error(exc)
            if r.committed:
                # Cut short. uWSGI would keep the connection, and the client
                # wait for the rest until socket-timeout: end it now.
                r.abort()
                raise
            yield from r.error_response()
            return
        if r.chunked:
            yield LAST_CHUNK

    def close(self) -> None:
        close = getattr(self._iterable, "close", None)
        if close is not None:
            close()


class _FileBlocks:
    """A file-like object that is no regular file, read block by block."""

    def __init__(self, filelike) -> None:
        self._filelike = filelike

    def __iter__(self):
        return iter(lambda: self._filelike.read(FILE_BLOCK), b"")

    def close(self) -> None:
        close = getattr(self._filelike, "close", None)
        if close is not None:
            close()
