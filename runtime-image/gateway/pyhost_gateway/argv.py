"""The WSGI server's command line, as a pure function of the config.

In the style of Piku's spawn_worker: every setting is an explicit
(option, value) pair with its default written down here, so the whole
server configuration can be read (and unit-tested) in one place. No shell
is involved; the list is passed to exec as is.
"""

from __future__ import annotations

import sys

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from .config import Config

GATEWAY_PATH = "/opt/pyhost/gateway"
# app.sock: the router connects as its own unprivileged uid, through a run
# directory only it (by group) and the container's user may enter; the
# directory is the access check, so the socket itself is open to all.
APP_SOCKET_MODE = 0o666
SHIM = "pyhost_gateway.wsgi_shim:application"
# Requests running longer than this are killed (PythonAnywhere: 5 minutes).
REQUEST_TIMEOUT_S = 300
# How long a stopping server may take to finish the requests it has.
GRACEFUL_TIMEOUT_S = 10
# How long a uWSGI worker waits for the next request on a kept-alive
# connection (also its limit for any one read or write on a socket).
KEEPALIVE_TIMEOUT_S = 4

# Request heads: the servers accept whatever the router lets through, so
# that nothing it forwards stalls a worker (uWSGI answers nothing and holds
# the worker until socket-timeout when its request variables overflow, and
# logs `max vec size reached` or `unable to add ... to uwsgi packet`).
# The router (control-plane/src/router) answers 431 beyond
# ROUTER_MAX_HEADER_FIELDS header fields or ROUTER_MAX_HEAD_BYTES of
# request line and headers, and writes up to ROUTER_OWN_HEADER_FIELDS of its
# own: X-Forwarded-For/-Proto/-Host, X-Real-IP, X-Request-Id, and Connection,
# Upgrade and the body's framing in place of the client's.
ROUTER_MAX_HEADER_FIELDS = 100
ROUTER_OWN_HEADER_FIELDS = 8
ROUTER_MAX_HEAD_BYTES = 32 * 1024
MAX_HEADER_FIELDS = ROUTER_MAX_HEADER_FIELDS + ROUTER_OWN_HEADER_FIELDS
# The whole head as forwarded, and so any one header line: the router's
# 32 KiB plus what it adds, with room to spare. 65535 is also the most
# uWSGI can hold (its request variables are one block with a 16-bit size).
MAX_HEAD_BYTES = 65535
# uWSGI keeps the URL twice in that block (REQUEST_URI, and PATH_INFO or
# QUERY_STRING), so within a 32 KiB head the URL can be at most about
# 31 KiB; the router must refuse a longer one (414). 30 KiB leaves room for
# the variables below and the router's own headers.
MAX_TARGET_BYTES = 30 * 1024
# uWSGI's own request variables besides the header fields (REQUEST_METHOD,
# REQUEST_URI, PATH_INFO, QUERY_STRING, SERVER_PROTOCOL, SCRIPT_NAME,
# SERVER_NAME, SERVER_PORT, REMOTE_ADDR ...), with room to spare.
UWSGI_OWN_VARS = 16

if TYPE_CHECKING:
    Option = Tuple[str, Optional[object]]  # (name, value); value None = flag


def fork_hooks_option(python_version: Tuple[int, ...]) -> str:
    """How uWSGI runs os.register_at_fork handlers in the workers it forks.

    --py-call-osafterfork calls PyOS_AfterFork_Child without the matching
    PyOS_BeforeFork; from Python 3.13 on, whose PyMutex checks that, every
    worker then dies at once ("PyMutex_Unlock: unlocking mutex that is not
    locked", unbit/uwsgi#2710). --py-call-uwsgi-fork-hooks calls all three
    hooks, but only uWSGI 2.0.20 and later have it, not bullseye's 2.0.19
    (Python 3.9).
    """
    return "py-call-uwsgi-fork-hooks" if tuple(python_version[:2]) >= (3, 13) else "py-call-osafterfork"


def uwsgi_options(cfg: Config, socket_path: str, master_fifo: str, backlog: int,
                  python_version: Tuple[int, ...] = tuple(sys.version_info)) -> List[Option]:
    opts: List[Option] = [
        ("plugins", "python3"),
        ("strict", None),                  # an unknown option is an error, not a no-op
        # HTTP/1.1 with keep-alive (plain --http is ambiguous in Debian's
        # build). A sync worker serves one connection at a time and, after a
        # response, waits on that same connection for the next request (up
        # to socket-timeout) instead of accepting others: so a client must
        # keep at most one connection per worker open (upstream.json says how
        # many) and close idle ones well within socket-timeout.
        ("http11-socket", socket_path),
        ("socket-timeout", KEEPALIVE_TIMEOUT_S),
        ("chmod-socket", f"{APP_SOCKET_MODE:o}"),
        ("listen", backlog),
        ("master", None),
        ("processes", cfg.workers),
        ("master-fifo", master_fifo),      # 'q' written here = graceful shutdown
        ("die-on-term", None),             # SIGTERM stops (2.0 default: brutal reload)
        ("worker-reload-mercy", GRACEFUL_TIMEOUT_S),
        ("reload-mercy", GRACEFUL_TIMEOUT_S),
        ("no-orphans", None),
        # No --lazy-apps: the master imports the app once and forks the
        # workers, so a respawned worker never re-imports code that changed
        # on disk since the last reload (and may be broken).
        ("need-app", None),                # no app loaded = exit, never serve 'no app'
        ("single-interpreter", None),
        ("enable-threads", None),          # apps may start threads
        (fork_hooks_option(python_version), None),  # run os.register_at_fork handlers in workers
        ("chdir", cfg.working_dir),
        ("pythonpath", GATEWAY_PATH),      # the shim, even inside an isolated virtualenv
        ("module", SHIM),
        ("buffer-size", MAX_HEAD_BYTES),   # big cookies must not fail with 'invalid request block size'
        ("max-vars", MAX_HEADER_FIELDS + UWSGI_OWN_VARS),  # each header field is one variable
        ("harakiri", REQUEST_TIMEOUT_S),
        ("post-buffering", 65536),         # bodies are read before the app runs (harakiri-safe)
        ("disable-logging", None),         # the router writes the access log
        ("ignore-sigpipe", None),          # clients that go away are not app errors
        ("ignore-write-errors", None),
        ("disable-write-exception", None),
    ]
    if cfg.virtualenv:
        opts.append(("virtualenv", cfg.virtualenv))
    return opts


