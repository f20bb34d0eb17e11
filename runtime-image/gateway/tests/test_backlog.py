import os
import socket
import struct
import tempfile
import unittest

from pyhost_gateway import backlog


def rtattr(rta_type, value):
    length = 4 + len(value)
    return struct.pack("=HH", length, rta_type) + value + b"\0" * ((4 - length % 4) % 4)


class ParseTest(unittest.TestCase):
    def test_request_layout(self):
        req = backlog.build_request(seq=7)
        length, mtype, flags, seq, _pid = struct.unpack_from("=IHHII", req)
        self.assertEqual((length, mtype, seq), (len(req), 20, 7))
        self.assertEqual(flags, 0x301)
        family, _proto, _pad, states, ino, show = struct.unpack_from("=BBHIII", req, 16)
        self.assertEqual((family, states, ino, show), (socket.AF_UNIX, 1 << 10, 0, 0x11))

    def test_listener(self):
        payload = (struct.pack("=BBBBI8x", socket.AF_UNIX, socket.SOCK_STREAM, 10, 0, 1234)
                   + rtattr(0, b"/run/pyhost/.app-2.sock")
                   + rtattr(4, struct.pack("=II", 3, 1024)))
        self.assertEqual(backlog.parse_listener(payload), ("/run/pyhost/.app-2.sock", 3))

    def test_listener_without_name(self):
        payload = struct.pack("=BBBBI8x", 1, 1, 10, 0, 1) + rtattr(4, struct.pack("=II", 0, 5))
        self.assertIsNone(backlog.parse_listener(payload))

    def test_messages(self):
        one = struct.pack("=IHHII", 16 + 3, 20, 2, 1, 0) + b"abc" + b"\0"
        done = struct.pack("=IHHII", 16 + 4, 3, 2, 1, 0) + b"\0\0\0\0"
        self.assertEqual(list(backlog.parse_messages(one + done)), [(20, b"abc"), (3, b"\0\0\0\0")])


class LiveTest(unittest.TestCase):
    """Against the kernel: skipped where sock_diag is not available."""

    def test_counts_unaccepted_connections(self):
        if backlog.listeners() is None:
            self.skipTest("sock_diag unavailable")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "l.sock")
            server = socket.socket(socket.AF_UNIX)
            server.bind(path)
            server.listen(16)
            clients = []
            try:
                for _ in range(3):
                    c = socket.socket(socket.AF_UNIX)
                    c.connect(path)
                    clients.append(c)
                self.assertEqual(backlog.listeners().get(path), 3)
                server.accept()[0].close()
                self.assertEqual(backlog.listeners().get(path), 2)
            finally:
                for c in clients:
                    c.close()
                server.close()

    def test_drained_returns_quickly_for_an_idle_socket(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "idle.sock")
            with socket.socket(socket.AF_UNIX) as server:
                server.bind(path)
                server.listen(4)
                import time
                t0 = time.monotonic()
                backlog.wait_until_drained(path, timeout=5, minimum=0.0, fallback=0.0)
                self.assertLess(time.monotonic() - t0, 1.0)


class WaitUntilListeningTest(unittest.TestCase):
    PATH = "/run/pyhost/.app-4.sock"

    def sequence(self, *answers):
        answers = list(answers)
        return lambda: answers.pop(0) if len(answers) > 1 else answers[0]

    def test_waits_until_the_kernel_lists_the_listener(self):
        listening = self.sequence({}, {"/run/pyhost/.app-3.sock": 0}, {self.PATH: 2})
        self.assertTrue(backlog.wait_until_listening(self.PATH, 5, interval=0, listening=listening))

    def test_bound_but_not_listening_times_out(self):
        self.assertFalse(backlog.wait_until_listening(self.PATH, 0.05, interval=0.01, listening=lambda: {}))

    def test_stops_when_the_server_gives_up(self):
        checks = []
        gave_up = lambda: checks.append(1) or len(checks) >= 3
        self.assertFalse(backlog.wait_until_listening(self.PATH, 60, gave_up=gave_up, interval=0,
                                                      listening=lambda: {}))
        self.assertEqual(len(checks), 3)

    def test_without_sock_diag_a_connection_decides(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.sock")
            probes = []
            probe = lambda p: probes.append(p) or len(probes) >= 2
            # No file yet: no probe at all.
            self.assertFalse(backlog.wait_until_listening(path, 0, listening=lambda: None, probe=probe))
            self.assertEqual(probes, [])
            open(path, "w").close()
            self.assertTrue(backlog.wait_until_listening(path, 5, interval=0, listening=lambda: None,
                                                         probe=probe))
            self.assertEqual(probes, [path, path])

    def test_probe_refused_between_bind_and_listen(self):
        # What gunicorn --preload does after the app loaded: bind, then listen.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "g.sock")
            with socket.socket(socket.AF_UNIX) as server:
                server.bind(path)
                self.assertFalse(backlog.accepts_connections(path))
                server.listen(4)
                self.assertTrue(backlog.accepts_connections(path))

    def test_live_bind_then_listen(self):
        if backlog.listeners() is None:
            self.skipTest("sock_diag unavailable")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "g.sock")
            with socket.socket(socket.AF_UNIX) as server:
                server.bind(path)
                self.assertFalse(backlog.wait_until_listening(path, 0.05))
                server.listen(4)
                self.assertTrue(backlog.wait_until_listening(path, 1))


if __name__ == "__main__":
    unittest.main()
