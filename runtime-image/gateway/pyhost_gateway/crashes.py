"""What the gateway does when its server dies unexpectedly: restart it after
a growing delay, and give up on a crash loop.

A server that dies again and again soon after it started will not get
better by itself: restarting it forever would keep the container up, look
`running` to the control plane and give visitors 502s most of the time. So
after CRASH_LOOP_LIMIT such deaths in a row the gateway stops restarting,
says why in the error log, and exits with EXIT_CRASH_LOOP
(docs/runtime-contract.md): the control plane shows the app as crashed
until the next reload.
"""

from __future__ import annotations

import signal

# typing only for annotations (strings here): importing it would cost
# every idle gateway about half a MiB of memory.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

# A server that ran this long before dying counts as healthy again.
HEALTHY_AFTER_S = 60.0
# Deaths in a row, each within HEALTHY_AFTER_S of a start, before the
# gateway gives up. With backoff_delay's 1, 2, 4, 8 s between them, five
# take 15 s of waiting plus the five runs: a server that dies a second
# after every start is given up on within about 25 s, while one that dies
# now and then (an OOM kill, a database away for a moment) still gets four
# restarts, the last one 8 s after the previous death.
CRASH_LOOP_LIMIT = 5
# The gateway's exit status after a crash loop (2 is an invalid configuration).
EXIT_CRASH_LOOP = 3


def backoff_delay(crashes: int, base: float = 1.0, cap: float = 30.0) -> float:
    """1, 2, 4, 8, 16, 30, 30 ... seconds for the 1st, 2nd ... crash in a row."""
    return min(cap, base * (2 ** max(0, crashes - 1)))


class CrashCounter:
    """Counts unexpected deaths in a row of servers that had not run long."""

    def __init__(self, limit: int = CRASH_LOOP_LIMIT, healthy_after_s: float = HEALTHY_AFTER_S) -> None:
        self.limit = limit
        self.healthy_after_s = healthy_after_s
        self.count = 0

    def record(self, uptime_s: float) -> Optional[float]:
        """One more death, after `uptime_s` of running: the delay before the
        restart, or None when this makes a crash loop (do not restart)."""
        self.count = 1 if uptime_s >= self.healthy_after_s else self.count + 1
        if self.count >= self.limit:
            return None
        return backoff_delay(self.count)

    def reset(self) -> None:
        """A new start that was asked for (reload): the count begins again."""
        self.count = 0


def crash_loop_error(server: str, crashes: int, exit_code: int, healthy_after_s: float = HEALTHY_AFTER_S) -> str:
    """The one line for the error log and the Web tab."""
    within = "a minute" if healthy_after_s == 60 else f"{healthy_after_s:.0f} s"
    return (f"{server} exited {crashes} times in a row within {within} of starting "
            f"({_last_exit(exit_code)}); Pyhost stopped restarting it. Fix the cause, then Reload.")


def _last_exit(code: int) -> str:
    if code >= 0:
        return f"last exit status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"last killed by {name}"