def gunicorn_options(cfg: Config, socket_path: str, backlog: int) -> List[Option]:
    opts: List[Option] = [
        # An empty config module: a gunicorn.conf.py in the user's working
        # directory would otherwise silently override what is set here.
        ("config", "python:pyhost_gateway.gunicorn_conf"),
        ("bind", "unix:" + socket_path),
        ("backlog", backlog),
        ("workers", cfg.workers),
        ("worker-class", "sync"),
        ("preload", None),                 # import once in the master, as uWSGI does (see above)
        ("chdir", cfg.working_dir),
        ("pythonpath", GATEWAY_PATH),
        ("timeout", REQUEST_TIMEOUT_S),
        ("graceful-timeout", GRACEFUL_TIMEOUT_S),
        ("worker-tmp-dir", cfg.tmp_dir),   # the root fs is read-only
        ("forwarded-allow-ips", "*"),      # only the router can reach the socket
        # As much as uWSGI accepts (see MAX_HEAD_BYTES). The request line
        # has no limit: gunicorn 20.1 caps any other value at 8190.
        ("limit-request-line", 0),
        ("limit-request-fields", MAX_HEADER_FIELDS),
        ("limit-request-field_size", MAX_HEAD_BYTES),
        ("error-logfile", "-"),            # stderr, which the gateway puts in server.log
        ("log-level", "info"),
    ]
    # gunicorn runs on the system python; the shim puts the virtualenv's
    # site-packages first on sys.path, so gunicorn needs no option for it.
    return opts


def upstream_info(cfg: Config) -> Dict[str, object]:
    """What a client of app.sock needs to know, written to upstream.json
    beside it (docs/runtime-contract.md). uWSGI keeps connections alive and
    has `workers` of them served at once; gunicorn's sync workers close
    every connection after one response."""
    return {
        "server": cfg.server,
        "keep_alive": cfg.server == "uwsgi",
        "max_connections": cfg.workers,
        "idle_timeout_s": KEEPALIVE_TIMEOUT_S if cfg.server == "uwsgi" else 0,
    }


def render(options: Sequence[Option]) -> List[str]:
    """`--name=value` works for both servers, also for uwsgi's optional-argument options."""
    return [f"--{name}" if value is None else f"--{name}={value}" for name, value in options]


def build_argv(cfg: Config, socket_path: str, master_fifo: str, backlog: int = 1024) -> List[str]:
    if cfg.server == "uwsgi":
        return ["uwsgi", *render(uwsgi_options(cfg, socket_path, master_fifo, backlog))]
    if cfg.server == "gunicorn":
        return ["gunicorn", *render(gunicorn_options(cfg, socket_path, backlog)), SHIM]
    raise ValueError(f"unknown server {cfg.server!r}")


def build_env(cfg: Config, base: Mapping[str, str], *, server_id: str, inbox: str) -> Dict[str, str]:
    """The server's environment: the container's (the app's own variables
    included), the user's identity (there is no passwd entry for the uid),
    the virtualenv, and what the shim needs to know."""
    env = dict(base)
    env.update(HOME=cfg.home, USER=cfg.username, LOGNAME=cfg.username)
    env.setdefault("LANG", "C.UTF-8")
    path = env.get("PATH") or "/usr/local/bin:/usr/bin:/bin"
    if cfg.virtualenv:
        env["VIRTUAL_ENV"] = cfg.virtualenv
        env["PATH"] = f"{cfg.virtualenv}/bin:{path}"
    else:
        env.pop("VIRTUAL_ENV", None)
        env["PATH"] = path
    env.update(
        PYHOST_SHIM_WSGI_FILE=cfg.wsgi_file,
        PYHOST_SHIM_SOURCE_DIR=cfg.source_dir,
        PYHOST_SHIM_VIRTUALENV=cfg.virtualenv or "",
        PYHOST_SHIM_INBOX=inbox,
        PYHOST_SHIM_SERVER_ID=server_id,
        PYHOST_SHIM_LOAD_TIMEOUT=str(cfg.load_timeout_s),
    )
    return env
