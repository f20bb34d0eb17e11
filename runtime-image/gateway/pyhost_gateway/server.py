"""One WSGI server process (uWSGI or gunicorn master and its workers)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, List, Mapping, Optional, Tuple

from .logs import RotatingLog


class ServerProcess:
    """Owns one server's process group, its temporary socket path and its
    output (which goes to the server log, line by line)."""

    def __init__(self, *, kind: str, server_id: str, generation: int, socket_path: str,
                 master_fifo: str, argv: List[str], env: Mapping[str, str], cwd: str,
                 server_log: RotatingLog,
                 on_exit: Callable[["ServerProcess", int], None]) -> None:
        self.kind = kind
        self.server_id = server_id
        self.generation = generation
        self.socket_path = socket_path
        self.master_fifo = master_fifo
        self._argv = argv
        self._env = dict(env)
        self._cwd = cwd
        self._log = server_log
        self._on_exit = on_exit
        self.proc: Optional[subprocess.Popen] = None
        self.started_at = 0.0
        self.exit_code: Optional[int] = None
        self.retiring = False  # set when the gateway stops it on purpose
        self.loaded = False    # the app loaded; before that there is nothing to drain
        self.published_as: Optional[Tuple[int, int]] = None  # app.sock's (dev, inode)
        self._exited = threading.Event()

    @property
    def name(self) -> str:
        return f"{self.kind} #{self.generation}"

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        self.started_at = time.time()
        self.proc = subprocess.Popen(
            self._argv, env=self._env, cwd=self._cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop and kill reach the workers
            close_fds=True)
        threading.Thread(target=self._pump_output, name=f"out-{self.server_id}", daemon=True).start()
        threading.Thread(target=self._wait, name=f"wait-{self.server_id}", daemon=True).start()

    def exited(self) -> bool:
        return self._exited.is_set()

    def wait(self, timeout: float) -> bool:
        return self._exited.wait(timeout)

    def stop(self, timeout: float) -> None:
        """Graceful: running requests finish (up to `timeout`), then SIGKILL."""
        self.retiring = True
        if self.exited():
            self._cleanup()
            return
        if not (self.kind == "uwsgi" and self._tell_uwsgi(b"q")):
            # gunicorn: SIGTERM is its graceful shutdown. uWSGI runs with
            # --die-on-term, so this is the fallback when its fifo is gone.
            self._signal(signal.SIGTERM)
        if not self.wait(timeout):
            self._log.line(f"[pyhost] {self.name} did not stop within {timeout:.0f} s; killing it")
        self.kill()

    def kill(self) -> None:
        """Immediately, the whole process group (the master and every worker)."""
        self.retiring = True
        self._signal(signal.SIGKILL, group=True)
        self.wait(5)
        self._cleanup()

    def _tell_uwsgi(self, command: bytes) -> bool:
        # uWSGI 2.0's signals are all brutal or reloads; the master fifo's
        # 'q' is its graceful shutdown (running requests finish).
        try:
            fd = os.open(self.master_fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            os.write(fd, command)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def _signal(self, sig: int, group: bool = False) -> None:
        if self.proc is None:
            return
        try:
            if group:
                os.killpg(self.proc.pid, sig)
            elif self.proc.poll() is None:
                os.kill(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _cleanup(self) -> None:
        for path in (self.socket_path, self.master_fifo):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def _pump_output(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self._log.write(line)

    def _wait(self) -> None:
        assert self.proc is not None
        self.exit_code = self.proc.wait()
        # Workers left behind by a dead master would keep the socket open.
        self._signal(signal.SIGKILL, group=True)
        self._cleanup()
        self._exited.set()
        self._on_exit(self, self.exit_code)
