"""The WSGI server's command line, as a pure function of the config.

In the style of Piku's spawn_worker: every setting is an explicit
(option, value) pair with its default written down here, so the whole
server configuration can be read (and unit-tested) in one place. No shell
is involved; the list is passed to exec as is.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from .config import Config

GATEWAY_PATH = "/opt/pyhost/gateway"
SHIM = "pyhost_gateway.wsgi_shim:application"
# Requests running longer than this are killed (PythonAnywhere: 5 minutes).
REQUEST_TIMEOUT_S = 300
# How long a stopping server may take to finish the requests it has.
GRACEFUL_TIMEOUT_S = 10
# How long a uWSGI worker waits for the next request on a kept-alive
# connection (also its limit for any one read or write on a socket).
KEEPALIVE_TIMEOUT_S = 4

Option = Tuple[str, Optional[object]]  # (name, value); value None = flag


def uwsgi_options(cfg: Config, socket_path: str, master_fifo: str, backlog: int) -> List[Option]:
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
        ("chmod-socket", "660"),
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
        ("py-call-osafterfork", None),     # run os.register_at_fork handlers in workers
        ("chdir", cfg.working_dir),
        ("pythonpath", GATEWAY_PATH),      # the shim, even inside an isolated virtualenv
        ("module", SHIM),
        ("buffer-size", 65535),            # big cookies must not fail with 'invalid request block size'
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
