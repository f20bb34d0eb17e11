import os
import socket
import tempfile
import unittest

from pyhost_gateway.config import from_env
from pyhost_gateway.control import ControlServer
from pyhost_gateway.supervisor import Supervisor, backoff_delay


class BackoffTest(unittest.TestCase):
    def test_doubles_up_to_the_cap(self):
        self.assertEqual([backoff_delay(n) for n in range(1, 9)], [1, 2, 4, 8, 16, 30, 30, 30])

    def test_zero_crashes_is_the_base(self):
        self.assertEqual(backoff_delay(0), 1)

    def test_custom(self):
        self.assertEqual(backoff_delay(3, base=0.5, cap=1.5), 1.5)


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
