"""A development server behind /run/pyhost/app.sock, for Compare servers.

`python3 -m pyhost_gateway.devserver` (the entrypoint of a `compare`
container, docs/compare-servers.md) runs the user's app the way they would
on their own machine: Django's `manage.py runserver` for a Django project,
Flask's development server (werkzeug's `run_simple`) or, without werkzeug,
the standard library's wsgiref for any other WSGI file. Those servers only
listen on TCP, and the container has no network but its own loopback: the
server listens on 127.0.0.1:8000 there, and a relay here passes each
connection on app.sock to it, byte for byte, so that the control plane
reaches it the way it reaches gunicorn and uWSGI.

Environment (besides the app's own variables):
  PYHOST_DEV_SERVER    `runserver` or `wsgi`
  PYHOST_DEV_DIR       runserver: the folder holding manage.py
  PYHOST_DOMAIN_NAME, PYHOST_SOURCE_DIR, PYHOST_WORKING_DIR, PYHOST_VIRTUALENV
                       as for the gateway (docs/runtime-contract.md)
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time

RUN_DIR = "/run/pyhost"
LOG_FILE = "/var/log/devserver.log"
HOST, PORT = "127.0.0.1", 8000
START_LIMIT_S = 15.0
EXIT_INVALID_CONFIG = 2
EXIT_NO_START = 1


def python_for(virtualenv: str) -> str:
    """The virtualenv's interpreter when there is one, else the image's."""
    return os.path.join(virtualenv, "bin", "python") if virtualenv else sys.executable


def server_argv(kind: str, python: str) -> list[str]:
    """The development server's command line (an argv, no shell)."""
    if kind == "runserver":
        # As a learner types it: threaded, with the autoreloader.
        return [python, "manage.py", "runserver", f"{HOST}:{PORT}"]
    if kind == "wsgi":
        return [python, "-m", "pyhost_gateway.devserver", "--serve-wsgi"]
    raise ValueError(f"PYHOST_DEV_SERVER must be runserver or wsgi, not {kind!r}")


def wsgi_file(domain: str) -> str:
    return f"/var/www/{domain.replace('.', '_')}_wsgi.py"


def serve_wsgi(env: dict[str, str]) -> None:
    """In the child: load the WSGI file as the gateway does, then serve it on loopback."""
    path = wsgi_file(env["PYHOST_DOMAIN_NAME"])
    sys.path.insert(0, env.get("PYHOST_SOURCE_DIR", env.get("HOME", "/")))
    name = os.path.basename(path)[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    app = module.application
    try:
        from werkzeug.serving import run_simple
    except ImportError:
        from wsgiref.simple_server import make_server
        print(f"wsgiref development server on {HOST}:{PORT}", flush=True)
        make_server(HOST, PORT, app).serve_forever()
    else:
        # What `flask run` does: threaded, no reloader.
        run_simple(HOST, PORT, app, threaded=True, use_reloader=False)


def wait_for_port(child: subprocess.Popen, limit_s: float) -> str | None:
    """None once the server accepts on loopback; the reason otherwise."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return f"the development server exited with status {child.returncode} (see {LOG_FILE})"
        try:
            socket.create_connection((HOST, PORT), timeout=0.5).close()
            return None
        except OSError:
            time.sleep(0.1)
    return f"the development server did not listen within {limit_s:.0f} s"


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        # The other direction may still carry the response: half-close only.
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def relay_one(client: socket.socket) -> None:
    try:
        upstream = socket.create_connection((HOST, PORT))
    except OSError:
        client.close()  # the client sees the connection end, as with a refused one
        return
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def listen_unix(run_dir: str) -> socket.socket:
    """app.sock appears (atomically, by rename) only once the server answers."""
    final = os.path.join(run_dir, "app.sock")
    temp = os.path.join(run_dir, ".dev.sock")
    for p in (temp, final):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(temp)
    os.chmod(temp, 0o666)
    sock.listen(1024)
    os.rename(temp, final)
    return sock


def main() -> int:
    env = dict(os.environ)
    if "--serve-wsgi" in sys.argv[1:]:
        serve_wsgi(env)
        return 0
    try:
        kind = env.get("PYHOST_DEV_SERVER", "")
        python = python_for(env.get("PYHOST_VIRTUALENV", ""))
        argv = server_argv(kind, python)
    except ValueError as exc:
        print(f"pyhost-devserver: {exc}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    cwd = env.get("PYHOST_DEV_DIR") if kind == "runserver" else env.get("PYHOST_WORKING_DIR")
    if not cwd or not os.path.isdir(cwd):
        cwd = env.get("HOME", "/")
    child_env = {k: v for k, v in env.items() if not k.startswith("PYHOST_DEV_")}
    child_env["PYTHONPATH"] = "/opt/pyhost/gateway"
    child_env["PYTHONUNBUFFERED"] = "1"
    log = open(LOG_FILE, "ab", buffering=0)
    child = subprocess.Popen(argv, cwd=cwd, env=child_env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)

    def stop(status: int = 0) -> None:
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os._exit(status)

    signal.signal(signal.SIGTERM, lambda *_: stop())
    signal.signal(signal.SIGINT, lambda *_: stop())
    reason = wait_for_port(child, START_LIMIT_S)
    if reason is not None:
        print(f"pyhost-devserver: {reason}", file=sys.stderr)
        stop(EXIT_NO_START)
    server = listen_unix(RUN_DIR)
    while True:
        client, _ = server.accept()
        threading.Thread(target=relay_one, args=(client,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
