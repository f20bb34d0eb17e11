"""Checks made before starting a server, so that a missing directory or
virtualenv gets a clear sentence instead of a server's cryptic exit."""

from __future__ import annotations

import os
import sys
from typing import Optional

from .config import Config


def preflight(cfg: Config, python_version=sys.version_info) -> Optional[str]:
    """A one-line problem, or None when the server can be started."""
    if not os.path.isfile(cfg.wsgi_file):
        return f"WSGI file {cfg.wsgi_file} does not exist"
    if not os.path.isdir(cfg.source_dir):
        return f"source directory {cfg.source_dir} does not exist"
    if not os.path.isdir(cfg.working_dir):
        return f"working directory {cfg.working_dir} does not exist"
    if cfg.virtualenv:
        venv = cfg.virtualenv
        if not os.path.isdir(venv):
            return f"virtualenv {venv} does not exist"
        if not os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
            return f"{venv} is not a virtualenv (it has no pyvenv.cfg)"
        lib = f"python{python_version[0]}.{python_version[1]}"
        if not os.path.isdir(os.path.join(venv, "lib", lib, "site-packages")):
            return (f"virtualenv {venv} was not made with {lib} "
                    f"(no lib/{lib}/site-packages); recreate it with python3 -m venv")
    return None
