"""Entry point: `python3 -m pyhost_gateway` (the runtime image's ENTRYPOINT)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from . import config
from .argv import upstream_info
from .autoreload import AutoReloader
from .control import ControlServer
from .crashes import EXIT_CRASH_LOOP
from .inbox import Inbox
from .logs import RotatingLog
from .supervisor import Supervisor


def listen_backlog(default: int = 1024) -> int:
    # uWSGI refuses to start with --listen above net.core.somaxconn.
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return max(16, min(default, int(f.read().strip())))
    except (OSError, ValueError):
        return 128


EXIT_INVALID_CONFIG = 2  # and EXIT_CRASH_LOOP (3): the statuses of docs/runtime-contract.md


def main() -> int:
    try:
        cfg = config.from_env(os.environ)
    except config.ConfigError as exc:
        print(f"pyhost-gateway: invalid configuration: {exc}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    # The uid has no passwd entry; HOME is what tools use instead.
    os.environ["HOME"] = cfg.home
    for path in (cfg.run_dir, cfg.log_dir):
        if not os.access(path, os.W_OK):
            print(f"pyhost-gateway: {path} must be a writable directory (a bind mount)", file=sys.stderr)
            return EXIT_INVALID_CONFIG
    os.makedirs(cfg.tmp_dir, mode=0o700, exist_ok=True)

    server_log = RotatingLog(cfg.server_log, cfg.log_max_bytes, cfg.log_keep)
    error_log = RotatingLog(cfg.error_log, cfg.log_max_bytes, cfg.log_keep)
    _remove_stale_sockets(cfg.run_dir)
    write_upstream_info(cfg.run_dir, upstream_info(cfg))
    inbox = Inbox(os.path.join(cfg.tmp_dir, "inbox.sock"), error_log)
    inbox.start()
    stop = threading.Event()
    crash_loop = threading.Event()

    def on_crash_loop(error: str) -> None:
        print(f"pyhost-gateway: {error}", file=sys.stderr)  # the container log
        crash_loop.set()
        stop.set()

    supervisor = Supervisor(cfg, dict(os.environ), server_log, error_log, inbox, listen_backlog(),
                            on_crash_loop=on_crash_loop)
    server_log.line(f"[pyhost] gateway starting: {cfg.server}, {cfg.workers} worker(s), "
                    f"WSGI file {cfg.wsgi_file}, virtualenv {cfg.virtualenv or 'none'}")

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: threading.Thread(
        target=supervisor.reload, args=("reload (SIGHUP)",), daemon=True).start())

    control = ControlServer(cfg.control_socket, supervisor)
    threading.Thread(target=control.serve_forever, name="control", daemon=True).start()

    # In a thread, so that SIGTERM is handled at once even while a slow app
    # loads. A failure leaves state 'failed'; the gateway stays up for reloads.
    threading.Thread(target=supervisor.start, name="start", daemon=True).start()
    if cfg.auto_reload:
        AutoReloader(cfg.source_dir, cfg.wsgi_file, lambda paths: supervisor.reload(
            f"auto-reload ({paths[0] if paths else 'change'})")).start()

    while not stop.wait(3600):
        pass
    control.close()
    supervisor.shutdown()
    return EXIT_CRASH_LOOP if crash_loop.is_set() else 0


def write_upstream_info(run_dir: str, info: dict) -> None:
    # Before app.sock exists, and atomically: whoever finds app.sock can
    # read the whole file.
    path = os.path.join(run_dir, "upstream.json")
    with open(path + ".new", "w") as f:
        json.dump(info, f)
        os.fchmod(f.fileno(), 0o644)  # the router reads it as another uid
    os.replace(path + ".new", path)


def _remove_stale_sockets(run_dir: str) -> None:
    # Left by an earlier run of this container; a dead app.sock would make
    # the router think something is listening.
    for name in os.listdir(run_dir):
        if name.endswith((".sock", ".sock.new")) and name != "control.sock":
            try:
                os.unlink(os.path.join(run_dir, name))
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
