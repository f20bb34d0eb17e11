import os
import signal
import socket
import tempfile
import unittest

from pyhost_gateway.config import from_env
from pyhost_gateway.control import ControlServer
from pyhost_gateway.crashes import (CRASH_LOOP_LIMIT, EXIT_CRASH_LOOP, HEALTHY_AFTER_S, CrashCounter,
                                    backoff_delay, crash_loop_error)
from pyhost_gateway.supervisor import Supervisor


class BackoffTest(unittest.TestCase):
    def test_doubles_up_to_the_cap(self):
        self.assertEqual([backoff_delay(n) for n in range(1, 9)], [1, 2, 4, 8, 16, 30, 30, 30])

    def test_zero_crashes_is_the_base(self):
        self.assertEqual(backoff_delay(0), 1)

    def test_custom(self):
        self.assertEqual(backoff_delay(3, base=0.5, cap=1.5), 1.5)


class CrashCounterTest(unittest.TestCase):
    def test_quick_deaths_in_a_row_end_in_a_crash_loop(self):
        counter = CrashCounter()
        self.assertEqual([counter.record(1.0) for _ in range(CRASH_LOOP_LIMIT)], [1, 2, 4, 8, None])

    def test_the_whole_loop_is_well_under_a_minute(self):
        # A server that dies a second after each start (and takes about one to start).
        counter, elapsed = CrashCounter(), 0.0
        while True:
            elapsed += 2.0
            delay = counter.record(1.0)
            if delay is None:
                break
            elapsed += delay
        self.assertLess(elapsed, 30)

    def test_a_healthy_run_starts_the_count_again(self):
        counter = CrashCounter()
        for _ in range(CRASH_LOOP_LIMIT - 1):
            counter.record(5.0)
        self.assertEqual(counter.record(HEALTHY_AFTER_S), 1)
        self.assertEqual(counter.count, 1)
        self.assertEqual([counter.record(5.0) for _ in range(CRASH_LOOP_LIMIT - 1)], [2, 4, 8, None])

    def test_reset(self):
        counter = CrashCounter()
        for _ in range(CRASH_LOOP_LIMIT - 1):
            counter.record(0.5)
        counter.reset()
        self.assertEqual(counter.record(0.5), 1)

    def test_the_reason_is_one_line(self):
        self.assertEqual(crash_loop_error("uwsgi", 5, 1),
                         "uwsgi exited 5 times in a row within a minute of starting (last exit status 1); "
                         "Pyhost stopped restarting it. Fix the cause, then Reload.")
        self.assertIn("(last killed by SIGKILL)", crash_loop_error("gunicorn", 5, -signal.SIGKILL))
        self.assertNotIn("\n", crash_loop_error("uwsgi", 5, -200))

    def test_exit_status(self):
        self.assertEqual(EXIT_CRASH_LOOP, 3)


class FakeLog:
    def __init__(self):
        self.lines = []

    def line(self, text):
        self.lines.append(text)


class FakeServer:
    def __init__(self, started_at):
        self.started_at = started_at
        self.retiring = False
        self.published_as = None
        self.name = "uwsgi #1"


class CrashRestartTest(unittest.TestCase):
    """The supervisor's side: restart with backoff, or give up, by a fake clock."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.now = 1000.0
        self.server_log, self.error_log = FakeLog(), FakeLog()
        self.crash_loops = []
        cfg = from_env({"PYHOST_DOMAIN_NAME": "alice.localhost", "PYHOST_USERNAME": "alice"})
        self.supervisor = Supervisor(cfg, {}, self.server_log, self.error_log, inbox=None, backlog=16,
                                     clock=lambda: self.now, on_crash_loop=self.crash_loops.append)
        self.restarts = []
        self.supervisor._schedule_restart = self.restarts.append  # no timers, no processes

    def crash(self, ran_for, code=1):
        server = FakeServer(self.now)
        self.supervisor.current = server
        self.now += ran_for
        self.supervisor._on_exit(server, code)

    def test_restarts_with_backoff_then_gives_up(self):
        for _ in range(CRASH_LOOP_LIMIT):
            self.crash(1.0)
        self.assertEqual(self.restarts, [1, 2, 4, 8])
        self.assertEqual(len(self.crash_loops), 1)
        reason = crash_loop_error("uwsgi", CRASH_LOOP_LIMIT, 1)
        self.assertEqual(self.crash_loops, [reason])
        self.assertEqual(self.error_log.lines, [f"restart failed: {reason}"])
        self.assertIn(f"[pyhost] restart failed: {reason}", self.server_log.lines)
        status = self.supervisor.status()
        self.assertEqual((status["state"], status["last_error"]), ("failed", reason))
        # Stopping: a reload now would be refused, not start another server.
        self.assertEqual(self.supervisor.reload().error, "the gateway is stopping")

    def test_a_server_that_ran_a_minute_is_restarted_as_a_first_crash(self):
        for _ in range(CRASH_LOOP_LIMIT - 1):
            self.crash(1.0)
        self.crash(HEALTHY_AFTER_S + 1)
        self.crash(1.0)
        self.assertEqual(self.restarts, [1, 2, 4, 8, 1, 2])
        self.assertEqual(self.crash_loops, [])
        self.assertEqual(self.error_log.lines, [])


class PublishTest(unittest.TestCase):
    def test_app_sock_is_open_to_the_router_and_control_sock_is_not(self):
        with tempfile.TemporaryDirectory() as run_dir:
            cfg = from_env({"PYHOST_DOMAIN_NAME": "alice.localhost", "PYHOST_USERNAME": "alice"}, run_dir=run_dir)
            supervisor = Supervisor(cfg, {}, FakeLog(), FakeLog(), inbox=None, backlog=16)
            server = FakeServer(0.0)
            server.socket_path = os.path.join(run_dir, ".app-1.sock")
            old = os.umask(0o077)
            try:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.bind(server.socket_path)
                    supervisor._publish(server)
            finally:
                os.umask(old)
            self.assertEqual(os.stat(cfg.app_socket).st_mode & 0o777, 0o666)
            self.assertTrue(os.path.samestat(os.stat(cfg.app_socket), os.stat(server.socket_path)))
            control = ControlServer(cfg.control_socket, supervisor)  # only root talks to it
            try:
                self.assertEqual(os.stat(cfg.control_socket).st_mode & 0o777, 0o660)
            finally:
                control.server_close()


if __name__ == "__main__":
    unittest.main()
