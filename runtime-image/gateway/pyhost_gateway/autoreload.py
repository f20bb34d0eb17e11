"""PYHOST_AUTO_RELOAD=1: reload when a .py file under the source directory,
or the WSGI file, changes. Polling (about once a second) needs no inotify
and works on any bind mount."""

from __future__ import annotations

import os
import threading

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterable, Iterator, Tuple

POLL_S = 1.0
# Bounds the cost of one scan; a source tree bigger than this is odd, and
# the files beyond it are simply not watched.
MAX_FILES = 5000
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "dist-packages"}

if TYPE_CHECKING:
    Snapshot = Dict[str, Tuple[int, int]]  # path -> (mtime_ns, size)


def _skip_dir(parent: str, name: str) -> bool:
    # Hidden dirs (.git, .virtualenvs) and virtualenvs inside the project
    # would make every scan slow and never hold the app's own code.
    return (name.startswith(".") or name in _SKIP_DIRS
            or os.path.exists(os.path.join(parent, name, "pyvenv.cfg")))


def python_files(root: str, limit: int = MAX_FILES) -> Iterator[str]:
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(dirpath, d))
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)
                count += 1
                if count >= limit:
                    return


def snapshot(paths: Iterable[str]) -> Snapshot:
    snap: Snapshot = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        snap[path] = (st.st_mtime_ns, st.st_size)
    return snap


def changed(before: Snapshot, after: Snapshot) -> list:
    """Paths added, removed or modified between two snapshots, sorted."""
    keys = set(before) | set(after)
    return sorted(p for p in keys if before.get(p) != after.get(p))


class AutoReloader:
    def __init__(self, source_dir: str, wsgi_file: str,
                 on_change: Callable[[list], None], poll_s: float = POLL_S) -> None:
        self._source_dir = source_dir
        self._wsgi_file = wsgi_file
        self._on_change = on_change
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="autoreload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _scan(self) -> Snapshot:
        return snapshot([self._wsgi_file, *python_files(self._source_dir)])

    def _run(self) -> None:
        before = self._scan()
        while not self._stop.wait(self._poll_s):
            after = self._scan()
            diff = changed(before, after)
            if diff:
                # Editors save in several steps; act once the tree is quiet.
                self._stop.wait(0.3)
                after = self._scan()
                self._on_change(changed(before, after) or diff)
            before = after
