import json
import os
import re
import socket
import tempfile
import threading
import time
import unittest
from email.utils import formatdate
from unittest import mock

from pyhost_gateway.control import MAX_BODY, MAX_HEADERS, MAX_LINE, ControlServer, http_date
from pyhost_gateway.supervisor import Outcome

STATUS = {"state": "running", "server": "uwsgi", "started_at": 1.5, "reloads": 2, "last_error": None}


class FakeSupervisor:
    def __init__(self) -> None:
        self.outcomes = [Outcome(True, 12)]
        self.reloads = 0

    def status(self) -> dict:
        return dict(STATUS)

    def reload(self) -> Outcome:
        self.reloads += 1
        return self.outcomes.pop(0)


class ControlApiTest(unittest.TestCase):
    # One server for all (its shutdown takes half a second); each test gets
    # a fresh supervisor behind it.
    @classmethod
    def setUpClass(cls) -> None:
        cls.dir = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.dir.name, "control.sock")
        cls.server = ControlServer(cls.path, FakeSupervisor())
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.close()
        cls.dir.cleanup()

    def setUp(self) -> None:
        self.supervisor = FakeSupervisor()
        self.server.RequestHandlerClass.supervisor = self.supervisor

    def exchange(self, raw: bytes, shut: bool = True):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.path)
            s.sendall(raw)
            if shut:
                s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        if not data:
            return None, {}, None
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        self.assertEqual(int(headers["Content-Length"]), len(body))
        return lines[0], headers, json.loads(body)

    # ---- the contract --------------------------------------------------------

    def test_status_as_the_api_asks_for_it(self):
        line, headers, body = self.exchange(b"GET /status HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
                                            shut=False)  # the server closes after its answer
        self.assertEqual(line, "HTTP/1.0 200 OK")
        self.assertEqual(body, STATUS)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertRegex(headers["Server"], r"^pyhost-gateway Python/\d+\.\d+\.\d+")
        self.assertRegex(headers["Date"], r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$")
        self.assertEqual(list(headers), ["Server", "Date", "Content-Type", "Content-Length"])

    def test_reload_ok_and_failed(self):
        self.supervisor.outcomes = [Outcome(True, 12), Outcome(False, 5, "boom", "l1\nl2")]
        post = b"POST /reload HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\nContent-Length: 0\r\n\r\n"
        self.assertEqual(self.exchange(post)[::2], ("HTTP/1.0 200 OK", {"ok": True, "duration_ms": 12}))
        line, _, body = self.exchange(post)
        self.assertEqual(line, "HTTP/1.0 422 Unprocessable Entity")
        self.assertEqual(body, {"ok": False, "error": "boom", "log_tail": "l1\nl2"})

    def test_a_request_body_is_read_and_dropped(self):
        line, _, body = self.exchange(b"POST /reload HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", shut=False)
        self.assertEqual((line, body["ok"]), ("HTTP/1.0 200 OK", True))

    def test_wrong_endpoints_and_methods(self):
        cases = {
            b"GET /reload HTTP/1.0": (405, {"error": "use POST /reload"}),
            b"GET /nope HTTP/1.0": (404, {"error": "no such endpoint: /nope"}),
            b"GET /status?x=1 HTTP/1.0": (404, {"error": "no such endpoint: /status?x=1"}),
            b"POST /status HTTP/1.0": (405, {"error": "no POST /status"}),
            b"POST /x HTTP/1.0": (404, {"error": "no POST /x"}),
            b"PUT /status HTTP/1.0": (501, {"error": "unsupported method 'PUT'"}),
            b"GET //status HTTP/1.0": (200, STATUS),
        }
        for request_line, (status, body) in cases.items():
            with self.subTest(request_line):
                line, _, got = self.exchange(request_line + b"\r\n\r\n")
                self.assertEqual((int(line.split()[1]), got), (status, body))
        self.assertEqual(self.supervisor.reloads, 0)

    # ---- malformed requests: a 4xx with a JSON reason, never a reload -----------

    def test_malformed_requests(self):
        cases = {
            b"garbage\r\n\r\n": 400,
            b"GET /status\r\n\r\n": 400,  # HTTP/0.9 is not spoken here
            b"GET /status FTP/1.0\r\n\r\n": 400,
            b"GET /status HTTP/1.x\r\n\r\n": 400,
            b"GET /status HTTP/2.0\r\n\r\n": 505,
            b"GET /status HTTP/1.0\r\nno colon here\r\n\r\n": 400,
            b"GET /status HTTP/1.0\r\n folded: header\r\n\r\n": 400,
            b"GET /status HTTP/1.0\r\nHost : x\r\n\r\n": 400,
            b"GET /status HTTP/1.0\r\nHost: x\r\n": 400,  # ends inside the headers
            b"POST /reload HTTP/1.0\r\nContent-Length: x\r\n\r\n": 400,
            b"POST /reload HTTP/1.0\r\nContent-Length: -1\r\n\r\n": 400,
            b"POST /reload HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx": 400,
            b"POST /reload HTTP/1.0\r\nContent-Length: 10\r\n\r\nshort": 400,
            b"POST /reload HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n": 400,
            b"POST /reload HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1): 413,
            b"GET /" + b"a" * MAX_LINE + b" HTTP/1.0\r\n\r\n": 414,
            b"GET /status HTTP/1.0\r\nX: " + b"a" * MAX_LINE + b"\r\n\r\n": 431,
            b"GET /status HTTP/1.0\r\n" + b"X: y\r\n" * (MAX_HEADERS + 1) + b"\r\n": 431,
        }
        for raw, status in cases.items():
            with self.subTest(raw[:60]):
                line, headers, body = self.exchange(raw)
                self.assertEqual(int(line.split()[1]), status)
                self.assertEqual(headers["Content-Type"], "application/json")
                self.assertIsInstance(body["error"], str)
        self.assertEqual(self.supervisor.reloads, 0)

    def test_up_to_the_header_limit_is_fine(self):
        raw = b"GET /status HTTP/1.0\r\n" + b"X: y\r\n" * MAX_HEADERS + b"\r\n"
        self.assertEqual(self.exchange(raw)[2], STATUS)

    def test_a_client_that_says_nothing_gets_nothing(self):
        self.assertEqual(self.exchange(b"")[0], None)
        self.assertEqual(self.exchange(b"\r\n")[0], None)

    def test_a_failing_supervisor_answers_500_and_the_server_stays_up(self):
        def broken() -> dict:
            raise RuntimeError("no state")
        self.supervisor.status = broken
        with mock.patch("traceback.print_exc"):
            line, _, body = self.exchange(b"GET /status HTTP/1.0\r\n\r\n")
        self.assertEqual((line, body), ("HTTP/1.0 500 Internal Server Error", {"error": "RuntimeError: no state"}))
        self.supervisor.status = lambda: STATUS
        self.assertEqual(self.exchange(b"GET /status HTTP/1.0\r\n\r\n")[2], STATUS)


class HttpDateTest(unittest.TestCase):
    def test_as_http_server_wrote_it(self):
        for t in (0, 1e9, 1772000000.7, time.time()):
            self.assertEqual(http_date(t), formatdate(t, usegmt=True))


class ImportCostTest(unittest.TestCase):
    def test_the_gateway_does_not_import_heavy_modules(self):
        # Each of these costs every idle web app's gateway memory (http.server
        # alone about 4 MiB); they may come back only imported lazily.
        import subprocess
        import sys
        code = ("import sys\n"
                "before = set(sys.modules)\n"  # what this Python's site imports anyway
                "import pyhost_gateway.__main__\n"
                "print(' '.join(m for m in ('http.server', 'http.client', 'email', 'dataclasses', 'inspect',"
                " 'gzip', 'shutil', 'traceback', 'typing') if m in set(sys.modules) - before))")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
        self.assertEqual(re.sub(r"\s+", " ", out.stdout).strip(), "")


if __name__ == "__main__":
    unittest.main()
