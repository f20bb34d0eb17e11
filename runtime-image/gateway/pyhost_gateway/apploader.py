"""Loads the user's WSGI file inside the WSGI server (see wsgi_shim).

It loads /var/www/<domain>_wsgi.py by path, puts the source directory first
on sys.path (and the virtualenv's site-packages, when the server does not
activate it itself), sends the app's stderr and tracebacks to the gateway
(which is the only writer of the error log), and tells the gateway whether
loading worked. Importing this module has no side effects; `load_from_env`
does the work.
"""

from __future__ import annotations

import faulthandler
import gc
import io
import os
import socket
import sys
import traceback
import types

from . import framing
from . import inbox_protocol as proto

_LOGGED = "__pyhost_logged__"  # set on exceptions already in the error log
_SHIM_FILES = (__file__, framing.__file__)  # frames left out of request tracebacks


class _InboxWriter(io.RawIOBase):
    """Raw stream that sends each write to the gateway as datagrams."""

    def __init__(self, path: str, server_id: str) -> None:
        super().__init__()
        self._server_id = server_id
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.connect(path)

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:  # lets faulthandler and subprocess use it too
        return self._sock.fileno()

    def close(self) -> None:
        self._sock.close()
        super().close()

    def write(self, data) -> int:
        data = bytes(data)
        for i in range(0, len(data), proto.MAX_DATAGRAM):
            chunk = data[i:i + proto.MAX_DATAGRAM]
            try:
                self._sock.send(chunk)
            except OSError:
                os.write(2, chunk)  # the gateway is gone; the server log is better than nothing
        return len(data)

    def send_event(self, event: str, error: str | None = None) -> None:
        try:
            self._sock.send(proto.encode_event(self._server_id, os.getpid(), event, error))
        except OSError:
            pass


def _redirect_stderr(inbox: str, server_id: str) -> _InboxWriter:
    raw = _InboxWriter(inbox, server_id)
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(raw, 64 * 1024), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=True)
    # print() goes to the server log; make it show up when it happens.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    sys.excepthook = _excepthook
    return raw


def _excepthook(etype, value, tb) -> None:
    # uWSGI prints request exceptions through sys.excepthook; skip the ones
    # the middleware below already logged.
    if getattr(value, _LOGGED, False):
        return
    _log("Error running WSGI application", traceback.format_exception(etype, value, tb))


def _log(headline: str, lines) -> None:
    sys.stderr.write(headline + "\n" + "".join(lines))
    sys.stderr.flush()


def _mark_logged(exc: BaseException) -> None:
    try:
        setattr(exc, _LOGGED, True)
    except (AttributeError, TypeError):
        pass


def _add_virtualenv(venv: str) -> None:
    """Put the venv's site-packages (and its .pth files) first on sys.path.

    Only needed when the server runs on the system python (gunicorn); uWSGI
    activates the virtualenv itself (--virtualenv), and then sys.prefix is it.
    """
    if not venv or os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    import site
    v = sys.version_info
    site_packages = os.path.join(venv, "lib", f"python{v.major}.{v.minor}", "site-packages")
    before = list(sys.path)
    site.addsitedir(site_packages)
    added = [p for p in sys.path if p not in before]
    sys.path[:] = added + before


def _put_first_on_path(path: str) -> None:
    if path:
        sys.path[:] = [path] + [p for p in sys.path if p != path]


class LoadError(Exception):
    """The WSGI file loaded but is not usable."""


def load_wsgi_file(path: str):
    if not os.path.isfile(path):
        raise LoadError(f"WSGI file {path} does not exist")
    name = os.path.splitext(os.path.basename(path))[0]
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    # Compiled from source every time, never from a .pyc: an edit within
    # the same second that keeps the size would pass the cache's check.
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec", dont_inherit=True)
    exec(code, module.__dict__)
    app = getattr(module, "application", None)
    if app is None:
        raise LoadError(f"{path} does not define 'application'")
    if not callable(app):
        raise LoadError(f"'application' in {path} is not callable")
    return app


