import gzip
import os
import tempfile
import unittest

from pyhost_gateway.logs import RotatingLog, prefix_lines, rotate, rotated_name, timestamp


class RotateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "a.error.log")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, text):
        with open(self.path, "w") as f:
            f.write(text)

    def files(self):
        return sorted(os.listdir(self.dir.name))

    def read(self, name):
        full = os.path.join(self.dir.name, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(full, "rt") as f:
            return f.read()

    def test_names(self):
        self.assertEqual(rotated_name("x.log", 1), "x.log.1")
        self.assertEqual(rotated_name("x.log", 2), "x.log.2.gz")

    def test_first_then_gzipped_then_keep(self):
        for generation in range(1, 6):
            self.write(f"gen {generation}\n")
            rotate(self.path, keep=3)
        # gen 5 is newest: .1 plain, older gzipped, nothing beyond keep=3
        self.assertEqual(self.files(), ["a.error.log.1", "a.error.log.2.gz", "a.error.log.3.gz"])
        self.assertEqual(self.read("a.error.log.1"), "gen 5\n")
        self.assertEqual(self.read("a.error.log.2.gz"), "gen 4\n")
        self.assertEqual(self.read("a.error.log.3.gz"), "gen 3\n")

    def test_sequence_step_by_step(self):
        self.write("one\n")
        rotate(self.path, keep=5)
        self.assertEqual(self.files(), ["a.error.log.1"])
        self.write("two\n")
        rotate(self.path, keep=5)
        self.assertEqual(self.files(), ["a.error.log.1", "a.error.log.2.gz"])
        self.assertEqual(self.read("a.error.log.2.gz"), "one\n")

    def test_keep_one(self):
        for text in ("old\n", "new\n"):
            self.write(text)
            rotate(self.path, keep=1)
        self.assertEqual(self.files(), ["a.error.log.1"])
        self.assertEqual(self.read("a.error.log.1"), "new\n")

    def test_keep_zero_drops(self):
        self.write("x\n")
        rotate(self.path, keep=0)
        self.assertEqual(self.files(), [])

    def test_missing_file_is_fine(self):
        rotate(self.path, keep=3)
        self.assertEqual(self.files(), [])


class PrefixTest(unittest.TestCase):
    P = b"T: "

    def test_cases(self):
        cases = [
            (b"a\nb\n", True, b"T: a\nT: b\n", True),
            (b"a\nb", True, b"T: a\nT: b", False),
            (b"rest\nnext\n", False, b"rest\nT: next\n", True),
            (b"\n", True, b"T: \n", True),
            (b"", True, b"", True),
            (b"", False, b"", False),
        ]
        for data, start, want, want_start in cases:
            with self.subTest(data=data, start=start):
                self.assertEqual(prefix_lines(data, start, self.P), (want, want_start))

    def test_timestamp_format(self):
        self.assertEqual(timestamp(0.25), b"1970-01-01 00:00:00,250")


class RotatingLogTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "a.server.log")
        self.log = RotatingLog(self.path, max_bytes=100, keep=2, clock=lambda: 0.0)

    def tearDown(self):
        self.log.close()
        self.dir.cleanup()

    def test_rotates_at_size_and_keeps_n(self):
        for i in range(12):
            self.log.write(b"x" * 29 + b"\n", timestamped=False)  # 30 bytes a line
        self.log.close()
        self.assertEqual(sorted(os.listdir(self.dir.name)),
                         ["a.server.log", "a.server.log.1", "a.server.log.2.gz"])
        for name in ("a.server.log", "a.server.log.1"):
            self.assertLessEqual(os.path.getsize(os.path.join(self.dir.name, name)), 100)

    def test_a_line_bigger_than_max_still_written(self):
        self.log.write(b"y" * 500 + b"\n", timestamped=False)
        self.assertEqual(os.path.getsize(self.path), 501)

    def test_timestamped_lines(self):
        self.log.write(b"one\ntw")
        self.log.write(b"o\n")
        self.log.line("three")
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"1970-01-01 00:00:00,000: one\n"
                                       b"1970-01-01 00:00:00,000: two\n"
                                       b"1970-01-01 00:00:00,000: three\n")

    def test_recreates_a_deleted_file(self):
        self.log.write(b"before\n", timestamped=False)
        os.unlink(self.path)
        self.log._last_check = -10.0  # skip the once-a-second check interval
        self.log.write(b"after\n", timestamped=False)
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"after\n")

    def test_tail(self):
        big = RotatingLog(self.path, 1 << 20, 2)
        for i in range(50):
            big.write(f"line {i}\n".encode(), timestamped=False)
        big.close()
        self.assertEqual(self.log.tail(3), "line 47\nline 48\nline 49")

    def test_tail_of_missing_file(self):
        self.assertEqual(self.log.tail(), "")

    def test_files_are_group_writable_whatever_the_umask(self):
        # The router appends to the error log through the log folder's group.
        old = os.umask(0o022)
        try:
            for i in range(12):
                self.log.write(b"x" * 29 + b"\n", timestamped=False)  # rotates twice
        finally:
            os.umask(old)
        self.log.close()
        for name in ("a.server.log", "a.server.log.1", "a.server.log.2.gz"):
            mode = os.stat(os.path.join(self.dir.name, name)).st_mode & 0o777
            self.assertEqual(mode, 0o660, name)

    def test_an_older_0640_file_becomes_group_writable(self):
        with open(self.path, "wb"):
            pass
        os.chmod(self.path, 0o640)
        self.log.write(b"line\n")
        self.assertEqual(os.stat(self.path).st_mode & 0o777, 0o660)


if __name__ == "__main__":
    unittest.main()
