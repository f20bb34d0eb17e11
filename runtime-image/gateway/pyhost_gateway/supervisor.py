"""Keeps one WSGI server serving app.sock: start, reload, restart, stop.

Every change of server goes the same way (`_replace`): start the new server
on a temporary socket, wait until the shim says the app loaded, link its
socket over app.sock (atomic), then retire the old server after a short
drain. A server that fails to load never replaces a working one.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import namedtuple

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional, Set, Tuple

from . import inbox_protocol as proto
from .argv import APP_SOCKET_MODE, GRACEFUL_TIMEOUT_S, build_argv, build_env
from .backlog import wait_until_drained, wait_until_listening
from .config import Config
from .crashes import CrashCounter, crash_loop_error
from .inbox import Inbox
from .logs import RotatingLog
from .preflight import preflight
from .server import ServerProcess

# After app.sock points at the new server, the old one serves what is
# already queued on its socket (see backlog.py) for at most DRAIN_MAX_S, or
# DRAIN_S when the kernel cannot tell how much is queued.
DRAIN_S = 1.0
DRAIN_MAX_S = 10.0
# After the app loaded, how long the server may take at least to listen on
# its socket (gunicorn binds only after --preload), on top of what is left
# of the load timeout.
LISTEN_MIN_S = 3.0
LOG_TAIL_LINES = 30


class Outcome(namedtuple("Outcome", "ok duration_ms error log_tail", defaults=(None, ""))):
    """How a start or reload went: ok, duration_ms, error (one line or None), log_tail.

    A named tuple, not a dataclass: dataclasses (and the inspect module it
    imports) would cost every idle gateway over a MiB of memory.
    """

    __slots__ = ()


class Supervisor:
    def __init__(self, cfg: Config, base_env: dict, server_log: RotatingLog,
                 error_log: RotatingLog, inbox: Inbox, backlog: int,
                 clock: Callable[[], float] = time.time,
                 on_crash_loop: Callable[[str], None] = lambda error: None) -> None:
        self.cfg = cfg
        self._base_env = base_env
        self._server_log = server_log
        self._error_log = error_log
        self._inbox = inbox
        self._backlog = backlog
        self._clock = clock
        self._lock = threading.RLock()      # one start/reload/restart at a time
        self._state_lock = threading.Lock()  # guards the fields below
        self.state = "starting"
        self.started_at = clock()
        self.reloads = 0
        self.last_error: Optional[str] = None
        self.current: Optional[ServerProcess] = None
        self._servers: Set[ServerProcess] = set()
        self._generation = 0
        self._crashes = CrashCounter()
        # Called once the server crash-loops (crashes.py); the gateway exits.
        self._on_crash_loop = on_crash_loop
        self._restart_timer: Optional[threading.Timer] = None
        self._stopping = False

    # ---- public -----------------------------------------------------------

    def start(self) -> Outcome:
        return self._replace("start")

    def reload(self, reason: str = "reload") -> Outcome:
        outcome = self._replace(reason)
        if outcome.ok:
            with self._state_lock:
                self.reloads += 1
        return outcome

    def status(self) -> dict:
        with self._state_lock:
            return {
                "state": self.state,
                "server": self.cfg.server,
                "started_at": int(self.current.started_at if self.current else self.started_at),
                "reloads": self.reloads,
                "last_error": self.last_error,
            }

    def shutdown(self, budget: float = GRACEFUL_TIMEOUT_S - 1) -> None:
        """Stop accepting connections, serve what is queued, let running
        requests finish, stop; all within `budget` (Docker kills at 10 s)."""
        self._stopping = True
        self._cancel_restart()
        self._note(f"stopping (graceful, up to {budget:.0f} s)")
        t0 = time.monotonic()
        current = self.current
        self._unpublish(current)
        if current is not None:
            wait_until_drained(current.socket_path, budget / 3, fallback=DRAIN_S)
        timeout = max(1.0, budget - (time.monotonic() - t0))
        with self._state_lock:
            servers = list(self._servers)
        # One still loading its app has no requests to finish: kill it.
        threads = [threading.Thread(target=s.stop, args=(timeout,)) if s.loaded
                   else threading.Thread(target=s.kill) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._note("stopped")

    # ---- the one way to change servers ------------------------------------

    def _replace(self, reason: str) -> Outcome:
        with self._lock:
            if self._stopping:
                return Outcome(False, 0, "the gateway is stopping")
            self._cancel_restart()
            t0 = time.monotonic()
            self._note(f"{reason}: starting {self.cfg.server}")
            checked = preflight(self.cfg)
            for warning in checked.warnings:
                self._note(f"warning: {warning}")
            problem = checked.problem
            new = None
            if problem is None:
                new, events = self._spawn(checked.cfg)
                problem = self._wait_loaded(new, events)
                if problem is None and self._stopping:
                    problem = "the gateway is stopping"
            if problem is not None:
                if new is not None:
                    new.kill()
                    self._forget(new)
                return self._failed(reason, problem, t0)
            with self._state_lock:  # _on_exit must never see app.sock and current disagree
                self._publish(new)
                old, self.current = self.current, new
                self.state = "running"
                self.last_error = None
                if reason != "restart":
                    self._crashes.reset()  # a start or reload that was asked for
            ms = int((time.monotonic() - t0) * 1000)
            self._note(f"{reason}: {new.name} (pid {new.pid}) serves app.sock after {ms} ms")
            if old is not None:
                threading.Thread(target=self._retire, args=(old,), daemon=True).start()
            return Outcome(True, ms)

    def _spawn(self, cfg: Config) -> Tuple[ServerProcess, "queue.Queue[dict]"]:
        # `cfg` is self.cfg as preflight adjusted it (a missing working directory gives way to the home folder).
        self._generation += 1
        server_id = f"{os.getpid()}-{self._generation}"
        socket_path = os.path.join(self.cfg.run_dir, f".app-{self._generation}.sock")
        fifo = os.path.join(self.cfg.tmp_dir, f"uwsgi-{self._generation}.fifo")
        server = ServerProcess(
            kind=self.cfg.server, server_id=server_id, generation=self._generation,
            socket_path=socket_path, master_fifo=fifo,
            argv=build_argv(cfg, socket_path, fifo, self._backlog),
            env=build_env(cfg, self._base_env, server_id=server_id, inbox=self._inbox.path),
            cwd=cfg.working_dir, server_log=self._server_log, on_exit=self._on_exit)
        events = self._inbox.subscribe(server_id)  # before start: no event may be missed
        with self._state_lock:
            self._servers.add(server)
        server.start()
        self._note(f"started {server.name} (pid {server.pid}) on {os.path.basename(socket_path)}")
        return server, events

    def _wait_loaded(self, server: ServerProcess, events: "queue.Queue[dict]") -> Optional[str]:
        """None once the app loaded, else why it did not."""
        deadline = time.monotonic() + self.cfg.load_timeout_s
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return (f"the WSGI file did not finish loading within {self.cfg.load_timeout_s:.0f} s "
                            f"(the error log shows where it was stuck); "
                            f"if it starts a server itself (app.run()), put that under "
                            f"`if __name__ == '__main__':`")
                exited = server.exited()
                try:
                    # After an exit, give the inbox a moment to deliver the reason.
                    event = events.get(timeout=0.3 if exited else min(0.1, remaining))
                except queue.Empty:
                    if exited:
                        return (f"{server.kind} exited with code {server.exit_code} before the app "
                                f"loaded; see the server log")
                    continue
                if event.get("event") == proto.READY:
                    server.loaded = True
                    return self._wait_listening(server, max(LISTEN_MIN_S, deadline - time.monotonic()))
                if event.get("event") == proto.FAILED:
                    return str(event.get("error") or "the app failed to load")
        finally:
            self._inbox.unsubscribe(server.server_id)

    def _wait_listening(self, server: ServerProcess, timeout: float) -> Optional[str]:
        # uWSGI listens before it loads the app, but gunicorn --preload loads
        # it first (the shim's `ready` comes from there) and binds and
        # listens afterwards: app.sock must not point at a socket that exists
        # but refuses connections (ECONNREFUSED between bind and listen).
        if wait_until_listening(server.socket_path, timeout, gave_up=server.exited):
            return None
        if server.exited():
            return (f"{server.kind} exited with code {server.exit_code} after the app loaded, "
                    f"before it listened; see the server log")
        return f"{server.kind} loaded the app but did not listen on its socket within {timeout:.0f} s"

    def _publish(self, server: ServerProcess) -> None:
        # A second hard link, renamed over app.sock: atomic for connecting
        # clients, and the server's own path stays valid (gunicorn unlinks
        # it when it stops).
        os.chmod(server.socket_path, APP_SOCKET_MODE)  # gunicorn's follows its umask
        staging = self.cfg.app_socket + ".new"
        try:
            os.unlink(staging)
        except FileNotFoundError:
            pass
        os.link(server.socket_path, staging)
        os.rename(staging, self.cfg.app_socket)
        st = os.stat(self.cfg.app_socket)
        server.published_as = (st.st_dev, st.st_ino)

    def _unpublish(self, server: Optional[ServerProcess]) -> None:
        """Remove app.sock if it still leads to `server` (by inode: gunicorn
        may already have unlinked its own path)."""
        if server is None or server.published_as is None:
            return
        try:
            st = os.stat(self.cfg.app_socket)
            if (st.st_dev, st.st_ino) == server.published_as:
                os.unlink(self.cfg.app_socket)
        except FileNotFoundError:
            pass

    def _retire(self, server: ServerProcess) -> None:
        server.retiring = True
        wait_until_drained(server.socket_path, DRAIN_MAX_S, fallback=DRAIN_S)
        server.stop(GRACEFUL_TIMEOUT_S)
        self._forget(server)

    def _forget(self, server: ServerProcess) -> None:
        with self._state_lock:
            self._servers.discard(server)

    def _failed(self, reason: str, error: str, t0: float) -> Outcome:
        self._error_log.line(f"{reason} failed: {error}")
        self._note(f"{reason} failed: {error}")
        with self._state_lock:
            self.last_error = error
            if self.current is None:
                self.state = "failed"
        ms = int((time.monotonic() - t0) * 1000)
        return Outcome(False, ms, error, self._error_log.tail(LOG_TAIL_LINES))

    # ---- unexpected exits ---------------------------------------------------

    def _on_exit(self, server: ServerProcess, code: int) -> None:
        if server.retiring or self._stopping or server is not self.current:
            self._note(f"{server.name} exited with code {code}")
            return
        uptime = self._clock() - server.started_at
        with self._state_lock:
            if self.current is not server:
                return
            self._unpublish(server)
            self.current = None
            self.state = "starting"
            delay = self._crashes.record(uptime)
            if delay is None:
                self._stopping = True  # no restart, no reload: the gateway exits
        self._forget(server)
        if delay is None:
            self._give_up(server, code, uptime)
            return
        self._note(f"{server.name} exited unexpectedly with code {code} after {uptime:.0f} s; "
                   f"restarting in {delay:.0f} s")
        self._schedule_restart(delay)

    def _give_up(self, server: ServerProcess, code: int, uptime: float) -> None:
        self._note(f"{server.name} exited unexpectedly with code {code} after {uptime:.0f} s")
        error = crash_loop_error(self.cfg.server, self._crashes.count, code)
        self._error_log.line(f"restart failed: {error}")
        self._note(f"restart failed: {error}")
        with self._state_lock:
            self.state = "failed"
            self.last_error = error
        self._on_crash_loop(error)

    def _schedule_restart(self, delay: float) -> None:
        timer = threading.Timer(delay, self._restart)
        timer.daemon = True
        self._restart_timer = timer
        timer.start()

    def _restart(self) -> None:
        with self._lock:
            if self.current is not None or self._stopping:
                return  # a reload got there first
            self._replace("restart")

    def _cancel_restart(self) -> None:
        timer, self._restart_timer = self._restart_timer, None
        if timer is not None:
            timer.cancel()

    def _note(self, message: str) -> None:
        self._server_log.line(f"[pyhost] {message}")