def one_line_error(exc: BaseException) -> str:
    """`NameError: name 'x' is not defined (/var/www/x_wsgi.py, line 3)`."""
    if isinstance(exc, LoadError):
        return str(exc)[:500]
    text = str(exc.msg if isinstance(exc, SyntaxError) else exc).strip().splitlines()
    message = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    where = None
    if isinstance(exc, SyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        user_frames = [f for f in frames if not f.filename.startswith(("<frozen", os.path.dirname(__file__)))]
        if user_frames:
            where = (user_frames[-1].filename, user_frames[-1].lineno)
    if where:
        message += f" ({where[0]}, line {where[1]})"
    return message[:500]


def _user_traceback(exc: BaseException, user_file: str):
    """The traceback from the WSGI file on, without the shim's and importlib's frames."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != user_file:
        tb = tb.tb_next
    return traceback.format_exception(type(exc), exc, tb)


class _LoggedIterable:
    """Logs exceptions raised while the response body is produced."""

    def __init__(self, iterable, environ) -> None:
        self._iterable = iterable
        self._environ = environ

    def __iter__(self):
        try:
            yield from self._iterable
        except Exception as exc:
            _log_request_error(exc, self._environ)
            raise

    def close(self) -> None:
        close = getattr(self._iterable, "close", None)
        if close is not None:
            close()


def _log_request_error(exc: BaseException, environ) -> None:
    if getattr(exc, _LOGGED, False):
        return
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in _SHIM_FILES:
        tb = tb.tb_next  # the user's frames are the interesting ones
    _log(f"Error running WSGI application ({environ.get('REQUEST_METHOD', '?')} "
         f"{environ.get('PATH_INFO', '')})", traceback.format_exception(type(exc), exc, tb))
    _mark_logged(exc)


def wrap(app):
    def application(environ, start_response):
        # Flask's default log handler writes to wsgi.errors.
        environ["wsgi.errors"] = sys.stderr
        if framing.applies(environ):
            return _call_framed(app, environ, start_response)
        started = False

        def tracking_start_response(*args):
            nonlocal started
            started = True
            return start_response(*args)

        try:
            result = app(environ, tracking_start_response)
        except Exception as exc:
            _log_request_error(exc, environ)
            if started:
                raise  # rare; the server answers (re-starting needs exc_info, which uWSGI mishandles)
            return _internal_server_error(start_response)
        if isinstance(result, (list, tuple)):
            return result
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(result, wrapper):
            return result  # keep the server's sendfile path
        return _LoggedIterable(result, environ)
    return application


def _call_framed(app, environ, start_response):
    """uWSGI on a kept-alive connection: the response gets a length (framing.py)."""
    response = framing.Response(start_response, lambda exc: _log_request_error(exc, environ),
                                abort=_shut_down_uwsgi_connection)
    file_wrapper = environ.get("wsgi.file_wrapper")
    if file_wrapper is not None:
        environ["wsgi.file_wrapper"] = response.wrap_file_wrapper(file_wrapper)
    try:
        result = app(environ, response.start_response)
    except Exception as exc:
        _log_request_error(exc, environ)
        if response.committed:
            response.abort()  # write() already sent part of it
            raise
        return response.error_response()
    return response.body(result)


def _shut_down_uwsgi_connection() -> None:
    """uWSGI keeps a connection after a response that broke off (it closes
    only on write errors), so the client would wait for the rest until
    socket-timeout. Shutting the socket down (through a duplicate: uWSGI
    still owns and closes the descriptor) tells the client at once."""
    try:
        import uwsgi  # the server's embedded module
        dup = socket.socket(fileno=os.dup(uwsgi.connection_fd()))
    except Exception:
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


def _internal_server_error(start_response):
    # Answer 500 here: uWSGI would close the connection without a
    # response, gunicorn would answer 500; now both do the same.
    body = b"Internal Server Error\n"
    start_response("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8"),
                                                 ("Content-Length", str(len(body)))])
    return [body]


def load_from_env(env=os.environ):
    """The wrapped `application`, configured by the PYHOST_SHIM_* variables
    the gateway sets. Raises ImportError (already logged) if it cannot."""
    wsgi_file = env.get("PYHOST_SHIM_WSGI_FILE", "")
    inbox = env.get("PYHOST_SHIM_INBOX", "")
    load_timeout_s = float(env.get("PYHOST_SHIM_LOAD_TIMEOUT", "15"))
    writer = _redirect_stderr(inbox, env.get("PYHOST_SHIM_SERVER_ID", "")) if inbox else None
    if writer is not None:
        # If loading hangs (app.run() at module level), show where, shortly
        # before the gateway gives up and kills this server.
        faulthandler.dump_traceback_later(max(1.0, load_timeout_s - 1.5), file=writer.fileno())
    try:
        _add_virtualenv(env.get("PYHOST_SHIM_VIRTUALENV", ""))
        _put_first_on_path(env.get("PYHOST_SHIM_SOURCE_DIR", ""))
        app = load_wsgi_file(wsgi_file)
    except BaseException as exc:
        faulthandler.cancel_dump_traceback_later()
        error = one_line_error(exc)
        lines = [] if isinstance(exc, LoadError) else _user_traceback(exc, wsgi_file)
        _log(f"Error loading WSGI file {wsgi_file}: {error}", lines)
        if writer is not None:
            writer.send_event(proto.FAILED, error)
        failure = ImportError(error)
        _mark_logged(failure)
        raise failure from None
    faulthandler.cancel_dump_traceback_later()
    wrapped = wrap(app)
    # The workers are forks of this process. Objects made so far leave the
    # collector's reach, so that its passes in a worker do not write to (and
    # so copy) every page they are on: an idle worker keeps sharing them.
    gc.freeze()
    if writer is not None:
        writer.send_event(proto.READY)
    return wrapped
