"""Checks made before starting a server, so that a missing file or
virtualenv gets a clear sentence instead of a server's cryptic exit.

Only what the server cannot run without is refused: the WSGI file, and a
virtualenv that is not one the image's Python can use. Missing folders are
not: PythonAnywhere's own tools save `source_directory=~/<domain>` before
(or without ever) creating it, and PythonAnywhere serves the WSGI file
anyway, the source directory being no more than an entry on sys.path. So a
missing source directory stays on sys.path (it works once it exists), a
missing working directory gives way to the home folder, and each says so
in the server log.
"""

from __future__ import annotations

import os
import sys
from collections import namedtuple

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Tuple

from .config import Config


class Preflight(namedtuple("Preflight", "problem warnings cfg")):
    """What the checks found: a refusal, or the configuration to start with.

    problem: Optional[str] -- one line; the server must not be started.
    warnings: Tuple[str, ...] -- one line each, for the server log; the server is started anyway.
    cfg: Config -- the configuration to start the server with (its working
    directory may be the home folder).
    """

    __slots__ = ()


def preflight(cfg: Config, python_version=sys.version_info) -> Preflight:
    """Whether, and with which configuration, a server may start."""
    problem = _refusal(cfg, python_version)
    warnings = []
    if not os.path.isdir(cfg.source_dir):
        warnings.append(f"source directory {cfg.source_dir} does not exist; serving the WSGI file anyway "
                        f"(the folder stays on sys.path for when it does)")
    if not os.path.isdir(cfg.working_dir):
        if os.path.isdir(cfg.home):
            warnings.append(f"working directory {cfg.working_dir} does not exist; the server runs in "
                            f"the home folder {cfg.home} instead")
            cfg = cfg._replace(working_dir=cfg.home)
        elif problem is None:
            problem = f"working directory {cfg.working_dir} does not exist, nor does the home folder {cfg.home}"
    return Preflight(problem, tuple(warnings), cfg)


def _refusal(cfg: Config, python_version) -> Optional[str]:
    if not os.path.isfile(cfg.wsgi_file):
        return f"WSGI file {cfg.wsgi_file} does not exist"
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
