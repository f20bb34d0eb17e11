import os
import queue
import tempfile
import time
import unittest

from pyhost_gateway import inbox_protocol as proto
from pyhost_gateway.apploader import _InboxWriter
from pyhost_gateway.inbox import Inbox
from pyhost_gateway.logs import RotatingLog


class ProtocolTest(unittest.TestCase):
    def test_round_trip(self):
        data = proto.encode_event("12-3", 99, proto.FAILED, "NameError: x")
        self.assertEqual(proto.decode_event(data),
                         {"server": "12-3", "pid": 99, "event": "failed", "error": "NameError: x"})

    def test_stderr_is_not_an_event(self):
        self.assertIsNone(proto.decode_event(b"Traceback (most recent call last):\n"))
        self.assertIsNone(proto.decode_event(proto.EVENT_MAGIC + b"not json"))


class InboxTest(unittest.TestCase):
    """The shim's writer and the gateway's inbox, over a real socket."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.log_path = os.path.join(self.dir.name, "x.error.log")
        self.log = RotatingLog(self.log_path, 1 << 20, 2, clock=lambda: 0.0)
        self.inbox = Inbox(os.path.join(self.dir.name, "inbox.sock"), self.log)
        self.inbox.start()

    def tearDown(self):
        self.inbox.close()
        self.log.close()
        self.dir.cleanup()

    def writer(self, server_id):
        writer = _InboxWriter(self.inbox.path, server_id)
        self.addCleanup(writer.close)
        return writer

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except FileNotFoundError:
            return 0

    def test_stderr_then_event_in_order(self):
        events = self.inbox.subscribe("s1")
        writer = self.writer("s1")
        writer.write(b"Traceback line\n")
        writer.send_event(proto.FAILED, "boom")
        event = events.get(timeout=2)
        self.assertEqual(event["error"], "boom")
        # Written before the event was handed over: the tail is complete.
        self.assertEqual(self.log.tail(), "1970-01-01 00:00:00,000: Traceback line")

    def test_events_of_other_servers_are_dropped(self):
        events = self.inbox.subscribe("mine")
        self.writer("other").send_event(proto.READY)
        with self.assertRaises(queue.Empty):
            events.get(timeout=0.2)

    def test_big_writes_are_split(self):
        writer = self.writer("s")
        data = b"z" * (proto.MAX_DATAGRAM * 2 + 10) + b"\n"
        self.assertEqual(writer.write(data), len(data))
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and self.log_size() < len(data):
            time.sleep(0.01)
        self.assertEqual(self.log_size(), len(data) + len("1970-01-01 00:00:00,000: "))


if __name__ == "__main__":
    unittest.main()
