"""The gateway's configuration: read once from the environment, validated.

Nothing else in the gateway reads os.environ for PYHOST_* settings; the
server processes get their environment from `server_env`.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional

SERVERS = ("uwsgi", "gunicorn")
MAX_WORKERS = 16
DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_LOG_KEEP = 5
# A WSGI file that takes longer than this to import is treated as broken;
# the usual cause is an app.run() at module level.
LOAD_TIMEOUT_S = 15.0

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_USERNAME_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class ConfigError(ValueError):
    """The environment does not describe a valid web app."""


# The fields of Config, with their defaults. Fixed by the contract from
# www_dir on; fields so that tests can point them elsewhere.
_FIELDS = (
    ("domain_name", None),
    ("username", None),
    ("server", "uwsgi"),
    ("workers", 1),
    ("source_dir", ""),
    ("working_dir", ""),
    ("virtualenv", None),          # Optional[str]
    ("auto_reload", False),
    ("log_max_bytes", DEFAULT_LOG_MAX_BYTES),
    ("log_keep", DEFAULT_LOG_KEEP),
    ("www_dir", "/var/www"),
    ("log_dir", "/var/log"),
    ("run_dir", "/run/pyhost"),
    ("tmp_dir", "/tmp/pyhost"),
    ("load_timeout_s", LOAD_TIMEOUT_S),
)


class Config(namedtuple("Config", [name for name, _ in _FIELDS], defaults=[d for _, d in _FIELDS[2:]])):
    """A web app's configuration; immutable (`cfg._replace(...)` makes a changed copy).

    A named tuple, not a dataclass: dataclasses (and the inspect module it
    imports) would cost every idle gateway over a MiB of memory.
    """

    __slots__ = ()

    @property
    def home(self) -> str:
        return f"/home/{self.username}"

    @property
    def wsgi_file(self) -> str:
        return os.path.join(self.www_dir, self.domain_name.replace(".", "_") + "_wsgi.py")

    @property
    def error_log(self) -> str:
        return os.path.join(self.log_dir, f"{self.domain_name}.error.log")

    @property
    def server_log(self) -> str:
        return os.path.join(self.log_dir, f"{self.domain_name}.server.log")

    @property
    def app_socket(self) -> str:
        return os.path.join(self.run_dir, "app.sock")

    @property
    def control_socket(self) -> str:
        return os.path.join(self.run_dir, "control.sock")


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _abs_path(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    if not os.path.isabs(raw):
        raise ConfigError(f"{name} must be an absolute path, got {raw!r}")
    return os.path.normpath(raw)


def from_env(env: Mapping[str, str], **overrides) -> Config:
    """Parse and validate the PYHOST_* variables of the runtime contract."""
    domain = env.get("PYHOST_DOMAIN_NAME", "").strip().lower()
    if not _DOMAIN_RE.match(domain):
        raise ConfigError(f"PYHOST_DOMAIN_NAME must be a domain name, got {domain!r}")
    username = env.get("PYHOST_USERNAME", "").strip()
    if not _USERNAME_RE.match(username):
        raise ConfigError(f"PYHOST_USERNAME must be a username, got {username!r}")
    server = env.get("PYHOST_SERVER", "").strip().lower() or "uwsgi"
    if server not in SERVERS:
        raise ConfigError(f"PYHOST_SERVER must be one of {', '.join(SERVERS)}, got {server!r}")
    auto_reload = env.get("PYHOST_AUTO_RELOAD", "").strip() or "0"
    if auto_reload not in ("0", "1"):
        raise ConfigError(f"PYHOST_AUTO_RELOAD must be 0 or 1, got {auto_reload!r}")
    home = f"/home/{username}"
    venv = env.get("PYHOST_VIRTUALENV", "").strip()
    fields = dict(
        domain_name=domain,
        username=username,
        server=server,
        workers=_int(env, "PYHOST_WORKERS", 1, 1, MAX_WORKERS),
        source_dir=_abs_path(env, "PYHOST_SOURCE_DIR", home),
        working_dir=_abs_path(env, "PYHOST_WORKING_DIR", home),
        virtualenv=_abs_path(env, "PYHOST_VIRTUALENV", venv) if venv else None,
        auto_reload=auto_reload == "1",
        log_max_bytes=_int(env, "PYHOST_LOG_MAX_BYTES", DEFAULT_LOG_MAX_BYTES, 1024, 1 << 40),
        log_keep=_int(env, "PYHOST_LOG_KEEP", DEFAULT_LOG_KEEP, 0, 100),
    )
    fields.update(overrides)
    return Config(**fields)
